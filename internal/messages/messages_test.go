package messages

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

const examplesDir = "../../examples/documents"

var (
	engOnce sync.Once
	eng     *match.Engine
	engSkip string
)

// realChecker is an order checker over the bundled lists.
func realChecker(tb testing.TB) *orders.Checker {
	tb.Helper()
	engOnce.Do(func() {
		cat, err := lists.Open("", lists.Options{})
		if err != nil {
			engSkip = "bundled lists do not load: " + err.Error()
			return
		}
		eng = match.New(cat.Datasets())
	})
	if eng == nil {
		tb.Skip(engSkip)
	}
	return orders.NewChecker(eng, nil)
}

// realScreener screens documents and their free text over the bundled
// lists; one scanner index is built for the whole test binary.
var (
	scrOnce sync.Once
	scr     *Screener
)

func realScreener(tb testing.TB) *Screener {
	tb.Helper()
	c := realChecker(tb)
	scrOnce.Do(func() { scr = NewScreener(c, eng) })
	return scr
}

// exampleWant is what a compliance officer expects from each example: the
// decision, rules that must fire, and list entries that must be named.
var exampleWant = map[string]struct {
	typ      string
	decision orders.Decision
	rules    []string
	entities []string
	// mentions are free-text mentions that must be found, as "kind ref"
	// (or "kind ref field" for a message's field).
	mentions []string
}{
	"mt103-listed-beneficiary.fin": {"MT103", orders.DecisionBlock,
		[]string{orders.RulePartySanctions, orders.RuleComponentKeyword, orders.RuleNoEndUse, orders.RuleTransshipment}, []string{"us_ofac_sdn:44018"}, nil},
	"mt700-stm32-makhachkala.fin": {"MT700", orders.DecisionBlock,
		[]string{orders.RuleCaspian, orders.RuleEmbargoed, orders.RuleSupp7, orders.RuleComponentKeyword}, nil, nil},
	"pacs008-listed-agent.xml": {"pacs.008.001.08", orders.DecisionBlock,
		[]string{orders.RulePartySanctions, orders.RuleEmbargoed}, []string{"us_ofac_sdn:34656"}, nil},
	"bl-listed-vessel.json": {"bill_of_lading", orders.DecisionBlock,
		[]string{orders.RuleVessel, orders.RuleCaspian, orders.RuleEmbargoed, orders.RuleSupp7}, []string{"us_ofac_sdn:37089"}, nil},
	"invoice-clean.json": {"invoice", orders.Clear, nil, nil, nil},
	// The beneficiary is clean; the remittance text names a listed
	// trading company across a line break, which only the free-text scan
	// sees.
	"mt103-remittance-listed.fin": {"MT103", orders.DecisionReview,
		[]string{RuleTextListedParty}, []string{"us_ofac_sdn:41277"}, []string{"party us_ofac_sdn:41277 :70:"}},
	"drone-procurement-news.txt": {"text", orders.DecisionReview,
		[]string{RuleTextListedParty, RuleTextListedIdentifier, RuleTextEmbargoedPlace, RuleTextControlledGoods},
		[]string{"us_ofac_sdn:45708", "us_ofac_sdn:45710", "us_ofac_sdn:45713", "us_ofac_sdn:15050", "us_ofac_sdn:16418"},
		[]string{"country RU", "country IR", "party us_ofac_sdn:45708", "party us_ofac_sdn:45710", "party us_ofac_sdn:45713",
			"party us_ofac_sdn:15050", "party us_ofac_sdn:16418", "identifier us_ofac_sdn:15050", "port IRBAZ", "port RUMCX",
			"hs_code 854231", "hs_code 852691", "component gnss"}},
}

