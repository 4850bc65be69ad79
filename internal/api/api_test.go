package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	negativesFile = "data/eval/yente-candidate-benchmark/negatives_us.csv"
	positivesFile = "data/eval/yente-candidate-benchmark/positives_un_untreated.csv"
)

// fakeScreener stands in for the match engine: a listed name matches a
// query with the same words in the same order, whatever the case.
type fakeScreener struct {
	ds     *entity.Dataset
	byName map[string]*entity.Entity
	byID   map[string]*entity.Entity
	// fail, when set, is returned by Screen; block, when set, is waited
	// on by Screen.
	fail    error
	block   chan struct{}
	entered chan struct{}
}

func fold(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

func newFake(version string, names []string) *fakeScreener {
	f := &fakeScreener{
		ds:     &entity.Dataset{Source: "un_sc", Published: "2026-11-01", Version: version},
		byName: make(map[string]*entity.Entity),
		byID:   make(map[string]*entity.Entity),
	}
	for i, n := range names {
		e := &entity.Entity{ID: fmt.Sprintf("un_sc:QDi.%03d", i+1), Source: "un_sc", SourceID: fmt.Sprintf("QDi.%03d", i+1),
			Type: entity.Person, Name: n, Names: []entity.Name{{Full: n, Kind: entity.NamePrimary, Quality: entity.Strong}}}
		f.ds.Entities = append(f.ds.Entities, e)
		f.byName[fold(n)] = e
		f.byID[e.ID] = e
	}
	return f
}

func (f *fakeScreener) Screen(q match.Query, opt match.Options) ([]match.Match, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if f.block != nil {
		f.entered <- struct{}{}
		<-f.block
	}
	if f.fail != nil {
		return nil, f.fail
	}
	e, ok := f.byName[fold(q.Name)]
	if !ok {
		return nil, nil
	}
	return []match.Match{{EntityID: e.ID, Source: e.Source, SourceID: e.SourceID, Type: e.Type, Name: e.Name,
		MatchedName: e.Name, Score: 1, Match: true, Explanation: "same words", ListVersion: f.ds.Version}}, nil
}

func (f *fakeScreener) Entity(id string) (*entity.Entity, bool) { e, ok := f.byID[id]; return e, ok }

func (f *fakeScreener) Datasets() []*entity.Dataset { return []*entity.Dataset{f.ds} }

// names returns column 0 of a shared CSV file, header dropped.
func names(tb testing.TB, rel string, n int) []string {
	tb.Helper()
	recs, err := csv.NewReader(bytes.NewReader(sharedtest.Read(tb, rel))).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	var out []string
	for _, r := range recs[1:] {
		if len(out) == n {
			break
		}
		out = append(out, r[0])
	}
	return out
}

// testServer returns a server over the UN positives as the fake list.
func testServer(tb testing.TB, deps Deps) (*server, *fakeScreener) {
	tb.Helper()
	fake := newFake("2026-11-01-abc123", names(tb, positivesFile, -1))
	if deps.Engine == nil {
		deps.Engine = NewEngine(fake)
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return newServer(deps), fake
}

// do sends a request to h and returns the status, the body and the
// response.
func do(h http.Handler, method, path, contentType, body string, hdr ...string) (int, []byte, *http.Response) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, res
}

func TestScreenRealNames(t *testing.T) {
	s, _ := testServer(t, Deps{})
	pos := names(t, positivesFile, 40)
	neg := names(t, negativesFile, 40)
	var req ScreenRequest
	for i := range pos {
		req.Queries = append(req.Queries, match.Query{ID: fmt.Sprintf("p%d", i), Name: strings.ToLower(pos[i])})
		req.Queries = append(req.Queries, match.Query{ID: fmt.Sprintf("n%d", i), Name: neg[i], Country: "Germany", DOB: "1970-01-02", Type: "individual"})
	}
	body, _ := json.Marshal(req)
	code, out, res := do(s, "POST", "/v1/screen", "application/json", string(body))
	if code != 200 {
		t.Fatalf("status = %d, want 200; body %s", code, out)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type = %q, want application/json", ct)
	}
	var resp ScreenResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(resp.Results) != len(req.Queries) {
		t.Fatalf("results = %d, want %d", len(resp.Results), len(req.Queries))
	}
	for i, r := range resp.Results {
		q := req.Queries[i]
		if r.ID != q.ID {
			t.Errorf("result %d: id = %q, want %q (order lost)", i, r.ID, q.ID)
		}
		if r.Matches == nil {
			t.Errorf("result %d: matches is null, want a list", i)
		}
		wantMatch := strings.HasPrefix(q.ID, "p")
		if got := len(r.Matches) > 0 && r.Matches[0].Match; got != wantMatch {
			t.Errorf("query %q: matched = %v, want %v", q.Name, got, wantMatch)
		}
		if wantMatch && len(r.Matches) > 0 && fold(r.Matches[0].Name) != fold(q.Name) {
			t.Errorf("query %q: matched %q", q.Name, r.Matches[0].Name)
		}
	}
	if got, want := resp.Lists["un_sc"], (ListInfo{Version: "2026-11-01-abc123", Published: "2026-11-01", Records: 683}); got != want {
		t.Errorf("lists[un_sc] = %+v, want %+v", got, want)
	}
	// The raw body keeps the fixed field names.
	for _, key := range []string{`"results":`, `"lists":`, `"entity_id":`, `"source_id":`, `"matched_name":`, `"score":`, `"match":true`, `"explanation":`, `"list_version":`} {
		if !bytes.Contains(out, []byte(key)) {
			t.Errorf("body lacks %s", key)
		}
	}
}

// errorResponse decodes an error body.
func errorResponse(t *testing.T, b []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", b, err)
	}
	if e.RequestID == "" {
		t.Errorf("error body %s has no request_id", b)
	}
	return e
}

