package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runServe(ctx context.Context, e *env, args []string) error {
	return errors.New("serve: not built yet")
}