func TestExamples(t *testing.T) {
	sc := realScreener(t)
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		if e.Name() == "README.md" {
			continue
		}
		want, ok := exampleWant[e.Name()]
		if !ok {
			t.Errorf("example %s has no expected decision in the test", e.Name())
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(examplesDir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			var res *Result
			if f := DetectFile(data, e.Name()); f == FormatText || f == FormatHTML {
				res, err = sc.ScanText(context.Background(), e.Name(), f, string(data))
			} else {
				docs, errs := Parse(data, e.Name(), "")
				if len(errs) > 0 {
					t.Fatalf("parse: %v", errs)
				}
				if len(docs) != 1 {
					t.Fatalf("got %d documents, want one", len(docs))
				}
				res, err = sc.Screen(context.Background(), docs[0])
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Document.Type != want.typ {
				t.Fatalf("type %s, want %s", res.Document.Type, want.typ)
			}
			got := map[string]bool{}
			for _, m := range res.Mentions {
				ref := m.Ref
				if m.Party != nil {
					ref = m.Party.EntityID
				}
				got[string(m.Kind)+" "+ref] = true
				got[string(m.Kind)+" "+ref+" "+m.Field] = true
				// Offsets into the file: exact for MT and text files.
				if !m.Approximate && string(data[m.Start:m.End]) != m.Text {
					t.Errorf("mention %q at %d-%d, file there %q", m.Text, m.Start, m.End, data[m.Start:m.End])
				}
			}
			for _, w := range want.mentions {
				if !got[w] {
					t.Errorf("mention %q not found; found %v", w, got)
				}
			}
			if res.Report.Decision != want.decision {
				var b strings.Builder
				res.Report.WriteText(&b)
				t.Fatalf("decision %s, want %s\n%s", res.Report.Decision, want.decision, b.String())
			}
			rules, ents := map[string]bool{}, map[string]bool{}
			for _, f := range res.Findings {
				rules[f.Rule] = true
				ents[f.Evidence.EntityID] = true
				if f.Location == nil && !strings.HasPrefix(f.Evidence.Field, "parties") && f.Evidence.Field != "order" {
					t.Errorf("finding %s on %s has no document location", f.Rule, f.Evidence.Field)
				}
			}
			for _, r := range want.rules {
				if !rules[r] {
					t.Errorf("rule %s did not fire; fired %v", r, rules)
				}
			}
			for _, id := range want.entities {
				if !ents[id] {
					t.Errorf("entry %s not among the findings", id)
				}
			}
			if want.decision == orders.Clear {
				for _, f := range res.Findings {
					if f.Severity != orders.Info {
						t.Errorf("clean example has a %s finding: %s", f.Severity, f.Reason)
					}
				}
			}
		})
	}
	if seen != len(exampleWant) {
		t.Errorf("found %d of the %d examples", seen, len(exampleWant))
	}
}

// mt103 is a well-formed MT103; the table tests below break it one way at
// a time.
const mt103 = "{1:F01ANKBTRISAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{3:{121:5f3c2a9e-7b1d-4e8a-9c41-2d6e8f0a1b37}}{4:\r\n" +
	":20:REF-1\r\n" +
	":23B:CRED\r\n" +
	":32A:261204USD1000,50\r\n" +
	":50F:/TR330006100519786457841326\r\n" +
	"1/ANATOLIA ELEKTRONIK AS\r\n" +
	"2/ATATURK CAD NO 112\r\n" +
	"3/TR/IZMIR\r\n" +
	":56A:PRMSRUMM\r\n" +
	":59F:/801552917838\r\n" +
	"1/BEIJING TRADE CO\r\n" +
	"3/CN/BEIJING\r\n" +
	":70:M/V LADY MARIIA IMO 9220641\r\n" +
	":71A:SHA\r\n" +
	"-}{5:{CHK:123456789ABC}}"

func TestMTParse(t *testing.T) {
	docs, errs := ParseMT([]byte(mt103), "m.fin")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := docs[0]
	if d.Reference != "REF-1" || d.Amount.Value != "1000.50" || d.Amount.Currency != "USD" || d.Date != "2026-12-04" {
		t.Errorf("reference/amount/date: %+v %+v", d, d.Amount)
	}
	byRole := map[string]Party{}
	for _, p := range d.Parties {
		byRole[p.Role] = p
	}
	if p := byRole[RoleOrderingCustomer]; p.Name != "ANATOLIA ELEKTRONIK AS" || p.Country != "TR" || p.CountryFrom != "structured" || p.Town != "IZMIR" {
		t.Errorf("50F: %+v", p)
	}
	if p := byRole[RoleBeneficiary]; p.Name != "BEIJING TRADE CO" || p.Country != "CN" || p.Loc.Field != ":59F:" || p.Loc.Line != 10 {
		t.Errorf("59F: %+v", p)
	}
	if p := byRole[RoleIntermediary]; p.BIC != "PRMSRUMM" || p.Country != "RU" || !p.Bank {
		t.Errorf("56A: %+v", p)
	}
	if len(d.Vessels) != 1 || d.Vessels[0].Name != "LADY MARIIA" || d.Vessels[0].IMO != "9220641" {
		t.Errorf("vessels: %+v", d.Vessels)
	}
	ft := d.FreeText[0]
	if ft.Text != mt103[ft.Loc.Start:ft.Loc.End] || ft.Text != "M/V LADY MARIIA IMO 9220641" {
		t.Errorf("free text %q does not sit at its offsets %d-%d", ft.Text, ft.Loc.Start, ft.Loc.End)
	}
}

