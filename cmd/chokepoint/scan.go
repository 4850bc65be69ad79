package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
	"github.com/chokepoint-dev/chokepoint/internal/review"
)

func runScan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "scan", "scan [--format mt|iso20022|bl|invoice|text|html] [--json] [--rules FILE] [--fail-on review|block] FILE|FOLDER...\n       chokepoint scan --record --as USER [--db DSN] FILE|FOLDER...")
	format := fs.String("format", "", "input format: mt, iso20022, bl, invoice, text or html (default: detected from the content and the file name)")
	asJSON := fs.Bool("json", false, "print one JSON object per document (JSON lines)")
	rulesFile := fs.String("rules", "", "rules file to use instead of the built-in rules.yaml")
	failOn := fs.String("fail-on", "", "exit 1 when a document's decision is at least this: review or block (malformed documents always exit 1)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "documents screened in parallel")
	record := fs.Bool("record", false, "record each document's screening in the system of record, link it to the registered counterparties it names, and open or join its alert on review or block (needs --as)")
	wf := addWorkflowFlags(fs, e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "", messages.FormatMT, messages.FormatISO20022, messages.FormatBL, messages.FormatInvoice, messages.FormatText, messages.FormatHTML:
	default:
		return &usageError{fmt.Sprintf("--format %q: want mt, iso20022, bl, invoice, text or html", *format)}
	}
	switch *failOn {
	case "", "review", "block":
	default:
		return &usageError{fmt.Sprintf("--fail-on %q: want review or block", *failOn)}
	}
	if len(pos) == 0 {
		return &usageError{"want a file or folder to scan"}
	}
	if *workers < 1 {
		return &usageError{"--workers must be at least 1"}
	}
	if *record && strings.TrimSpace(*wf.as) == "" {
		return &usageError{"--record needs --as USER: the record says who scanned"}
	}
	files, err := scanFiles(pos)
	if err != nil {
		return err
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
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return fmt.Errorf("load engine: %w", err)
	}
	checker := orders.NewChecker(eng, rules)
	lw := warner(e)
	checker.SetWarner(lw)
	// One run screens against one version of the lists; banks and
	// customers repeat across a folder of messages.
	checker.SetCache(10000)
	// Free text (text files and the narrative fields of messages) is
	// scanned with the lists at the rules' party-match threshold.
	screener := messages.NewScreener(checker, eng)
	var rec func(*scanItem) error
	if *record {
		st, svc, actor, err := wf.open(ctx, e)
		if err != nil {
			return err
		}
		defer st.Close()
		rec = func(it *scanItem) error {
			d := it.res.Document
			out, err := svc.RecordDocument(ctx, actor, wf.why(), eng, review.DocumentRef{File: it.file, SHA256: it.sha, Text: it.text}, it.res)
			if err != nil {
				return fmt.Errorf("record %s: %s %s: %w", it.file, d.Type, d.Reference, err)
			}
			fmt.Fprintf(e.stderr, "%s: %s %s: recorded as screening %d", it.file, d.Type, d.Reference, out.Screening.ID)
			if out.Alert.ID != 0 {
				fmt.Fprintf(e.stderr, ", alert %d (%s)", out.Alert.ID, out.Alert.Status)
			}
			var linked []string
			for _, l := range out.Screening.Links {
				if !slices.Contains(linked, l.CounterpartyID) {
					linked = append(linked, l.CounterpartyID)
				}
			}
			if len(linked) > 0 {
				fmt.Fprintf(e.stderr, "; names counterparties %s", strings.Join(linked, ", "))
			}
			fmt.Fprintln(e.stderr)
			return nil
		}
	}

	// Files are read and parsed in order by one goroutine, documents are
	// screened on all workers, and results are printed in input order.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var total int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	var read atomic.Int64
	jobs := make(chan *scanItem, 4*(*workers))
	done := make(chan *scanItem, 4*(*workers))
	go func() {
		defer close(jobs)
		seq := 0
		var sha string
		send := func(it *scanItem) bool {
			it.seq, it.sha = seq, sha
			seq++
			select {
			case jobs <- it:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, name := range files {
			data, err := readLimited(name, messages.MaxMTBytes)
			if err != nil {
				send(&scanItem{file: name, err: err})
				return
			}
			read.Add(int64(len(data)))
			sum := sha256.Sum256(data)
			sha = hex.EncodeToString(sum[:])
			f := *format
			if f == "" {
				f = messages.DetectFile(data, name)
			}
			if f == messages.FormatText || f == messages.FormatHTML {
				it := &scanItem{file: name, format: f, text: string(data)}
				if perr := textError(name, data); perr != nil {
					it = &scanItem{file: name, perrs: messages.Errors{perr}}
				}
				if !send(it) {
					return
				}
				continue
			}
			docs, perrs := messages.Parse(data, name, f)
			if len(perrs) > 0 && !send(&scanItem{file: name, perrs: perrs}) {
				return
			}
			for _, d := range docs {
				if !send(&scanItem{file: name, doc: d}) {
					return
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range jobs {
				switch {
				case ctx.Err() != nil:
				case it.doc != nil:
					it.res, it.err = screener.Screen(ctx, it.doc)
				case it.format != "":
					it.res, it.err = screener.ScanText(ctx, it.file, it.format, it.text)
				}
				done <- it
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// The bar draws only on a terminal.
	bar := progress.New(e.stderr, total, "documents", false)
	enc := json.NewEncoder(e.stdout)
	counts := map[string]int{}
	failed, first := false, true
	pending := map[int]*scanItem{}
	next, ndocs := 0, int64(0)
	var runErr error
	for it := range done {
		pending[it.seq] = it
		for p, ok := pending[next]; ok; p, ok = pending[next] {
			delete(pending, next)
			next++
			if runErr != nil {
				continue
			}
			if err := printScanItem(e, p, enc, bar, *asJSON, &first); err != nil {
				runErr = err
				cancel()
				continue
			}
			if rec != nil && p.res != nil && p.err == nil {
				bar.Clear()
				if err := rec(p); err != nil {
					runErr = err
					cancel()
					continue
				}
			}
			switch {
			case p.perrs != nil:
				failed = true
				counts["malformed"]++
			case p.err != nil:
				// A document that fits no order (too many parties, say)
				// was reported with its reason; it has no decision.
				failed = true
				counts["malformed"]++
			case p.res != nil:
				ndocs++
				counts[string(p.res.Report.Decision)]++
				failed = failed || meets(p.res.Report.Decision, *failOn)
			}
		}
		bar.Update(ndocs, read.Load())
	}
	if runErr != nil {
		bar.Clear()
		return runErr
	}
	bar.Clear()
	if len(files) > 1 || counts["malformed"] > 0 {
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		}
		fmt.Fprintf(e.stderr, "scanned %d file(s): %s\n", len(files), strings.Join(parts, ", "))
		printWarnings(e.stderr, lw.Warnings(eng.Datasets()))
	}
	if failed {
		return errFindings
	}
	return nil
}

// scanItem is one parsed document, or one file's parse errors, on its way
// through the workers.
type scanItem struct {
	seq   int
	file  string
	sha   string // of the file's bytes
	perrs messages.Errors
	doc   *messages.Document
	// format and text are a text or HTML file's, scanned whole.
	format, text string
	res          *messages.Result
	err          error
}

// textError says why data cannot be scanned as text: offsets and the
// mention texts must be exact, and a decoder guessing at broken bytes
// would move them.
func textError(name string, data []byte) *messages.Error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &messages.Error{File: name, Msg: "empty file"}
	}
	if utf8.Valid(data) {
		return nil
	}
	line, off := 1, 0
	for off < len(data) {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		off += n
	}
	return &messages.Error{File: name, Line: line, Msg: fmt.Sprintf("not valid UTF-8 (first bad byte at offset %d); convert the file to UTF-8", off)}
}

// printScanItem prints one item; it returns an error only for what stops
// the run (a file that cannot be read, a failed screening, a failed write).
func printScanItem(e *env, it *scanItem, enc *json.Encoder, bar *progress.Bar, asJSON bool, first *bool) error {
	switch {
	case it.perrs != nil:
		if asJSON {
			bar.Clear()
			return enc.Encode(scanError(it.file, it.perrs))
		}
		w := bar.Clear()
		fmt.Fprintf(w, "%s: malformed, no decision:\n", it.file)
		for _, pe := range it.perrs {
			fmt.Fprintf(w, "  %v\n", pe)
		}
		return nil
	case it.err != nil:
		var ve *orders.ValidationError
		if it.doc != nil && errors.As(it.err, &ve) {
			fmt.Fprintf(bar.Clear(), "%s: %s %s: no decision: %v\n", it.file, it.doc.Type, it.doc.Reference, ve)
			return nil
		}
		return it.err
	case it.res == nil:
		return nil // cancelled
	}
	bar.Clear()
	if asJSON {
		return enc.Encode(it.res)
	}
	if !*first {
		fmt.Fprintln(e.stdout, strings.Repeat("-", 72))
	}
	*first = false
	return writeScanText(e.stdout, it.res)
}

// scanFiles expands folders into the regular files inside them (not
// hidden ones), in name order.
func scanFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		if !fi.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != a {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && !strings.EqualFold(filepath.Ext(p), ".md") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", a, err)
		}
	}
	return out, nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	return data, nil
}

// scanErrorJSON is the JSON line of a file that did not parse.
type scanErrorJSON struct {
	File   string          `json:"file"`
	Error  string          `json:"error"`
	Errors []scanErrorItem `json:"errors"`
}

type scanErrorItem struct {
	Line        int    `json:"line,omitempty"`
	Column      int    `json:"column,omitempty"`
	Field       string `json:"field,omitempty"`
	MessageLine int    `json:"message_line,omitempty"`
	Message     string `json:"message"`
}

func scanError(name string, errs messages.Errors) scanErrorJSON {
	out := scanErrorJSON{File: name, Error: "malformed, no decision"}
	for _, e := range errs {
		out.Errors = append(out.Errors, scanErrorItem{Line: e.Line, Column: e.Column, Field: e.Field, MessageLine: e.MsgLine, Message: e.Msg})
	}
	return out
}

// writeScanText writes what was read from the document, then the order
// report, then where in the document each finding's field was read, then
// the free-text mentions. A text file gets its mentions only.
func writeScanText(w io.Writer, r *messages.Result) error {
	var b bytes.Buffer
	d := r.Document
	if d.Kind == messages.KindText {
		writeTextReport(&b, r)
		_, err := w.Write(b.Bytes())
		return err
	}
	fmt.Fprintf(&b, "%s: %s %s (line %d)\n", d.File, d.Type, d.Reference, d.Line)
	if d.Amount != nil {
		fmt.Fprintf(&b, "  amount:  %s %s", d.Amount.Currency, d.Amount.Value)
		if d.Date != "" {
			fmt.Fprintf(&b, "  date: %s", d.Date)
		}
		b.WriteString("\n")
	}
	for _, p := range d.Parties {
		extra := ""
		if p.BIC != "" && p.BIC != p.Name {
			extra = " BIC " + p.BIC
		}
		if p.Country != "" {
			extra += fmt.Sprintf(" [%s from %s]", p.Country, p.CountryFrom)
		}
		fmt.Fprintf(&b, "  %-26s %s%s  <- %s\n", p.Role+":", p.Name, extra, p.Loc)
	}
	for _, p := range d.Places {
		code := ""
		if p.LOCODE != "" {
			code = " (" + p.LOCODE + ")"
		}
		fmt.Fprintf(&b, "  %-26s %s%s  <- %s\n", p.Role+":", p.Text, code, p.Loc)
	}
	for _, v := range d.Vessels {
		fmt.Fprintf(&b, "  %-26s %s IMO %s  <- %s\n", "vessel:", orDefault(v.Name, "(unnamed)"), orDefault(v.IMO, "-"), v.Loc)
	}
	for _, g := range d.Goods {
		desc := g.Description
		if len(desc) > 70 {
			desc = desc[:67] + "..."
		}
		fmt.Fprintf(&b, "  %-26s %s HS %s  <- %s\n", "goods:", desc, orDefault(g.HSCode, "-"), g.Loc)
	}
	if len(d.FreeText) > 0 {
		var names []string
		for _, t := range d.FreeText {
			names = append(names, t.Loc.Field)
		}
		fmt.Fprintf(&b, "  free text kept for scanning: %s\n", strings.Join(names, " "))
	}
	b.WriteString("\n")
	if err := r.Report.WriteText(&b); err != nil {
		return err
	}
	if len(r.Findings) > 0 {
		b.WriteString("\nWhere the findings come from in the document:\n")
		for i, f := range r.Findings {
			where := "(the document as a whole)"
			if f.Location != nil {
				where = f.Location.String()
			}
			fmt.Fprintf(&b, "  %d. %s <- %s\n", i+1, f.Evidence.Field, where)
		}
	}
	if len(r.Mentions) > 0 {
		b.WriteString("\nFree-text mentions (offsets into the file):\n")
		for _, m := range r.Mentions {
			fmt.Fprintf(&b, "  %-8s %s line %d: %s\n", mentionTag(m), m.Field, m.Line, m.Summary())
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNot screened: %s\n", n)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeTextReport writes a text file's decision and mentions, strongest
// first, each with its line; the rule sources once at the end.
func writeTextReport(b *bytes.Buffer, r *messages.Result) {
	rep := r.Report
	c := rep.Counts()
	fmt.Fprintf(b, "%s: %s, %d mention(s)\n", r.Document.File, r.Document.Format, len(r.Mentions))
	fmt.Fprintf(b, "Decision: %s (risk score %d/100); findings: %d block, %d review, %d info\n\n",
		strings.ToUpper(string(rep.Decision)), rep.RiskScore, c[orders.Block], c[orders.Review], c[orders.Info])
	for _, sev := range []orders.Severity{orders.Block, orders.Review, orders.Info, ""} {
		for _, m := range r.Mentions {
			if m.Severity == sev {
				fmt.Fprintf(b, "  %-8s line %d: %s\n", mentionTag(m), m.Line, m.Summary())
			}
		}
	}
	sources := map[string]bool{}
	for _, f := range rep.Findings {
		k := f.Rule + ": " + f.Source + " " + f.SourceURL
		if !sources[k] {
			sources[k] = true
		}
	}
	if len(sources) > 0 {
		keys := make([]string, 0, len(sources))
		for k := range sources {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("\nRules:\n")
		for _, k := range keys {
			fmt.Fprintf(b, "  %s\n", k)
		}
	}
	for _, cv := range rep.Caveats {
		fmt.Fprintf(b, "\nNote: %s\n", cv)
	}
}

func mentionTag(m messages.Mention) string {
	switch {
	case m.Severity != "":
	case !m.Match:
		return "[NEAR]"
	default:
		return "[MENTION]" // a port elsewhere: context, no finding
	}
	return "[" + strings.ToUpper(string(m.Severity)) + "]"
}
