package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// listsRun runs chokepoint in process with dataDir as its data directory
// and returns the exit code, stdout and stderr.
func listsRun(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := []string{"CHOKEPOINT_DATA_DIR=" + dataDir, "CHOKEPOINT_LOG_LEVEL=error"}
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, env)
	return code, out.String(), errb.String()
}

const (
	cliSDN2019 = "data/lists/watchman-testdata/test/testdata/"
	cliSDN2021 = "data/lists/watchman-testdata/test/testdata/bench/"
)

func sdnSet(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		paths = append(paths, sharedtest.Path(t, dir+f))
	}
	return paths
}

// shrunkSet is the 2021 SDN set with the last drop rows of its main table
// removed and the OFAC end-of-file marker kept: a whole, smaller list.
func shrunkSet(t *testing.T, dir string, drop int) []string {
	t.Helper()
	paths := sdnSet(t, dir)
	lines := bytes.SplitAfter(sharedtest.Read(t, dir+"sdn.csv"), []byte("\r\n"))
	p := filepath.Join(t.TempDir(), "sdn.csv")
	if err := os.WriteFile(p, append(bytes.Join(lines[:len(lines)-1-drop], nil), 0x1A), 0o644); err != nil {
		t.Fatal(err)
	}
	paths[0] = p
	return paths
}

func TestListsTable(t *testing.T) {
	sharedtest.Path(t, "data/lists/official-samples/SOURCE.md")
	code, out, errOut := listsRun(t, t.TempDir(), "lists")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"us_ofac_sdn   2024-05-03", "16689", "un_sc", "1003", "us_ofac_cons", "eu_fsf", "gb_fcdo", "us_csl",
		"bundle", "sha256 210ca6b4a818", "excerpt: 5 records", "not in sdn.csv", "different dates",
		"https://scsanctions.un.org/resources/xml/en/consolidated.xml", "loaded 6 sources",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	_, verbose, _ := listsRun(t, t.TempDir(), "lists", "-v")
	if !strings.Contains(verbose, "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb") {
		t.Error("-v does not show the full sha256")
	}
}