// TestMTErrors: every malformed message gets an error naming the field
// and its line, and no document.
func TestMTErrors(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, field, msg string
		line                       int
	}{
		{"MissingMandatory", ":71A:SHA\r\n", "", ":71A:", "mandatory field", 1},
		{"BadDate", ":32A:261204", ":32A:261340", ":32A:", "want a date YYMMDD", 4},
		{"BadAmount", "USD1000,50", "USD1000.50", ":32A:", "decimal comma", 4},
		{"BadBIC", ":56A:PRMSRUMM", ":56A:PRMS-RUMM", ":56A:", "option A", 9},
		{"BadCountry59F", "3/CN/BEIJING", "3/QQ/BEIJING", ":59F:", "3/ wants a two-letter country code", 10},
		{"LongLine", ":70:M/V LADY MARIIA IMO 9220641", ":70:M/V LADY MARIIA IMO 9220641 AND A VERY LONG TAIL OF TEXT", ":70:", "at most 35", 13},
		{"NoBlock4End", "-}{5:", "{5:", "block 4", "not closed", 15},
		{"MissingBlock2", "{2:I103ZYXWHKHHXXXXN}", "", "block", "", 1},
		{"BadCharges", ":71A:SHA", ":71A:XYZ", ":71A:", "OUR, SHA or BEN", 14},
		{"Unsupported", "{2:I103", "{2:I940", "block 2", "not supported", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(mt103, tc.from, tc.to, 1)
			if bad == mt103 {
				t.Fatal("test case does not change the message")
			}
			docs, errs := ParseMT([]byte(bad), "m.fin")
			if len(docs) != 0 {
				t.Fatalf("malformed message gave a document: %+v", docs[0])
			}
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			e := errs[0]
			if !strings.HasPrefix(e.Field, tc.field) || !strings.Contains(e.Msg, tc.msg) || e.Line != tc.line {
				t.Errorf("got %v (field %q line %d), want field %s line %d and %q", e, e.Field, e.Line, tc.field, tc.line, tc.msg)
			}
			if !errors.Is(e, ErrFormat) {
				t.Error("error does not wrap ErrFormat")
			}
		})
	}
}

// TestMTBatch: a file of several messages gives one document per good
// message and the errors of the bad one, which resyncs at the next {1:.
func TestMTBatch(t *testing.T) {
	bad := strings.Replace(mt103, ":32A:261204", ":32A:269904", 1)
	data := mt103 + "\r\n$" + bad + "\r\n" + mt103
	docs, errs := ParseMT([]byte(data), "b.fin")
	if len(docs) != 2 || len(errs) != 1 {
		t.Fatalf("got %d documents and %v, want 2 and one error", len(docs), errs)
	}
	if errs[0].Line != 19 || errs[0].MsgLine != 4 {
		t.Errorf("error at file line %d, message line %d; want 19 and 4: %v", errs[0].Line, errs[0].MsgLine, errs[0])
	}
}

const mt202cov = "{1:F01ANKBTRISAXXX0000000000}{2:I202ZYXWDEFFXXXXN}{3:{119:COV}}{4:\n" +
	":20:COV-77\n:21:CP26-PAY-0311\n:32A:261204USD48750,\n:57A:ZYXWHKHHXXX\n:58A:ZYXWHKHHXXX\n" +
	":50K:/TR330006100519786457841326\nANATOLIA ELEKTRONIK AS\nIZMIR, TURKEY\n" +
	":59:/801552917838\nSHENZHEN JIASIBO TECHNOLOGY CO LTD\nSHENZHEN, CN\n:70:/INV/JSB-2026-0311\n-}"

func TestMT202COV(t *testing.T) {
	docs, errs := ParseMT([]byte(mt202cov), "c.fin")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := docs[0]
	if d.Type != "MT202COV" {
		t.Fatalf("type %s", d.Type)
	}
	var ben *Party
	for i := range d.Parties {
		if d.Parties[i].Role == RoleBeneficiary {
			ben = &d.Parties[i]
		}
	}
	if ben == nil || ben.Country != "CN" || ben.Loc.Field != "sequence B :59:" {
		t.Fatalf("underlying beneficiary: %+v", ben)
	}
	// Without sequence B's 59, the cover is malformed.
	bad := strings.Replace(mt202cov, ":59:/801552917838\nSHENZHEN JIASIBO TECHNOLOGY CO LTD\nSHENZHEN, CN\n", "", 1)
	if _, errs := ParseMT([]byte(bad), "c.fin"); len(errs) == 0 || !strings.Contains(errs[0].Error(), "sequence B") {
		t.Errorf("missing 59 in sequence B: %v", errs)
	}
}

func TestISOErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(examplesDir, "pacs008-listed-agent.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, field, msg string
		line                       int
	}{
		{"BadNamespace", "pacs.008.001.08", "camt.053.001.08", "Document", "not a supported", 2},
		{"BadBIC", "<BICFI>PRMSRUMMXXX</BICFI>", "<BICFI>PRMS RUMM</BICFI>", "Document/FIToFICstmrCdtTrf/CdtTrfTxInf/IntrmyAgt1/FinInstnId/BICFI", "not a BIC", 33},
		{"NoCreditor", "Cdtr>", "Cdtx>", "Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Cdtr", "mandatory", 22},
		{"BadXML", "</Dbtr>", "</Dbtrx>", "Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Dbtr", "closed by", 45},
		{"BadCountry", "<Ctry>AM</Ctry>", "<Ctry>Armenia</Ctry>", "Document/FIToFICstmrCdtTrf/CdtTrfTxInf/Dbtr/PstlAdr/Ctry", "two-letter", 43},
		{"Doctype", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>", "", "DOCTYPE", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.ReplaceAll(string(good), tc.from, tc.to)
			docs, errs := ParseISO20022([]byte(bad), "p.xml")
			if len(docs) != 0 || len(errs) == 0 {
				t.Fatalf("got %d documents, errors %v", len(docs), errs)
			}
			e := errs[0]
			if !strings.HasPrefix(e.Field, tc.field) || !strings.Contains(e.Msg, tc.msg) || e.Line != tc.line {
				t.Errorf("got %v (field %q line %d), want field %s line %d and %q", e, e.Field, e.Line, tc.field, tc.line, tc.msg)
			}
		})
	}
}

func TestTradeErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(examplesDir, "bl-listed-vessel.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, field, msg string
		line, col                  int
	}{
		{"UnknownField", `"voyage": "026N"`, `"voyag": "026N"`, "vessel.voyag", "unknown field", 24, 55},
		{"BadIMO", `"imo": "9220641"`, `"imo": "9220642"`, "vessel.imo", "check digit", 24, 44},
		{"BadHS", `"hs_code": "8482.10"`, `"hs_code": "84AB.10"`, "containers[0].lines[0].hs_code", "malformed commodity code", 34, 76},
		{"MissingShipper", `"shipper"`, `"shipperx"`, "shipper", "required", 1, 1},
		{"WrongType", `"quantity": 12000`, `"quantity": "12000"`, "containers[0].lines[0].quantity", "want a number", 34, 99},
		{"Syntax", `"prepaid",`, `"prepaid"`, "", "syntax", 40, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			docs, errs := ParseTrade([]byte(bad), "b.json", "")
			if len(docs) != 0 || len(errs) == 0 {
				t.Fatalf("got %d documents, errors %v", len(docs), errs)
			}
			var hit *Error
			for _, e := range errs {
				if e.Field == tc.field && strings.Contains(e.Msg, tc.msg) {
					hit = e
				}
			}
			if hit == nil || hit.Line != tc.line || hit.Column != tc.col {
				t.Errorf("got %v (line %d col %d), want field %q at %d:%d with %q", errs, func() int {
					if hit != nil {
						return hit.Line
					}
					return 0
				}(), func() int {
					if hit != nil {
						return hit.Column
					}
					return 0
				}(), tc.field, tc.line, tc.col, tc.msg)
			}
		})
	}
}

