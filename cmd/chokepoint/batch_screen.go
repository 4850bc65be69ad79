package main

import (
	"context"
	"errors"
)

// runBatchScreen screens a file of parties. TODO(skeleton): wired to
// internal/batch when it lands.
func runBatchScreen(ctx context.Context, e *env, in, out string, threshold float64, limit int, hitsOnly bool) error {
	return errors.New("batch screening: not built yet")
}
