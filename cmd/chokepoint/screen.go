package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runScreen(ctx context.Context, e *env, args []string) error {
	return errors.New("screen: not built yet")
}
