package bundle

import (
	"strings"
	"testing"
)

func TestManifestFiles(t *testing.T) {
	srcs, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"us_ofac_sdn", "us_ofac_cons", "un_sc", "eu_fsf", "gb_fcdo", "us_csl"}
	if len(srcs) != len(want) {
		t.Fatalf("%d sources, want %d", len(srcs), len(want))
	}
	for i, s := range srcs {
		if s.ID != want[i] {
			t.Errorf("source %d = %s, want %s", i, s.ID, want[i])
		}
		for _, f := range s.Files {
			t.Run(s.ID+"/"+f.Name, func(t *testing.T) {
				data, err := ReadFile(s, f.Name)
				if err != nil {
					t.Fatal(err)
				}
				if int64(len(data)) != f.Size || f.Records == 0 || f.Published == "" ||
					!strings.HasPrefix(f.URL, "https://") || f.Origin == "" {
					t.Errorf("manifest entry incomplete or wrong: %+v (read %d bytes)", f, len(data))
				}
				if s.Excerpt != f.Excerpt {
					t.Errorf("excerpt flag %v, source says %v", f.Excerpt, s.Excerpt)
				}
			})
		}
	}
}

func TestReadFileChecks(t *testing.T) {
	srcs, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	s := srcs[0]
	if _, err := ReadFile(s, "missing.csv"); err == nil {
		t.Error("ReadFile of an unknown file succeeded")
	}
	s.Files = append([]File(nil), s.Files...)
	s.Files[0].SHA256 = strings.Repeat("0", 64)
	if _, err := ReadFile(s, s.Files[0].Name); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("ReadFile with a wrong sha256: %v, want a sha256 mismatch", err)
	}
}
