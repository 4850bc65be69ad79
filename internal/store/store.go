// Package store is the system of record: counterparties and their
// versions, users and API keys, and the hash-chained audit trail, on
// SQLite (the default, a file in the data directory) or PostgreSQL. It
// sits at the edge of the data flow, below the workflow (review, auth) and
// above nothing but the standard library and the two drivers; it knows
// SQL and nothing of HTTP.
//
// Every change goes through Store.Write, whose Tx is the only way to write:
// its methods each record an audit event, and Write appends those events to
// the chain in the same transaction, so no change can skip the trail.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors callers act on.
var (
	// ErrNotFound is a missing row: an unknown counterparty, user or key.
	ErrNotFound = errors.New("not found")
	// ErrExists is a create of something that already exists.
	ErrExists = errors.New("already exists")
	// ErrSchemaNewer means the database was migrated by a newer binary.
	ErrSchemaNewer = errors.New("database schema is newer than this binary")
)

// Backend names a database engine.
type Backend string

// The two backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Store is an open database. It is safe for concurrent use.
type Store struct {
	backend Backend
	// read serves queries; write serves Write. On SQLite they are separate
	// pools: write holds one connection, so writers in this process queue
	// in Go rather than fail on the file lock, and read is query-only. On
	// PostgreSQL both are the same pool.
	read, write *sql.DB
	where       string // the DSN with any password masked
	now         func() time.Time
	// reqs feeds the committer goroutine; stop ends it and stopped says
	// it has ended.
	reqs          chan *writeReq
	stop, stopped chan struct{}
	closeOnce     sync.Once
}

func newStore(b Backend, read, write *sql.DB, where string) *Store {
	s := &Store{backend: b, read: read, write: write, where: where, now: time.Now,
		reqs: make(chan *writeReq), stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.committer()
	return s
}

// Open opens the database named by dsn and applies any pending migrations:
// "postgres://..." or "postgresql://..." is PostgreSQL; "sqlite:PATH",
// "file:PATH" or a plain PATH is a SQLite file, created if missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate %s: %w", s.where, err)
	}
	return s, nil
}

func open(dsn string) (*Store, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return nil, errors.New("open store: empty database name")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(dsn)
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	return openSQLite(path)
}

func openPostgres(dsn string) (*Store, error) {
	where := dsn
	if u, err := url.Parse(dsn); err == nil {
		where = u.Redacted()
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", where, err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return newStore(Postgres, db, db, where), nil
}

// sqlitePragmas: WAL lets readers run beside the writer; synchronous=FULL
// makes a commit durable before it is acknowledged (the record of a
// decision must survive a power cut, not only a crash); the busy timeout
// makes a writer in another process wait for the lock rather than fail.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

func openSQLite(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" {
		return nil, fmt.Errorf("open store: %q is not a database file path", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	// BEGIN IMMEDIATE takes the write lock at the start, so two writers
	// never both read and then deadlock upgrading to write.
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return newStore(SQLite, r, w, path), nil
}

// Close waits for the write being committed, then closes the database;
// later writes get ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.stop) })
	<-s.stopped
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Backend reports which engine the store runs on.
func (s *Store) Backend() Backend { return s.backend }

// String names the database, with any password masked.
func (s *Store) String() string { return string(s.backend) + ":" + s.where }

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error { return s.read.PingContext(ctx) }

// Actor is who makes a change: a user acting directly or through an API
// key, or the operator at the command line.
type Actor struct {
	// Name is the user name, or "os:LOGIN" for the command line, where
	// whoever can run the binary on the database is its operator.
	Name string
	// Key is the visible prefix of the API key used, if any.
	Key string
	// Role is the actor's role, or "operator" for the command line.
	Role string
}

// Operator returns the actor for commands run at the shell by the current
// OS user.
func Operator() Actor {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return Actor{Name: "os:" + name, Role: "operator"}
}

func (a Actor) check() error {
	var errs []error
	if strings.TrimSpace(a.Name) == "" {
		errs = append(errs, errors.New("actor: name is empty"))
	}
	if strings.TrimSpace(a.Role) == "" {
		errs = append(errs, errors.New("actor: role is empty"))
	}
	return errors.Join(errs...)
}

// Tx is one write transaction. Only Store.Write makes one, and its methods
// are the only writes there are; each records its audit event.
type Tx struct {
	s      *Store
	tx     *sql.Tx
	actor  Actor
	reason string
	now    time.Time
	events []Event
	stmts  map[string]*sql.Stmt
}

// maxAttempts bounds the retries of a write that lost a lock or a
// serialisation race; each retry runs fn again from the start.
const maxAttempts = 8

// maxGroup caps the writes committed together in one transaction.
const maxGroup = 256

// ErrClosed is a write to a closed store.
var ErrClosed = errors.New("store closed")

// writeReq is one Write waiting for the committer.
type writeReq struct {
	ctx    context.Context
	actor  Actor
	reason string
	fn     func(*Tx) error
	done   chan error
}

// Write runs fn in a transaction as actor, with reason as the why of every
// event it records, appends those events to the audit chain and commits;
// when it returns nil the change and its events are durable. If fn returns
// an error, nothing of it is written. A write that meets a locked SQLite
// file (another process writing) or a PostgreSQL serialisation failure is
// run again, so fn must not have effects outside the transaction.
//
// Writes arriving while another commits are grouped: one goroutine runs
// each fn under its own savepoint inside one transaction and commits them
// together, so that concurrent writers share one fsync and one hold of the
// chain lock instead of queueing for them one by one. A failing fn rolls
// back to its savepoint and fails alone. fn must not call Write itself: it
// would wait for the committer that is running it.
func (s *Store) Write(ctx context.Context, actor Actor, reason string, fn func(*Tx) error) error {
	if err := actor.check(); err != nil {
		return err
	}
	var err error
	for attempt := 1; ; attempt++ {
		err = s.submit(ctx, &writeReq{ctx: ctx, actor: actor, reason: reason, fn: fn, done: make(chan error, 1)})
		if err == nil || !retryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			return err
		}
		backoff := time.Duration(10<<min(attempt, 6)) * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
}

// runFn runs one write's fn, turning a panic into its error: the
// committer serves every writer and must outlive a bug in one of them.
func runFn(fn func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("write panicked: %v", v)
		}
	}()
	return fn(t)
}

