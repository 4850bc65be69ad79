package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runCompare(ctx context.Context, e *env, args []string) error {
	return errors.New("compare: not built yet")
}
