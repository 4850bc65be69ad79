package lists_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// cutLines drops the last n rows of an OFAC CSV file on a row boundary,
// the way a download that stopped between two packets ends: every
// remaining row is whole, only the end-of-file marker and the rows after
// the cut are gone.
func cutLines(t *testing.T, data []byte, n int) []byte {
	t.Helper()
	lines := bytes.SplitAfter(data, []byte("\r\n"))
	if len(lines) < n+2 {
		t.Fatalf("file has %d rows, cannot drop %d", len(lines), n)
	}
	return bytes.Join(lines[:len(lines)-1-n], nil)
}

// writeAs writes data under name in a fresh directory and returns the path.
func writeAs(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sdnSetWith returns the paths of the official SDN set with one file
// replaced by data.
func sdnSetWith(t *testing.T, name string, data []byte) []string {
	t.Helper()
	var paths []string
	for _, f := range sdnFiles {
		if f == name {
			paths = append(paths, writeAs(t, f, data))
		} else {
			paths = append(paths, sharedtest.Path(t, sdnDir+f))
		}
	}
	return paths
}

// TestRefuseIncomplete is issue 9 point 2: a list file that is not whole
// is refused with the file and what is missing, by import and by update,
// and the last good version keeps serving.
func TestRefuseIncomplete(t *testing.T) {
	t.Parallel()
	sdn := sharedtest.Read(t, sdnDir+"sdn.csv")
	add := sharedtest.Read(t, sdnDir+"add.csv")
	un := sharedtest.Read(t, unFile)
	classic := sharedtest.Read(t, samples+"ofac-consolidated-nonsdn-xml-2018/consolidated.xml")

	// 347 rows of sdn.csv are 2.3% of the list: well under the shrink guard.
	sdnCut := cutLines(t, sdn, 347)
	unNoRoot := un[:bytes.LastIndex(un, []byte("</CONSOLIDATED_LIST>"))]
	unMid := un[:bytes.Index(un, []byte("</INDIVIDUALS>"))]
	unUndated := bytes.Replace(un, []byte(` dateGenerated="2026-02-27T00:00:09.554Z"`), nil, 1)
	classicUndated := bytes.Replace(classic, []byte("<Publish_Date>04/06/2018</Publish_Date>"), nil, 1)
	if bytes.Equal(unUndated, un) || bytes.Equal(classicUndated, classic) {
		t.Fatal("sample dates not found; the fixtures changed")
	}

	tests := []struct {
		name   string
		source string
		paths  func(t *testing.T) []string
		reason []string
	}{
		{"SDNCutOnRow", "us_ofac_sdn", func(t *testing.T) []string { return sdnSetWith(t, "sdn.csv", sdnCut) },
			[]string{"sdn.csv:", "no end-of-file marker (0x1A)", "file is truncated"}},
		{"AddressesCutOnRow", "us_ofac_sdn", func(t *testing.T) []string { return sdnSetWith(t, "add.csv", cutLines(t, add, 10)) },
			[]string{"add.csv:", "0x1A"}},
		{"UNWithoutClosingRoot", "un_sc", func(t *testing.T) []string { return []string{writeAs(t, "consolidated.xml", unNoRoot)} },
			[]string{"consolidated.xml:", "closing </CONSOLIDATED_LIST>"}},
		{"UNCutInside", "un_sc", func(t *testing.T) []string { return []string{writeAs(t, "consolidated.xml", unMid)} },
			[]string{"consolidated.xml:", "truncated"}},
		{"UNUndated", "un_sc", func(t *testing.T) []string { return []string{writeAs(t, "consolidated.xml", unUndated)} },
			[]string{"consolidated.xml", "no publication date", "dateGenerated"}},
		{"UKCSVUndated", "gb_fcdo", func(t *testing.T) []string {
			data, err := os.ReadFile("uk/testdata/uk-sanctions-list-excerpt-2026-09-10.csv")
			if err != nil {
				t.Fatal(err)
			}
			_, rest, _ := bytes.Cut(data, []byte("\n")) // the "Report Date:" line
			return []string{writeAs(t, "uk.csv", rest)}
		}, []string{"uk_sanctions_list.csv", "no publication date (the Report Date line)"}},
		{"OFACXMLUndated", "us_ofac_cons", func(t *testing.T) []string { return []string{writeAs(t, "consolidated.xml", classicUndated)} },
			[]string{"consolidated.xml", "no publication date", "Publish_Date"}},
	}
	for _, tt := range tests {
		t.Run("Import/"+tt.name, func(t *testing.T) {
			t.Parallel()
			c := open(t, t.TempDir(), lists.Options{Sources: []string{tt.source}})
			before := status(t, c, tt.source)
			r, err := c.Import(context.Background(), tt.source, tt.paths(t))
			if !errors.Is(err, lists.ErrRefused) || r.Status != lists.StatusRefused {
				t.Fatalf("got %s (error %v), want refused", r, err)
			}
			for _, want := range tt.reason {
				if !strings.Contains(r.Reason, want) {
					t.Errorf("reason %q lacks %q", r.Reason, want)
				}
			}
			if got := status(t, c, tt.source); got.Version != before.Version || got.Total != before.Total {
				t.Errorf("serving %s (%d entities) after refusal, want %s (%d)", got.Version, got.Total, before.Version, before.Total)
			}
		})
	}

	// The same cut files from a mirror: the update refuses them and the
	// data directory's last good version keeps serving, also after a
	// restart.
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		srv := newServer(t)
		c := open(t, dir, lists.Options{Sources: sdnUN})
		for _, f := range sdnFiles {
			srv.set("us_ofac_sdn", f, sharedtest.Read(t, sdnDir+f))
		}
		srv.set("us_ofac_sdn", "sdn.csv", wholeLessOne(t, sdn))
		r := update(t, c, srv, lists.UpdateOptions{})
		if r.Status != lists.StatusUpdated {
			t.Fatalf("whole SDN set from the mirror: %s, want updated", r)
		}
		good := r.To
		srv.set("us_ofac_sdn", "sdn.csv", sdnCut)
		r = update(t, c, srv, lists.UpdateOptions{})
		if r.Status != lists.StatusRefused || !strings.Contains(r.Reason, "sdn.csv:") || !strings.Contains(r.Reason, "0x1A") {
			t.Errorf("sdn.csv cut on a row: %s, want refused naming sdn.csv and the 0x1A marker", r)
		}
		srv.set("un_sc", "consolidated.xml", unNoRoot)
		r = update(t, c, srv, lists.UpdateOptions{Sources: []string{"un_sc"}})
		if r.Status != lists.StatusRefused || !strings.Contains(r.Reason, "</CONSOLIDATED_LIST>") {
			t.Errorf("UN file without its closing root: %s, want refused", r)
		}
		for _, cat := range []*lists.Catalog{c, open(t, dir, lists.Options{Sources: sdnUN})} {
			if got := status(t, cat, "us_ofac_sdn"); got.Version != good || got.Origin != lists.OriginDataDir {
				t.Errorf("serving %s from %s, want the last good %s from the data dir", got.Version, got.Origin, good)
			}
		}
	})
}

