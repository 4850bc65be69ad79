// Package api serves screening over HTTP: a JSON API under /v1/, health
// probes, Prometheus metrics and an OpenAPI document.
//
// It is a front of the screening stage of the data flow (sources ->
// entities -> index -> screening -> decisions -> store): it decodes and
// checks requests, hands queries to the current engine and writes the
// matches. The engine is held in an [Engine], which a list update replaces
// while requests in flight finish on the engine they started with.
package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Screener is what the API needs from the screening engine.
// *match.Engine implements it.
type Screener interface {
	Screen(q match.Query, opt match.Options) ([]match.Match, error)
	Entity(id string) (*entity.Entity, bool)
	Datasets() []*entity.Dataset
}

// Defaults for the request limits in [Deps].
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultMaxQueries   = 1000
)

// Deps is what the handler needs. Engine is required; the rest have
// working zero values.
type Deps struct {
	// Engine holds the engine requests are screened on; until it holds
	// one, /readyz and the /v1/ routes answer 503.
	Engine *Engine
	// Orders checks orders for POST /v1/orders/check; nil answers 503.
	Orders OrderChecker
	// APIKeys, when not empty, are the bearer tokens every /v1/ route and
	// /metrics require. /healthz and /readyz stay open for probes.
	APIKeys []string
	// Warner computes the list warnings (excerpt, stale, failed update)
	// every screening response carries; nil means a lists.Warner with the
	// default age limit and no data directory.
	Warner ListWarner
	// MetricsElsewhere leaves /metrics off this handler (it answers 404),
	// for a server that serves [MetricsHandler] on a listener of its own.
	MetricsElsewhere bool
	// MaxBodyBytes caps a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxQueries caps the queries of one screening request; 0 means
	// DefaultMaxQueries.
	MaxQueries int
	// Threshold is the match threshold of requests that give none; 0
	// means the engine default.
	Threshold float64
	// Logger receives request failures; nil means slog.Default.
	Logger *slog.Logger
	// Review and Store, when set, serve the alert and recorded-screening
	// routes, authenticated by the store's API keys; without them those
	// routes answer 503.
	Review *review.Service
	Store  *store.Store
	// Registry receives the metrics; nil means a new registry with the Go
	// runtime and process collectors. /metrics serves it.
	Registry *prometheus.Registry
}

// Engine holds the current screener. It is safe for concurrent use: a
// request loads the screener once and keeps it to the end, so a Swap
// never changes the lists under a request.
type Engine struct {
	p atomic.Pointer[loaded]
}

// ListWarner says what a result screened against datasets cannot be
// trusted for; *lists.Warner implements it.
type ListWarner interface {
	Warnings(datasets []*entity.Dataset) []lists.Warning
}

// loaded is one screener and what the API derives from it once, at swap
// time rather than per request.
type loaded struct {
	// warnings is the encoded list warnings and when they were computed:
	// they change with time (a list turns stale), so they are refreshed
	// once a minute rather than fixed at swap time.
	warnings atomic.Pointer[encodedWarnings]
	s        Screener
	lists    map[string]ListInfo
	// listsJSON is lists encoded once: every screening response carries it.
	listsJSON json.RawMessage
	details   map[string]ListDetail
	records   int
	at        time.Time
	// docs scans documents against s; its index is built on the first
	// document, not at swap time.
	docs *scan.Scanner
}

// NewEngine returns a holder for s; s may be nil until the lists load.
func NewEngine(s Screener) *Engine {
	e := new(Engine)
	if s != nil {
		e.Swap(s)
	}
	return e
}

// Swap makes s the screener for requests that start from now on.
func (e *Engine) Swap(s Screener) {
	l := &loaded{s: s, lists: make(map[string]ListInfo), details: make(map[string]ListDetail), at: time.Now(), docs: scan.New(s)}
	for _, d := range s.Datasets() {
		info := ListInfo{Version: d.Version, Published: d.Published, Records: len(d.Entities)}
		l.lists[d.Source] = info
		det := ListDetail{ListInfo: info, Types: make(map[string]int), Notes: d.Notes}
		for t, n := range d.Counts() {
			name := string(t)
			if t == entity.Unknown {
				name = "unknown"
			}
			det.Types[name] = n
		}
		l.details[d.Source] = det
		l.records += info.Records
	}
	// Maps of strings to plain structs always encode.
	l.listsJSON, _ = json.Marshal(l.lists)
	e.p.Store(l)
}

// Screener returns the current screener, or nil before the first Swap.
func (e *Engine) Screener() Screener {
	if l := e.p.Load(); l != nil {
		return l.s
	}
	return nil
}

// ListInfo identifies the version of one list that screening used.
type ListInfo struct {
	Version   string `json:"version"`
	Published string `json:"published"`
	Records   int    `json:"records"`
}

// ListDetail is ListInfo with the counts by type and the notes of the
// version, for GET /v1/lists.
type ListDetail struct {
	ListInfo
	Types map[string]int `json:"types"`
	Notes []string       `json:"notes,omitempty"`
}

// server is the handler's state; handlers are its methods.
type server struct {
	engine     *Engine
	warner     ListWarner
	orders     OrderChecker
	review     *review.Service
	store      *store.Store
	keys       [][sha256.Size]byte
	maxBody    int64
	maxQueries int
	threshold  float64
	log        *slog.Logger
	metrics    *metrics
	mux        *http.ServeMux
	// routes lists "METHOD /path" of every registered route, for the test
	// that holds the OpenAPI document to them.
	routes []string

	idPrefix string
	idSeq    atomic.Uint64
}