// TestBOM: a file saved with a byte order mark parses, with offsets
// counted from the start of the file.
func TestBOM(t *testing.T) {
	for _, name := range []string{"mt103-listed-beneficiary.fin", "pacs008-listed-agent.xml", "invoice-clean.json"} {
		data, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil {
			t.Fatal(err)
		}
		bom := append([]byte("\xef\xbb\xbf"), data...)
		docs, errs := Parse(bom, name, "")
		if len(errs) > 0 || len(docs) != 1 {
			t.Errorf("%s with a BOM: %v", name, errs)
			continue
		}
		if ft := docs[0].FreeText[0]; docs[0].Format == FormatMT && string(bom[ft.Loc.Start:ft.Loc.End]) != ft.Text {
			t.Errorf("%s: free text not at its offsets", name)
		}
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]string{
		"\r\n{1:F01": FormatMT, "<?xml": FormatISO20022, `{"document": "bill_of_lading"}`: FormatBL, `{"document": "invoice"}`: FormatInvoice, "hello": "",
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %q, want %q", in, got, want)
		}
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parties(d *Document) map[string][]Party {
	m := map[string][]Party{}
	for _, p := range d.Parties {
		m[p.Role] = append(m[p.Role], p)
	}
	return m
}

// TestPacs009Cov: the cover's underlying customer transfer gives the real
// payer and payee; the envelope's AppHdr is passed over.
func TestPacs009Cov(t *testing.T) {
	docs, errs := ParseISO20022(readTestdata(t, "pacs009-cov.xml"), "cov.xml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := docs[0]
	if d.Type != "pacs.009.001.08" || d.Reference != "CP26-PAY-0311" || d.Amount.Value != "48750.00" {
		t.Fatalf("document %s %s %+v", d.Type, d.Reference, d.Amount)
	}
	ps := parties(d)
	if b := ps[RoleBeneficiary]; len(b) != 1 || b[0].Name != "Shenzhen Jiasibo Technology Co., Ltd." || b[0].Country != "CN" || b[0].Town != "Shenzhen" {
		t.Errorf("underlying creditor: %+v", b)
	}
	if b := ps["creditor_institution"]; len(b) != 1 || b[0].BIC != "ZYXWHKHHXXX" || b[0].Country != "HK" {
		t.Errorf("creditor institution: %+v", b)
	}
	if len(d.Goods) != 1 || d.Goods[0].HSCode != "8542.31" {
		t.Errorf("goods from the remittance: %+v", d.Goods)
	}
	ft := d.FreeText[0]
	data := readTestdata(t, "pacs009-cov.xml")
	if string(data[ft.Loc.Start:ft.Loc.End]) != ft.Text {
		t.Errorf("remittance %q is not at offsets %d-%d: %q", ft.Text, ft.Loc.Start, ft.Loc.End, data[ft.Loc.Start:ft.Loc.End])
	}
	o, _ := d.Order()
	if o.Kind != orders.KindPayment {
		t.Errorf("order kind %q", o.Kind)
	}
}

// TestPain001: one document per transaction, each with the payment
// information's debtor and agent.
func TestPain001(t *testing.T) {
	docs, errs := ParseISO20022(readTestdata(t, "pain001.xml"), "p.xml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	for i, want := range []struct{ ref, cdtr, country, agentCountry string }{
		{"RW-SUP-0093", "Fonderia Lombarda S.p.A.", "IT", "IT"},
		{"RW-SUP-0094", "Kaspiy Tekhno Servis LLC", "RU", "RU"},
	} {
		d := docs[i]
		ps := parties(d)
		if d.Reference != want.ref || d.Date != "2026-12-02" {
			t.Errorf("doc %d: %s %s", i, d.Reference, d.Date)
		}
		if c := ps[RoleBeneficiary]; len(c) != 1 || c[0].Name != want.cdtr || c[0].Country != want.country {
			t.Errorf("doc %d creditor %+v", i, c)
		}
		if a := ps[RoleCreditorAgent]; len(a) != 1 || a[0].Country != want.agentCountry {
			t.Errorf("doc %d creditor agent %+v", i, a)
		}
		if db := ps[RoleOrderingCustomer]; len(db) != 1 || db[0].Country != "DE" || len(db[0].Identifiers) != 1 || db[0].Identifiers[0].Type != "LEI" {
			t.Errorf("doc %d debtor %+v", i, db)
		}
		if len(ps[RoleInitiatingParty]) != 1 || len(ps[RoleDebtorAgent]) != 1 {
			t.Errorf("doc %d initiating party or debtor agent missing: %+v", i, d.Parties)
		}
	}
	if docs[0].FreeText[0].Name != "remittance information (structured) Nb" {
		t.Errorf("structured remittance: %+v", docs[0].FreeText)
	}
}

// TestMT710: the advice of a third bank's credit names the issuing bank
// in 52a; the places give the route; and the screening blocks the Caspian
// discharge at Astrakhan.
func TestMT710(t *testing.T) {
	data := readTestdata(t, "mt710.fin")
	docs, errs := ParseMT(data, "mt710.fin")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := docs[0]
	ps := parties(d)
	if ib := ps[RoleIssuingBank]; len(ib) != 1 || ib[0].BIC != "ZYXWTRISXXX" || ib[0].Loc.Field != ":52A:" {
		t.Errorf("issuing bank: %+v", ib)
	}
	if aw := ps[RoleAvailableWith]; len(aw) != 1 || aw[0].BIC != "ZYXWKZKAXXX" {
		t.Errorf("available with: %+v", aw)
	}
	if ap := ps[RoleApplicant]; len(ap) != 1 || ap[0].Country != "RU" {
		t.Errorf("applicant: %+v", ap)
	}
	o, fields := d.Order()
	if o.Route.PortOfLoading != "AKTAU" || o.Route.PortOfDischarge != "ASTRAKHAN" || o.Route.DestinationCountry != "RU" {
		t.Errorf("route %+v", o.Route)
	}
	if fields["route.destination_country"].Field != ":44B:" || fields["lines[0]"].Field != ":45A:" {
		t.Errorf("field map %+v", fields)
	}
	anyBank := strings.Replace(string(data), ":41A:ZYXWKZKAXXX\nBY PAYMENT\n", ":41D:ANY BANK IN\nKAZAKHSTAN\nBY NEGOTIATION\n", 1)
	docs, errs = ParseMT([]byte(anyBank), "mt710.fin")
	if len(errs) > 0 || len(parties(docs[0])[RoleAvailableWith]) != 0 {
		t.Errorf("41D ANY BANK IN KAZAKHSTAN taken for a bank: %v %+v", errs, docs)
	}
	for _, tc := range []struct{ drop, field string }{{":52A:ZYXWTRISXXX\n", ":52A:, :52D:, :50B:"}, {":49:WITHOUT\n", ":49:"}, {":21:ILC-26-00417\n", ":21:"}} {
		bad := strings.Replace(string(data), tc.drop, "", 1)
		_, errs := ParseMT([]byte(bad), "mt710.fin")
		if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, "mandatory") {
			t.Errorf("without %q: %v", tc.drop, errs)
		}
	}
}

func TestInvoiceErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(examplesDir, "invoice-clean.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to, field, msg string }{
		{"Incoterm", `"DAP Modena"`, `"DAQ Modena"`, "incoterms", "unknown Incoterm"},
		{"Country", `"country": "IT"`, `"country": "Italia Nord"`, "buyer.country", "unknown country"},
		{"Negative", `"quantity": 24`, `"quantity": -24`, "lines[0].quantity", "non-negative"},
		{"NoLines", `"lines": [`, `"lines": [], "x": [`, "x", "unknown field"},
		{"Kind", `"document": "invoice"`, `"document": "packing_list"`, "document", "unknown document"},
		{"Trailing", "\n}\n", "\n}\n{}", "", "data after"},
		{"Date", `"date": "2026-11-30"`, `"date": "30.11.2026"`, "date", "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			if bad == string(good) {
				t.Fatal("case does not change the invoice")
			}
			docs, errs := ParseTrade([]byte(bad), "i.json", FormatInvoice)
			if len(docs) != 0 || len(errs) == 0 {
				t.Fatalf("got %d documents, %v", len(docs), errs)
			}
			for _, e := range errs {
				if e.Field == tc.field && strings.Contains(e.Msg, tc.msg) && e.Line > 0 {
					return
				}
			}
			t.Errorf("no error on %q with %q: %v", tc.field, tc.msg, errs)
		})
	}
}

