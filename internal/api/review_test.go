package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// reviewServer serves the review routes over a fresh database holding one
// counterparty named like an SDN person, and returns a key per role.
func reviewServer(t testing.TB, b storetest.Backend) (*server, map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, b.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := map[string]string{}
	err = st.Write(ctx, store.Operator(), "test", func(tx *store.Tx) error {
		for _, role := range store.Roles {
			for _, n := range []string{"1", "2"} {
				name := string(role) + n
				if _, err := tx.AddUser(ctx, name, role); err != nil {
					return err
				}
				secret, _, err := tx.CreateKey(ctx, name, "test", time.Time{})
				if err != nil {
					return err
				}
				keys[name] = secret
			}
		}
		_, err := tx.PutCounterparty(ctx, store.Counterparty{ExternalID: "C1", Type: "person", Name: "Reza Khalili", DOB: "1965-03-04"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sdn := &entity.Entity{ID: "us_ofac_sdn:9001", Source: "us_ofac_sdn", SourceID: "9001", Type: entity.Person, Name: "Reza KHALILI",
		Names:      []entity.Name{{Full: "Reza KHALILI", Kind: entity.NamePrimary, Quality: entity.Strong}},
		BirthDates: []entity.Date{{Year: 1965, Month: 3, Day: 4}}, Programs: []string{"IRAN"}}
	eng := NewEngine(match.New([]*entity.Dataset{{Source: "us_ofac_sdn", Version: "v1", Entities: []*entity.Entity{sdn}}}))
	return newServer(Deps{Engine: eng, Review: review.New(st, review.DefaultConfig()), Store: st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), keys
}

func call(s *server, key, method, path, body string) (int, map[string]any) {
	hdr := []string{}
	if key != "" {
		hdr = append(hdr, "Authorization", "Bearer "+key)
	}
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	code, b, _ := do(s, method, path, ct, body, hdr...)
	var out map[string]any
	json.Unmarshal(b, &out)
	return code, out
}

func TestReviewRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, keys := reviewServer(t, b)
		// Who may screen: everyone but auditors.
		for _, role := range []string{"auditor1", "integration1", "analyst1"} {
			code, _ := call(s, keys[role], "POST", "/v1/counterparties/C1/screen", "")
			if want := map[string]int{"auditor1": 403, "integration1": 200, "analyst1": 200}[role]; code != want {
				t.Errorf("%s screen: %d, want %d", role, code, want)
			}
		}
		if code, _ := call(s, "", "GET", "/v1/alerts", ""); code != 401 {
			t.Errorf("no key: %d", code)
		}
		if code, _ := call(s, "ck_00000000_nope", "GET", "/v1/alerts", ""); code != 401 {
			t.Errorf("unknown key: %d", code)
		}
		// Who may read: everyone but integrations.
		for role := range keys {
			code, body := call(s, keys[role], "GET", "/v1/alerts?open=true", "")
			want := 200
			if strings.HasPrefix(role, "integration") {
				want = 403
			}
			if code != want {
				t.Errorf("%s list: %d %v, want %d", role, code, body, want)
			}
		}
		code, body := call(s, keys["auditor1"], "GET", "/v1/alerts?counterparty=C1", "")
		alerts, _ := body["alerts"].([]any)
		if code != 200 || len(alerts) != 1 {
			t.Fatalf("alerts of C1: %d %v", code, body)
		}
		id := int64(alerts[0].(map[string]any)["id"].(float64))
		path := fmt.Sprintf("/v1/alerts/%d", id)
		code, body = call(s, keys["auditor1"], "GET", path, "")
		hits, _ := body["hits"].([]any)
		if code != 200 || len(hits) != 1 {
			t.Fatalf("get alert: %d %v", code, body)
		}
		hit := int64(hits[0].(map[string]any)["id"].(float64))
		if code, _ := call(s, keys["auditor1"], "GET", "/v1/alerts/999999", ""); code != 404 {
			t.Errorf("unknown alert: %d", code)
		}
		if code, body := call(s, keys["analyst1"], "GET", "/v1/alerts?colour=red", ""); code != 400 || body["error"].(map[string]any)["field"] != "colour" {
			t.Errorf("unknown filter: %d %v", code, body)
		}

		// Dispositions: per role, bad fields, then four eyes.
		disp := fmt.Sprintf(`{"version":1,"hit_id":%d,"verdict":"false_positive","reason_code":"different_dob","comment":"seen","suppress":true}`, hit)
		for _, role := range []string{"auditor1", "integration1"} {
			if code, _ := call(s, keys[role], "POST", path+"/dispositions", disp); code != 403 {
				t.Errorf("%s disposition: %d, want 403", role, code)
			}
		}
		if code, body := call(s, keys["analyst1"], "POST", path+"/dispositions", strings.Replace(disp, "different_dob", "nice_name", 1)); code != 422 || body["error"].(map[string]any)["field"] != "reason_code" {
			t.Errorf("bad reason code: %d %v", code, body)
		}
		if code, body := call(s, keys["analyst1"], "POST", path+"/dispositions", `{"hit_id":1,"colour":"red"}`); code != 400 || body["error"].(map[string]any)["field"] != "colour" {
			t.Errorf("unknown field: %d %v", code, body)
		}
		if code, body := call(s, keys["analyst1"], "POST", path+"/dispositions", disp); code != 200 || body["status"] != "awaiting_approval" {
			t.Fatalf("disposition: %d %v", code, body)
		}
		// The same version again is a conflict, never a lost update.
		if code, body := call(s, keys["analyst2"], "POST", path+"/assign", `{"version":1,"assignee":"analyst2"}`); code != 409 || body["error"].(map[string]any)["code"] != "version_conflict" {
			t.Errorf("stale change: %d %v", code, body)
		}
		code, body = call(s, keys["auditor1"], "GET", path, "")
		d := int64(body["dispositions"].([]any)[0].(map[string]any)["id"].(float64))
		approve := fmt.Sprintf(`{"disposition_id":%d,"approve":true}`, d)
		for role, want := range map[string]int{"analyst2": 403, "auditor1": 403, "integration1": 403} {
			if code, _ := call(s, keys[role], "POST", path+"/approvals", approve); code != want {
				t.Errorf("%s approve: %d, want %d", role, code, want)
			}
		}
		if code, body := call(s, keys["reviewer1"], "POST", path+"/approvals", approve); code != 200 || body["status"] != "in_review" {
			t.Fatalf("approve: %d %v", code, body)
		}
		if code, _ := call(s, keys["integration1"], "POST", path+"/close", `{}`); code != 403 {
			t.Errorf("integration closed: %d", code)
		}
		if code, body := call(s, keys["analyst1"], "POST", path+"/close", `{"reason":"cleared"}`); code != 200 || body["outcome"] != "false_positive" {
			t.Fatalf("close: %d %v", code, body)
		}
		if code, body := call(s, keys["analyst1"], "POST", path+"/dispositions", disp); code != 409 || body["error"].(map[string]any)["code"] != "alert_closed" {
			t.Errorf("disposition on a closed alert: %d %v", code, body)
		}
		// Screened again, the suppressed hit opens nothing; the history shows both.
		if code, body := call(s, keys["integration1"], "POST", "/v1/counterparties/C1/screen", ""); code != 200 || body["alert"] != nil {
			t.Errorf("suppressed screen: %d %v", code, body)
		}
		code, body = call(s, keys["auditor1"], "GET", "/v1/counterparties/C1/screenings", "")
		if scs, _ := body["screenings"].([]any); code != 200 || len(scs) != 3 {
			t.Fatalf("screenings: %d %d", code, len(scs))
		}
		code, body = call(s, keys["auditor1"], "GET", "/v1/suppressions?counterparty=C1", "")
		sps, _ := body["suppressions"].([]any)
		if code != 200 || len(sps) != 1 {
			t.Fatalf("suppressions: %d %v", code, body)
		}
		revoke := fmt.Sprintf("/v1/suppressions/%d/revoke", int64(sps[0].(map[string]any)["id"].(float64)))
		if code, _ := call(s, keys["analyst1"], "POST", revoke, `{"reason":"doubt"}`); code != 403 {
			t.Errorf("analyst revoked: %d", code)
		}
		if code, body := call(s, keys["reviewer2"], "POST", revoke, `{}`); code != 422 || body["error"].(map[string]any)["field"] != "reason" {
			t.Errorf("revoke without reason: %d %v", code, body)
		}
		if code, body := call(s, keys["reviewer2"], "POST", revoke, `{"reason":"adverse media"}`); code != 200 || body["status"] != "revoked" {
			t.Errorf("revoke: %d %v", code, body)
		}
		if code, _ := call(s, keys["integration1"], "GET", "/v1/screenings/1", ""); code != 403 {
			t.Errorf("integration read a screening: %d", code)
		}
		if code, _ := call(s, keys["auditor1"], "GET", "/v1/screenings/1", ""); code != 200 {
			t.Errorf("auditor read a screening: %d", code)
		}
	})
}

func TestReviewRoutesWithoutStore(t *testing.T) {
	s, _ := testServer(t, Deps{})
	if code, body := call(s, "", "GET", "/v1/alerts", ""); code != http.StatusServiceUnavailable {
		t.Errorf("no store: %d %v", code, body)
	}
}

func TestScreenRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, keys := reviewServer(t, b)
		body := `{"queries":[{"id":"cust-1","name":"Reza Khalili","dob":"1965-03-04"},{"id":"cust-2","name":"Maschinenbau Voss GmbH"}],"record":true,"reason":"onboarding"}`
		code, out := call(s, keys["integration1"], "POST", "/v1/screen", body)
		rec, _ := out["recorded"].([]any)
		if code != 200 || len(rec) != 2 {
			t.Fatalf("record: %d %v", code, out)
		}
		first := rec[0].(map[string]any)
		if first["id"] != "cust-1" || first["alert_id"] == nil || rec[1].(map[string]any)["alert_id"] != nil {
			t.Fatalf("recorded: %v", rec)
		}
		code, out = call(s, keys["auditor1"], "GET", fmt.Sprintf("/v1/screenings/%d", int64(first["screening_id"].(float64))), "")
		if code != 200 || out["subject_kind"] != "query" || out["cause"] != "api" || len(out["hits"].([]any)) != 1 {
			t.Fatalf("the recorded screening: %d %v", code, out)
		}
		// Without recording nothing is stored; with a store every route
		// but the probes still needs one of its keys (issue 11, point 8),
		// and screening a role that may screen.
		code, out = call(s, keys["integration1"], "POST", "/v1/screen", `{"queries":[{"name":"Reza Khalili"}]}`)
		if code != 200 || out["recorded"] != nil {
			t.Fatalf("plain screen: %d %v", code, out)
		}
		for _, tc := range []struct {
			key, method, path, body string
			code                    int
		}{
			{"", "POST", "/v1/screen", `{"queries":[{"name":"Reza Khalili"}]}`, 401},
			{"ck_nottherealkey_x", "POST", "/v1/screen", `{"queries":[{"name":"Reza Khalili"}]}`, 401},
			{keys["auditor1"], "POST", "/v1/screen", `{"queries":[{"name":"Reza Khalili"}]}`, 403},
			{keys["auditor1"], "POST", "/v1/orders/check", `{}`, 403},
			{"", "GET", "/v1/lists", "", 401},
			{"", "GET", "/metrics", "", 401},
			{keys["auditor1"], "GET", "/v1/lists", "", 200},
			{"", "GET", "/healthz", "", 200},
		} {
			if code, out := call(s, tc.key, tc.method, tc.path, tc.body); code != tc.code {
				t.Errorf("%s %s with key %q: %d %v, want %d", tc.method, tc.path, tc.key, code, out, tc.code)
			}
		}
		for _, tc := range []struct {
			key, body string
			code      int
			field     string
		}{
			{"", body, 401, ""},
			{keys["auditor1"], body, 403, ""},
			{keys["integration1"], `{"queries":[{"name":"Reza Khalili"}],"record":true}`, 422, "queries[0].id"},
		} {
			code, out := call(s, tc.key, "POST", "/v1/screen", tc.body)
			errBody, _ := out["error"].(map[string]any)
			if code != tc.code || (tc.field != "" && errBody["field"] != tc.field) {
				t.Errorf("%s: %d %v, want %d %s", tc.body, code, out, tc.code, tc.field)
			}
		}
	})
}

