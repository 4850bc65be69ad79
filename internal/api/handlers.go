package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// ScreenRequest is the body of POST /v1/screen. Only the queries' names
// are required.
type ScreenRequest struct {
	Queries []match.Query `json:"queries"`
	// Threshold is the score from which a candidate is a match; 0 means
	// the server default.
	Threshold float64 `json:"threshold,omitempty"`
	// Limit caps the matches per query; 0 means the engine default.
	Limit int `json:"limit,omitempty"`
	// Sources, when given, restricts screening to these list ids.
	Sources []string `json:"sources,omitempty"`
	// Record stores each query and its results as a screening in the
	// system of record, opening or joining an alert per query id for hits
	// at or above the threshold. It needs a server with a database, a
	// store API key and an id on every query.
	Record bool `json:"record,omitempty"`
	// Reason is why, for the audit trail of a recorded screening.
	Reason string `json:"reason,omitempty"`
}

// RecordedScreening says where a recorded query went.
type RecordedScreening struct {
	ID          string `json:"id"`
	ScreeningID int64  `json:"screening_id"`
	AlertID     int64  `json:"alert_id,omitempty"`
}

// ScreenResponse is the body of a successful POST /v1/screen: one result
// per query, in request order, and the list versions screened against.
type ScreenResponse struct {
	Results []ScreenResult      `json:"results"`
	Lists   map[string]ListInfo `json:"lists"`
	// Warnings name the lists screened against that are excerpts, stale
	// or whose last update failed; empty when there is nothing to say.
	Warnings []lists.Warning `json:"warnings"`
	// Recorded is set when the request asked to record.
	Recorded []RecordedScreening `json:"recorded,omitempty"`
}

// ScreenResult holds one query's matches, best first.
type ScreenResult struct {
	ID      string        `json:"id"`
	Matches []match.Match `json:"matches"`
}

// EntityResponse is the body of GET /v1/entities/{id}.
type EntityResponse struct {
	Entity *entity.Entity `json:"entity"`
	// List is the version of the entity's list the engine holds.
	List ListInfo `json:"list"`
}

// ListsResponse is the body of GET /v1/lists.
type ListsResponse struct {
	Lists    map[string]ListDetail `json:"lists"`
	Warnings []lists.Warning       `json:"warnings"`
}

// loaded returns the current engine, or a 503 when the lists are not
// loaded yet.
func (s *server) loaded() (*loaded, error) {
	l := s.engine.p.Load()
	if l == nil {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "the lists are still loading; retry shortly"}
	}
	return l, nil
}

// screenRequestJSON is ScreenRequest with each query left undecoded, for
// finding which query a decoding error is in.
type screenRequestJSON struct {
	Queries   []json.RawMessage `json:"queries"`
	Threshold float64           `json:"threshold,omitempty"`
	Limit     int               `json:"limit,omitempty"`
	Sources   []string          `json:"sources,omitempty"`
	Record    bool              `json:"record,omitempty"`
	Reason    string            `json:"reason,omitempty"`
}

func (s *server) screen(w http.ResponseWriter, r *http.Request) {
	b := getBuf()
	defer putBuf(b)
	if err := s.readBody(w, r, b); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !utf8.Valid(b.Bytes()) {
		// encoding/json would screen U+FFFD in place of the bytes sent;
		// the CLI and the order check refuse them, and so does this.
		s.writeError(w, r, screenUTF8Error(b.Bytes()))
		return
	}
	var req ScreenRequest
	if !decodeReused(b.Bytes(), &req) {
		// Decode afresh for the error: a value half decoded may be left
		// in req, and the pooled decoder counts offsets from its first
		// request.
		req = ScreenRequest{}
		if err := decodeBody(b.Bytes(), &req); err != nil {
			s.writeError(w, r, s.screenDecodeError(b.Bytes(), err))
			return
		}
	}
	if n := len(req.Queries); n > s.maxQueries {
		s.writeError(w, r, s.tooManyQueries(n))
		return
	}
	if err := s.checkScreen(&req); err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for i, src := range req.Sources {
		if _, ok := l.lists[src]; !ok {
			s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: fmt.Sprintf("sources[%d]", i),
				Message: fmt.Sprintf("unknown list %q (see GET /v1/lists)", src)})
			return
		}
	}
	opt := match.Options{Threshold: req.Threshold, Limit: req.Limit, Sources: req.Sources}
	if opt.Threshold == 0 {
		opt.Threshold = s.threshold
	}
	var actor store.Actor
	if req.Record {
		// Who records must be known before any work is done.
		if actor, err = s.recorder(r); err != nil {
			s.writeAuthError(w, r, err)
			return
		}
	}
	results := make([]ScreenResult, len(req.Queries))
	if err := screenAll(r.Context(), l.s, req.Queries, opt, results); err != nil {
		s.writeError(w, r, err)
		return
	}
	var recorded []RecordedScreening
	if req.Record {
		if recorded, err = s.record(r, actor, l.s, &req, results, opt.Threshold); err != nil {
			s.writeError(w, r, reviewError(err))
			return
		}
	}
	var matches int
	for _, res := range results {
		for j := range res.Matches {
			if res.Matches[j].Match {
				matches++
			}
		}
	}
	s.metrics.queries.Add(float64(len(req.Queries)))
	s.metrics.matches.Add(float64(matches))
	s.writeScreenResponse(w, r, results, l.listsJSON, s.listWarnings(l).json, recorded)
}