func TestRequestErrors(t *testing.T) {
	many := `{"queries":[` + strings.TrimSuffix(strings.Repeat(`{"name":"A B"},`, DefaultMaxQueries+1), ",") + `]}`
	tests := []struct {
		name, method, path, ct, body string
		status                       int
		code, field, message         string
	}{
		{"WrongContentType", "POST", "/v1/screen", "text/plain", `{"queries":[{"name":"x"}]}`, 415, "unsupported_media_type", "", "want application/json"},
		{"NoContentType", "POST", "/v1/screen", "", `{"queries":[{"name":"x"}]}`, 415, "unsupported_media_type", "", ""},
		{"BodyTooLarge", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"` + strings.Repeat("A", 2048) + `"}]}`, 413, "body_too_large", "", "larger than 1024 bytes"},
		{"TooManyQueries", "POST", "/v1/screen", "application/json", many, 400, "too_many_queries", "queries", "1001 queries"},
		{"NoQueries", "POST", "/v1/screen", "application/json", `{"queries":[]}`, 400, "invalid_request", "queries", "required"},
		{"UnknownField", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}],"treshold":0.5}`, 400, "unknown_field", "treshold", ""},
		{"UnknownQueryField", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"y"},{"nmae":"x"}]}`, 400, "unknown_field", "queries[1].nmae", ""},
		{"NullQuery", "POST", "/v1/screen", "application/json", `{"queries":[null]}`, 400, "invalid_query", "queries[0].name", "required"},
		{"QueryNotObject", "POST", "/v1/screen", "application/json", `{"queries":[[1]]}`, 400, "invalid_json", "queries[0]", "want a JSON object"},
		{"BadDOB", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"a"},{"name":"b"},{"name":"c"},{"name":"d","dob":"22/12/1961"}]}`, 400, "invalid_query", "queries[3].dob", "want YYYY"},
		{"MissingName", "POST", "/v1/screen", "application/json", `{"queries":[{"id":"c1"}]}`, 400, "invalid_query", "queries[0].name", "required"},
		{"NameTooLong", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"` + strings.Repeat("A", 501) + `"}]}`, 400, "invalid_query", "queries[0].name", "longer than 500"},
		{"BadType", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x","type":"dragon"}]}`, 400, "invalid_query", "queries[0].type", "unknown type"},
		{"BadCountry", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x","country":"Atlantis"}]}`, 400, "invalid_query", "queries[0].country", "unknown country"},
		{"WrongFieldType", "POST", "/v1/screen", "application/json", `{"queries":[{"name":42}]}`, 400, "invalid_json", "queries[0].name", "want a string"},
		{"IDsNotList", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x","ids":"123"}]}`, 400, "invalid_json", "queries[0].ids", "want a list"},
		{"BadThreshold", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}],"threshold":2}`, 400, "invalid_request", "threshold", ""},
		{"BadLimit", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}],"limit":1000}`, 400, "invalid_request", "limit", ""},
		{"Malformed", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}`, 400, "invalid_json", "", "ends inside"},
		{"Syntax", "POST", "/v1/screen", "application/json", `{"queries":[{"name":x}]}`, 400, "invalid_json", "", "malformed JSON at byte"},
		{"Empty", "POST", "/v1/screen", "application/json", ``, 400, "invalid_json", "", "empty body"},
		{"ParallelOrder", "POST", "/v1/screen", "application/json", `{"queries":[` + strings.TrimSuffix(strings.Repeat(`{"name":"A B"},`, 40), ",") + `,{"name":"x","dob":"0"}]}`, 400, "invalid_query", "queries[40].dob", ""},
		{"Trailing", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}]} {}`, 400, "invalid_json", "", "after the JSON object"},
		{"NotObject", "POST", "/v1/screen", "application/json", `[1]`, 400, "invalid_json", "", "want a JSON object"},
		{"UnknownSource", "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}],"sources":["un_sc","eu_fsf"]}`, 400, "invalid_request", "sources[1]", `unknown list "eu_fsf"`},
		{"GetScreen", "GET", "/v1/screen", "", ``, 405, "method_not_allowed", "", "use POST"},
		{"DeleteLists", "DELETE", "/v1/lists", "", ``, 405, "method_not_allowed", "", "use GET"},
		{"PostEntity", "POST", "/v1/entities/un_sc:QDi.001", "application/json", `{}`, 405, "method_not_allowed", "", ""},
		{"UnknownRoute", "GET", "/v1/nope", "", ``, 404, "not_found", "", "no such route"},
		{"UnknownEntity", "GET", "/v1/entities/un_sc:nope", "", ``, 404, "not_found", "id", `"un_sc:nope"`},
	}
	s, _ := testServer(t, Deps{})
	small, _ := testServer(t, Deps{MaxBodyBytes: 1024})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := s
			if tt.name == "BodyTooLarge" {
				h = small
			}
			code, body, res := do(h, tt.method, tt.path, tt.ct, tt.body)
			if code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", code, tt.status, body)
			}
			e := errorResponse(t, body)
			if e.Error.Code != tt.code || e.Error.Field != tt.field || !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("error = %+v, want code %q field %q message containing %q", e.Error, tt.code, tt.field, tt.message)
			}
			if code == 405 && res.Header.Get("Allow") == "" {
				t.Errorf("405 without an Allow header")
			}
		})
	}
}