// FuzzReviewRoutes sends any body, as any role, to the alert routes over
// a SQLite store holding one alert: bad input gets a 4xx, never a 500.
func FuzzReviewRoutes(f *testing.F) {
	s, keys := reviewServer(f, storetest.Backend{Name: "sqlite", DSN: storetest.SQLite(f)})
	if code, _ := call(s, keys["integration1"], "POST", "/v1/counterparties/C1/screen", ""); code != 200 {
		f.Fatalf("screen: %d", code)
	}
	roles := []string{"admin1", "analyst1", "analyst2", "reviewer1", "auditor1", "integration1"}
	f.Add(uint8(1), "dispositions", []byte(`{"version":1,"hit_id":1,"verdict":"false_positive","reason_code":"common_name","suppress":true}`))
	f.Add(uint8(3), "approvals", []byte(`{"disposition_id":1,"approve":true}`))
	f.Add(uint8(0), "assign", []byte(`{"assignee":"analyst1","version":-3}`))
	f.Add(uint8(2), "close", []byte(`{"outcome":"released"}`))
	f.Add(uint8(1), "escalate", []byte(`{"to":"nobody","reason":"x"}`))
	f.Add(uint8(4), "", []byte(``))
	// A route starting with "/" is a path of its own: the unblock routes.
	f.Add(uint8(1), "/v1/counterparties/C1/unblock", []byte(`{"reason":"namesake"}`))
	f.Add(uint8(3), "/v1/unblock-requests/1/decision", []byte(`{"approve":false,"note":"no"}`))
	f.Fuzz(func(t *testing.T, role uint8, route string, body []byte) {
		path := "/v1/alerts/1"
		method := "GET"
		switch {
		case strings.HasPrefix(route, "/"):
			path, method = route, "POST"
		case route != "":
			path, method = path+"/"+route, "POST"
		}
		req := httptest.NewRequest(method, "http://x/", bytes.NewReader(body))
		req.URL.Path = path
		req.Header.Set("Authorization", "Bearer "+keys[roles[int(role)%len(roles)]])
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		res := rec.Result()
		out, _ := io.ReadAll(res.Body)
		checkNever500(t, res.StatusCode, out, res)
	})
}

