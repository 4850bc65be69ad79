package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runEval(ctx context.Context, e *env, args []string) error {
	return errors.New("eval: not built yet")
}
