// Package listtest is test support for the list parsers (csl, eu, uk, un,
// ftm): the golden-file comparison, the error-table runner and the fuzz
// invariant they all apply, kept in one place so every parser is held to
// the same checks.
//
// It is a normal package so the parsers' _test.go files can share it;
// only tests may import it, since it defines the -update flag.
package listtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// update is defined here, once, because a flag may be registered only once
// per test binary and every parser's golden test shares it.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Golden compares the dataset header and entities, as indented JSON
// without Raw, with testdata/name. Run "go test -update" to rewrite the
// file, and review the diff like code. Raw is left out because it repeats
// the input verbatim and would make every golden file as large as it.
func Golden(t *testing.T, name string, ds *entity.Dataset, ents []*entity.Entity) {
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

// ErrCase is one bad input for [Errors]; a parser's test lists them as a
// table, one line per case.
type ErrCase struct {
	Name    string
	Data    string
	WantErr error  // sentinel cause, or nil for any
	Want    string // substring of the message
	Line    bool   // the error names a line
}

// Errors runs parseFn on each case's data under the file name file and
// checks the contract every parser keeps for bad input: an error, of type
// *parse.Error, naming the file (and a line when the case says so), with
// the expected cause and message.
func Errors(t *testing.T, parseFn func([]byte, string) (*entity.Dataset, error), file string, tests []ErrCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			ds, err := parseFn([]byte(tt.Data), file)
			if err == nil {
				t.Fatalf("got %d entities and no error; want an error", len(ds.Entities))
			}
			var pe *parse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v; want *parse.Error", err, err)
			}
			if pe.File != file {
				t.Errorf("File = %q; want %s", pe.File, file)
			}
			if tt.Line && pe.Line == 0 {
				t.Errorf("error %q names no line", err)
			}
			if tt.WantErr != nil && !errors.Is(err, tt.WantErr) {
				t.Errorf("error %q is not %v", err, tt.WantErr)
			}
			if !strings.Contains(err.Error(), tt.Want) {
				t.Errorf("error %q; want it to contain %q", err, tt.Want)
			}
		})
	}
}

// CheckFuzz checks the invariant a fuzzed parse must keep: either a
// *parse.Error, never another error or a panic, or a dataset whose
// entities all pass Validate.
func CheckFuzz(t *testing.T, ds *entity.Dataset, err error) {
	t.Helper()
	var ents []*entity.Entity
	if err == nil {
		ents = ds.Entities
	}
	CheckFuzzEntities(t, ents, err)
}

// CheckFuzzEntities is [CheckFuzz] for parsers that return entities
// without a dataset, such as a delta.
func CheckFuzzEntities(t *testing.T, ents []*entity.Entity, err error) {
	t.Helper()
	if err != nil {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v; want *parse.Error", err, err)
		}
		return
	}
	for _, e := range ents {
		if err := e.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
	}
}
