package names_test

import (
	"bytes"
	"go/format"
	"os"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/names/internal/gentables"
)

// TestTablesGenerated checks that tables_gen.go is what go generate would
// write from data/*.yml and the current Latin, so that a change to either
// cannot ship with a stale table.
func TestTablesGenerated(t *testing.T) {
	want, err := gentables.Generate("data")
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if want, err = format.Source(want); err != nil {
		t.Fatalf("format: %v", err)
	}
	got, err := os.ReadFile("tables_gen.go")
	if err != nil {
		t.Fatalf("read tables_gen.go: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tables_gen.go is stale (%d bytes, want %d): run go generate ./internal/names", len(got), len(want))
	}
}
