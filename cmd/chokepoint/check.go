package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runCheck(ctx context.Context, e *env, args []string) error {
	return errors.New("check: not built yet")
}
