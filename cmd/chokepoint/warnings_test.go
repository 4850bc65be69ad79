package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func runWith(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, append(env, "CHOKEPOINT_LOG_LEVEL=error"))
	return code, out.String(), errb.String()
}

// TestScreenWarnsAboutLists is issue 9 point 4 for the CLI: the table,
// the JSON and the batch summary name the excerpts and the stale lists
// (the bundled data is months to years old, so every list is stale), and
// CHOKEPOINT_MAX_LIST_AGE sets the limit.
func TestScreenWarnsAboutLists(t *testing.T) {
	env := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
	code, out, errOut := runWith(t, env, "screen", "Abdollah Mehrabi")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"warning: eu_fsf: version 2026-08-05+", "is an excerpt of 5 records",
		"warning: us_ofac_sdn: version 2024-05-03+", "(limit 7d): parties listed since are not screened"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runWith(t, append(env, "CHOKEPOINT_MAX_LIST_AGE=5000d"), "screen", "Abdollah Mehrabi", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Warnings []struct{ Source, Kind, Message string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	for _, w := range res.Warnings {
		if w.Kind != "excerpt" {
			t.Errorf("with a 5000-day limit: warning %+v, want excerpts only", w)
		}
	}
	if len(res.Warnings) == 0 {
		t.Error("JSON has no warnings, want the excerpts")
	}

	in := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(in, []byte("id,name\nC1,Abdollah Mehrabi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runWith(t, env, "screen", "--in", in, "--out", filepath.Join(t.TempDir(), "out.csv"))
	if code != 0 || !strings.Contains(errOut, "warning: un_sc: version 2026-02-27+") {
		t.Errorf("batch: exit %d, stderr lacks the un_sc staleness warning:\n%s", code, errOut)
	}

	code, out, _ = runWith(t, env, "lists")
	if code != 0 || !strings.Contains(out, "warning: us_csl: version 2022-05-16+") {
		t.Errorf("lists: exit %d, output lacks the us_csl staleness warning:\n%s", code, out)
	}

	if code, _, errOut = runWith(t, []string{"CHOKEPOINT_MAX_LIST_AGE=soon"}, "screen", "x"); code != 2 || !strings.Contains(errOut, "CHOKEPOINT_MAX_LIST_AGE") {
		t.Errorf("bad age: exit %d, stderr %q; want 2 naming the variable", code, errOut)
	}
}

// TestImportSaysRecordedDate: a list file that carries no publication
// date is imported with the import date, and the command says so.
func TestImportSaysRecordedDate(t *testing.T) {
	sdn := sharedtest.Read(t, "data/lists/official-samples/ofac-consolidated-nonsdn-csv/cons_prim.csv")
	lines := bytes.SplitAfter(sdn, []byte("\r\n"))
	p := filepath.Join(t.TempDir(), "cons_prim.csv")
	if err := os.WriteFile(p, append(bytes.Join(lines[:len(lines)-2], nil), 0x1A), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := "data/lists/official-samples/ofac-consolidated-nonsdn-csv/"
	args := []string{"lists", "import", "us_ofac_cons", p}
	for _, f := range []string{"cons_add.csv", "cons_alt.csv", "cons_comments.csv"} {
		args = append(args, sharedtest.Path(t, dir+f))
	}
	code, out, errOut := runWith(t, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(out, "note: publication date unknown (the ofac-csv files carry none): recorded 20") ||
		!strings.Contains(out, "the import date, so staleness warnings count from the import") {
		t.Errorf("import output does not say which date it recorded and why:\n%s", out)
	}
}

// TestOrderResultsWarnAboutLists is issue 9 point 4 for orders and
// documents: `check` (text, JSON, batch output and summary) and `scan`
// (text, JSON) carry the list warnings, since an order "clear" against
// excerpts and stale lists is no clearance.
func TestOrderResultsWarnAboutLists(t *testing.T) {
	env := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
	const stale = "warning: us_ofac_sdn: version 2024-05-03+"
	code, out, errOut := runWith(t, env, "check", "../../examples/clean-bearings-germany.json")
	if code != 0 {
		t.Fatalf("check: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, stale) || !strings.Contains(out, "is an excerpt of 5 records") {
		t.Errorf("check text lacks the list warnings:\n%s", out)
	}

	var rep struct {
		Warnings []struct{ Source, Kind, Message string }
	}
	code, out, errOut = runWith(t, env, "check", "--json", "../../examples/clean-bearings-germany.json")
	if code != 0 {
		t.Fatalf("check --json: exit %d: %s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	kinds := map[string]bool{}
	for _, w := range rep.Warnings {
		kinds[w.Kind] = true
	}
	if !kinds["excerpt"] || !kinds["stale"] {
		t.Errorf("check --json warnings %+v, want excerpts and stale lists", rep.Warnings)
	}

	outFile := filepath.Join(t.TempDir(), "results.jsonl")
	code, _, errOut = runWith(t, env, "check", "--in", "../../examples/orders.jsonl", "--out", outFile, "--allow-errors")
	if code != 0 || !strings.Contains(errOut, stale) {
		t.Errorf("check --in: exit %d, stderr lacks %q:\n%s", code, stale, errOut)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var res struct {
			Report *struct {
				Warnings []struct{ Kind string }
			}
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("result %d: %v", i+1, err)
		}
		if res.Report != nil && len(res.Report.Warnings) == 0 {
			t.Errorf("batch result %d has a report without list warnings: %s", i+1, line)
		}
	}

	doc := "../../examples/documents/invoice-clean.json"
	code, out, errOut = runWith(t, env, "scan", doc)
	if code != 0 || !strings.Contains(out, stale) {
		t.Errorf("scan: exit %d, output lacks %q:\n%s%s", code, stale, out, errOut)
	}
	code, out, errOut = runWith(t, env, "scan", "--json", doc)
	if code != 0 || !strings.Contains(out, `"kind":"stale"`) {
		t.Errorf("scan --json: exit %d, output lacks a stale warning:\n%s%s", code, out, errOut)
	}
}

// TestScreenInvalidUTF8CLI is issue 9 point 6 for `screen NAME`: a name
// that is not UTF-8 is refused naming the field, as the API does.
func TestScreenInvalidUTF8CLI(t *testing.T) {
	code, _, errOut := runWith(t, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}, "screen", "Ab\xffdollah Mehrabi")
	if code != 2 || !strings.Contains(errOut, "name: invalid UTF-8: the text must be UTF-8 encoded") {
		t.Errorf("exit %d, stderr %q; want 2 naming the field", code, errOut)
	}
}

// TestCheckBatchInvalidOrdersExit: `check --in` exits 1 when an order got
// no decision, as `screen --in` does for a row (issue 9 points 1 and 3),
// and --allow-errors opts out; the other orders are still checked.
func TestCheckBatchInvalidOrdersExit(t *testing.T) {
	env := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
	for _, in := range []string{"../../examples/orders.csv", "../../examples/orders.jsonl"} {
		out := filepath.Join(t.TempDir(), "r.jsonl")
		code, _, errOut := runWith(t, env, "check", "--in", in, "--out", out)
		if code != 1 || !strings.Contains(errOut, "1 of ") || !strings.Contains(errOut, "got no decision (invalid; reasons above and in the output)") {
			t.Errorf("check --in %s: exit %d, want 1 saying an order got no decision:\n%s", in, code, errOut)
		}
		if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"decision":"block"`) {
			t.Errorf("check --in %s: output lacks the checked orders (%v)", in, err)
		}
		if code, _, errOut = runWith(t, env, "check", "--in", in, "--out", out, "--allow-errors"); code != 0 {
			t.Errorf("check --in %s --allow-errors: exit %d, want 0:\n%s", in, code, errOut)
		}
	}
}
