package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// The review routes: alerts and their decisions, recorded screenings.
// They act as the user of the API key presented, whose role the workflow
// checks, so they answer only with a store configured (else 503).
func (s *server) reviewRoutes() {
	s.handle("GET /v1/alerts", false, s.asUser(s.listAlerts))
	s.handle("GET /v1/alerts/{id}", false, s.asUser(s.getAlert))
	s.handle("POST /v1/alerts/{id}/assign", false, s.asUser(s.alertChange(s.assign)))
	s.handle("POST /v1/alerts/{id}/dispositions", false, s.asUser(s.alertChange(s.disposition)))
	s.handle("POST /v1/alerts/{id}/approvals", false, s.asUser(s.alertChange(s.approval)))
	s.handle("POST /v1/alerts/{id}/escalate", false, s.asUser(s.alertChange(s.escalate)))
	s.handle("POST /v1/alerts/{id}/close", false, s.asUser(s.alertChange(s.closeAlert)))
	s.handle("POST /v1/counterparties/{id}/screen", false, s.asUser(s.screenCounterparty))
	s.handle("GET /v1/counterparties/{id}/screenings", false, s.asUser(s.counterpartyScreenings))
	s.handle("GET /v1/screenings/{id}", false, s.asUser(s.getScreening))
	s.handle("GET /v1/suppressions", false, s.asUser(s.listSuppressions))
	s.handle("POST /v1/suppressions/{id}/revoke", false, s.asUser(s.revokeSuppression))
	s.handle("POST /v1/counterparties/{id}/unblock", false, s.asUser(s.proposeUnblock))
	s.handle("POST /v1/unblock-requests/{id}/decision", false, s.asUser(s.decideUnblock))
}

type actorHandler func(w http.ResponseWriter, r *http.Request, a store.Actor)

// asUser authenticates the request by its API key in the store and passes
// the key's user and role on.
func (s *server) asUser(h actorHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.review == nil || s.store == nil {
			s.writeError(w, r, &Error{Status: http.StatusServiceUnavailable, Code: "no_store",
				Message: "no system of record configured: start serve with --db"})
			return
		}
		a, err := s.actorOf(r)
		if err != nil {
			s.writeAuthError(w, r, err)
			return
		}
		h(w, r, a)
	}
}

// writeAuthError writes err, with the challenge a 401 carries.
func (s *server) writeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	if classify(err).Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chokepoint"`)
	}
	s.writeError(w, r, err)
}

// storeAuthorized checks a request to one of the engine's routes against
// the store's keys: any user may read (lists, entities, the API document,
// metrics); screening, order checks and document scans need a role that
// may screen, which the auditor's does not.
func (s *server) storeAuthorized(r *http.Request, route string) error {
	a, err := s.actorOf(r)
	if err != nil {
		return err
	}
	screening := route == "POST /v1/screen" || route == "POST /v1/orders/check" || route == "POST /v1/documents/scan"
	if screening && !review.Allowed(store.Role(a.Role), review.OpScreen) {
		return reviewError(&review.ForbiddenError{Actor: a.Name, Role: a.Role, Op: review.OpScreen})
	}
	return nil
}

// actorOf authenticates the request by its API key in the store.
func (s *server) actorOf(r *http.Request) (store.Actor, error) {
	unauthorized := func(msg string) error {
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: msg}
	}
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return store.Actor{}, unauthorized("missing API key: send Authorization: Bearer <key> (chokepoint keys create)")
	}
	k, err := s.store.LookupKey(r.Context(), strings.TrimSpace(secret))
	switch {
	case err == nil:
		return store.Actor{Name: k.User, Key: k.Prefix, Role: string(k.Role)}, nil
	case errors.Is(err, store.ErrKeyRevoked):
		return store.Actor{}, unauthorized("API key revoked")
	case errors.Is(err, store.ErrKeyExpired):
		return store.Actor{}, unauthorized("API key expired")
	case errors.Is(err, store.ErrUserBlocked):
		return store.Actor{}, unauthorized("the key's user is disabled")
	case errors.Is(err, store.ErrNotFound):
		return store.Actor{}, unauthorized("unknown API key")
	}
	return store.Actor{}, err
}

