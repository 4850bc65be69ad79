package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/parties"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

const partiesSynopsis = `parties import FILE [--format csv|jsonl] [--batch N] [--reason WHY] [--json]
       chokepoint parties show ID [--history] [--json]
       chokepoint parties screen ID... | --all | --unscreened [--batch N] --as USER [--reason WHY]
       chokepoint parties unblock ID --reason WHY --as USER
       chokepoint parties approve-unblock REQUEST [--reject --note WHY] --as USER`

// runParties imports and shows counterparties in the system of record.
func runParties(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"parties needs a subcommand: import, show, screen, unblock or approve-unblock"}
	}
	switch args[0] {
	case "import":
		return runPartiesImport(ctx, e, args[1:])
	case "show":
		return runPartiesShow(ctx, e, args[1:])
	case "screen":
		return runPartiesScreen(ctx, e, args[1:])
	case "unblock", "approve-unblock":
		return runPartiesUnblock(ctx, e, args[0], args[1:])
	}
	return &usageError{fmt.Sprintf("unknown parties subcommand %q (want import, show, screen, unblock or approve-unblock)", args[0])}
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

// runPartiesUnblock proposes lifting a counterparty's block, or approves
// or rejects such a proposal: two different users, the second a reviewer.
func runPartiesUnblock(ctx context.Context, e *env, sub string, args []string) error {
	fs := newFlagSet(e, "parties "+sub, partiesSynopsis)
	wf := addWorkflowFlags(fs, e)
	reject := fs.Bool("reject", false, "approve-unblock: reject the request instead (needs --note)")
	note := fs.String("note", "", "approve-unblock: the approver's note")
	asJSON := fs.Bool("json", false, "print the request as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{fmt.Sprintf("parties %s needs exactly one id", sub)}
	}
	var id int64
	if sub == "approve-unblock" {
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil || id <= 0 {
			return &usageError{fmt.Sprintf("unblock request id %q: want a positive number", pos[0])}
		}
	}
	s, svc, actor, err := wf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	var u store.UnblockRequest
	if sub == "unblock" {
		u, err = svc.ProposeUnblock(ctx, actor, pos[0], wf.why())
	} else {
		u, err = svc.DecideUnblock(ctx, actor, wf.why(), id, !*reject, *note)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, u)
	}
	switch u.Status {
	case store.UnblockPending:
		fmt.Fprintf(e.stdout, "unblock request %d for %s: awaiting approval by a reviewer other than %s\n", u.ID, u.CounterpartyID, u.RequestedBy)
	case store.UnblockApproved:
		fmt.Fprintf(e.stdout, "unblock request %d approved by %s: %s is no longer blocked\n", u.ID, u.DecidedBy, u.CounterpartyID)
	default:
		fmt.Fprintf(e.stdout, "unblock request %d rejected by %s: %s stays blocked\n", u.ID, u.DecidedBy, u.CounterpartyID)
	}
	return nil
}