// writeScreenResponse writes a ScreenResponse whose lists part was encoded
// at swap time, the same for every request on an engine. It is spliced in
// rather than passed as a json.RawMessage field: encoding/json validates
// and compacts a RawMessage on every Marshal, which cost 7% of a busy
// server's CPU.
func (s *server) writeScreenResponse(w http.ResponseWriter, r *http.Request, results []ScreenResult, listsJSON, warnings []byte, recorded []RecordedScreening) {
	b := getBuf()
	defer putBuf(b)
	b.WriteString(`{"results":`)
	if err := json.NewEncoder(b).Encode(results); err != nil {
		s.writeError(w, r, fmt.Errorf("encode screening results: %w", err))
		return
	}
	b.Truncate(b.Len() - 1) // the encoder's newline
	b.WriteString(`,"lists":`)
	b.Write(listsJSON)
	b.WriteString(`,"warnings":`)
	b.Write(warnings)
	if recorded != nil {
		b.WriteString(`,"recorded":`)
		if err := json.NewEncoder(b).Encode(recorded); err != nil {
			s.writeError(w, r, fmt.Errorf("encode recorded screenings: %w", err))
			return
		}
		b.Truncate(b.Len() - 1)
	}
	b.WriteString("}\n")
	writeBody(w, http.StatusOK, b.Bytes())
}

// screenDecodeError decodes a screening request that failed to decode
// again, query by query, so that the error names the query at fault: the
// decoder does not say in which element of a list it met an unknown
// field. Only bad requests pay for the second pass.
func (s *server) screenDecodeError(data []byte, err error) error {
	var raw screenRequestJSON
	if e := decodeBody(data, &raw); e != nil {
		return e
	}
	if n := len(raw.Queries); n > s.maxQueries {
		return s.tooManyQueries(n)
	}
	for i, q := range raw.Queries {
		var mq match.Query
		if e := decodeBody(q, &mq); e != nil {
			return inField(fmt.Sprintf("queries[%d]", i), e)
		}
	}
	return err
}

// screenUTF8Error names the field of a screening request that is not
// UTF-8, as queries[i].name, or the request as a whole.
func screenUTF8Error(data []byte) error {
	var raw screenRequestJSON
	if e := decodeBody(data, &raw); e != nil {
		return e
	}
	field := ""
	for i, q := range raw.Queries {
		if utf8.Valid(q) {
			continue
		}
		field = fmt.Sprintf("queries[%d]", i)
		var obj map[string]json.RawMessage
		if json.Unmarshal(q, &obj) == nil {
			keys := make([]string, 0, len(obj))
			for k, v := range obj {
				if !utf8.Valid(v) {
					keys = append(keys, k)
				}
			}
			if len(keys) > 0 {
				sort.Strings(keys)
				field += "." + keys[0]
			}
		}
		break
	}
	return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: field, Message: match.InvalidUTF8}
}

func (s *server) tooManyQueries(n int) error {
	return &Error{Status: http.StatusBadRequest, Code: "too_many_queries", Field: "queries",
		Message: fmt.Sprintf("%d queries, more than the %d allowed per request", n, s.maxQueries)}
}

// parallelFrom is the number of queries from which one request is
// screened on several cores: below it, goroutines cost more than they
// save, and single-name requests are the common case.
const parallelFrom = 16

