package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
)

func runScan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "scan", "scan [--format mt|iso20022|bl|invoice] [--json] [--rules FILE] [--fail-on review|block] FILE|FOLDER...")
	format := fs.String("format", "", "input format: mt, iso20022, bl or invoice (default: detected from the content)")
	asJSON := fs.Bool("json", false, "print one JSON object per document (JSON lines)")
	rulesFile := fs.String("rules", "", "rules file to use instead of the built-in rules.yaml")
	failOn := fs.String("fail-on", "", "exit 1 when a document's decision is at least this: review or block (malformed documents always exit 1)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch *format {
	case "", messages.FormatMT, messages.FormatISO20022, messages.FormatBL, messages.FormatInvoice:
	default:
		return &usageError{fmt.Sprintf("--format %q: want mt, iso20022, bl or invoice", *format)}
	}
	switch *failOn {
	case "", "review", "block":
	default:
		return &usageError{fmt.Sprintf("--fail-on %q: want review or block", *failOn)}
	}
	if len(pos) == 0 {
		return &usageError{"want a file or folder to scan"}
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
	// One run screens against one version of the lists; banks and
	// customers repeat across a folder of messages.
	checker.SetCache(10000)

	// The bar draws only on a terminal, and only for a batch.
	bar := progress.New(e.stderr, 0, "files", false)
	enc := json.NewEncoder(e.stdout)
	counts := map[string]int{}
	failed, first := false, true
	for i, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := readLimited(name, messages.MaxMTBytes)
		if err != nil {
			return err
		}
		docs, perrs := messages.Parse(data, name, *format)
		if len(perrs) > 0 {
			failed = true
			counts["malformed"]++
			w := bar.Clear()
			if *asJSON {
				if err := enc.Encode(scanError(name, perrs)); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(w, "%s: malformed, no decision:\n", name)
				for _, pe := range perrs {
					fmt.Fprintf(w, "  %v\n", pe)
				}
			}
		}
		for _, d := range docs {
			res, err := messages.Screen(ctx, checker, d)
			if err != nil {
				var ve *orders.ValidationError
				if errors.As(err, &ve) {
					// The document parsed but does not fit the order model
					// (too many parties, say): no decision, say why.
					failed = true
					counts["malformed"]++
					fmt.Fprintf(bar.Clear(), "%s: %s %s: no decision: %v\n", name, d.Type, d.Reference, ve)
					continue
				}
				return err
			}
			counts[string(res.Report.Decision)]++
			failed = failed || meets(res.Report.Decision, *failOn)
			bar.Clear()
			if *asJSON {
				if err := enc.Encode(res); err != nil {
					return err
				}
				continue
			}
			if !first {
				fmt.Fprintln(e.stdout, strings.Repeat("-", 72))
			}
			first = false
			if err := writeScanText(e.stdout, res); err != nil {
				return err
			}
		}
		if len(files) > 1 {
			bar.Update(int64(i+1), 0)
		}
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
	}
	if failed {
		return errFindings
	}
	return nil
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
// report, then where in the document each finding's field was read.
func writeScanText(w io.Writer, r *messages.Result) error {
	var b bytes.Buffer
	d := r.Document
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
	_, err := w.Write(b.Bytes())
	return err
}
