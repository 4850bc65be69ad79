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
	fs := newFlagSet(e, "serve", "serve [--addr HOST:PORT] [--db DSN] [--api-key-file FILE] [--insecure] [--metrics-addr HOST:PORT] [--debug-addr HOST:PORT] [--max-body BYTES] [--max-queries N]")
	addr := fs.String("addr", e.cfg.Addr, "listen `address`")
	keyFile := fs.String("api-key-file", e.cfg.APIKeysFile,
		"`file` of API bearer tokens, one a line; /v1/ routes then require one (default from CHOKEPOINT_API_KEYS_FILE)")
	maxBody := fs.Int64("max-body", api.DefaultMaxBodyBytes, "largest request body in `bytes`")
	maxQueries := fs.Int("max-queries", api.DefaultMaxQueries, "most queries in one screening request")
	debugAddr := fs.String("debug-addr", "", "serve Go's pprof profiles on this separate loopback `address` (such as 127.0.0.1:6060); off when empty")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics without a key on this separate `address` only (such as 127.0.0.1:9090); when empty /metrics is on --addr behind the API keys")
	insecure := fs.Bool("insecure", false, "allow listening beyond loopback without authentication (--addr without API keys, a non-loopback --metrics-addr), for a proxy in front that authenticates")
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
	// A database brings its own API keys (chokepoint keys create), which
	// every route but the probes then requires.
	apiRule, metricsRule, debugRule := listenerRules(len(keys) > 0 || *dbf.db != "", *insecure)
	for _, c := range []struct {
		rule listenerRule
		addr string
	}{{apiRule, *addr}, {metricsRule, *metricsAddr}, {debugRule, *debugAddr}} {
		if c.addr == "" && c.rule.flag != "--addr" {
			continue // that listener is off
		}
		if err := c.rule.precheck(c.addr); err != nil {
			return err
		}
	}
	log := e.log.With("component", "serve")
	if *insecure {
		log.Warn("--insecure: listeners beyond loopback may be open without authentication")
	}
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
	reg := api.NewRegistry()
	h := api.NewHandler(api.Deps{
		Engine: eng,
		Orders: api.NewOrderChecker(func(s api.Screener) *orders.Checker {
			c := orders.NewChecker(s, nil) // the built-in rules
			// With a database, parties carrying a counterparty_id are
			// looked up in it and it keeps the party history; without,
			// there is no party history.
			if svc != nil {
				c.SetCounterparties(svc)
				c.SetHistory(svc.OrderHistory(ctx, store.Operator()))
			}
			return c
		}),
		APIKeys:          keys,
		MetricsElsewhere: *metricsAddr != "",
		MaxBodyBytes:     *maxBody,
		MaxQueries:       *maxQueries,
		Threshold:        e.cfg.Threshold,
		Warner:           warner(e),
		Logger:           log,
		Registry:         reg,
		Review:           svc,
		Store:            st,
	})
	ln, err := apiRule.listen(*addr)
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
		// need no auth only because they are bound to loopback. A CPU
		// profile or trace takes as long as asked, hence no write timeout.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		dsrv, at, err := debugRule.serve(*debugAddr, mux, 0)
		if err != nil {
			srv.Close()
			return fmt.Errorf("listen for debug: %w", err)
		}
		defer dsrv.Close()
		log.Info("profiles", "addr", at.String())
	}
	if *metricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler(reg, log))
		msrv, at, err := metricsRule.serve(*metricsAddr, mux, writeTimeout)
		if err != nil {
			srv.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
		defer msrv.Close()
		fmt.Fprintf(e.stdout, "chokepoint: metrics on http://%s/metrics\n", at)
		log.Info("metrics", "addr", at.String())
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

// A listener is exposed when it binds anything but loopback. Each kind
// of listener has its own rule for when that is allowed; the refusal says
// why and what to do instead.
type listenerRule struct {
	flag string
	// open reports whether the listener may be exposed.
	open bool
	why  string
}

func (r listenerRule) check(addr string, loopback bool) error {
	if loopback || r.open {
		return nil
	}
	return &usageError{fmt.Sprintf("%s %s is not a loopback address: %s", r.flag, addr, r.why)}
}

// precheck applies the rule before listening when the address says
// whether it is loopback (an IP or an empty host); a host name is checked
// on the address it binds, by listen.
func (r listenerRule) precheck(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil // net.Listen names the problem
	}
	switch ip := net.ParseIP(host); {
	case host == "":
		return r.check(addr, false) // ":8080" binds every interface
	case ip != nil:
		return r.check(addr, ip.IsLoopback())
	}
	return nil
}

// listen listens on addr and applies the rule to the address bound.
func (r listenerRule) listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	tcp, _ := ln.Addr().(*net.TCPAddr)
	if err := r.check(addr, tcp != nil && tcp.IP.IsLoopback()); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// serve listens on addr by the rule and serves h there until the server
// is closed.
func (r listenerRule) serve(addr string, h http.Handler, write time.Duration) (*http.Server, net.Addr, error) {
	ln, err := r.listen(addr)
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: write}
	go srv.Serve(ln)
	return srv, ln.Addr(), nil
}

// listenerRules returns the rules of the API, metrics and profile
// listeners. Profiles are loopback only, whatever the flags: they reveal
// memory contents and cost CPU on demand.
func listenerRules(keys, insecure bool) (apiRule, metricsRule, debugRule listenerRule) {
	apiRule = listenerRule{"--addr", keys || insecure,
		"it listens beyond this machine and no API keys are set, so anyone who can reach it could screen names and read the lists; " +
			"give --api-key-file FILE (or CHOKEPOINT_API_KEYS_FILE), listen on 127.0.0.1, or pass --insecure if a proxy in front authenticates"}
	metricsRule = listenerRule{"--metrics-addr", insecure,
		"the metrics listener has no authentication; use a loopback address, scrape /metrics on --addr with an API key, " +
			"or pass --insecure if the network in between is yours alone"}
	debugRule = listenerRule{"--debug-addr", false,
		"the profiles have no authentication, so they are served on loopback only (such as 127.0.0.1:6060); reach them from elsewhere through an SSH tunnel"}
	return apiRule, metricsRule, debugRule
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