// screenAll screens qs into out, in order. A large request is split over
// the cores so that its latency does not grow with its size alone.
func screenAll(ctx context.Context, sc Screener, qs []match.Query, opt match.Options, out []ScreenResult) error {
	one := func(i int) error {
		ms, err := sc.Screen(qs[i], opt)
		if err != nil {
			return fmt.Errorf("screen queries[%d]: %w", i, err)
		}
		if ms == nil {
			ms = []match.Match{}
		}
		out[i] = ScreenResult{ID: qs[i].ID, Matches: ms}
		return nil
	}
	workers := min(runtime.GOMAXPROCS(0), len(qs)/parallelFrom*2)
	if workers <= 1 {
		for i := range qs {
			if err := one(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(qs) || ctx.Err() != nil {
					return
				}
				if err := one(i); err != nil {
					errs[w] = err
					next.Store(int64(len(qs))) // stop the others early
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

// checkScreen checks the request's limits and every query, normalising
// types and countries, and reports every bad field at once.
func (s *server) checkScreen(req *ScreenRequest) error {
	switch {
	case len(req.Queries) == 0:
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: "queries",
			Message: "required: give at least one query"}
	case req.Threshold < 0 || req.Threshold > 1:
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: "threshold",
			Message: fmt.Sprintf("%v: want a score in (0,1]", req.Threshold)}
	case req.Limit < 0 || req.Limit > match.MaxLimit:
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: "limit",
			Message: fmt.Sprintf("%d: want 1..%d", req.Limit, match.MaxLimit)}
	}
	var bad []match.FieldError
	for i := range req.Queries {
		for _, f := range normalize(&req.Queries[i]) {
			f.Field = fmt.Sprintf("queries[%d].%s", i, f.Field)
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_query", Field: bad[0].Field,
			Message: bad[0].Message, Fields: capFields(bad)}
	}
	return nil
}

// normalize checks q and puts its type and country in the engine's terms
// (canonical type, ISO 3166 alpha-2 code). It returns every bad field.
func normalize(q *match.Query) []match.FieldError {
	var bad []match.FieldError
	if err := q.Validate(); err != nil {
		if ve, ok := err.(*match.ValidationError); ok {
			bad = append(bad, ve.Fields...)
		} else {
			bad = append(bad, match.FieldError{Field: "query", Message: err.Error()})
		}
	}
	if q.Type != "" {
		if t, ok := entity.ParseType(string(q.Type)); ok {
			q.Type = t
		}
	}
	if c := strings.TrimSpace(q.Country); c != "" {
		if len(c) > 100 {
			bad = append(bad, match.FieldError{Field: "country", Message: "longer than 100 bytes"})
		} else if q.Country = country.Code(c); q.Country == "" {
			bad = append(bad, match.FieldError{Field: "country", Message: fmt.Sprintf("unknown country %q (want a name or an ISO 3166 code)", c)})
		}
	}
	return bad
}

func (s *server) entity(w http.ResponseWriter, r *http.Request) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	ent, ok := l.s.Entity(id)
	if !ok || ent == nil {
		if len(id) > 100 {
			id = id[:100] + "..."
		}
		s.writeError(w, r, &Error{Status: http.StatusNotFound, Code: "not_found", Field: "id",
			Message: fmt.Sprintf("no listed entity with id %q in the loaded lists", id)})
		return
	}
	s.writeJSON(w, http.StatusOK, EntityResponse{Entity: ent, List: l.lists[ent.Source]})
}

func (s *server) lists(w http.ResponseWriter, r *http.Request) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, ListsResponse{Lists: l.details, Warnings: s.listWarnings(l).list})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyResponse is the body of GET /readyz once the lists are loaded.
type ReadyResponse struct {
	Status  string `json:"status"`
	Lists   int    `json:"lists"`
	Records int    `json:"records"`
	// LoadedAt is when the current engine was swapped in (RFC 3339).
	LoadedAt string `json:"loaded_at"`
}

func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, ReadyResponse{Status: "ready", Lists: len(l.lists), Records: l.records,
		LoadedAt: l.at.UTC().Format("2006-01-02T15:04:05Z07:00")})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: "no such route; see /v1/openapi.json"})
}

//go:embed openapi.json
var openAPIDoc []byte

func (s *server) openAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "max-age=3600")
	w.Write(openAPIDoc)
}
