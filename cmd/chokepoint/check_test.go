package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/config"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

// checkExamples are the examples with the decision a compliance officer
// expects, and a rule each must show.
var checkExamples = []struct {
	file     string
	decision orders.Decision
	rule     string
}{
	{"clean-bearings-germany.json", orders.Clear, ""},
	{"stm32-armenia-uae-payer.json", orders.DecisionReview, orders.RuleCHPLTransshipment},
	{"gnss-kazakhstan-astrakhan.json", orders.DecisionBlock, orders.RuleCaspian},
	{"amirabad-makhachkala.json", orders.DecisionBlock, orders.RuleSupp7},
	{"listed-party-mehrabi.json", orders.DecisionBlock, orders.RulePartySanctions},
}

// realEngine loads the bundled lists, skipping when the engine cannot yet
// find the seed entity.
func realEngine(t *testing.T) *match.Engine {
	t.Helper()
	realOnce.Do(func() {
		dir, err := os.MkdirTemp("", "chokepoint-check-test")
		if err != nil {
			realSkip = err.Error()
			return
		}
		defer os.RemoveAll(dir)
		cfg := config.New()
		cfg.DataDir = dir
		var logs bytes.Buffer
		e := &env{cfg: cfg, stdout: &bytes.Buffer{}, stderr: &logs, log: newLogger(cfg, &logs)}
		eng, err := loadEngine(context.Background(), e)
		if err != nil {
			realSkip = fmt.Sprintf("the lists do not load yet: %v", err)
			return
		}
		ms, err := eng.Screen(match.Query{Name: "Abdollah Mehrabi"}, match.Options{})
		if err != nil || len(ms) == 0 || !ms[0].Match {
			realSkip = fmt.Sprintf("the engine over the bundled lists does not match \"Abdollah Mehrabi\" yet (%d results, err %v)", len(ms), err)
			return
		}
		realEng = eng
	})
	if realEng == nil {
		t.Skipf("skipping: %s", realSkip)
	}
	return realEng
}

var (
	realOnce sync.Once
	realEng  *match.Engine
	realSkip string
)