func TestListsJSON(t *testing.T) {
	code, out, errOut := listsRun(t, t.TempDir(), "lists", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Sources []lists.SourceStatus `json:"sources"`
		Load    struct {
			Entities int     `json:"entities"`
			Millis   float64 `json:"ms"`
		} `json:"load"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := map[string]int{"us_ofac_sdn": 16689, "un_sc": 1003, "eu_fsf": 5, "gb_fcdo": 5, "us_csl": 3625}
	if len(got.Sources) != 6 {
		t.Fatalf("%d sources, want 6", len(got.Sources))
	}
	for _, s := range got.Sources {
		if n, ok := want[s.ID]; ok && s.Total != n {
			t.Errorf("%s: total %d, want %d", s.ID, s.Total, n)
		}
		if s.Origin != lists.OriginBundle || s.Published == "" || len(s.Files) == 0 || len(s.Files[0].SHA256) != 64 {
			t.Errorf("%s: incomplete status %+v", s.ID, s)
		}
	}
	if got.Load.Entities < 16000 || got.Load.Millis <= 0 {
		t.Errorf("load = %+v, want over 16,000 entities and a time", got.Load)
	}
}

func TestListsShowMehrabi(t *testing.T) {
	code, out, errOut := listsRun(t, t.TempDir(), "lists", "show", "us_ofac_sdn:33596", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var e struct {
		Name       string `json:"name"`
		BirthDates []struct {
			Value string `json:"value"`
		} `json:"birth_dates"`
		Identifiers []struct {
			Type   string `json:"type"`
			Number string `json:"number"`
		} `json:"identifiers"`
		Programs    []string `json:"programs"`
		Remarks     string   `json:"remarks"`
		ListVersion string   `json:"list_version"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if e.Name != "MEHRABI, Abdollah" {
		t.Errorf("name = %q", e.Name)
	}
	if len(e.BirthDates) == 0 || e.BirthDates[0].Value != "1961-12-22" {
		t.Errorf("birth dates = %+v, want 1961-12-22", e.BirthDates)
	}
	if len(e.Identifiers) == 0 || e.Identifiers[0].Number != "1229632603" || e.Identifiers[0].Type != "national_id" {
		t.Errorf("identifiers = %+v, want national_id 1229632603", e.Identifiers)
	}
	if len(e.Programs) == 0 || !strings.Contains(e.Remarks, "Linked To:") || !strings.HasPrefix(e.ListVersion, "2024-05-03+") {
		t.Errorf("programs %v, remarks %q, version %q", e.Programs, e.Remarks, e.ListVersion)
	}

	code, _, errOut = listsRun(t, t.TempDir(), "lists", "show", "us_ofac_sdn:0")
	if code != 1 || !strings.Contains(errOut, "no entity") {
		t.Errorf("unknown id: exit %d, stderr %q", code, errOut)
	}
}

func TestListsUpdateImportDiff(t *testing.T) {
	dir := t.TempDir()
	un := sharedtest.Read(t, "data/lists/official-samples/un-consolidated-xml/consolidated.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/un_sc/consolidated.xml" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "consolidated.xml", time.Time{}, bytes.NewReader(un))
	}))
	defer srv.Close()

	steps := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"UpdateUnchanged", []string{"lists", "update", "--source", "un_sc", "--base-url", srv.URL}, 0,
			[]string{"un_sc: unchanged (2026-02-27+"}},
		{"UpdateMissing", []string{"lists", "update", "--source", "us_csl", "--base-url", srv.URL}, 1,
			[]string{"us_csl: refused: download consolidated.csv", "404", "still serving 2022-05-16+"}},
		{"ImportShrinkRefused", append([]string{"lists", "import", "us_ofac_sdn"}, sdnSet(t, cliSDN2021)...), 1,
			[]string{"us_ofac_sdn: refused: 8976 entities, down from 14965", "shrinks by 40.0%"}},
		{"ImportForced", append([]string{"lists", "import", "us_ofac_sdn", "--force"}, sdnSet(t, cliSDN2021)...), 0,
			[]string{"us_ofac_sdn: updated from 2024-05-03+", "accepted with --force"}},
		// The watchman 2019 copy lost the final CRLF and the 0x1A marker
		// OFAC writes: it cannot be told from a file cut on a row.
		{"ImportIncomplete", append([]string{"lists", "import", "us_ofac_sdn", "--max-shrink", "0.5"}, sdnSet(t, cliSDN2019)...), 1,
			[]string{"us_ofac_sdn: refused: sdn.csv:7379: file is truncated: no end-of-file marker (0x1A)"}},
		{"ImportMaxShrink", append([]string{"lists", "import", "us_ofac_sdn", "--max-shrink", "0.5"}, shrunkSet(t, cliSDN2021, 2000)...), 0,
			[]string{"us_ofac_sdn: updated from"}},
		{"Versions", []string{"lists", "versions", "us_ofac_sdn"}, 0, []string{"current (served)", "import", "8976", "8011"}},
		{"Diff", []string{"lists", "diff", "us_ofac_sdn"}, 0, []string{"added, ", "removed", "changed"}},
		{"WrongFormat", []string{"lists", "import", "us_ofac_sdn", sharedtest.Path(t, "data/lists/official-samples/un-consolidated-xml/consolidated.xml")}, 1,
			[]string{"format un-xml, but source us_ofac_sdn accepts"}},
		{"Served", []string{"lists"}, 0, []string{"8011", "data dir", "stored in"}},
		{"BadSource", []string{"lists", "update", "--source", "nope"}, 1, nil},
		{"BadShrink", []string{"lists", "import", "un_sc", "x", "--max-shrink", "2"}, 2, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, out, errOut := listsRun(t, dir, st.args...)
			if code != st.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, st.code, out, errOut)
			}
			for _, w := range st.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}

	code, out, errOut := listsRun(t, dir, "lists", "diff", "us_ofac_sdn", "--json")
	if code != 0 {
		t.Fatalf("diff --json: exit %d: %s", code, errOut)
	}
	var cs struct {
		From, To string
		Counts   map[string]int
		Changed  []struct {
			ID     string   `json:"id"`
			Fields []string `json:"fields"`
		}
	}
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("decode diff: %v", err)
	}
	// From the 2021 set to the same set without the last 2,000 rows of
	// its main table: 965 parties are gone, the other 1,035 stay as
	// partial records known from the address and alias tables (8,011).
	if cs.Counts["added"] != 0 || cs.Counts["removed"] != 965 || cs.Counts["changed"] == 0 || len(cs.Changed[0].Fields) == 0 {
		t.Errorf("diff counts %v, want 0 added, 965 removed and some changed", cs.Counts)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "lists", "un_sc"))
	if len(entries) != 0 {
		t.Errorf("an unchanged update stored %d entries", len(entries))
	}
}
