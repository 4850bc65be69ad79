// Package storetest gives tests a fresh, empty database on each backend,
// so that one behaviour suite runs on SQLite and on PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop schemas
)

// PostgresVar names the variable holding a PostgreSQL DSN for the tests,
// e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. Each
// test gets its own schema there, dropped when it ends.
const PostgresVar = "CHOKEPOINT_TEST_POSTGRES"

// Backend is one database to run a test on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	DSN  string
}

// Run runs fn as a subtest on each backend: SQLite always, PostgreSQL when
// CHOKEPOINT_TEST_POSTGRES is set. Without it the PostgreSQL subtest skips
// with a message, except under CI=true, where it fails: CI must not pass
// with half the backends untested.
func Run(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Backend{"sqlite", SQLite(t)}) })
	t.Run("postgres", func(t *testing.T) { fn(t, Backend{"postgres", Postgres(t)}) })
}

// SQLite returns the path of a new database file in t.TempDir().
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "chokepoint.db")
}

// Postgres returns a DSN for a new, empty schema on the test server, or
// skips (fails under CI=true) when none is configured.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresVar)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; CI must run the PostgreSQL tests (see .ci/run)", PostgresVar)
		}
		t.Skipf("%s not set: PostgreSQL tests skipped (scripts/pg-throwaway.sh starts a server)", PostgresVar)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresVar, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", u.Redacted(), err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	q := u.Query()
	q.Set("search_path", schema) // pgx passes it to the server as a run-time parameter
	u.RawQuery = q.Encode()
	return u.String()
}
