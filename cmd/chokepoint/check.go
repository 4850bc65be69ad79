package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", "check [--json] [--rules FILE] [--history FILE] [--fail-on review|block] [--record --as USER] ORDER.json...\n       chokepoint check --in orders.jsonl|orders.csv [--out results.jsonl] [--history FILE] [--fail-on review|block] [--allow-errors]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	rulesFile := fs.String("rules", "", "rules file to use instead of the built-in rules.yaml")
	failOn := fs.String("fail-on", "", "exit 1 when an order's decision is at least this: review or block (invalid orders count too)")
	in := fs.String("in", "", "batch input: JSONL (one order per line) or CSV (see orders.CSVColumns); .csv selects CSV")
	out := fs.String("out", "", "batch output file, JSONL (default stdout)")
	historyFile := fs.String("history", "", "party history file for the new-party red flag: read, and the parties of clear orders added (default: the database's history with --db or --record, else none)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "batch: orders checked in parallel")
	allowErrors := fs.Bool("allow-errors", false, "batch: exit 0 even when orders were invalid and got no decision (they are still reported)")
	cacheSize := fs.Int("cache", 10000, "batch: screening results kept across orders (repeat customers are screened once); 0 turns it off")
	record := fs.Bool("record", false, "record each order check in the system of record and open or join the order's alert on review or block (needs --as)")
	wf := addWorkflowFlags(fs, e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *failOn {
	case "", "review", "block":
	default:
		return &usageError{fmt.Sprintf("--fail-on %q: want review or block", *failOn)}
	}
	if *in != "" && len(pos) > 0 {
		return &usageError{"give either order files or --in, not both"}
	}
	if *in == "" && len(pos) == 0 {
		return &usageError{"want an order file (or --in FILE for a batch)"}
	}
	if *workers < 1 {
		return &usageError{"--workers must be at least 1"}
	}
	if *record && *in != "" {
		return &usageError{"--record records order files, not a --in batch"}
	}
	if *record && strings.TrimSpace(*wf.as) == "" {
		return &usageError{"--record needs --as USER: the record says who checked"}
	}
	rules := orders.DefaultRules()
	if *rulesFile != "" {
		f, err := os.Open(*rulesFile)
		if err != nil {
			return fmt.Errorf("open rules: %w", err)
		}
		rules, err = orders.LoadRules(f, *rulesFile)
		f.Close()
		if err != nil {
			return fmt.Errorf("load rules: %w", err)
		}
	}
	// Single orders are read before the lists load, so a bad order fails
	// at once.
	var single []*orders.Order
	for _, name := range pos {
		o, err := readOrderFile(e, name)
		if err != nil {
			var ve *orders.ValidationError
			if errors.As(err, &ve) {
				fmt.Fprintf(e.stderr, "%s: invalid order, no decision:\n", name)
				for _, f := range ve.Fields {
					fmt.Fprintf(e.stderr, "  %s: %s%s\n", orDefault(f.Field, "(order)"), f.Message, f.Position())
				}
				return fmt.Errorf("%s: %d invalid field(s)", name, len(ve.Fields))
			}
			return err
		}
		single = append(single, o)
	}
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return fmt.Errorf("load engine: %w", err)
	}
	checker := orders.NewChecker(eng, rules)
	lw := warner(e)
	checker.SetWarner(lw)
	if *in != "" {
		// One run screens against one version of the lists, so results
		// can be reused across the batch.
		checker.SetCache(*cacheSize)
	}
	// The history is kept only when asked for: a check is otherwise a
	// pure function of the order, the lists and the rules.
	var hist *orders.PartyHistory
	if *historyFile != "" {
		if hist, err = orders.OpenHistory(*historyFile); err != nil {
			return err
		}
		checker.SetHistory(hist)
	}
	var rec orderRecorder
	// With a system of record (--db, CHOKEPOINT_DB or --record), parties
	// that carry a counterparty_id are looked up in it, and it keeps the
	// party history unless --history names a file.
	if *record || *wf.db != "" {
		st, svc, actor, err := openForCheck(ctx, e, wf, *record)
		if err != nil {
			return err
		}
		defer st.Close()
		checker.SetCounterparties(svc)
		if hist == nil {
			checker.SetHistory(svc.OrderHistory(ctx, actor))
		}
		if *record {
			rec = func(o *orders.Order, rep *orders.Report) error {
				out, err := svc.RecordOrder(ctx, actor, wf.why(), eng, o, rep)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "order %s: recorded as screening %d", rep.OrderID, out.Screening.ID)
				if out.Alert.ID != 0 {
					fmt.Fprintf(e.stderr, ", alert %d (%s)", out.Alert.ID, out.Alert.Status)
				}
				fmt.Fprintln(e.stderr)
				return nil
			}
		}
	}
	var runErr error
	if *in != "" {
		runErr = checkBatch(ctx, e, checker, *in, *out, *failOn, *workers, *allowErrors)
		// After the summary, where a person reading it looks; every
		// report in the output carries them too.
		printWarnings(e.stderr, lw.Warnings(eng.Datasets()))
	} else {
		runErr = checkOrders(ctx, e, checker, pos, single, *asJSON, *failOn, rec)
	}
	if hist != nil {
		if err := hist.Save(); err != nil && runErr == nil {
			runErr = err
		}
	}
	return runErr
}