func TestScreenReportsEveryBadField(t *testing.T) {
	s, _ := testServer(t, Deps{})
	code, body, _ := do(s, "POST", "/v1/screen", "application/json",
		`{"queries":[{"name":"ok"},{"name":"","dob":"1961-13"},{"name":"x","country":"Nowhere"}]}`)
	if code != 400 {
		t.Fatalf("status = %d, want 400", code)
	}
	e := errorResponse(t, body)
	var got []string
	for _, f := range e.Error.Fields {
		got = append(got, f.Field)
	}
	want := []string{"queries[1].name", "queries[1].dob", "queries[2].country"}
	if !slices.Equal(got, want) {
		t.Errorf("fields = %q, want %q", got, want)
	}
}

func TestEntityAndLists(t *testing.T) {
	s, fake := testServer(t, Deps{})
	want := fake.ds.Entities[5]
	code, body, _ := do(s, "GET", "/v1/entities/"+want.ID, "", "")
	if code != 200 {
		t.Fatalf("entity status = %d, want 200; %s", code, body)
	}
	var er EntityResponse
	if err := json.Unmarshal(body, &er); err != nil {
		t.Fatal(err)
	}
	if er.Entity.ID != want.ID || er.Entity.Name != want.Name || er.List.Version != fake.ds.Version {
		t.Errorf("entity = %s %q (list %s), want %s %q (list %s)", er.Entity.ID, er.Entity.Name, er.List.Version, want.ID, want.Name, fake.ds.Version)
	}
	code, body, _ = do(s, "GET", "/v1/lists", "", "")
	if code != 200 {
		t.Fatalf("lists status = %d, want 200", code)
	}
	var lr ListsResponse
	if err := json.Unmarshal(body, &lr); err != nil {
		t.Fatal(err)
	}
	if got := lr.Lists["un_sc"]; got.Records != 683 || got.Types["person"] != 683 || got.Version != fake.ds.Version {
		t.Errorf("lists[un_sc] = %+v, want 683 person records of version %s", got, fake.ds.Version)
	}
}