// TestCheckExamplesRealEngine checks every example end to end against the
// real lists.
func TestCheckExamplesRealEngine(t *testing.T) {
	eng := realEngine(t)
	c := orders.NewChecker(eng, nil)
	for _, ex := range checkExamples {
		t.Run(ex.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("../../examples", ex.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			o, err := orders.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := c.Check(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Decision != ex.decision {
				var b strings.Builder
				rep.WriteText(&b)
				t.Fatalf("decision %s, want %s\n%s", rep.Decision, ex.decision, b.String())
			}
			found := ex.rule == ""
			for _, fd := range rep.Findings {
				found = found || fd.Rule == ex.rule
				if fd.Evidence.Field == "" || fd.Source == "" || fd.SourceURL == "" || fd.RuleVersion == "" {
					t.Errorf("finding %s lacks evidence or source: %+v", fd.Rule, fd)
				}
			}
			if !found {
				t.Errorf("rule %s did not fire", ex.rule)
			}
			if len(rep.ListVersions) < 3 {
				t.Errorf("list versions %v: want the sanctions lists as well as CHPL and Supp. 7", rep.ListVersions)
			}
		})
	}
}

// TestCheckCommand runs the command in process: a single order, an
// invalid order, and a batch with --fail-on.
func TestCheckCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads the lists twice")
	}
	realEngine(t)
	dir := t.TempDir()
	environ := []string{"CHOKEPOINT_DATA_DIR=" + dir}
	ctx := context.Background()

	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"check", "--json", "../../examples/listed-party-mehrabi.json"}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 0 {
		t.Fatalf("check --json exit %d: %s", code, stderr.String())
	}
	var rep orders.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, stdout.String())
	}
	if rep.Decision != orders.DecisionBlock || rep.OrderID != "EX-005-LISTED-CONSIGNEE" {
		t.Errorf("report %s %s, want EX-005-LISTED-CONSIGNEE block", rep.OrderID, rep.Decision)
	}

	stdout.Reset()
	stderr.Reset()
	code = run(ctx, []string{"check", "../../examples/invalid-order.json"}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 1 || !strings.Contains(stderr.String(), "lines[0].hs_code") || !strings.Contains(stderr.String(), "route.vessel_imo") {
		t.Errorf("invalid order: exit %d, stderr %s; want 1 naming every bad field", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("invalid order printed a report: %s", stdout.String())
	}

	out := filepath.Join(dir, "results.jsonl")
	stderr.Reset()
	code = run(ctx, []string{"check", "--in", "../../examples/orders.jsonl", "--out", out, "--fail-on", "block"}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 1 {
		t.Errorf("batch --fail-on block: exit %d, want 1; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "1 clear, 1 review, 3 block, 1 invalid") || !strings.Contains(stderr.String(), "orders/s") {
		t.Errorf("batch summary missing or wrong: %s", stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var res struct {
			Line    int             `json:"line"`
			OrderID string          `json:"order_id"`
			Report  *orders.Report  `json:"report"`
			Fields  json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		if res.Report != nil {
			got = append(got, string(res.Report.Decision))
		} else {
			got = append(got, "invalid@"+res.OrderID)
		}
	}
	if want := "clear,review,block,invalid@EX-BAD-LINE,block,block"; strings.Join(got, ",") != want {
		t.Errorf("batch results %s, want %s (in input order)", strings.Join(got, ","), want)
	}
}

// BenchmarkCheckRealEngine checks the 50-line, 6-party order of the
// orders benchmarks against the real lists.
func BenchmarkCheckRealEngine(b *testing.B) {
	cfg := config.New()
	cfg.DataDir = b.TempDir()
	var logs bytes.Buffer
	e := &env{cfg: cfg, stdout: &bytes.Buffer{}, stderr: &logs, log: newLogger(cfg, &logs)}
	eng, err := loadEngine(context.Background(), e)
	if err != nil {
		b.Skipf("lists do not load: %v", err)
	}
	c := orders.NewChecker(eng, nil)
	o := &orders.Order{ID: "BENCH", Route: orders.Route{ExportCountry: "DE", DestinationCountry: "AM", PortOfDischarge: "Poti",
		VesselName: "Nordic Light", PaymentOriginCountry: "AE"}}
	names := []string{"Ararat Components Trading LLC", "Abdollah Mehrabi", "Steppe Cargo Forwarding LLP", "Gulf Horizon General Trading FZE", "Maschinenbau Voss GmbH", "Bosphorus Teknik Makina"}
	for i, r := range []string{orders.RoleBuyer, orders.RoleConsignee, orders.RoleEndUser, orders.RoleIntermediateConsignee, orders.RoleFreightForwarder, orders.RolePayer} {
		o.Parties = append(o.Parties, orders.Party{Role: r, Name: names[i], Country: "AM"})
	}
	descs := []string{"32-bit microcontrollers STM32F405RGT6", "GNSS receiver modules NEO-M8N", "Deep groove ball bearings", "Office chairs", "Tantalum capacitors"}
	codes := []string{"8542.31.0000", "8526.91", "848210", "9401 30", "8532.21.0000"}
	for i := 0; i < 50; i++ {
		o.Lines = append(o.Lines, orders.Line{Description: descs[i%5], HSCode: codes[i%5], Quantity: 1})
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.Check(ctx, o); err != nil {
			b.Fatal(err)
		}
	}
}

// historyOrder writes the clean bearings example without customer_since
// dates, so only the party history can tell whether its party is new, and
// returns its path. blocked routes it to Iran as well.
func historyOrder(t *testing.T, dir, name string, blocked bool) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/clean-bearings-germany.json")
	if err != nil {
		t.Fatal(err)
	}
	var o orders.Order
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatal(err)
	}
	o.ID = strings.TrimSuffix(name, ".json")
	for i := range o.Parties {
		o.Parties[i].CustomerSince = ""
	}
	if blocked {
		o.Route.DestinationCountry = "IR"
	}
	b, err := json.Marshal(&o)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkJSON runs check --json and returns the report.
func checkJSON(t *testing.T, environ []string, args ...string) *orders.Report {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"check", "--json"}, args...), strings.NewReader(""), &stdout, &stderr, environ)
	if code != 0 {
		t.Fatalf("check %v: exit %d: %s", args, code, stderr.String())
	}
	var rep orders.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, stdout.String())
	}
	return &rep
}

func newPartyFindings(r *orders.Report) int {
	n := 0
	for _, f := range r.Findings {
		if f.Rule == orders.RuleNewParty {
			n++
		}
	}
	return n
}

// TestCheckHistoryOnlyWhenAsked: without --history, check neither reads
// nor writes a party history (issue 9, point 5).
func TestCheckHistoryOnlyWhenAsked(t *testing.T) {
	realEngine(t)
	dir := t.TempDir()
	environ := []string{"CHOKEPOINT_DATA_DIR=" + dir}
	order := historyOrder(t, t.TempDir(), "H-1.json", false)
	checkJSON(t, environ, order)
	checkJSON(t, environ, order)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "history") {
			t.Errorf("check without --history wrote %s", e.Name())
		}
	}
}