// wholeLessOne is the SDN main table with its last row dropped and the
// end-of-file marker kept: a whole file that differs from the bundle.
func wholeLessOne(t *testing.T, sdn []byte) []byte {
	t.Helper()
	return append(cutLines(t, sdn, 1), 0x1A)
}

// TestCommentsWithoutMarker: the remarks continuation table without the
// end-of-file marker is accepted when it ends on a whole row, and the
// version says so.
func TestCommentsWithoutMarker(t *testing.T) {
	t.Parallel()
	c := open(t, t.TempDir(), lists.Options{Sources: sdnOnly})
	com := sharedtest.Read(t, sdnDir+"sdn_comments.csv")
	sdn := sharedtest.Read(t, sdnDir+"sdn.csv")
	paths := sdnSetWith(t, "sdn_comments.csv", bytes.TrimSuffix(com, []byte{0x1A}))
	paths[0] = writeAs(t, "sdn.csv", wholeLessOne(t, sdn))
	r, err := c.Import(context.Background(), "us_ofac_sdn", paths)
	if err != nil || r.Status != lists.StatusUpdated {
		t.Fatalf("got %s (%v), want updated", r, err)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "sdn_comments.csv has no OFAC end-of-file marker") {
		t.Errorf("notes %q do not mention the missing marker", r.Notes)
	}
}