func TestReadiness(t *testing.T) {
	eng := NewEngine(nil)
	s, fake := testServer(t, Deps{Engine: eng})
	probes := []struct {
		method, path, body string
	}{
		{"GET", "/readyz", ""},
		{"GET", "/v1/lists", ""},
		{"POST", "/v1/screen", `{"queries":[{"name":"JANAN AGHA"}]}`},
	}
	for _, p := range probes {
		code, body, _ := do(s, p.method, p.path, "application/json", p.body)
		if code != 503 || errorResponse(t, body).Error.Code != "not_ready" {
			t.Errorf("before load: %s %s = %d %s, want 503 not_ready", p.method, p.path, code, body)
		}
	}
	if code, _, _ := do(s, "GET", "/healthz", "", ""); code != 200 {
		t.Errorf("healthz before load = %d, want 200", code)
	}
	eng.Swap(fake)
	for _, p := range probes {
		if code, body, _ := do(s, p.method, p.path, "application/json", p.body); code != 200 {
			t.Errorf("after load: %s %s = %d %s, want 200", p.method, p.path, code, body)
		}
	}
	_, body, _ := do(s, "GET", "/readyz", "", "")
	var rr ReadyResponse
	if err := json.Unmarshal(body, &rr); err != nil || rr.Status != "ready" || rr.Lists != 1 || rr.Records != 683 {
		t.Errorf("readyz = %s, want ready with 1 list of 683 records", body)
	}
}

