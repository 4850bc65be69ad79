package main

import (
	"context"
	"fmt"

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