// recorder is the actor of a screening request that asks to record.
func (s *server) recorder(r *http.Request) (store.Actor, error) {
	if s.review == nil || s.store == nil {
		return store.Actor{}, &Error{Status: http.StatusServiceUnavailable, Code: "no_store", Field: "record",
			Message: "no system of record configured: start serve with --db to record screenings"}
	}
	a, err := s.actorOf(r)
	if err != nil {
		return a, err
	}
	if !review.Allowed(store.Role(a.Role), review.OpScreen) {
		return a, reviewError(&review.ForbiddenError{Actor: a.Name, Role: a.Role, Op: review.OpScreen})
	}
	return a, nil
}

// record stores the screened queries and says where each went.
func (s *server) record(r *http.Request, a store.Actor, eng Screener, req *ScreenRequest, results []ScreenResult, threshold float64) ([]RecordedScreening, error) {
	ms := make([][]match.Match, len(results))
	for i := range results {
		ms[i] = results[i].Matches
	}
	outs, err := s.review.RecordQueries(r.Context(), a, req.Reason, eng, req.Queries, ms, threshold)
	if err != nil {
		return nil, err
	}
	rec := make([]RecordedScreening, len(outs))
	for i, o := range outs {
		rec[i] = RecordedScreening{ID: req.Queries[i].ID, ScreeningID: o.Screening.ID, AlertID: o.Alert.ID}
	}
	return rec, nil
}

// reviewError maps the workflow's errors to statuses: a role that may not
// act 403, a conflict with another change 409, a closed alert or an
// approval of one's own decision 409, bad input 422 naming the field,
// an unknown id 404.
func reviewError(err error) error {
	var fe *review.ForbiddenError
	var ie *review.InputError
	var se *store.FieldError
	switch {
	case errors.As(err, &fe):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: fe.Error()}
	case errors.As(err, &ie):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_request", Field: ie.Field, Message: ie.Msg}
	case errors.As(err, &se):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_request", Field: se.Field, Message: se.Msg}
	case errors.Is(err, store.ErrVersionConflict):
		return &Error{Status: http.StatusConflict, Code: "version_conflict", Field: "version", Message: err.Error()}
	case errors.Is(err, review.ErrClosed):
		return &Error{Status: http.StatusConflict, Code: "alert_closed", Message: err.Error()}
	case errors.Is(err, review.ErrOwnDecision):
		return &Error{Status: http.StatusConflict, Code: "own_decision", Message: err.Error()}
	case errors.Is(err, store.ErrUnblockPending):
		return &Error{Status: http.StatusConflict, Code: "unblock_pending", Field: "counterparty_id", Message: err.Error()}
	case errors.Is(err, review.ErrNotReady):
		return &Error{Status: http.StatusConflict, Code: "not_ready", Message: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error()}
	}
	return err
}

func pathID(r *http.Request, what string) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: "id",
			Message: fmt.Sprintf("%s id %q: want a positive number", what, v)}
	}
	return id, nil
}