func TestAuth(t *testing.T) {
	s, _ := testServer(t, Deps{APIKeys: []string{"k-one", " k-two ", ""}})
	screen := `{"queries":[{"name":"JANAN AGHA"}]}`
	tests := []struct {
		name, method, path, auth string
		status                   int
	}{
		{"NoKey", "POST", "/v1/screen", "", 401},
		{"WrongKey", "POST", "/v1/screen", "Bearer k-three", 401},
		{"KeyPrefix", "POST", "/v1/screen", "Bearer k-on", 401},
		{"NotBearer", "POST", "/v1/screen", "Basic k-one", 401},
		{"EmptyBearer", "POST", "/v1/screen", "Bearer ", 401},
		{"FirstKey", "POST", "/v1/screen", "Bearer k-one", 200},
		{"SecondKeyLowercase", "POST", "/v1/screen", "bearer k-two", 200},
		{"EntityNoKey", "GET", "/v1/entities/un_sc:QDi.001", "", 401},
		{"ListsNoKey", "GET", "/v1/lists", "", 401},
		{"OpenAPINoKey", "GET", "/v1/openapi.json", "", 401},
		{"WrongMethodNoKey", "GET", "/v1/screen", "", 401},
		{"HealthOpen", "GET", "/healthz", "", 200},
		{"ReadyOpen", "GET", "/readyz", "", 200},
		{"MetricsNoKey", "GET", "/metrics", "", 401},
		{"MetricsWrongKey", "GET", "/metrics", "Bearer k-three", 401},
		{"MetricsKey", "GET", "/metrics", "Bearer k-one", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, res := do(s, tt.method, tt.path, "application/json", screen, "Authorization", tt.auth)
			if code != tt.status {
				t.Fatalf("status = %d, want %d; %s", code, tt.status, body)
			}
			if code == 401 {
				if e := errorResponse(t, body); e.Error.Code != "unauthorized" {
					t.Errorf("code = %q, want unauthorized", e.Error.Code)
				}
				if res.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestInternalErrors(t *testing.T) {
	var logs syncBuffer
	s, fake := testServer(t, Deps{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	fake.fail = errors.New("index shard 3 corrupt at /var/lib/secret")
	code, body, res := do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}]}`, "X-Request-Id", "req-42")
	if code != 500 {
		t.Fatalf("status = %d, want 500", code)
	}
	e := errorResponse(t, body)
	if e.Error.Code != "internal" || strings.Contains(string(body), "secret") || e.RequestID != "req-42" {
		t.Errorf("500 body = %s, want code internal, request id req-42 and no detail", body)
	}
	if res.Header.Get("X-Request-Id") != "req-42" {
		t.Errorf("X-Request-Id = %q, want req-42", res.Header.Get("X-Request-Id"))
	}
	if l := logs.String(); !strings.Contains(l, "request_id=req-42") || !strings.Contains(l, "index shard 3 corrupt") {
		t.Errorf("log %q lacks the request id and the cause", l)
	}
	// A large request is screened on several goroutines; a failure in
	// any of them is still one 500.
	big := `{"queries":[` + strings.TrimSuffix(strings.Repeat(`{"name":"A B"},`, 64), ",") + `]}`
	if code, body, _ := do(s, "POST", "/v1/screen", "application/json", big); code != 500 || errorResponse(t, body).Error.Code != "internal" {
		t.Errorf("large request on a failing engine = %d %s, want 500 internal", code, body)
	}
	// A caller's id that is not plain is replaced, not echoed.
	_, _, res = do(s, "GET", "/healthz", "", "", "X-Request-Id", "<script>")
	if id := res.Header.Get("X-Request-Id"); id == "" || strings.Contains(id, "<") {
		t.Errorf("X-Request-Id = %q, want a fresh id", id)
	}
}

// panicScreener panics in Screen, as a bug in the engine would.
type panicScreener struct{ *fakeScreener }

func (p panicScreener) Screen(match.Query, match.Options) ([]match.Match, error) { panic("nil map") }

func TestPanicIsA500(t *testing.T) {
	var logs syncBuffer
	fake := newFake("v1", []string{"A B"})
	s := newServer(Deps{Engine: NewEngine(panicScreener{fake}), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	code, body, _ := do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"x"}]}`)
	if code != 500 || errorResponse(t, body).Error.Code != "internal" {
		t.Errorf("status = %d %s, want 500 internal", code, body)
	}
	if !strings.Contains(logs.String(), "nil map") {
		t.Errorf("log %q lacks the panic", logs.String())
	}
}

func TestSwapKeepsRequestsInFlight(t *testing.T) {
	old := newFake("v1", []string{"JANAN AGHA"})
	old.block, old.entered = make(chan struct{}), make(chan struct{})
	eng := NewEngine(old)
	s := newServer(Deps{Engine: eng, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	type result struct {
		code int
		body []byte
	}
	done := make(chan result)
	go func() {
		code, body, _ := do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"JANAN AGHA"}]}`)
		done <- result{code, body}
	}()
	<-old.entered // the request is inside Screen on v1
	eng.Swap(newFake("v2", []string{"JANAN AGHA"}))
	close(old.block)
	r := <-done
	if r.code != 200 {
		t.Fatalf("status = %d, want 200", r.code)
	}
	var resp ScreenResponse
	json.Unmarshal(r.body, &resp)
	// The request started on v1 and finishes on it, lists included.
	if v := resp.Lists["un_sc"].Version; v != "v1" || len(resp.Results) != 1 || len(resp.Results[0].Matches) != 1 || resp.Results[0].Matches[0].ListVersion != "v1" {
		t.Errorf("in-flight request: lists %s, results %+v; want v1 throughout", v, resp.Results)
	}
	_, body, _ := do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"JANAN AGHA"}]}`)
	if !bytes.Contains(body, []byte(`"version":"v2"`)) {
		t.Errorf("after swap: %s, want version v2", body)
	}
}

// TestMetricsElsewhere: a server with a metrics listener of its own keeps
// /metrics off the API handler, and the separate handler serves the
// series the API records.
func TestMetricsElsewhere(t *testing.T) {
	reg := NewRegistry()
	s, _ := testServer(t, Deps{Registry: reg, MetricsElsewhere: true})
	if code, body, _ := do(s, "GET", "/metrics", "", ""); code != 404 {
		t.Errorf("GET /metrics on the API handler = %d %s, want 404", code, body)
	}
	do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"JANAN AGHA"}]}`)
	code, body, _ := do(MetricsHandler(reg, nil), "GET", "/metrics", "", "")
	for _, want := range []string{
		`chokepoint_http_requests_total{code="200",route="POST /v1/screen"} 1`,
		`chokepoint_list_records{published="2026-11-01",source="un_sc",version="2026-11-01-abc123"} 683`,
		`go_goroutines`,
	} {
		if code != 200 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics listener = %d, lacks %s", code, want)
		}
	}
}

func TestMetrics(t *testing.T) {
	s, _ := testServer(t, Deps{})
	do(s, "POST", "/v1/screen", "application/json", `{"queries":[{"name":"JANAN AGHA"},{"name":"Jane Roe"}]}`)
	do(s, "POST", "/v1/screen", "text/plain", `{}`)
	do(s, "GET", "/nope", "", "")
	code, body, _ := do(s, "GET", "/metrics", "", "")
	if code != 200 {
		t.Fatalf("status = %d", code)
	}
	for _, want := range []string{
		`chokepoint_http_requests_total{code="200",route="POST /v1/screen"} 1`,
		`chokepoint_http_requests_total{code="415",route="POST /v1/screen"} 1`,
		`chokepoint_http_requests_total{code="404",route="other"} 1`,
		`chokepoint_http_request_duration_seconds_bucket{route="POST /v1/screen",le="0.005"}`,
		`chokepoint_queries_screened_total 2`,
		`chokepoint_matches_total 1`,
		`chokepoint_list_records{published="2026-11-01",source="un_sc",version="2026-11-01-abc123"} 683`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, _ := testServer(t, Deps{})
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	registered := slices.Clone(s.routes)
	sort.Strings(documented)
	sort.Strings(registered)
	if !slices.Equal(documented, registered) {
		t.Errorf("documented routes %q\nwant the registered %q", documented, registered)
	}
	code, body, _ := do(s, "GET", "/v1/openapi.json", "", "")
	if code != 200 || !bytes.Equal(body, openAPIDoc) {
		t.Errorf("GET /v1/openapi.json = %d, want 200 and the document", code)
	}
}

// fakeOrders checks an order whose body is {"id": ...}.
type fakeOrders struct{}

func (fakeOrders) CheckOrder(ctx context.Context, sc Screener, r io.Reader) (*orders.Report, error) {
	var o struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(r).Decode(&o); err != nil {
		return nil, err
	}
	if o.ID == "" {
		return nil, &Error{Status: 400, Code: "invalid_order", Field: "id", Message: "required"}
	}
	return &orders.Report{OrderID: o.ID, Decision: orders.Clear}, nil
}

func TestOrders(t *testing.T) {
	none, _ := testServer(t, Deps{})
	if code, body, _ := do(none, "POST", "/v1/orders/check", "application/json", `{"id":"o1"}`); code != 503 {
		t.Errorf("without a checker: %d %s, want 503", code, body)
	}
	s, _ := testServer(t, Deps{Orders: fakeOrders{}, MaxBodyBytes: 64})
	tests := []struct {
		name, ct, body string
		status         int
		want           string
	}{
		{"OK", "application/json", `{"id":"o1"}`, 200, `"decision":"clear"`},
		{"Invalid", "application/json", `{}`, 400, `"field":"id"`},
		{"WrongType", "text/csv", `{"id":"o1"}`, 415, `unsupported_media_type`},
		{"TooLarge", "application/json", `{"id":"` + strings.Repeat("x", 100) + `"}`, 413, `body_too_large`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := do(s, "POST", "/v1/orders/check", tt.ct, tt.body)
			if code != tt.status || !bytes.Contains(body, []byte(tt.want)) {
				t.Errorf("= %d %s, want %d with %s", code, body, tt.status, tt.want)
			}
		})
	}
}

// checkNever500 fails when a response is a 5xx other than not-ready or is
// not JSON.
func checkNever500(t *testing.T, code int, body []byte, res *http.Response) {
	t.Helper()
	if code >= 500 {
		t.Fatalf("status %d: %s", code, body)
	}
	if ct := res.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") && !json.Valid(body) {
		t.Fatalf("body is not JSON: %q", body)
	}
}

func FuzzScreenHandler(f *testing.F) {
	s, _ := testServer(f, Deps{MaxBodyBytes: 4096, MaxQueries: 20})
	f.Add("application/json", []byte(`{"queries":[{"id":"c1","name":"JANAN AGHA","type":"person","country":"AF","dob":"1958","ids":["1229632603"]}],"threshold":0.8,"limit":10}`))
	f.Add("application/json; charset=utf-8", []byte(`{"queries":[{"name":"ABDULHAI SALEK","dob":"1965-13"}],"sources":["un_sc"]}`))
	f.Add("application/json", []byte(`{"queries":[{"name":"\xff","country":"Iran, Islamic Republic of"}]}`))
	f.Add("text/plain", []byte(`{}`))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		code, out, res := do(s, "POST", "/v1/screen", ct, string(body))
		checkNever500(t, code, out, res)
		if code == 200 {
			var resp ScreenResponse
			if err := json.Unmarshal(out, &resp); err != nil || resp.Results == nil {
				t.Fatalf("200 body %s: %v", out, err)
			}
		}
	})
}

func FuzzEntityHandler(f *testing.F) {
	s, _ := testServer(f, Deps{})
	f.Add("un_sc:QDi.001")
	f.Add("us_ofac_sdn:12345")
	f.Add("%00%ff")
	f.Fuzz(func(t *testing.T, id string) {
		req, err := http.NewRequest("GET", "/v1/entities/x", nil)
		if err != nil {
			t.Skip()
		}
		req.URL.Path = "/v1/entities/" + id
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		checkNever500(t, res.StatusCode, b, res)
	})
}

func FuzzOrdersHandler(f *testing.F) {
	eng := NewEngine(nil)
	s, fake := testServer(f, Deps{Engine: eng, MaxBodyBytes: 8192})
	eng.Swap(fake)
	s.orders = NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) })
	f.Add("application/json", []byte(fmt.Sprintf(cleanOrder, "Maschinenbau Voss GmbH")))
	f.Add("application/json", []byte(fmt.Sprintf(cleanOrder, "JANAN AGHA")))
	f.Add("application/json", []byte(`{"id":"x","parties":[{"role":"payer","name":"\u0000","country":"Iran"}],"lines":[{"description":"x","hs_code":"1"}]}`))
	f.Add("application/json", []byte(`{}`))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		code, out, res := do(s, "POST", "/v1/orders/check", ct, string(body))
		checkNever500(t, code, out, res)
	})
}

// FuzzHandler sends any method, path and body to the whole handler: the
// routing, 404 and 405 answers, auth and the read-only routes.
func FuzzHandler(f *testing.F) {
	s, _ := testServer(f, Deps{APIKeys: []string{"key"}, MaxBodyBytes: 4096})
	f.Add("GET", "/v1/lists", "Bearer key", []byte(""))
	f.Add("HEAD", "/readyz", "", []byte(""))
	f.Add("PUT", "/v1/screen", "Bearer key", []byte(`{"queries":[]}`))
	f.Add("GET", "/metrics", "", []byte(""))
	f.Add("GET", "/v1/openapi.json", "Bearer key", []byte(""))
	f.Fuzz(func(t *testing.T, method, path, auth string, body []byte) {
		req, err := http.NewRequest(method, "http://x/", bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.URL.Path = "/" + strings.TrimPrefix(path, "/")
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		res := rec.Result()
		b, _ := io.ReadAll(res.Body)
		checkNever500(t, res.StatusCode, b, res)
	})
}

// BenchmarkScreenHandler measures one single-name screening request
// through the whole handler (routing, metrics, decoding, encoding) with the
// fake engine, in process.
func BenchmarkScreenHandler(b *testing.B) {
	s, _ := testServer(b, Deps{})
	qs := names(b, negativesFile, 1000)
	qs = append(qs, names(b, positivesFile, 200)...)
	bodies := make([][]byte, len(qs))
	for i, n := range qs {
		bodies[i], _ = json.Marshal(ScreenRequest{Queries: []match.Query{{ID: "c1", Name: n}}})
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest("POST", "/v1/screen", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			i++
		}
	})
}

// cleanOrder is a clean order: industrial bearings to a long-standing
// German manufacturer; party names the order-check tests replace.
const cleanOrder = `{"id":"T-1","date":"2026-11-20",
 "parties":[{"role":"buyer","name":"%s","type":"organization","business_type":"manufacturer","city":"Bielefeld","country":"DE","customer_since":"2016-04-01"},
  {"role":"consignee","name":"Maschinenbau Voss GmbH","type":"organization","business_type":"manufacturer","city":"Bielefeld","country":"DE","customer_since":"2016-04-01"},
  {"role":"end_user","name":"Maschinenbau Voss GmbH","type":"organization","business_type":"manufacturer","city":"Bielefeld","country":"DE","customer_since":"2016-04-01"}],
 "lines":[{"description":"Deep groove ball bearings","hs_code":"8482.10","manufacturer":"SKF","part_number":"6204-2RS","quantity":100,"unit_value":3,"currency":"EUR","end_use":"packaging machines"}],
 "route":{"export_country":"US","destination_country":"DE","port_of_discharge":"Hamburg","payment_origin_country":"DE"}}`

func TestOrdersWithChecker(t *testing.T) {
	eng := NewEngine(nil)
	s, fake := testServer(t, Deps{Engine: eng})
	s.orders = NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) })
	if code, body, _ := do(s, "POST", "/v1/orders/check", "application/json", fmt.Sprintf(cleanOrder, "Maschinenbau Voss GmbH")); code != 503 {
		t.Errorf("before load: %d %s, want 503", code, body)
	}
	eng.Swap(fake)
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"Clear", fmt.Sprintf(cleanOrder, "Maschinenbau Voss GmbH"), 200, `"decision":"clear"`},
		{"ListedBuyer", fmt.Sprintf(cleanOrder, "JANAN AGHA"), 200, `"entity_id":"un_sc:QDi.002"`},
		{"UnknownField", `{"id":"x","colour":"red"}`, 400, `"field":"colour"`},
		{"Invalid", `{"id":"x"}`, 400, `"code":"invalid_order"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := do(s, "POST", "/v1/orders/check", "application/json", tt.body)
			if code != tt.status || !bytes.Contains(body, []byte(tt.want)) {
				t.Errorf("= %d %.400s, want %d with %s", code, body, tt.status, tt.want)
			}
		})
	}
}

