package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

func runCompare(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "compare", "compare [--type T] [--threshold F] [--json] NAME1 NAME2")
	typ := fs.String("type", "", "party type: person, organization, vessel or aircraft")
	threshold := fs.Float64("threshold", e.cfg.Threshold, "match threshold")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return &usageError{"want exactly two names"}
	}
	t, ok := entity.ParseType(*typ)
	if *typ != "" && !ok {
		return &usageError{fmt.Sprintf("unknown type %q", *typ)}
	}
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	c := eng.Compare(pos[0], pos[1], t, *threshold)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	verdict := "no match"
	if c.Match {
		verdict = "MATCH"
	}
	fmt.Fprintf(e.stdout, "%.3f  %s\n%s\n", c.Score, verdict, c.Explanation)
	return nil
}
