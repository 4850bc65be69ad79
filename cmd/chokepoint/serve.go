package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/api"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// Server timeouts. Screening requests are small and fast; the write
// timeout leaves room for a request of a thousand queries.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	shutdownTimeout   = 15 * time.Second
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [--addr HOST:PORT] [--db DSN] [--api-key-file FILE] [--max-body BYTES] [--max-queries N]")
	addr := fs.String("addr", e.cfg.Addr, "listen `address`")
	keyFile := fs.String("api-key-file", e.cfg.APIKeysFile,
		"`file` of API bearer tokens, one a line; /v1/ routes then require one (default from CHOKEPOINT_API_KEYS_FILE)")
	maxBody := fs.Int64("max-body", api.DefaultMaxBodyBytes, "largest request body in `bytes`")
	maxQueries := fs.Int("max-queries", api.DefaultMaxQueries, "most queries in one screening request")
	debugAddr := fs.String("debug-addr", "", "serve Go's pprof profiles on this separate `address` (such as 127.0.0.1:6060); off when empty")
	dbf := addDBFlags(fs, e, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *maxBody <= 0 || *maxQueries <= 0 {
		return &usageError{"--max-body and --max-queries must be positive"}
	}
	keys, err := readAPIKeys(*keyFile)
	if err != nil {
		return err
	}
	log := e.log.With("component", "serve")
	// With a database the alert and recorded-screening routes serve,
	// authenticated by the store's API keys.
	var st *store.Store
	var svc *review.Service
	if *dbf.db != "" {
		if st, err = dbf.open(ctx, e); err != nil {
			return err
		}
		defer st.Close()
		if svc, err = newReview(e, st); err != nil {
			return err
		}
	}

	eng := api.NewEngine(nil)
	h := api.NewHandler(api.Deps{
		Engine: eng,
		Orders: api.NewOrderChecker(eng, func(s api.Screener) *orders.Checker {
			return orders.NewChecker(s, nil) // the built-in rules; no party history
		}),
		APIKeys:      keys,
		MaxBodyBytes: *maxBody,
		MaxQueries:   *maxQueries,
		Threshold:    e.cfg.Threshold,
		Logger:       log,
		Review:       svc,
		Store:        st,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// SIGHUP is caught before the address is announced, so that whoever
	// reads the address may signal at once.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if *debugAddr != "" {
		// Profiles stay off the API listener: they reveal internals and
		// need no auth only because they should be bound to loopback.
		dln, err := net.Listen("tcp", *debugAddr)
		if err != nil {
			return fmt.Errorf("listen for debug: %w", err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		dsrv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
		go dsrv.Serve(dln)
		defer dsrv.Close()
		log.Info("profiles", "addr", dln.Addr().String())
	}
	// The address goes to stdout so that a script (or the test) that asked
	// for port 0 learns the port.
	fmt.Fprintf(e.stdout, "chokepoint: serving on http://%s\n", ln.Addr())
	log.Info("listening", "addr", ln.Addr().String(), "auth", len(keys) > 0)

	// The lists load after the server starts, so that /healthz answers at
	// once and /readyz says when screening can begin. SIGHUP loads them
	// again; a failed reload keeps the engine in service.
	type loadResult struct {
		eng *match.Engine
		err error
		dur time.Duration
	}
	loaded := make(chan loadResult, 1)
	loading, again, first := false, false, true
	load := func() {
		loading = true
		go func() {
			start := time.Now()
			m, err := loadEngine(ctx, e)
			loaded <- loadResult{m, err, time.Since(start)}
		}()
	}
	load()
	for {
		select {
		case <-ctx.Done():
			log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			return nil
		case err := <-served:
			return fmt.Errorf("serve: %w", err)
		case <-hup:
			log.Info("reload requested")
			if loading {
				again = true // one more load after this one, with the newest files
			} else {
				load()
			}
		case r := <-loaded:
			loading = false
			switch {
			case r.err != nil && first:
				srv.Close()
				return fmt.Errorf("load lists: %w", r.err)
			case r.err != nil:
				log.Error("reload lists failed; keeping the lists in service", "error", r.err)
			default:
				first = false
				eng.Swap(r.eng)
				logLists(log, r.eng, r.dur)
				// Building an engine leaves tens of megabytes of parsing
				// and analysis garbage, and after a reload the old
				// engine. Collect it and hand the pages back now: the
				// runtime would otherwise keep them, sizing its next
				// collection and the resident memory by the build's peak.
				debug.FreeOSMemory()
			}
			if again && ctx.Err() == nil {
				again = false
				load()
			}
		}
	}
}

// logLists logs the list versions an engine screens against.
func logLists(log *slog.Logger, m *match.Engine, dur time.Duration) {
	total := 0
	for _, d := range m.Datasets() {
		total += len(d.Entities)
		log.Info("list loaded", "source", d.Source, "version", d.Version, "published", d.Published, "entities", len(d.Entities))
	}
	log.Info("engine ready", "lists", len(m.Datasets()), "entities", total, "duration", dur.Round(time.Millisecond))
}

// readAPIKeys reads one token a line; blank lines and lines starting with
// # are skipped. An empty path means no auth; a file without a token is an
// error, since serving it would lock every client out.
func readAPIKeys(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read API keys: %w", err)
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		k := strings.TrimSpace(sc.Text())
		if k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		if strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("read API keys: %s:%d: a token holds no spaces", path, n)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read API keys: %s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, errors.New("read API keys: " + path + " holds no token")
	}
	return keys, nil
}
