package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/config"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// dbFlags are the flags of every command that opens the system of record.
type dbFlags struct {
	db     *string
	reason *string
}

func addDBFlags(fs *flag.FlagSet, e *env, writes bool) dbFlags {
	f := dbFlags{db: fs.String("db", e.cfg.DB, "database: SQLite file or postgres:// URL (default chokepoint.db in the data directory; CHOKEPOINT_DB)")}
	if writes {
		f.reason = fs.String("reason", "", "why, recorded in the audit trail with every change")
	}
	return f
}

// open opens the store, applying pending migrations.
func (f dbFlags) open(ctx context.Context, e *env) (*store.Store, error) {
	cfg := e.cfg
	cfg.DB = *f.db
	dsn, err := cfg.Database()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", config.MaskDSN(dsn), err)
	}
	return s, nil
}

func (f dbFlags) why() string {
	if f.reason == nil {
		return ""
	}
	return *f.reason
}

const migrateSynopsis = `migrate [--db DSN]`

// runMigrate creates or upgrades the database schema; every other command
// that opens the database does the same, this one does only that.
func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "migrate", migrateSynopsis)
	dbf := addDBFlags(fs, e, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{"migrate takes no arguments"}
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: schema version %d\n", s, v)
	return nil
}