func (s *Store) submit(ctx context.Context, r *writeReq) error {
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return ErrClosed
	}
	// Once taken, the write is waited for even if ctx ends: it may
	// commit, and the caller must not be told otherwise.
	return <-r.done
}

// committer takes the writes waiting and commits them in groups, until
// the store is closed.
func (s *Store) committer() {
	defer close(s.stopped)
	for {
		var first *writeReq
		select {
		case first = <-s.reqs:
		case <-s.stop:
			return
		}
		group := []*writeReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-s.reqs:
				group = append(group, r)
			default:
				break drain
			}
		}
		// Savepoints cost two round trips per write; most writes
		// succeed, so a group first runs without them, and only if one
		// of its writes fails is it run again with them.
		errs, again := s.commitGroup(group, false)
		if again {
			errs, _ = s.commitGroup(group, true)
		}
		for i, r := range group {
			r.done <- errs[i]
		}
	}
}

// commitGroup runs the group's writes in one transaction and returns each
// one's outcome. Without savepoints, a failing write in a group of
// several rolls back the whole transaction and asks, by again, for the
// group to be run with savepoints, where it fails alone.
func (s *Store) commitGroup(group []*writeReq, savepoints bool) (errs []error, again bool) {
	errs = make([]error, len(group))
	all := func(err error) ([]error, bool) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs, false
	}
	ctx := context.Background()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return all(fmt.Errorf("begin: %w", err))
	}
	stmts := make(map[string]*sql.Stmt)
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	fail := func(err error) ([]error, bool) {
		tx.Rollback()
		return all(err)
	}
	// A lone write needs no savepoint: its failure rolls back the whole.
	savepoints = savepoints && len(group) > 1
	var events []Event
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT w`); err != nil {
				return fail(fmt.Errorf("savepoint: %w", err))
			}
		}
		t := &Tx{s: s, tx: tx, actor: r.actor, reason: r.reason, now: s.now().UTC().Truncate(time.Microsecond), stmts: stmts}
		if err := runFn(r.fn, t); err != nil {
			errs[i] = err
			if !savepoints {
				tx.Rollback()
				return errs, len(group) > 1
			}
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT w`); rerr != nil {
				return fail(fmt.Errorf("roll back to savepoint: %w", rerr))
			}
			continue
		}
		if savepoints {
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT w`); err != nil {
				return fail(fmt.Errorf("release savepoint: %w", err))
			}
		}
		events = append(events, t.events...)
	}
	g := &Tx{s: s, tx: tx, stmts: stmts, events: events}
	if err := g.appendEvents(ctx); err != nil {
		return fail(fmt.Errorf("append audit events: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return all(fmt.Errorf("commit: %w", err))
	}
	return errs, false
}

// stmt returns query prepared on the transaction, once per transaction, so
// that a bulk import does not parse the same statement a million times.
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = make(map[string]*sql.Stmt)
	}
	t.stmts[query] = st
	return st, nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.s.backend == Postgres {
		// pgx prepares and caches each statement per connection itself;
		// preparing it again per transaction would cost a round trip
		// each, which is most of a small write's time.
		return t.tx.ExecContext(ctx, query, args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if t.s.backend == Postgres {
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		// A failed prepare surfaces through Scan, as QueryRow's errors do.
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// retryable reports whether err is a lost race that running the
// transaction again resolves.
func retryable(err error) bool {
	if errors.Is(err, errConflict) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return true
		}
	}
	return false
}

// errConflict is a race with another transaction that a write method
// detected itself; Write runs the transaction again.
var errConflict = errors.New("conflicting concurrent write")

// forUpdate is the row-lock clause for a SELECT that precedes an update;
// SQLite needs none, its writer holds the whole database.
func (s *Store) forUpdate() string {
	if s.backend == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// ts converts a time for a query argument: SQLite keeps times as sortable
// UTC text, PostgreSQL as timestamptz.
func (s *Store) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.backend == SQLite {
		return t.Format(timeLayout)
	}
	return t
}

// tsOrNil is ts for a nullable column.
func (s *Store) tsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.ts(t)
}

// timeLayout is how times are written as text: fixed width, so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime scans a time from either backend; NULL leaves it zero.
type dbTime struct{ time.Time }

func (d *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		d.Time = time.Time{}
	case time.Time:
		d.Time = x.UTC()
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (d *dbTime) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	d.Time = t.UTC()
	return nil
}
