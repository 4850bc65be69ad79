package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs chokepoint in process over an empty data directory and
// returns the exit code, stdout and stderr.
func runCLI(t *testing.T, stdout io.Writer, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if stdout == nil {
		stdout = &out
	}
	env := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir(), "CHOKEPOINT_LOG_LEVEL=error"}
	code := run(context.Background(), args, strings.NewReader(""), stdout, &errb, env)
	return code, out.String(), errb.String()
}

// TestNoArgumentsExit2 is issue 9, point 3: a bare "chokepoint" is a
// usage mistake, not a success.
func TestNoArgumentsExit2(t *testing.T) {
	code, out, errOut := runCLI(t, nil)
	if code != 2 || !strings.Contains(errOut, "Usage: chokepoint <command>") || out != "" {
		t.Errorf("chokepoint with no arguments: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", code, out, errOut)
	}
	// Asking for help is not a mistake.
	for _, help := range []string{"help", "-h", "--help"} {
		if code, out, _ := runCLI(t, nil, help); code != 0 || !strings.Contains(out, "Usage: chokepoint") {
			t.Errorf("chokepoint %s: exit %d, stdout %q; want 0 and the usage", help, code, out)
		}
	}
}

// TestVersionFlag is issue 9, point 3: --version works like the version
// command.
func TestVersionFlag(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != 0 || !strings.HasPrefix(out, "chokepoint ") || strings.Count(out, "\n") != 1 {
			t.Errorf("chokepoint %s: exit %d, stdout %q, stderr %q; want 0 and one version line", args[0], code, out, errOut)
		}
	}
}

// TestScreenWriteErrorExit1 is issue 9, point 3: "screen NAME > /dev/full"
// must fail, not report success with the result lost.
func TestScreenWriteErrorExit1(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("skipping: no /dev/full on this system: %v", err)
	}
	defer full.Close()
	for _, args := range [][]string{
		{"screen", "Abdollah Mehrabi"},
		{"screen", "Nobody Atall Xyzzy"},
		{"screen", "--json", "Abdollah Mehrabi"},
		{"version"},
	} {
		code, _, errOut := runCLI(t, full, args...)
		if code != 1 || !strings.Contains(errOut, "no space left on device") {
			t.Errorf("chokepoint %s > /dev/full: exit %d, stderr %q; want 1 and the write error", strings.Join(args, " "), code, errOut)
		}
	}
}

// TestScreenBatchExitCodes is issue 9, points 1 and 3: a batch with a row
// that was not screened exits 1 unless --allow-errors; the output still
// has every row, and stderr names the bad line.
func TestScreenBatchExitCodes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "s.csv")
	data := "id,name,country\nC1,\"Acme Trading,DE\nC2,Abdollah Mehrabi,IR\nC3,Quds Aviation Industry,IR\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.csv")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"screen", "--in", in, "--out", out}, 1},
		{[]string{"screen", "--allow-errors", "--in", in, "--out", out}, 0},
	} {
		code, _, errOut := runCLI(t, nil, tt.args...)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d; stderr %s", strings.Join(tt.args, " "), code, tt.code, errOut)
		}
		for _, want := range []string{"s.csv:2: field name: quote", "3 rows read, 2 screened, 1 rejected"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", strings.Join(tt.args, " "), want, errOut)
			}
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatalf("no output: %v", err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) != 4 {
			t.Errorf("output: %d records (err %v), want a header and 3 rows", len(recs), err)
		}
	}
	// A file that cannot be read to the end fails and leaves no output.
	bad := filepath.Join(dir, "nohead.csv")
	if err := os.WriteFile(bad, []byte("id,full_name\nC1,Acme\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noOut := filepath.Join(dir, "none.csv")
	code, _, errOut := runCLI(t, nil, "screen", "--allow-errors", "--in", bad, "--out", noOut)
	if _, err := os.Stat(noOut); code != 1 || !strings.Contains(errOut, "nohead.csv:1: field name: header has no name column") || err == nil {
		t.Errorf("file without a name column: exit %d, stderr %s, output stat err %v; want 1, the reason, no output", code, errOut, err)
	}
	// A clean file exits 0.
	code, _, errOut = runCLI(t, nil, "screen", "--in", "../../examples/customers.csv", "--out", out)
	if code != 0 || !strings.Contains(errOut, " 0 rejected") {
		t.Errorf("examples/customers.csv: exit %d, stderr %s; want 0 and 0 rejected", code, errOut)
	}
}
