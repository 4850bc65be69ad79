package lists_test

import (
	"strings"
	"testing"
)

// TestBundledCSL is issue 9 point 12: a fresh install screens against the
// whole BIS Entity List, MEU list and Unverified List of the bundled CSL,
// dated and flagged stale, and not against the CSL's 2022 copies of the
// OFAC lists, which the bundle carries newer from OFAC itself.
func TestBundledCSL(t *testing.T) {
	t.Parallel()
	c := bundled(t)
	ds, ok := c.Dataset("us_csl")
	if !ok {
		t.Fatal("no us_csl in the bundle")
	}
	lists := make(map[string]int)
	for _, e := range ds.Entities {
		lists[e.Properties["list"][0]]++
	}
	want := map[string]int{"EL": 2001, "DTC": 727, "DPL": 462, "UVL": 201, "ISN": 163, "MEU": 71}
	for code, n := range want {
		if lists[code] != n {
			t.Errorf("%s: %d rows, want %d", code, lists[code], n)
		}
	}
	if len(lists) != len(want) {
		t.Errorf("lists %v: want only the BIS and State lists", lists)
	}
	if ds.Published != "2022-05-16" || ds.Excerpt {
		t.Errorf("published %s excerpt %v, want 2022-05-16 and whole", ds.Published, ds.Excerpt)
	}
	if n := strings.Join(ds.Notes, "\n"); !strings.Contains(n, "10,535 rows of OFAC lists") {
		t.Errorf("notes %q do not say the OFAC rows are left out", ds.Notes)
	}
	// A party of the Entity List only.
	found := false
	for _, e := range ds.Entities {
		if e.Properties["list"][0] == "EL" && strings.Contains(strings.ToUpper(e.Name), "HUAWEI") {
			found = true
			break
		}
	}
	if !found {
		t.Error("no Huawei entry of the Entity List in the bundled CSL")
	}
}
