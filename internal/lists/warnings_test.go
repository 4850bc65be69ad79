package lists_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// The day the bundled data is judged on in these tests: the date the
// issue was worked on, so that the figures are those a user saw.
var today = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func kinds(ws []lists.Warning, source string) []string {
	var out []string
	for _, w := range ws {
		if w.Source == source {
			out = append(out, w.Kind)
		}
	}
	return out
}

// TestWarningsBundle is issue 9 point 4: every list screened against
// that is an excerpt or older than the allowed age is named.
func TestWarningsBundle(t *testing.T) {
	t.Parallel()
	ds := bundled(t).Datasets()
	w := &lists.Warner{Now: func() time.Time { return today }}
	ws := w.Warnings(ds)
	want := map[string][]string{
		"us_ofac_sdn":  {lists.WarnStale},
		"us_ofac_cons": {lists.WarnStale},
		"un_sc":        {lists.WarnStale},
		"eu_fsf":       {lists.WarnExcerpt, lists.WarnStale},
		"gb_fcdo":      {lists.WarnExcerpt, lists.WarnStale},
		"us_csl":       {lists.WarnStale},
	}
	for src, k := range want {
		if got := kinds(ws, src); strings.Join(got, ",") != strings.Join(k, ",") {
			t.Errorf("%s: warnings %v, want %v", src, got, k)
		}
	}
	for _, x := range ws {
		if x.Source == "us_ofac_sdn" && x.Kind == lists.WarnStale && !strings.Contains(x.Message, "published 2024-05-03, 947 days ago (limit 7d)") {
			t.Errorf("stale message %q does not give the date, the age and the limit", x.Message)
		}
	}

	// Within the age limit of the newest bundled list, only the excerpts
	// and the older lists warn.
	w = &lists.Warner{Now: func() time.Time { return time.Date(2026, 9, 12, 0, 0, 0, 0, time.UTC) }, MaxAge: 3 * 24 * time.Hour}
	if got := kinds(w.Warnings(ds), "gb_fcdo"); strings.Join(got, ",") != lists.WarnExcerpt {
		t.Errorf("gb_fcdo two days after publication with a 3-day limit: %v, want only the excerpt", got)
	}
	if got := kinds(w.Warnings(ds), "eu_fsf"); strings.Join(got, ",") != lists.WarnExcerpt+","+lists.WarnStale {
		t.Errorf("eu_fsf 38 days after publication with a 3-day limit: %v, want excerpt and stale", got)
	}
}

// TestWarningsUpdateFailed: a failed update is recorded in the data
// directory and named by every later screening, in any process, until an
// update succeeds.
func TestWarningsUpdateFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := newServer(t)
	un := sharedtest.Read(t, unFile)
	srv.fail("un_sc", "consolidated.xml", http.StatusInternalServerError)
	c := open(t, dir, lists.Options{Sources: []string{"un_sc"}})
	r := update(t, c, srv, lists.UpdateOptions{Sources: []string{"un_sc"}})
	if r.Status != lists.StatusRefused {
		t.Fatalf("update from a failing server: %s", r)
	}
	// A new process: another catalog and warner over the same directory.
	ds := open(t, dir, lists.Options{Sources: []string{"un_sc"}}).Datasets()
	ws := (&lists.Warner{DataDir: dir, Now: func() time.Time { return today }}).Warnings(ds)
	var failed *lists.Warning
	for i := range ws {
		if ws[i].Kind == lists.WarnUpdateFailed {
			failed = &ws[i]
		}
	}
	if failed == nil || failed.Source != "un_sc" || !strings.Contains(failed.Message, "HTTP 500") || !strings.Contains(failed.Message, "still serving 2026-02-27+") {
		t.Fatalf("warnings %v, want an update_failed warning for un_sc naming HTTP 500 and the version in service", ws)
	}

	srv.set("un_sc", "consolidated.xml", un)
	if r := update(t, c, srv, lists.UpdateOptions{Sources: []string{"un_sc"}}); r.Status != lists.StatusUnchanged {
		t.Fatalf("update from a working server: %s", r)
	}
	ws = (&lists.Warner{DataDir: dir, Now: func() time.Time { return today }}).Warnings(ds)
	if k := kinds(ws, "un_sc"); strings.Join(k, ",") != lists.WarnStale {
		t.Errorf("after a successful update: %v, want only the staleness warning", k)
	}
}
