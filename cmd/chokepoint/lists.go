package main

import (
	"context"
	"errors"
)

// TODO(skeleton): replaced by the real command.
func runLists(ctx context.Context, e *env, args []string) error {
	return errors.New("lists: not built yet")
}
