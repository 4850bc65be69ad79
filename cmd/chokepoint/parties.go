package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/parties"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

const partiesSynopsis = `parties import FILE [--format csv|jsonl] [--batch N] [--reason WHY] [--json]
       chokepoint parties show ID [--history] [--json]
       chokepoint parties screen ID... | --all | --unscreened [--batch N] --as USER [--reason WHY]`

// runParties imports and shows counterparties in the system of record.
func runParties(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"parties needs a subcommand: import, show or screen"}
	}
	switch args[0] {
	case "import":
		return runPartiesImport(ctx, e, args[1:])
	case "show":
		return runPartiesShow(ctx, e, args[1:])
	case "screen":
		return runPartiesScreen(ctx, e, args[1:])
	}
	return &usageError{fmt.Sprintf("unknown parties subcommand %q (want import, show or screen)", args[0])}
}

func runPartiesImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "parties import", partiesSynopsis)
	dbf := addDBFlags(fs, e, true)
	format := fs.String("format", "", "csv or jsonl (default: from the file's extension)")
	batch := fs.Int("batch", parties.DefaultBatch, "rows per transaction")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"parties import takes one file"}
	}
	path := pos[0]
	if *format == "" {
		if *format = parties.FormatOf(path); *format == "" {
			return &usageError{fmt.Sprintf("%s: cannot tell the format from the name; use --format csv or jsonl", path)}
		}
	}
	if *batch <= 0 {
		return &usageError{"--batch: want a positive number of rows"}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	counted := progress.NewReader(f)
	r, err := parties.NewReader(*format, counted, path)
	if err != nil {
		return err
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	bar := progress.New(e.stderr, size, "rows", false)
	start := time.Now()
	sum, err := parties.Import(ctx, s, r, parties.Options{
		File: path, Actor: store.Operator(), Reason: dbf.why(), Batch: *batch,
		Progress: func(rows int64) { bar.Update(rows, counted.N()) },
	})
	bar.Clear()
	for _, rerr := range sum.Errors {
		fmt.Fprintln(e.stderr, rerr)
	}
	if sum.Failed > int64(len(sum.Errors)) {
		fmt.Fprintf(e.stderr, "... and %d more bad rows\n", sum.Failed-int64(len(sum.Errors)))
	}
	if *asJSON {
		if jerr := writeJSON(e.stdout, sum); jerr != nil {
			return jerr
		}
	} else {
		secs := time.Since(start).Seconds()
		fmt.Fprintf(e.stdout, "%d rows: %d created, %d updated, %d unchanged, %d bad; %.1f s, %.0f rows/s\n",
			sum.Rows, sum.Created, sum.Updated, sum.Unchanged, sum.Failed, secs, float64(sum.Rows)/secs)
	}
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d bad rows not imported (listed above); the other rows were imported", sum.Failed)
	}
	return nil
}

func runPartiesShow(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "parties show", partiesSynopsis)
	dbf := addDBFlags(fs, e, false)
	history := fs.Bool("history", false, "show every version, oldest first")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"parties show takes one external id"}
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	var vs []store.CounterpartyVersion
	if *history {
		vs, err = s.CounterpartyHistory(ctx, pos[0])
	} else {
		var v store.CounterpartyVersion
		v, err = s.Counterparty(ctx, pos[0])
		vs = append(vs, v)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if *history {
			return writeJSON(e.stdout, vs)
		}
		return writeJSON(e.stdout, vs[0])
	}
	for _, v := range vs {
		fmt.Fprintf(e.stdout, "%s version %d  %s by %s  sha256 %s\n", v.ExternalID, v.Version,
			v.CreatedAt.Format(time.RFC3339), v.CreatedBy, v.ContentHash[:16])
		fmt.Fprintf(e.stdout, "  %s (%s)", v.Name, v.Type)
		if v.Country != "" {
			fmt.Fprintf(e.stdout, ", %s", v.Country)
		}
		if v.DOB != "" {
			fmt.Fprintf(e.stdout, ", born %s", v.DOB)
		}
		fmt.Fprintln(e.stdout)
		for _, a := range v.Aliases {
			fmt.Fprintf(e.stdout, "  alias %s\n", a)
		}
		for _, id := range v.Identifiers {
			fmt.Fprintf(e.stdout, "  id %s %s %s\n", orDash(id.Type), id.Value, id.Country)
		}
		if a := v.Address; a != (store.Address{}) {
			fmt.Fprintf(e.stdout, "  address %s\n", parse.JoinNonEmpty(", ", a.Street, a.PostalCode, a.City, a.Region, a.Country))
		}
		for k, val := range v.Attributes {
			fmt.Fprintf(e.stdout, "  %s: %s\n", k, val)
		}
	}
	return nil
}