// decodeSequence decodes bodies one after another through one reused
// decoder, as the pool would (a fresh one after a failure), and checks
// each outcome against a fresh strict decoder's: a reused decoder must
// not carry anything of one request into the next.
func decodeSequence(t *testing.T, bodies ...[]byte) {
	t.Helper()
	d := newPooledDecoder()
	for i, body := range bodies {
		var got, want ScreenRequest
		ok := d.decode(body, &got)
		wantErr := decodeBody(body, &want)
		if ok != (wantErr == nil) {
			t.Fatalf("body %d %q: reused decoder ok=%v, fresh decoder error %v", i, body, ok, wantErr)
		}
		if !ok {
			d = newPooledDecoder()
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("body %d %q: reused decoder gave %+v, fresh %+v", i, body, got, want)
		}
	}
}

func TestDecodeReusedMatchesFreshDecoder(t *testing.T) {
	long := `{"queries":[` + strings.Repeat(`{"name":"ABDUL RAHMAN AL HAQQANI","ids":["1229632603"]},`, 40) + `{"name":"x"}]}`
	decodeSequence(t,
		[]byte(`{"queries":[{"id":"a","name":"JANAN AGHA"}]}`),
		[]byte("{\"queries\":[{\"name\":\"B\"}],\"limit\":3}\n\n  "), // trailing white space
		[]byte(`{"queries":[{"name":"C"}]}`),
		[]byte(long), // more than the decoder's first read
		[]byte(`{"queries":[{"name":"D"}]}`),
		[]byte(`{"queries":[{"name":"E"}]}}`), // trailing brace
		[]byte(`{"queries":[{"name":"F"}]}`),
		[]byte(`{} {}`),                                 // two values
		[]byte(`{"queries":[{"name":"G","nick":"x"}]}`), // unknown field
		[]byte(`{"queries":[{"name":"H"}]`),             // cut short
		[]byte(``),
		[]byte(`{"queries":[{"name":"I","ids":"1"}]}`), // wrong type
		[]byte(`{"queries":[{"name":"J"}],"threshold":0.9}`),
		[]byte(`{"queries":[{"name":"K"}]}x`),
		[]byte(`{"queries":[{"name":"L"}]}`),
	)
}

func FuzzDecodeReused(f *testing.F) {
	f.Add([]byte(`{"queries":[{"name":"A"}]} `), []byte(`{"queries":[{"name":"B"}]}`))
	f.Add([]byte(`{"queries":[{"name":"A"}]}`), []byte(`{"queries":[{"name":"B"}]}}`))
	f.Add([]byte(`{"limit":1}`), []byte(`[`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		decodeSequence(t, a, b, a)
	})
}