// TestUnblockRoutes lifts a block under four eyes over HTTP, role by role.
func TestUnblockRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, keys := reviewServer(t, b)
		code, body := call(s, keys["analyst1"], "POST", "/v1/counterparties/C1/screen", "")
		if code != 200 {
			t.Fatalf("screen: %d %v", code, body)
		}
		alert := body["alert"].(map[string]any)
		path := fmt.Sprintf("/v1/alerts/%d", int64(alert["id"].(float64)))
		_, body = call(s, keys["analyst1"], "GET", path, "")
		hit := int64(body["hits"].([]any)[0].(map[string]any)["id"].(float64))
		if code, body := call(s, keys["analyst1"], "POST", "/v1/counterparties/C1/unblock", `{"reason":"x"}`); code != 422 || body["error"].(map[string]any)["field"] != "counterparty_id" {
			t.Errorf("unblock of a counterparty not blocked: %d %v", code, body)
		}
		disp := fmt.Sprintf(`{"hit_id":%d,"verdict":"true_match","reason_code":"other","comment":"same passport"}`, hit)
		if code, body := call(s, keys["analyst1"], "POST", path+"/dispositions", disp); code != 200 {
			t.Fatalf("true match: %d %v", code, body)
		}
		for role, want := range map[string]int{"auditor1": 403, "integration1": 403} {
			if code, _ := call(s, keys[role], "POST", "/v1/counterparties/C1/unblock", `{"reason":"wrong person"}`); code != want {
				t.Errorf("%s proposed an unblock: %d, want %d", role, code, want)
			}
		}
		if code, body := call(s, keys["analyst1"], "POST", "/v1/counterparties/C1/unblock", `{}`); code != 422 || body["error"].(map[string]any)["field"] != "reason" {
			t.Errorf("unblock without a reason: %d %v", code, body)
		}
		if code, body := call(s, keys["analyst1"], "POST", "/v1/counterparties/C1/unblock", `{"reason":"x","colour":"red"}`); code != 400 || body["error"].(map[string]any)["field"] != "colour" {
			t.Errorf("unknown field: %d %v", code, body)
		}
		code, body = call(s, keys["reviewer1"], "POST", "/v1/counterparties/C1/unblock", `{"reason":"passport shows another person"}`)
		if code != 201 || body["status"] != "pending_approval" {
			t.Fatalf("propose: %d %v", code, body)
		}
		decide := fmt.Sprintf("/v1/unblock-requests/%d/decision", int64(body["id"].(float64)))
		if code, body := call(s, keys["analyst2"], "POST", "/v1/counterparties/C1/unblock", `{"reason":"again"}`); code != 409 || body["error"].(map[string]any)["code"] != "unblock_pending" {
			t.Errorf("second proposal: %d %v", code, body)
		}
		for role, want := range map[string]int{"analyst1": 403, "auditor1": 403, "integration1": 403, "reviewer1": 409} {
			if code, body := call(s, keys[role], "POST", decide, `{"approve":true}`); code != want {
				t.Errorf("%s decided the unblock: %d %v, want %d", role, code, body, want)
			}
		}
		if code, _ := call(s, keys["reviewer2"], "POST", "/v1/unblock-requests/999999/decision", `{"approve":true}`); code != 404 {
			t.Errorf("unknown request: %d", code)
		}
		if code, body := call(s, keys["reviewer2"], "POST", decide, `{"approve":false}`); code != 422 || body["error"].(map[string]any)["field"] != "note" {
			t.Errorf("rejection without a note: %d %v", code, body)
		}
		if code, body := call(s, keys["reviewer2"], "POST", decide, `{"approve":true,"note":"agreed"}`); code != 200 || body["status"] != "approved" || body["decided_by"] != "reviewer2" {
			t.Fatalf("approve: %d %v", code, body)
		}
		if _, blocked, err := s.store.CounterpartyBlock(context.Background(), "C1"); blocked || err != nil {
			t.Fatalf("still blocked: %v", err)
		}
	})
}
