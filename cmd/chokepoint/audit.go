package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/store"
)

const auditSynopsis = `audit verify [--head SEQ:HASH] [--json]
       chokepoint audit export [--from DATE] [--to DATE] [--format csv|jsonl] [--out FILE]`

// runAudit checks and exports the audit trail.
func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"audit needs a subcommand: verify or export"}
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, e, args[1:])
	case "export":
		return runAuditExport(ctx, e, args[1:])
	}
	return &usageError{fmt.Sprintf("unknown audit subcommand %q (want verify or export)", args[0])}
}

// runAuditVerify checks the whole chain; it exits 1 when it is broken.
// --head compares the end of the chain with a head recorded earlier
// (printed by a previous verify), which is how removal of the newest
// events is found: a chain cut at its end is otherwise intact.
func runAuditVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "audit verify", auditSynopsis)
	dbf := addDBFlags(fs, e, false)
	head := fs.String("head", "", "a head recorded earlier, SEQ:HASH: that event must still be in the chain, unchanged")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{"audit verify takes no arguments"}
	}
	var headSeq int64
	var headHash string
	if *head != "" {
		seq, hash, ok := strings.Cut(*head, ":")
		n, err := strconv.ParseInt(seq, 10, 64)
		if !ok || err != nil || n < 1 || len(hash) != 64 {
			return &usageError{fmt.Sprintf("--head %q: want SEQ:HASH as audit verify prints it", *head)}
		}
		headSeq, headHash = n, hash
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if headSeq > 0 {
		if err := checkHead(ctx, s, v, headSeq, headHash); err != nil {
			v.Problems = append(v.Problems, store.Problem{Seq: headSeq, What: err.Error()})
		}
	}
	if *asJSON {
		if err := writeJSON(e.stdout, v); err != nil {
			return err
		}
	} else {
		for _, p := range v.Problems {
			fmt.Fprintln(e.stdout, p)
		}
		if v.More > 0 {
			fmt.Fprintf(e.stdout, "... and %d more problems\n", v.More)
		}
		state := "intact"
		if !v.OK() {
			state = "BROKEN"
		}
		fmt.Fprintf(e.stdout, "audit trail %s: %d events, head %d:%s\n", state, v.Events, v.HeadSeq, v.HeadHash)
	}
	if !v.OK() {
		return errFindings
	}
	return nil
}

func checkHead(ctx context.Context, s *store.Store, v store.Verification, seq int64, hash string) error {
	if seq > v.HeadSeq {
		return fmt.Errorf("recorded head is event %d but the chain ends at %d (events removed from the end)", seq, v.HeadSeq)
	}
	var got string
	err := s.AuditEvents(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
		if e.Seq == seq {
			got = e.Hash
			return io.EOF
		}
		return nil
	})
	if err != nil && err != io.EOF {
		return err
	}
	if got != hash {
		return fmt.Errorf("recorded head hash %s, the chain has %s (the trail was rewritten)", hash, orDash(got))
	}
	return nil
}

// runAuditExport writes the events of a period for an auditor or an
// archive, in sequence order, with their hashes so that the copy can be
// checked on its own.
func runAuditExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "audit export", auditSynopsis)
	dbf := addDBFlags(fs, e, false)
	fromS := fs.String("from", "", "first day or time included (2026-01-01 or RFC 3339), UTC")
	toS := fs.String("to", "", "last day included (2026-12-31), or a time excluded (RFC 3339), UTC")
	format := fs.String("format", "jsonl", "csv or jsonl")
	out := fs.String("out", "", "file to write (default standard output)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{"audit export takes no arguments"}
	}
	from, err := parseWhen("--from", *fromS, false)
	if err != nil {
		return err
	}
	to, err := parseWhen("--to", *toS, true)
	if err != nil {
		return err
	}
	if *format != "csv" && *format != "jsonl" {
		return &usageError{fmt.Sprintf("--format %q: want csv or jsonl", *format)}
	}
	s, err := dbf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	w := e.stdout
	var f *os.File
	if *out != "" {
		// Written under a temporary name and renamed, so that a failed
		// export never leaves a file that looks complete.
		if f, err = os.CreateTemp(filepath.Dir(*out), ".audit-export-*"); err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	n, err := exportEvents(ctx, s, bw, *format, from, to)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Rename(f.Name(), *out); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d events written to %s\n", n, *out)
	}
	return nil
}

func exportEvents(ctx context.Context, s *store.Store, w io.Writer, format string, from, to time.Time) (int64, error) {
	var n int64
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		err := s.AuditEvents(ctx, from, to, func(ev store.Event) error {
			n++
			return enc.Encode(exportJSON(ev))
		})
		return n, err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "at", "actor", "actor_key", "role", "action", "object_type", "object_id", "before", "after", "reason", "prev_hash", "hash"})
	err := s.AuditEvents(ctx, from, to, func(ev store.Event) error {
		n++
		return cw.Write([]string{strconv.FormatInt(ev.Seq, 10), ev.At.Format(time.RFC3339Nano), ev.Actor, ev.ActorKey, ev.Role,
			ev.Action, ev.ObjectType, ev.ObjectID, string(ev.Before), string(ev.After), ev.Reason, ev.PrevHash, ev.Hash})
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// exportJSON keeps before and after as the exact text that was hashed, so
// that a JSON line can be checked against its hash even if the text was
// tampered into invalid JSON.
func exportJSON(ev store.Event) any {
	type plain store.Event
	return struct {
		plain
		Before string `json:"before,omitempty"`
		After  string `json:"after,omitempty"`
	}{plain(ev), string(ev.Before), string(ev.After)}
}

// parseWhen reads a day or an RFC 3339 time; a day given as an end means
// the end of that day.
func parseWhen(flag, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, &usageError{fmt.Sprintf("%s %q: want a date (2026-01-31) or an RFC 3339 time", flag, s)}
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