// meets reports whether decision d reaches the --fail-on level.
func meets(d orders.Decision, failOn string) bool {
	switch failOn {
	case "review":
		return d == orders.DecisionReview || d == orders.DecisionBlock
	case "block":
		return d == orders.DecisionBlock
	}
	return false
}

// openForCheck opens the system of record for a check: as the --as user
// when the check is recorded (or --as is given), else as the shell's user,
// who only reads counterparties and adds cleared parties to the history.
func openForCheck(ctx context.Context, e *env, wf workflowFlags, record bool) (*store.Store, *review.Service, store.Actor, error) {
	if record || strings.TrimSpace(*wf.as) != "" {
		return wf.open(ctx, e)
	}
	st, err := wf.dbFlags.open(ctx, e)
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	svc, err := newReview(e, st)
	if err != nil {
		st.Close()
		return nil, nil, store.Actor{}, err
	}
	return st, svc, store.Operator(), nil
}

// orderRecorder stores a checked order in the system of record.
type orderRecorder func(*orders.Order, *orders.Report) error

func checkOrders(ctx context.Context, e *env, c *orders.Checker, files []string, list []*orders.Order, asJSON bool, failOn string, rec orderRecorder) error {
	failed := false
	for i, o := range list {
		name := files[i]
		rep, err := c.Check(ctx, o)
		if err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		if rec != nil {
			if err := rec(o, rep); err != nil {
				return fmt.Errorf("record %s: %w", name, err)
			}
		}
		if asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else {
			if i > 0 {
				fmt.Fprintln(e.stdout, strings.Repeat("-", 72))
			}
			if err := rep.WriteText(e.stdout); err != nil {
				return err
			}
		}
		failed = failed || meets(rep.Decision, failOn)
	}
	if failed {
		return errFindings
	}
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func readOrderFile(e *env, name string) (*orders.Order, error) {
	if name == "-" {
		return orders.Decode(e.stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open order: %w", err)
	}
	defer f.Close()
	return orders.Decode(f)
}

// batchItem is one order of a batch on its way through the workers.
type batchItem struct {
	seq  int
	line int
	o    *orders.Order
	err  error
	rep  *orders.Report
}

// batchResult is one line of the batch output.
type batchResult struct {
	Line    int                 `json:"line"`
	OrderID string              `json:"order_id"`
	Report  *orders.Report      `json:"report,omitempty"`
	Error   string              `json:"error,omitempty"`
	Fields  []orders.FieldError `json:"fields,omitempty"`
}

func checkBatch(ctx context.Context, e *env, c *orders.Checker, in, out, failOn string, workers int, allowErrors bool) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("open batch: %w", err)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	cr := progress.NewReader(f)
	next, err := batchSource(cr, in)
	if err != nil {
		return err
	}
	w := e.stdout
	var outFile *os.File
	if out != "" && out != "-" {
		if outFile, err = os.Create(out); err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer outFile.Close()
		w = outFile
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *batchItem, workers*4)
	done := make(chan *batchItem, workers*4)
	var readErr error
	go func() {
		defer close(jobs)
		for seq := 0; ; seq++ {
			o, line, err := next()
			if err == io.EOF {
				return
			}
			var ve *orders.ValidationError
			if err != nil && !errors.As(err, &ve) {
				readErr = err
				return
			}
			select {
			case jobs <- &batchItem{seq: seq, line: line, o: o, err: err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				if it.err == nil {
					it.rep, it.err = c.Check(ctx, it.o)
				}
				done <- it
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	start := time.Now()
	bar := progress.New(e.stderr, size, "orders", false)
	counts := map[string]int{}
	pending := map[int]*batchItem{}
	nextSeq, failed := 0, false
	var writeErr, checkErr error
	for it := range done {
		pending[it.seq] = it
		for p, ok := pending[nextSeq]; ok; p, ok = pending[nextSeq] {
			delete(pending, nextSeq)
			nextSeq++
			res := batchResult{Line: p.line}
			if p.o != nil {
				res.OrderID = p.o.ID
			}
			var ve *orders.ValidationError
			switch {
			case p.err == nil:
				res.Report = p.rep
				counts[string(p.rep.Decision)]++
				failed = failed || meets(p.rep.Decision, failOn)
			case errors.As(p.err, &ve):
				res.Error, res.Fields = "invalid order, no decision", ve.Fields
				counts["invalid"]++
				failed = failed || failOn != ""
				fmt.Fprintf(bar.Clear(), "%s:%d: order %q invalid, no decision: %s\n", in, p.line, res.OrderID, strings.TrimPrefix(ve.Error(), "invalid order: "))
			default:
				if checkErr == nil {
					checkErr = fmt.Errorf("%s:%d: check: %w", in, p.line, p.err)
					cancel()
				}
				continue
			}
			if err := enc.Encode(res); err != nil && writeErr == nil {
				writeErr = fmt.Errorf("write results: %w", err)
				cancel()
			}
		}
		bar.Update(int64(nextSeq), cr.N())
	}
	bar.Clear()
	if err := bw.Flush(); err != nil && writeErr == nil {
		writeErr = fmt.Errorf("write results: %w", err)
	}
	elapsed := time.Since(start)
	total := counts["clear"] + counts["review"] + counts["block"] + counts["invalid"]
	rate := float64(total) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(e.stderr, "checked %d orders in %s (%.0f orders/s): %d clear, %d review, %d block, %d invalid\n",
		total, elapsed.Round(time.Millisecond), rate, counts["clear"], counts["review"], counts["block"], counts["invalid"])
	for _, err := range []error{readErr, checkErr, writeErr, ctx.Err()} {
		if err != nil {
			return err
		}
	}
	if n := counts["invalid"]; n > 0 && !allowErrors {
		// As screen --in does for rows: an order without a decision
		// must not pass for a checked batch.
		return fmt.Errorf("%d of %d orders in %s got no decision (invalid; reasons above and in the output); fix them, or give --allow-errors to exit 0", n, total, in)
	}
	if failed {
		return errFindings
	}
	return nil
}

// batchSource returns a function that yields the orders of a JSONL or CSV
// batch with the line each starts on.
func batchSource(r io.Reader, name string) (func() (*orders.Order, int, error), error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		cr, err := orders.NewCSVReader(r, name)
		if err != nil {
			return nil, err
		}
		return cr.Next, nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), orders.MaxOrderBytes+1)
	line := 0
	return func() (*orders.Order, int, error) {
		for sc.Scan() {
			line++
			b := sc.Bytes()
			if len(strings.TrimSpace(string(b))) == 0 {
				continue
			}
			o, err := orders.DecodeLine(b, line)
			if o == nil {
				o = &orders.Order{ID: peekID(b)}
			}
			return o, line, err
		}
		if err := sc.Err(); err != nil {
			return nil, line, fmt.Errorf("%s:%d: read: %w", name, line+1, err)
		}
		return nil, line, io.EOF
	}, nil
}

// peekID returns the id of an invalid JSON order when it can be read, so
// the error line names the order.
func peekID(b []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(b, &v)
	return v.ID
}