// TestScreenPain001: of two supplier payments, the one to an Italian
// foundry through an Italian bank is clear, the one to a Makhachkala firm
// through a Russian bank is blocked.
func TestScreenPain001(t *testing.T) {
	c := realChecker(t)
	docs, errs := ParseISO20022(readTestdata(t, "pain001.xml"), "p.xml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i, want := range []orders.Decision{orders.Clear, orders.DecisionBlock} {
		res, err := Screen(context.Background(), c, docs[i])
		if err != nil {
			t.Fatal(err)
		}
		if res.Report.Decision != want {
			var b strings.Builder
			res.Report.WriteText(&b)
			t.Errorf("%s: %s, want %s\n%s", docs[i].Reference, res.Report.Decision, want, b.String())
		}
		if want == orders.Clear && len(res.Findings) != 0 {
			t.Errorf("clean payment has findings: %+v", res.Findings)
		}
	}
}

func TestMTNames(t *testing.T) {
	for _, tc := range []struct{ field, name, country string }{
		{":59:/801552917838\r\nSHENZHEN JIASIBO TECHNOLOGY CO\r\nLTD\r\nNO 57 BUSHA ROAD\r\nSHENZHEN, CN\r\n", "SHENZHEN JIASIBO TECHNOLOGY CO LTD", "CN"},
		{":59:/801552917838\r\nLIGHT AIRPLANES DESIGN AND MANUFACT\r\nURING INDUSTRIES\r\nKM 5 KARAJ SPECIAL ROAD\r\nTEHRAN, IRAN\r\n", "LIGHT AIRPLANES DESIGN AND MANUFACTURING INDUSTRIES", "IR"},
		{":59:/801552917838\r\nBEIJING TRADE CO\r\nNO 1 CHANGAN AVE\r\nBEIJING, CHINA\r\n", "BEIJING TRADE CO", "CN"},
	} {
		msg := strings.Replace(mt103, ":59F:/801552917838\r\n1/BEIJING TRADE CO\r\n3/CN/BEIJING\r\n", tc.field, 1)
		docs, errs := ParseMT([]byte(msg), "n.fin")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		p := parties(docs[0])[RoleBeneficiary][0]
		if p.Name != tc.name || p.Country != tc.country {
			t.Errorf("name %q country %s, want %q %s", p.Name, p.Country, tc.name, tc.country)
		}
	}
}

