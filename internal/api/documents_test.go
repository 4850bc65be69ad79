package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// listedName returns a name of the fake engine's list with three words or
// more, written as a person's name in text.
func listedName(t *testing.T, f *fakeScreener) string {
	t.Helper()
	for _, e := range f.ds.Entities {
		if w := strings.Fields(e.Name); len(w) >= 3 && !strings.ContainsAny(e.Name, ",.'-()") {
			for i := range w {
				w[i] = w[i][:1] + strings.ToLower(w[i][1:])
			}
			return strings.Join(w, " ")
		}
	}
	t.Skip("no three-word name in the fake list")
	return ""
}

func TestScanDocument(t *testing.T) {
	s, fake := testServer(t, Deps{MaxBodyBytes: 2048})
	name := listedName(t, fake)
	text := "The envoy met " + name + " in Geneva, a reporter said. Shipments went via Bandar Anzali."
	code, body, res := do(s, "POST", "/v1/documents/scan", "text/plain; charset=utf-8", text)
	if code != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %q: %s", code, res.Header.Get("Content-Type"), body)
	}
	var out DocumentScanResponse
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range out.Mentions {
		if text[m.Start:m.End] != m.Text {
			t.Errorf("mention %q at %d-%d, body there %q", m.Text, m.Start, m.End, text[m.Start:m.End])
		}
		got = append(got, string(m.Kind)+" "+m.Text)
	}
	want := []string{"party " + name, "port Bandar Anzali"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("mentions %q, want %q", got, want)
	}
	if out.Format != "text" || out.Bytes != len(text) || !strings.Contains(string(out.Lists), "un_sc") {
		t.Errorf("format %q bytes %d lists %s", out.Format, out.Bytes, out.Lists)
	}

	html := "<html><body><p>Paid to <b>" + name + "</b> &amp; co.</p></body></html>"
	code, body, _ = do(s, "POST", "/v1/documents/scan", "text/html", html)
	if code != 200 {
		t.Fatalf("html: %d %s", code, body)
	}
	out = DocumentScanResponse{}
	json.Unmarshal(body, &out)
	if len(out.Mentions) != 1 || out.Mentions[0].Text != name || html[out.Mentions[0].Start:out.Mentions[0].End] != name {
		t.Errorf("html mentions %+v, want %q at its offsets", out.Mentions, name)
	}
}

