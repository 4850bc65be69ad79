package ofac_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares the entities parsed from the testdata snippets with
// reviewed JSON in testdata/golden. After a deliberate change, run
// go test ./internal/lists/ofac -run TestGolden -update and review the
// diff like code.
func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		parse func(t *testing.T) (*entity.Dataset, error)
	}{
		{"csv", func(t *testing.T) (*entity.Dataset, error) {
			files := parse.Files{}
			for _, n := range sdnFiles {
				files[n] = snippet(t, n)
			}
			return ofac.ParseCSV(files, "us_ofac_sdn")
		}},
		{"classic-small", func(t *testing.T) (*entity.Dataset, error) {
			return ofac.ParseXML(snippet(t, "classic-small.xml"), "classic-small.xml", "us_ofac_cons")
		}},
		{"advanced-small", func(t *testing.T) (*entity.Dataset, error) {
			return ofac.ParseAdvanced(bytes.NewReader(snippet(t, "advanced-small.xml")), "advanced-small.xml", "us_ofac_sdn")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := tt.parse(t)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(struct {
				*entity.Dataset
				Entities []*entity.Entity `json:"entities"`
			}{ds, ds.Entities}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the parse; run go test ./internal/lists/ofac -run TestGolden -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
}
