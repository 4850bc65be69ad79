package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered SQL file of a dialect.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's files in order. A file is named
// NNNN_what.sql; numbers start at 1 and have no gaps, so two branches that
// both add migration 5 fail here rather than in production.
func migrations(b Backend) ([]migration, error) {
	dir := path.Join("migrations", string(b))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		data, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion(b Backend) int {
	ms, err := migrations(b)
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

// migrate applies every pending migration, each in its own transaction
// together with its schema_migrations row, and refuses a database that a
// newer binary has migrated.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.backend)
	if err != nil {
		return err
	}
	create := `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`
	if _, err := s.write.ExecContext(ctx, create); err != nil && !isUnique(err) {
		// Two PostgreSQL processes creating the table at once: one loses
		// with a unique violation on the catalog, and the table exists.
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, m, len(ms)); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}

// migrationLock is the PostgreSQL advisory lock key that serialises
// migrating processes; SQLite's write lock does the same there.
const migrationLock = 0x63686b70_6d696772 // "chkpmigr"

func (s *Store) applyMigration(ctx context.Context, m migration, known int) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.backend == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	var newest int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if newest > known {
		return fmt.Errorf("%w: database is at version %d, this binary knows %d", ErrSchemaNewer, newest, known)
	}
	if newest >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, s.now().UTC().Format(timeLayout)); err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	return tx.Commit()
}

// Version returns the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
