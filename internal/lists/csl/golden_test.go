package csl_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares the dataset header and entities, as indented JSON
// without Raw, with testdata/name. Run "go test -update" to rewrite the
// file, and review the diff like code.
func checkGolden(t *testing.T, name string, ds *entity.Dataset, ents []*entity.Entity) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ds); err != nil {
		t.Fatalf("encode dataset: %v", err)
	}
	for _, e := range ents {
		c := *e
		c.Raw = ""
		if err := enc.Encode(c); err != nil {
			t.Fatalf("encode %s: %v", e.ID, err)
		}
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update and review the diff)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d (run go test -update and review the diff)", path, len(gl), len(wl))
	}
}
