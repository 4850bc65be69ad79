package api

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

// TestScreenWarnings is issue 9 point 4 for the API: a screening
// response names the lists that are excerpts or stale, and GET /v1/lists
// says the same.
func TestScreenWarnings(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s, fake := testServer(t, Deps{Warner: &lists.Warner{Now: func() time.Time { return now }}})
	fake.ds.Excerpt = true
	name := fake.ds.Entities[0].Name
	code, body, _ := do(s, http.MethodPost, "/v1/screen", "application/json", `{"queries":[{"name":`+quote(name)+`}]}`)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var resp ScreenResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	var got []string
	for _, w := range resp.Warnings {
		got = append(got, w.Source+"/"+w.Kind)
	}
	if strings.Join(got, " ") != "un_sc/excerpt un_sc/stale" {
		t.Errorf("warnings %v, want un_sc/excerpt un_sc/stale", got)
	}
	if len(resp.Results) != 1 || len(resp.Results[0].Matches) != 1 {
		t.Errorf("results %+v, want the one match", resp.Results)
	}

	code, body, _ = do(s, http.MethodGet, "/v1/lists", "", "")
	var lr ListsResponse
	if code != http.StatusOK || json.Unmarshal(body, &lr) != nil || len(lr.Warnings) != 2 {
		t.Errorf("GET /v1/lists: status %d, warnings %v, want the same two", code, lr.Warnings)
	}
}

// TestScreenNoWarnings: a current, whole list gives an empty array, not a
// missing field, so clients can rely on it.
func TestScreenNoWarnings(t *testing.T) {
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	s, fake := testServer(t, Deps{Warner: &lists.Warner{Now: func() time.Time { return now }}})
	code, body, _ := do(s, http.MethodPost, "/v1/screen", "application/json", `{"queries":[{"name":`+quote(fake.ds.Entities[0].Name)+`}]}`)
	if code != http.StatusOK || !strings.Contains(string(body), `"warnings":[]`) {
		t.Errorf("status %d, body %s: want \"warnings\":[]", code, body)
	}
}

// TestOrderCheckWarnings is issue 9 point 4 for POST /v1/orders/check:
// the order report names the lists that are excerpts or stale, as
// /v1/screen does, and gives an empty array when there is nothing to say.
func TestOrderCheckWarnings(t *testing.T) {
	order, err := os.ReadFile("../../examples/clean-bearings-germany.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		now     time.Time
		excerpt bool
		want    string
	}{
		{"ExcerptStale", time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), true, "un_sc/excerpt un_sc/stale"},
		{"Current", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, fake := testServer(t, Deps{
				Warner: &lists.Warner{Now: func() time.Time { return tt.now }},
				Orders: NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) }),
			})
			fake.ds.Excerpt = tt.excerpt
			code, body, _ := do(s, http.MethodPost, "/v1/orders/check", "application/json", string(order))
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			var rep orders.Report
			if err := json.Unmarshal(body, &rep); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			var got []string
			for _, w := range rep.Warnings {
				got = append(got, w.Source+"/"+w.Kind)
			}
			if strings.Join(got, " ") != tt.want || !strings.Contains(string(body), `"warnings":[`) {
				t.Errorf("warnings %v, want %q (as an array)", got, tt.want)
			}
		})
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestScreenInvalidUTF8 is issue 9 point 6 for POST /v1/screen: bytes
// that are not UTF-8 are refused naming the field, as the CLI and the
// order check do, rather than screened as U+FFFD.
func TestScreenInvalidUTF8(t *testing.T) {
	s, _ := testServer(t, Deps{})
	for _, tt := range []struct{ body, field string }{
		{"{\"queries\":[{\"name\":\"Ab\xffdollah Mehrabi\"}]}", "queries[0].name"},
		{"{\"queries\":[{\"name\":\"x\"},{\"name\":\"y\",\"ids\":[\"A\xfe1\"]}]}", "queries[1].ids"},
		{"{\"queries\":[{\"name\":\"x\"}],\"sources\":[\"un\xff\"]}", ""},
	} {
		code, body, _ := do(s, http.MethodPost, "/v1/screen", "application/json", tt.body)
		var got errorBody
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%d %s: %v", code, body, err)
		}
		if code != http.StatusBadRequest || got.Error.Code != "invalid_query" || got.Error.Field != tt.field ||
			got.Error.Message != "invalid UTF-8: the text must be UTF-8 encoded" {
			t.Errorf("%q: %d %s, want 400 invalid_query naming %q", tt.body, code, body, tt.field)
		}
	}
}

// TestDocumentScanWarnings is issue 9 point 4 for POST /v1/documents/scan:
// a scan is a screening and names the excerpt and stale lists it used.
func TestDocumentScanWarnings(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s, fake := testServer(t, Deps{Warner: &lists.Warner{Now: func() time.Time { return now }}})
	fake.ds.Excerpt = true
	code, body, _ := do(s, http.MethodPost, "/v1/documents/scan", "text/plain", "Payment to "+fake.ds.Entities[0].Name+" via Bandar Anzali.")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var resp DocumentScanResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	var got []string
	for _, w := range resp.Warnings {
		got = append(got, w.Source+"/"+w.Kind)
	}
	if strings.Join(got, " ") != "un_sc/excerpt un_sc/stale" {
		t.Errorf("warnings %v, want un_sc/excerpt un_sc/stale", got)
	}
}
