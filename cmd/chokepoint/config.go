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
		val := v.FieldByName(cv.Field).Interface()
		if cv.Field == "DB" {
			val = config.MaskDSN(e.cfg.DB)
		}
		fmt.Fprintf(e.stdout, "%-24s %-10v # %s\n", cv.Name, val, cv.Help)
	}
	return nil
}