// TestScanDocumentHostile sends what a careless or hostile client might:
// each answer is a 4xx naming the problem, never a 500 or a partial
// result.
func TestScanDocumentHostile(t *testing.T) {
	s := docServer(t, 1024)
	for _, tc := range []struct {
		name, ct, query, body string
		code                  int
		errCode               string
	}{
		{"pdf", "application/pdf", "", "%PDF-1.7", 415, "unsupported_media_type"},
		{"json not an invoice", "application/json", "", `{"text":"x"}`, 400, "malformed_document"},
		{"json truncated", "application/json", "?format=bl", `{"bill_of_lading": {"number": "B`, 400, "malformed_document"},
		{"xml not iso 20022", "application/xml", "", `<a><b>x</b></a>`, 400, "malformed_document"},
		{"xml unclosed", "application/xml", "", `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>`, 400, "malformed_document"},
		{"mt broken block", "text/plain", "", "{1:F01ANKBTRISAXXX0000000000}{2:I103", 400, "malformed_document"},
		{"format for another type", "application/json", "?format=mt", "{}", 400, "invalid_parameter"},
		{"unknown format", "text/plain", "?format=pdf", "x", 400, "invalid_parameter"},
		{"prose in braces", "text/plain", "", "{ not a message } Paid via Bandar Anzali", 200, ""},
		{"no content type", "", "", "text", 415, "unsupported_media_type"},
		{"latin-1", "text/plain; charset=iso-8859-1", "", "caf\xe9", 415, "unsupported_media_type"},
		{"invalid utf-8", "text/plain", "", "Alabuga \xff\xfe Machinery", 400, "invalid_utf8"},
		{"empty", "text/plain", "", " \n\t", 400, "empty_document"},
		{"too large", "text/plain", "", strings.Repeat("Alabuga ", 200), 413, "body_too_large"},
		{"bad threshold", "text/plain", "?threshold=2", "text", 400, "invalid_parameter"},
		{"bad min_score", "text/plain", "?min_score=abc", "text", 400, "invalid_parameter"},
		{"bad transshipment", "text/plain", "?transshipment=yes", "text", 400, "invalid_parameter"},
		{"unclosed markup", "text/html", "", "<p><script>alert(1)<!-- <b>&#xFFFFFFFF; &bogus;", 200, ""},
		{"nested markup", "text/html", "", strings.Repeat("<div>", 150), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, res := do(s, "POST", "/v1/documents/scan"+tc.query, tc.ct, tc.body)
			checkNever500(t, code, body, res)
			if code != tc.code {
				t.Fatalf("status %d, want %d: %s", code, tc.code, body)
			}
			if tc.errCode != "" && !strings.Contains(string(body), fmt.Sprintf("%q", tc.errCode)) {
				t.Errorf("body %s, want error code %s", body, tc.errCode)
			}
		})
	}
	big, _ := testServer(t, Deps{MaxBodyBytes: 1 << 20})
	code, body, _ := do(big, "POST", "/v1/documents/scan", "text/plain", strings.Repeat("Makhachkala ", maxMentions+1))
	if code != 422 || !strings.Contains(string(body), `"too_many_mentions"`) {
		t.Errorf("%d mentions: %d %.200s, want 422 too_many_mentions", maxMentions+1, code, body)
	}
	if code, body, _ := do(s, "GET", "/v1/documents/scan", "", ""); code != 405 {
		t.Errorf("GET: %d %s, want 405", code, body)
	}
	empty := newServer(Deps{Engine: NewEngine(nil)})
	if code, body, _ := do(empty, "POST", "/v1/documents/scan", "text/plain", "x"); code != 503 {
		t.Errorf("before the lists load: %d %s, want 503", code, body)
	}
}