// NewHandler returns the HTTP handler of the API.
func NewHandler(deps Deps) http.Handler { return newServer(deps) }

func newServer(deps Deps) *server {
	if deps.Engine == nil {
		panic("api: Deps.Engine is nil") // a programmer error, found at start-up
	}
	s := &server{
		engine:     deps.Engine,
		warner:     deps.Warner,
		orders:     deps.Orders,
		review:     deps.Review,
		store:      deps.Store,
		maxBody:    deps.MaxBodyBytes,
		maxQueries: deps.MaxQueries,
		threshold:  deps.Threshold,
		log:        deps.Logger,
		mux:        http.NewServeMux(),
	}
	if s.warner == nil {
		s.warner = &lists.Warner{}
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.maxQueries <= 0 {
		s.maxQueries = DefaultMaxQueries
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, k := range deps.APIKeys {
		if k = strings.TrimSpace(k); k != "" {
			s.keys = append(s.keys, sha256.Sum256([]byte(k)))
		}
	}
	var b [6]byte
	rand.Read(b[:])
	s.idPrefix = hex.EncodeToString(b[:])
	s.metrics = newMetrics(deps.Registry, deps.Engine)

	s.handle("POST /v1/screen", true, s.screen)
	s.handle("GET /v1/entities/{id}", true, s.entity)
	s.handle("GET /v1/lists", true, s.lists)
	s.handle("POST /v1/orders/check", true, s.checkOrder)
	s.handle("POST /v1/documents/scan", true, s.scanDocument)
	s.handle("GET /v1/openapi.json", true, s.openAPI)
	s.reviewRoutes()
	s.handle("GET /healthz", false, s.healthz)
	s.handle("GET /readyz", false, s.readyz)
	if !deps.MetricsElsewhere {
		// The series name the lists and versions in service and the
		// request volume: not for anyone who can reach the port.
		s.handle("GET /metrics", true, MetricsHandler(s.metrics.reg, s.log).ServeHTTP)
	}
	s.mux.Handle("/", s.wrap("other", false, s.notFound))
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// handle registers h for pattern ("METHOD /path"), and for every other
// method on the path a 405 that names the allowed one.
func (s *server) handle(pattern string, auth bool, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, s.wrap(pattern, auth, h))
	allow := method
	if method == http.MethodGet {
		allow = "GET, HEAD"
	}
	s.mux.Handle(path, s.wrap(path+" (other methods)", auth, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.writeError(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("method %s not allowed on %s; use %s", r.Method, path, method)})
	}))
}

// statusWriter records the status code for the metrics.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap adds what every route shares: a request id, auth, panic recovery
// and metrics. It is plain code on purpose; it runs on every request.
func (s *server) wrap(route string, auth bool, h http.HandlerFunc) http.Handler {
	obs := s.metrics.duration.WithLabelValues(route)
	// Looking a series up by its labels hashes them; the common outcome
	// is resolved once, when it first happens.
	ok := sync.OnceValue(func() prometheus.Counter { return s.metrics.requests.WithLabelValues(route, "200") })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		w.Header()["X-Request-Id"] = []string{s.requestID(r)}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "request_id", w.Header().Get("X-Request-Id"), "route", route, "panic", v)
				if sw.code == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			obs.Observe(time.Since(start).Seconds())
			if code == http.StatusOK {
				ok().Inc()
			} else {
				s.metrics.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
			}
		}()
		if auth && (len(s.keys) > 0 || s.store != nil) && !s.authorized(r) {
			if s.store == nil {
				sw.Header().Set("WWW-Authenticate", `Bearer realm="chokepoint"`)
				s.writeError(sw, r, &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
					Message: "missing or unknown API key: send Authorization: Bearer <key>"})
				return
			}
			// With a system of record every route but the probes needs a
			// key of the store's, so that each request has a known user.
			if err := s.storeAuthorized(r, route); err != nil {
				s.writeAuthError(sw, r, err)
				return
			}
		}
		h(sw, r)
	})
}

// authorized reports whether r carries a configured bearer token. Tokens
// are compared as SHA-256 digests in constant time, against every key, so
// that neither the length nor the position of a key leaks through timing.
func (s *server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	ok := 0
	for i := range s.keys {
		ok |= subtle.ConstantTimeCompare(sum[:], s.keys[i][:])
	}
	return ok == 1
}

// requestID returns the caller's X-Request-Id when it is short and plain,
// else a new one.
func (s *server) requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && plainID(id) {
		return id
	}
	return s.idPrefix + "-" + strconv.FormatUint(s.idSeq.Add(1), 10)
}

func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// encodedWarnings is the JSON array of the list warnings at one time.
type encodedWarnings struct {
	at   time.Time
	list []lists.Warning
	json []byte
}

// warningsTTL is how long computed list warnings are reused.
const warningsTTL = time.Minute

// listWarnings returns the list warnings for l, computed at most once a
// minute per engine.
func (s *server) listWarnings(l *loaded) *encodedWarnings {
	now := time.Now()
	if w := l.warnings.Load(); w != nil && now.Sub(w.at) < warningsTTL && !now.Before(w.at) {
		return w
	}
	ws := s.warner.Warnings(l.s.Datasets())
	if ws == nil {
		ws = []lists.Warning{}
	}
	// A slice of plain structs always encodes.
	b, _ := json.Marshal(ws)
	w := &encodedWarnings{at: now, list: ws, json: b}
	l.warnings.Store(w)
	return w
}