// TestMTWrappedListedName: a listed name cut at the 35-character width
// inside a word is still found.
func TestMTWrappedListedName(t *testing.T) {
	c := realChecker(t)
	msg := strings.Replace(mt103, ":59F:/801552917838\r\n1/BEIJING TRADE CO\r\n3/CN/BEIJING\r\n",
		":59:/801552917838\r\nLIGHT AIRPLANES DESIGN AND MANUFACT\r\nURING INDUSTRIES\r\nKM 5 KARAJ SPECIAL ROAD\r\nTEHRAN, IRAN\r\n", 1)
	docs, errs := ParseMT([]byte(msg), "w.fin")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res, err := Screen(context.Background(), c, docs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == orders.RulePartySanctions && f.Evidence.EntityID == "us_ofac_sdn:16418" && f.Location.Field == ":59:" {
			return
		}
	}
	t.Errorf("QAI under its alias, wrapped in :59:, not found: %+v", res.Findings)
}

func TestMTRepeatsAndCharset(t *testing.T) {
	twice := strings.Replace(mt103, ":70:", ":59:/1\r\nSECOND BENEFICIARY\r\n:70:", 1)
	if _, errs := ParseMT([]byte(twice), "r.fin"); len(errs) != 1 || errs[0].Field != ":59:" || errs[0].Line != 13 || !strings.Contains(errs[0].Msg, "repeats :59F: of line 10") {
		t.Errorf("second beneficiary: %v", errs)
	}
	utf := strings.Replace(mt103, "1/BEIJING TRADE CO", "1/ПЕКИН ТРЕЙД", 1)
	if _, errs := ParseMT([]byte(utf), "u.fin"); len(errs) != 1 || errs[0].Field != ":59F:" || !strings.Contains(errs[0].Msg, "SWIFT character set") {
		t.Errorf("Cyrillic in block 4: %v", errs)
	}
}

// TestSecondVessel: the route holds one vessel; one named with its IMO
// number wins, and the other is reported as not screened.
func TestSecondVessel(t *testing.T) {
	c := realChecker(t)
	msg := strings.Replace(mt103, ":70:M/V LADY MARIIA IMO 9220641\r\n", ":70:M/V KAVE DIAMOND, M/V LADY MARIIA\r\nIMO 9220641\r\n", 1)
	docs, errs := ParseMT([]byte(msg), "v.fin")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res, err := Screen(context.Background(), c, docs[0])
	if err != nil {
		t.Fatal(err)
	}
	if res.Order.Route.VesselIMO != "9220641" || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "KAVE DIAMOND") {
		t.Errorf("route vessel %q %q, notes %q", res.Order.Route.VesselName, res.Order.Route.VesselIMO, res.Notes)
	}
}