// TestCheckRerunSameFindings: checking the same order again with the same
// history gives the same findings; the first run's own record must not
// make its parties "known" to the second (issue 9, point 5).
func TestCheckRerunSameFindings(t *testing.T) {
	realEngine(t)
	dir := t.TempDir()
	environ := []string{"CHOKEPOINT_DATA_DIR=" + dir}
	hist := filepath.Join(dir, "h.json")
	order := historyOrder(t, dir, "H-2.json", false)
	first := checkJSON(t, environ, "--history", hist, order)
	second := checkJSON(t, environ, "--history", hist, order)
	if newPartyFindings(first) != 1 {
		t.Errorf("first run: %d new-party findings, want 1", newPartyFindings(first))
	}
	reasons := func(r *orders.Report) string {
		var s []string
		for _, f := range r.Findings {
			s = append(s, f.Rule+": "+f.Reason)
		}
		return strings.Join(s, "\n")
	}
	if a, b := reasons(first), reasons(second); a != b || first.Decision != second.Decision || first.RiskScore != second.RiskScore {
		t.Errorf("re-run differs:\nfirst %s %d\n%s\nsecond %s %d\n%s", first.Decision, first.RiskScore, a, second.Decision, second.RiskScore, b)
	}
	// Another order naming the same party finds it known.
	other := checkJSON(t, environ, "--history", hist, historyOrder(t, dir, "H-3.json", false))
	if n := newPartyFindings(other); n != 0 {
		t.Errorf("a later order: %d new-party findings, want 0 (the party was in H-2)", n)
	}
}

// TestCheckBlockedPartyNotKnown: the parties of a blocked order never
// become known customers (issue 9, point 5).
func TestCheckBlockedPartyNotKnown(t *testing.T) {
	realEngine(t)
	dir := t.TempDir()
	environ := []string{"CHOKEPOINT_DATA_DIR=" + dir}
	hist := filepath.Join(dir, "h.json")
	blocked := checkJSON(t, environ, "--history", hist, historyOrder(t, dir, "B-1.json", true))
	if blocked.Decision != orders.DecisionBlock {
		t.Fatalf("order to Iran: %s, want block", blocked.Decision)
	}
	later := checkJSON(t, environ, "--history", hist, historyOrder(t, dir, "B-2.json", false))
	if n := newPartyFindings(later); n != 1 {
		t.Errorf("after a blocked order: %d new-party findings, want 1 (a blocked order's party is not a known customer)", n)
	}
}

// invalidOrderFiles are the refused orders of
// internal/orders/testdata/invalid with the line the CLI must print: the
// same words as the API's (internal/api TestOrdersInvalidJSON).
var invalidOrderFiles = map[string]string{
	"duplicate-key.json": "route.destination_country: given twice (first at line 5, column 13); say each field once (line 5, column 42)",
	"quantity-text.json": `lines[0].quantity: want a number, got text "ten" (line 4, column 80)`,
	"invalid-utf8.json":  "parties[0].name: invalid UTF-8: the text must be UTF-8 encoded (line 3, column 41)",
}

// TestCheckInvalidOrdersCLI: check FILE and check --in FILE.jsonl|csv
// refuse duplicate keys, values of the wrong kind and invalid UTF-8 as the
// API does, naming the field, line and column (issue 9, point 6).
func TestCheckInvalidOrdersCLI(t *testing.T) {
	ctx := context.Background()
	environ := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
	var jsonl bytes.Buffer
	for file, want := range invalidOrderFiles {
		path := filepath.Join("../../internal/orders/testdata/invalid", file)
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"check", path}, strings.NewReader(""), &stdout, &stderr, environ)
		if code != 1 || !strings.Contains(stderr.String(), "\n  "+want+"\n") || stdout.Len() != 0 {
			t.Errorf("check %s: exit %d, stderr %q; want 1 and %q", file, code, stderr.String(), want)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		jsonl.Write(bytes.ReplaceAll(data, []byte("\n"), []byte(" ")))
		jsonl.WriteByte('\n')
	}
	realEngine(t)
	dir := t.TempDir()
	batch := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(batch, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	csvFile := filepath.Join(dir, "bad.csv")
	csvData := "order_id,record,role,name,country,description,hs_code,quantity\n" +
		"C-1,party,buyer,Vo\xdfs GmbH,DE,,,\n" +
		"C-1,line,,,,ball bearings,8482.10,ten\n"
	if err := os.WriteFile(csvFile, []byte(csvData), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file string
		want []string
	}{
		{batch, []string{"route.destination_country: given twice", "lines[0].quantity: want a number, got text \"ten\" (line ", "parties[0].name: invalid UTF-8: the text must be UTF-8 encoded (line "}},
		{csvFile, []string{`lines[0].quantity: want a number, got "ten" (line 3)`, "parties[0].name: invalid UTF-8: the text must be UTF-8 encoded (line 2)"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"check", "--in", tt.file, "--fail-on", "block"}, strings.NewReader(""), &stdout, &stderr, environ)
		if code != 1 {
			t.Errorf("check --in %s: exit %d, want 1", tt.file, code)
		}
		for _, w := range tt.want {
			field, _, _ := strings.Cut(w, ":")
			if !strings.Contains(stderr.String(), w) || !strings.Contains(stdout.String(), `"field":"`+field+`"`) {
				t.Errorf("check --in %s: output lacks %q\nstderr %s\nstdout %s", tt.file, w, stderr.String(), stdout.String())
			}
		}
	}
}