func FuzzScanDocumentHandler(f *testing.F) {
	s := docServer(f, 4096)
	f.Add("text/plain", "", []byte("Paid to Bandar Anzali, IMO 9187629, HS 8542.31"))
	f.Add("text/html; charset=utf-8", "?min_score=0.5", []byte("<p>x &amp; <b>y</b></p><script>z"))
	f.Add("text/plain", "?transshipment=true", []byte("\xff"))
	f.Add("text/plain", "", []byte(":20:X\r\n{1:F01ANKBTRISAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{4:\r\n:20:R\r\n:70:PAID TO QODS AVIATION INDUSTRIES\r\n-}"))
	f.Add("application/xml", "", []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><RmtInf><Ustrd>A &amp; B</Ustrd></RmtInf></FIToFICstmrCdtTrf></Document>`))
	f.Add("application/json", "?format=bl", []byte(`{"bill_of_lading":{"number":"B1","vessel":{"name":"LADY MARIIA","imo":"9220641"}}}`))
	f.Add("application/json", "", []byte(`{"invoice":{"number":"1","lines":[{"description":"GNSS \u0026 servo"}]}}`))
	f.Fuzz(func(t *testing.T, ct, query string, body []byte) {
		if _, err := url.ParseRequestURI("/v1/documents/scan?" + query); err != nil || strings.ContainsAny(query, " #") {
			t.Skip() // not a request a client can send
		}
		code, out, res := do(s, "POST", "/v1/documents/scan?"+strings.TrimPrefix(query, "?"), ct, string(body))
		checkNever500(t, code, out, res)
		if code != 200 {
			return
		}
		var r DocumentScanResponse
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Mentions {
			if m.Start < 0 || m.End > len(body) || m.Start > m.End || !m.Approximate && string(body[m.Start:m.End]) != m.Text {
				t.Fatalf("mention %+v does not point into the body", m)
			}
		}
		if r.Decision == "" || (r.Format == "text" || r.Format == "html") != (r.Documents == nil) {
			t.Fatalf("format %s: decision %q, %d documents", r.Format, r.Decision, len(r.Documents))
		}
	})
}

// docServer is a test server that checks orders, so that structured
// documents are screened.
func docServer(tb testing.TB, maxBody int64) *server {
	tb.Helper()
	s, _ := testServer(tb, Deps{MaxBodyBytes: maxBody})
	s.orders = NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) })
	return s
}

// TestScanDocumentMessages posts structured messages: an MT103 whose
// beneficiary is clean and whose remittance text (70) names a listed
// party gets a text.listed_party finding at the field and offsets of the
// name in the body; the example messages get their decisions; a
// malformed MT names its field and line.
func TestScanDocumentMessages(t *testing.T) {
	s := docServer(t, 1<<20)
	_, fake := testServer(t, Deps{})
	name := strings.ToUpper(listedName(t, fake))
	mt := "{1:F01ANKBTRISAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{3:{121:5f3c2a9e-7b1d-4e8a-9c41-2d6e8f0a1b37}}{4:\r\n" +
		":20:REF-1\r\n:23B:CRED\r\n:32A:261204USD1000,50\r\n" +
		":50K:/TR330006100519786457841326\r\nANATOLIA ELEKTRONIK AS\r\nIZMIR, TURKEY\r\n" +
		":59:/801552917838\r\nKOWLOON BAYVIEW FREIGHT LIMITED\r\nHONG KONG, HK\r\n" +
		":70:/INV/77 FOR\r\n" + name + "\r\n" +
		":71A:SHA\r\n-}"
	code, body, _ := do(s, "POST", "/v1/documents/scan", "text/plain", mt)
	if code != 200 {
		t.Fatalf("MT103: %d %s", code, body)
	}
	var out DocumentScanResponse
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.Format != "mt" || len(out.Documents) != 1 || out.Decision == orders.Clear || out.Decision == "" {
		t.Fatalf("format %q, %d documents, decision %q: %s", out.Format, len(out.Documents), out.Decision, body)
	}
	var found bool
	for _, m := range out.Mentions {
		if m.Kind == scan.Party && m.Field == ":70:" {
			found = true
			if mt[m.Start:m.End] != m.Text || m.Text != name || m.Line != 12 {
				t.Errorf("mention %q at %d-%d line %d; body there %q", m.Text, m.Start, m.End, m.Line, mt[m.Start:m.End])
			}
		}
	}
	var rule bool
	for _, f := range out.Documents[0].Findings {
		if f.Rule == messages.RuleTextListedParty && f.Severity == orders.Review && f.Location != nil && f.Location.Field == ":70:" {
			rule = true
		}
	}
	if !found || !rule {
		t.Errorf("listed name in :70: not reported (mention %v, finding %v): %s", found, rule, body)
	}

	for file, want := range map[string]struct {
		ct, format string
	}{
		"pacs008-listed-agent.xml": {"application/xml", "iso20022"},
		"bl-listed-vessel.json":    {"application/json", "bl"},
		"invoice-clean.json":       {"application/json; charset=utf-8", "invoice"},
	} {
		data, err := os.ReadFile(filepath.Join("../../examples/documents", file))
		if err != nil {
			t.Fatal(err)
		}
		code, body, _ := do(s, "POST", "/v1/documents/scan", want.ct, string(data))
		out := DocumentScanResponse{}
		if code != 200 || json.Unmarshal(body, &out) != nil || out.Format != want.format || len(out.Documents) != 1 || out.Decision == "" {
			t.Errorf("%s: %d format %q: %.300s", file, code, out.Format, body)
		}
	}

	bad := strings.Replace(mt, ":32A:261204", ":32A:261304", 1)
	code, body, _ = do(s, "POST", "/v1/documents/scan", "text/plain", bad)
	var e errorBody
	json.Unmarshal(body, &e)
	if code != 400 || e.Error.Code != "malformed_document" || e.Error.Field != ":32A:" || !strings.Contains(e.Error.Message, "body:4: field :32A: (line 4 of the message)") {
		t.Errorf("malformed MT: %d %s", code, body)
	}
}