// TestFreeTextOffsets: a mention in a JSON string without escapes is at
// its exact bytes in the file; in a string with escapes it is marked
// approximate, spans the field, and its field offsets are exact in the
// decoded text.
func TestFreeTextOffsets(t *testing.T) {
	sc := realScreener(t)
	data, err := os.ReadFile(filepath.Join(examplesDir, "bl-listed-vessel.json"))
	if err != nil {
		t.Fatal(err)
	}
	escaped := []byte(strings.Replace(string(data), `"Shipped on board LADY MARIIA`, `"Shipped \u0026 on board LADY MARIIA`, 1))
	for _, tc := range []struct {
		data   []byte
		approx bool
	}{{data, false}, {escaped, true}} {
		docs, errs := Parse(tc.data, "bl.json", "")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		res, err := sc.Screen(context.Background(), docs[0])
		if err != nil {
			t.Fatal(err)
		}
		var m *Mention
		for i := range res.Mentions {
			if res.Mentions[i].Field == "remarks" && res.Mentions[i].Kind == "party" {
				m = &res.Mentions[i]
			}
		}
		if m == nil {
			t.Fatalf("LADY MARIIA in remarks not found: %+v", res.Mentions)
		}
		var text string
		for _, ft := range docs[0].FreeText {
			if ft.Loc.Field == "remarks" {
				text = ft.Text
			}
		}
		if m.Approximate != tc.approx || text[m.FieldStart:m.FieldEnd] != "LADY MARIIA" || m.Line != 40 {
			t.Errorf("approximate %v (want %v), field text %q, line %d", m.Approximate, tc.approx, text[m.FieldStart:m.FieldEnd], m.Line)
		}
		if got := string(tc.data[m.Start:m.End]); tc.approx != (got != "LADY MARIIA") {
			t.Errorf("file[%d:%d] = %q", m.Start, m.End, got)
		}
	}
}

// TestTextGrading: a listed party named in text asks for review, a
// Caspian port in a free-standing text is info, a port elsewhere is a
// mention without a finding, and a transshipment country (asked for) is
// info under its own rule.
func TestTextGrading(t *testing.T) {
	base := realScreener(t)
	sc := *base
	sc.Options.Transshipment = true
	res, err := sc.ScanText(context.Background(), "t.txt", FormatText,
		"The cargo left Rotterdam for Makhachkala via Turkey; Qods Aviation Industries paid for it.")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]orders.Severity{}
	for _, f := range res.Findings {
		got[f.Rule+" "+f.Evidence.Value] = f.Severity
		if f.Location == nil || f.Location.Field != "text" || f.Source == "" || !strings.HasPrefix(f.SourceURL, "https://") {
			t.Errorf("finding %s lacks location or source: %+v", f.Rule, f)
		}
	}
	want := map[string]orders.Severity{
		RuleTextListedParty + " Qods Aviation Industries": orders.Review,
		RuleTextEmbargoedPlace + " Makhachkala":           orders.Info,
		RuleTextTransshipment + " Turkey":                 orders.Info,
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for k, sev := range want {
		if got[k] != sev {
			t.Errorf("%s: severity %q, want %q (all: %v)", k, got[k], sev, got)
		}
	}
	if res.Report.Decision != orders.DecisionReview || res.Report.RiskScore < 40 || res.Report.RiskScore > 69 {
		t.Errorf("decision %s risk %d, want review in 40-69", res.Report.Decision, res.Report.RiskScore)
	}
	var rotterdam bool
	for _, m := range res.Mentions {
		if m.Text == "Rotterdam" {
			rotterdam = m.Severity == ""
		}
	}
	if !rotterdam {
		t.Errorf("Rotterdam not a mention without finding: %+v", res.Mentions)
	}
	res, err = base.ScanText(context.Background(), "t.txt", FormatText, "The cargo left Rotterdam for Genoa.")
	if err != nil || res.Report.Decision != orders.Clear || len(res.Findings) != 0 {
		t.Errorf("ordinary ports: %v decision %s findings %+v", err, res.Report.Decision, res.Findings)
	}
}

// TestDetectFile: a SWIFT message is one whatever its name; the name
// decides text and HTML; markup is HTML only when it says so.
func TestDetectFile(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"export.txt", "{1:F01ANKBTRISAXXX0000000000}{2:I103", FormatMT},
		{"notes.txt", "<Document xmlns=\"urn:iso\">", FormatText},
		{"page.htm", "plain words", FormatHTML},
		{"page", "<!DOCTYPE html><p>x</p>", FormatHTML},
		{"pacs.xml", "<?xml version=\"1.0\"?><Document>", FormatISO20022},
		{"bl.json", `{"bill_of_lading": {}}`, FormatBL},
		{"memo", "Paid via Bandar Anzali", FormatText},
		{"memo.txt", `{"not": "json to us"}`, FormatText},
	} {
		if got := DetectFile([]byte(tc.data), tc.name); got != tc.want {
			t.Errorf("DetectFile(%q, %q) = %q, want %q", tc.data, tc.name, got, tc.want)
		}
	}
}