func (s *server) listAlerts(w http.ResponseWriter, r *http.Request, a store.Actor) {
	q := r.URL.Query()
	f := store.AlertFilter{Status: q.Get("status"), Assignee: q.Get("assignee")}
	bad := func(field, msg string) {
		s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: field, Message: msg})
	}
	for k := range q {
		switch k {
		case "status", "assignee", "priority", "counterparty", "order", "open", "limit":
		default:
			bad(k, "unknown filter; want status, assignee, priority, counterparty, order, open or limit")
			return
		}
	}
	if p := q.Get("priority"); p != "" {
		var err error
		if f.Priority, err = review.ParsePriority(p); err != nil {
			s.writeError(w, r, reviewError(err))
			return
		}
	}
	switch cp, order := q.Get("counterparty"), q.Get("order"); {
	case cp != "" && order != "":
		bad("order", "give counterparty or order, not both")
		return
	case cp != "":
		f.SubjectKind, f.SubjectID = "counterparty", cp
	case order != "":
		f.SubjectKind, f.SubjectID = "order", order
	}
	if v := q.Get("open"); v != "" {
		open, err := strconv.ParseBool(v)
		if err != nil {
			bad("open", "want true or false")
			return
		}
		f.Open = open
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 1000 {
			bad("limit", "want 1 to 1000")
			return
		}
		f.Limit = n
	}
	as, err := s.review.Alerts(r.Context(), a, f)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	if as == nil {
		as = []store.Alert{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"alerts": as})
}

func (s *server) getAlert(w http.ResponseWriter, r *http.Request, a store.Actor) {
	id, err := pathID(r, "alert")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	al, err := s.review.Alert(r.Context(), a, id)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusOK, al)
}

// ChangeRequest is the body every alert change shares: the version read
// (0 to skip the check; a stale one gets 409) and the reason recorded
// in the audit trail.
type ChangeRequest struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
	// The fields of the particular change.
	Assignee      string `json:"assignee,omitempty"`
	HitID         int64  `json:"hit_id,omitempty"`
	Verdict       string `json:"verdict,omitempty"`
	ReasonCode    string `json:"reason_code,omitempty"`
	Comment       string `json:"comment,omitempty"`
	Suppress      bool   `json:"suppress,omitempty"`
	SuppressDays  int    `json:"suppress_days,omitempty"`
	DispositionID int64  `json:"disposition_id,omitempty"`
	Approve       *bool  `json:"approve,omitempty"`
	Note          string `json:"note,omitempty"`
	To            string `json:"to,omitempty"`
	Outcome       string `json:"outcome,omitempty"`
}

// readJSON reads and strictly decodes a JSON request body into dst.
func (s *server) readJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	var buf bytes.Buffer
	if err := s.readBody(w, r, &buf); err != nil {
		return err
	}
	return decodeBody(buf.Bytes(), dst)
}

type changeFunc func(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error)

func (s *server) alertChange(fn changeFunc) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, a store.Actor) {
		id, err := pathID(r, "alert")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var c ChangeRequest
		if err := s.readJSON(w, r, &c); err != nil {
			s.writeError(w, r, err)
			return
		}
		if c.Version < 0 {
			s.writeError(w, r, &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_request", Field: "version", Message: "want the alert version read, or 0"})
			return
		}
		al, err := fn(r, a, id, c)
		if err != nil {
			s.writeError(w, r, reviewError(err))
			return
		}
		s.writeJSON(w, http.StatusOK, al)
	}
}

func (s *server) assign(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error) {
	if c.Assignee == "" {
		return store.Alert{}, &review.InputError{Field: "assignee", Msg: "required"}
	}
	return s.review.Assign(r.Context(), a, c.Reason, id, c.Version, c.Assignee)
}

func (s *server) disposition(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error) {
	if c.HitID <= 0 {
		return store.Alert{}, &review.InputError{Field: "hit_id", Msg: "required"}
	}
	if c.SuppressDays < 0 || c.SuppressDays > 3*366 {
		return store.Alert{}, &review.InputError{Field: "suppress_days", Msg: "want 1 to 1098 days"}
	}
	return s.review.Disposition(r.Context(), a, c.Reason, id, c.Version, review.Decision{HitID: c.HitID, Verdict: c.Verdict,
		ReasonCode: c.ReasonCode, Comment: c.Comment, Suppress: c.Suppress, SuppressFor: time.Duration(c.SuppressDays) * 24 * time.Hour})
}

