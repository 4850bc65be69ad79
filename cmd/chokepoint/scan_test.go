package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scanSetup loads the real lists once and gives a run its own data
// folder.
func scanSetup(t *testing.T) (context.Context, []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: loads the lists")
	}
	realEngine(t)
	return context.Background(), []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
}

// TestScanCommand scans the examples folder as JSON lines, then a
// malformed message: an error naming the tag and line, exit 1, and no
// decision printed.
func TestScanCommand(t *testing.T) {
	ctx, environ := scanSetup(t)
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"scan", "--json", "../../examples/documents"}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 0 || !strings.Contains(stderr.String(), "scanned 7 file(s)") {
		t.Fatalf("scan exit %d: %s", code, stderr.String())
	}
	got := map[string]string{}
	mentions := map[string][]string{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var r struct {
			Document struct{ File, Type string }
			Report   struct{ Decision string }
			Mentions []struct {
				Field, Text, Rule string
				Start, End        int
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(r.Document.File)] = r.Report.Decision
		for _, m := range r.Mentions {
			mentions[filepath.Base(r.Document.File)] = append(mentions[filepath.Base(r.Document.File)], m.Field+" "+m.Rule+" "+m.Text)
		}
	}
	// The listed trading company of the remittance text, across its line
	// break, and the listed people and firms of the news text.
	for f, want := range map[string][]string{
		"mt103-remittance-listed.fin": {":70: listed_party HULM AL SAHRA ELECTRIC\nDEVICES TRADING"},
		"drone-procurement-news.txt":  {" listed_party Timur Shagivaleev", " listed_party Alabuga Machinery LLC", " listed_identifier 9362073", " caspian_port Makhachkala"},
	} {
		for _, w := range want {
			if !slices.Contains(mentions[f], w) {
				t.Errorf("%s: mention %q not reported; got %q", f, w, mentions[f])
			}
		}
	}
	want := map[string]string{"mt103-listed-beneficiary.fin": "block", "mt700-stm32-makhachkala.fin": "block", "pacs008-listed-agent.xml": "block", "bl-listed-vessel.json": "block", "invoice-clean.json": "clear",
		"mt103-remittance-listed.fin": "review", "drone-procurement-news.txt": "review"}
	for f, d := range want {
		if got[f] != d {
			t.Errorf("%s: decision %q, want %q", f, got[f], d)
		}
	}

	data, err := os.ReadFile("../../examples/documents/mt103-listed-beneficiary.fin")
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.fin")
	if err := os.WriteFile(bad, bytes.Replace(data, []byte(":32A:261204"), []byte(":32A:261304"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	code = run(ctx, []string{"scan", bad}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 1 || !strings.Contains(stderr.String(), "bad.fin:4: field :32A: (line 4 of the message)") {
		t.Errorf("malformed: exit %d, stderr %s", code, stderr.String())
	}
	if strings.Contains(stdout.String(), "CLEAR") || strings.Contains(stdout.String(), "BLOCK") {
		t.Errorf("malformed message printed a decision: %s", stdout.String())
	}
}

// TestScanText scans the news example as text: the human report lists
// each mention on its line, the listed ones for review, and --fail-on
// review exits 1 while the default exits 0. A file of invalid UTF-8 is
// malformed, naming its line.
func TestScanText(t *testing.T) {
	ctx, environ := scanSetup(t)
	var stdout, stderr bytes.Buffer
	news := "../../examples/documents/drone-procurement-news.txt"
	if code := run(ctx, []string{"scan", news}, strings.NewReader(""), &stdout, &stderr, environ); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, w := range []string{"Decision: REVIEW", `[REVIEW] line 2: party "Timur Shagivaleev" at 119-136: us_ofac_sdn:45710`,
		`[REVIEW] line 8: party "Qods Aviation Industries"`, `[INFO]   line 1: country "Russia"`, `port "Makhachkala" at 457-468: RUMCX`} {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, stdout.String())
		}
	}
	for _, unlisted := range []string{"Karen Whitfield", "Oleg", "Petrenko", "Daniel Moreau"} {
		if strings.Contains(stdout.String(), unlisted) {
			t.Errorf("unlisted %q reported:\n%s", unlisted, stdout.String())
		}
	}
	if code := run(ctx, []string{"scan", "--fail-on", "review", news}, strings.NewReader(""), &stdout, &stderr, environ); code != 1 {
		t.Errorf("--fail-on review: exit %d, want 1", code)
	}
	if code := run(ctx, []string{"scan", "--fail-on", "block", news}, strings.NewReader(""), &stdout, &stderr, environ); code != 0 {
		t.Errorf("--fail-on block: exit %d, want 0", code)
	}
	dir := t.TempDir()
	html := filepath.Join(dir, "page.htm")
	os.WriteFile(html, []byte("<html><body><p>Paid via <b>Qods Aviation</b> Industries &amp; Bandar Anzali</p></body></html>"), 0o644)
	stdout.Reset()
	if code := run(ctx, []string{"scan", "--json", html}, strings.NewReader(""), &stdout, &stderr, environ); code != 0 {
		t.Fatalf("html: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"text":"Qods Aviation\u003c/b\u003e Industries"`) || !strings.Contains(stdout.String(), `"decision":"review"`) {
		t.Errorf("html: %s", stdout.String())
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("line one\nAlabuga \xff Machinery"), 0o644)
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, []string{"scan", bad}, strings.NewReader(""), &stdout, &stderr, environ); code != 1 || !strings.Contains(stderr.String(), "bad.txt:2: not valid UTF-8 (first bad byte at offset 17)") {
		t.Errorf("invalid UTF-8: exit %d, stderr %s", code, stderr.String())
	}
}
