package main

import (
	"context"
	"fmt"
	"reflect"

	"github.com/chokepoint-dev/chokepoint/internal/config"
)

func runConfig(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "config", "config")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	v := reflect.ValueOf(e.cfg)
	for _, cv := range config.Vars {
		fmt.Fprintf(e.stdout, "%-24s %-10v # %s\n", cv.Name, v.FieldByName(cv.Field).Interface(), cv.Help)
	}
	return nil
}
