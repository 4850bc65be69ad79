package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanCommand scans the examples folder as JSON lines, then a
// malformed message: an error naming the tag and line, exit 1, and no
// decision printed.
func TestScanCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads the lists")
	}
	realEngine(t)
	environ := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"scan", "--json", "../../examples/documents"}, strings.NewReader(""), &stdout, &stderr, environ)
	if code != 0 {
		t.Fatalf("scan exit %d: %s", code, stderr.String())
	}
	got := map[string]string{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var r struct {
			Document struct{ File, Type string }
			Report   struct{ Decision string }
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got[filepath.Base(r.Document.File)] = r.Report.Decision
	}
	want := map[string]string{"mt103-listed-beneficiary.fin": "block", "mt700-stm32-makhachkala.fin": "block", "pacs008-listed-agent.xml": "block", "bl-listed-vessel.json": "block", "invoice-clean.json": "clear"}
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
