package main

import (
	"context"
	"fmt"
	"io"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// openCatalog opens the list catalog over the configured data directory;
// opt.MaxShrink is used as given.
func openCatalog(e *env, opt lists.Options) (*lists.Catalog, error) {
	opt.Logger = e.log
	cat, err := lists.Open(e.cfg.DataDir, opt)
	if err != nil {
		return nil, fmt.Errorf("open lists: %w", err)
	}
	return cat, nil
}

// loadEngine loads the current good version of every list and builds the
// screening engine over them. Every command that screens goes through it.
func loadEngine(ctx context.Context, e *env) (*match.Engine, error) {
	cat, err := openCatalog(e, lists.Options{MaxShrink: e.cfg.MaxShrink})
	if err != nil {
		return nil, err
	}
	return match.New(cat.Datasets()), nil
}

// warner computes the list warnings every screening result carries, with
// the configured staleness limit and the update records of the data dir.
func warner(e *env) *lists.Warner {
	return &lists.Warner{DataDir: e.cfg.DataDir, MaxAge: e.cfg.MaxListAge}
}

// printWarnings writes one line per list warning, so a result screened
// against an excerpt, a stale list or one whose update failed says so.
func printWarnings(w io.Writer, ws []lists.Warning) {
	for _, x := range ws {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	if len(ws) > 0 {
		fmt.Fprintln(w, "Run `chokepoint lists update` for the current, whole lists (see `chokepoint lists`).")
	}
}