func (s *server) approval(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error) {
	if c.DispositionID <= 0 {
		return store.Alert{}, &review.InputError{Field: "disposition_id", Msg: "required"}
	}
	if c.Approve == nil {
		return store.Alert{}, &review.InputError{Field: "approve", Msg: "required: true to approve, false to reject"}
	}
	return s.review.Approve(r.Context(), a, c.Reason, id, c.Version, c.DispositionID, *c.Approve, c.Note)
}

func (s *server) escalate(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error) {
	return s.review.Escalate(r.Context(), a, c.Reason, id, c.Version, c.To)
}

func (s *server) closeAlert(r *http.Request, a store.Actor, id int64, c ChangeRequest) (store.Alert, error) {
	return s.review.Close(r.Context(), a, c.Reason, id, c.Version, c.Outcome)
}

func (s *server) screenCounterparty(w http.ResponseWriter, r *http.Request, a store.Actor) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.review.ScreenCounterparty(r.Context(), a, r.URL.Query().Get("reason"), l.s, r.PathValue("id"), review.CauseOnDemand)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusOK, out)
}

func (s *server) counterpartyScreenings(w http.ResponseWriter, r *http.Request, a store.Actor) {
	if !review.Allowed(store.Role(a.Role), review.OpRead) {
		s.writeError(w, r, reviewError(&review.ForbiddenError{Actor: a.Name, Role: a.Role, Op: review.OpRead}))
		return
	}
	scs, err := s.store.Screenings(r.Context(), "counterparty", r.PathValue("id"), 50)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	if scs == nil {
		scs = []store.Screening{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"screenings": scs})
}

func (s *server) getScreening(w http.ResponseWriter, r *http.Request, a store.Actor) {
	if !review.Allowed(store.Role(a.Role), review.OpRead) {
		s.writeError(w, r, reviewError(&review.ForbiddenError{Actor: a.Name, Role: a.Role, Op: review.OpRead}))
		return
	}
	id, err := pathID(r, "screening")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sc, err := s.store.Screening(r.Context(), id)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusOK, sc)
}

func (s *server) listSuppressions(w http.ResponseWriter, r *http.Request, a store.Actor) {
	for k := range r.URL.Query() {
		if k != "counterparty" {
			s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_request", Field: k, Message: "unknown filter; want counterparty"})
			return
		}
	}
	sps, err := s.review.Suppressions(r.Context(), a, r.URL.Query().Get("counterparty"))
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	if sps == nil {
		sps = []store.Suppression{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"suppressions": sps})
}

// RevokeRequest is the body of POST /v1/suppressions/{id}/revoke.
type RevokeRequest struct {
	Reason string `json:"reason"`
}

func (s *server) revokeSuppression(w http.ResponseWriter, r *http.Request, a store.Actor) {
	id, err := pathID(r, "suppression")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req RevokeRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sp, err := s.review.RevokeSuppression(r.Context(), a, req.Reason, id)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusOK, sp)
}

// UnblockRequest is the body of POST /v1/counterparties/{id}/unblock.
type UnblockRequest struct {
	Reason string `json:"reason"`
}

// proposeUnblock asks for a counterparty's block to be lifted; it takes
// effect only when another reviewer approves.
func (s *server) proposeUnblock(w http.ResponseWriter, r *http.Request, a store.Actor) {
	var req UnblockRequest
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.review.ProposeUnblock(r.Context(), a, r.PathValue("id"), req.Reason)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusCreated, u)
}

// UnblockDecision is the body of POST /v1/unblock-requests/{id}/decision.
type UnblockDecision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
}

func (s *server) decideUnblock(w http.ResponseWriter, r *http.Request, a store.Actor) {
	id, err := pathID(r, "unblock request")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req UnblockDecision
	if err := s.readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.review.DecideUnblock(r.Context(), a, req.Reason, id, req.Approve, req.Note)
	if err != nil {
		s.writeError(w, r, reviewError(err))
		return
	}
	s.writeJSON(w, http.StatusOK, u)
}
