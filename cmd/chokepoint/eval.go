package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// evalReport is everything `chokepoint eval` measures.
type evalReport struct {
	Threshold   float64                 `json:"threshold"`
	LoadSeconds float64                 `json:"load_seconds"`
	NameBench   *eval.NameBenchResult   `json:"name_bench,omitempty"`
	Positives   *eval.PositivesResult   `json:"un_positives,omitempty"`
	Negatives   *eval.NegativesResult   `json:"negatives,omitempty"`
	CrossScript *eval.CrossScriptResult `json:"cross_script,omitempty"`
	Seeds       []eval.SeedResult       `json:"seeds,omitempty"`
}

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eval", "eval [--shared DIR] [--only bench,un,neg,script,seed] [--threshold F] [--errors] [--json]")
	shared := fs.String("shared", sharedtest.Root(), "the shared material directory (evaluation data)")
	only := fs.String("only", "bench,un,neg,script,seed", "which measurements to run")
	threshold := fs.Float64("threshold", e.cfg.Threshold, "match threshold")
	showErrors := fs.Bool("errors", false, "list misjudged rows")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *shared == "" {
		return &usageError{"shared material not found: give --shared DIR (the directory holding data/eval)"}
	}
	if _, err := os.Stat(filepath.Join(*shared, "data", "eval")); err != nil {
		return fmt.Errorf("evaluation data: %w", err)
	}
	want := strings.Split(*only, ",")
	start := time.Now()
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	rep := evalReport{Threshold: *threshold, LoadSeconds: time.Since(start).Seconds()}
	path := func(rel string) string { return filepath.Join(*shared, rel) }
	if slices.Contains(want, "bench") {
		if rep.NameBench, err = eval.NameBench(eng, path(eval.NameBenchFile), *threshold); err != nil {
			return err
		}
	}
	if slices.Contains(want, "un") {
		if rep.Positives, err = eval.UNPositives(eng, path(eval.PositivesFile), *threshold); err != nil {
			return err
		}
	}
	if slices.Contains(want, "neg") {
		if rep.Negatives, err = eval.Negatives(eng, path(eval.NegativesFile), *threshold); err != nil {
			return err
		}
	}
	if slices.Contains(want, "script") {
		if rep.CrossScript, err = eval.CrossScript(eng, path(eval.MultiScriptFile), "Vladimir Putin", *threshold); err != nil {
			return err
		}
	}
	if slices.Contains(want, "seed") {
		if rep.Seeds, err = eval.RunSeeds(eng, *threshold); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printEval(e.stdout, &rep, eng, *showErrors)
	return nil
}

func printEval(w io.Writer, r *evalReport, eng *match.Engine, showErrors bool) {
	fmt.Fprintf(w, "Lists: %s\nThreshold %.2f; lists loaded and indexed in %.2f s\n\n", listSummary(eng), r.Threshold, r.LoadSeconds)
	fmt.Fprintln(w, "| measurement | result | target |")
	fmt.Fprintln(w, "|---|---|---|")
	if b := r.NameBench; b != nil {
		fmt.Fprintf(w, "| name pairs (%d): precision | %.3f | >= 0.80 |\n", b.Rows, b.All.Precision())
		fmt.Fprintf(w, "| name pairs: recall | %.3f | >= 0.80 |\n", b.All.Recall())
		fmt.Fprintf(w, "| name pairs: F1 | %.3f | >= 0.85 (logic-v2: 0.748) |\n", b.All.F1())
	}
	if p := r.Positives; p != nil {
		fmt.Fprintf(w, "| UN positives (%d rows, %d resolved): right entity first | %.1f%% | >= 99%% |\n", p.Rows, p.Resolved, 100*ratio(p.TopHit, p.Resolved))
		fmt.Fprintf(w, "| UN positives: right entity a match | %.1f%% | >= 98%% |\n", 100*ratio(p.Matched, p.Resolved))
	}
	if n := r.Negatives; n != nil {
		fmt.Fprintf(w, "| negatives (%d made-up customers): rows with any match | %.2f%% (%d) | <= 0.5%% (watchman 13.5%%) |\n", n.Rows, 100*ratio(n.WithMatch, n.Rows), n.WithMatch)
		fmt.Fprintf(w, "| batch speed on negatives, all cores | %.0f names/s | >= 20,000 |\n", n.NamesPerSec)
	}
	if c := r.CrossScript; c != nil {
		fmt.Fprintf(w, "| cross-script (Latin, Cyrillic, Greek, Armenian, Georgian, Arabic, Hebrew) lines matching \"Vladimir Putin\" | %d/%d | all |\n", c.Matched, c.Required)
		fmt.Fprintf(w, "| other scripts (not claimed) | %d/%d | - |\n", c.OtherMatched, c.Other)
	}
	for _, s := range r.Seeds {
		want := "no match"
		if s.Want != "" {
			want = s.Want
		}
		ok := "ok"
		if !s.OK {
			ok = "FAIL"
		}
		fmt.Fprintf(w, "| seed %q | %s: %s | %s |\n", s.Query.Name, ok, s.Got, want)
	}
	if !showErrors {
		return
	}
	if b := r.NameBench; b != nil {
		fmt.Fprintf(w, "\nName pairs misjudged (%d):\n", len(b.Errors))
		for _, pe := range b.Errors {
			fmt.Fprintf(w, "  want %-5v got %.3f  %s  %q / %q  [%s]\n", pe.Want, pe.Score, pe.Schema, pe.Name1, pe.Name2, pe.Category)
		}
	}
	if p := r.Positives; p != nil {
		fmt.Fprintf(w, "\nUN positives missed (%d), unresolved (%d):\n", len(p.Misses), len(p.Unresolved))
		for _, m := range p.Misses {
			fmt.Fprintln(w, "  ", m)
		}
	}
	if n := r.Negatives; n != nil {
		fmt.Fprintf(w, "\nNegatives matched (first %d):\n", len(n.Examples))
		for _, x := range n.Examples {
			fmt.Fprintln(w, "  ", x)
		}
	}
	if c := r.CrossScript; c != nil && len(c.Failures) > 0 {
		fmt.Fprintf(w, "\nCross-script failures:\n")
		for _, f := range c.Failures {
			fmt.Fprintln(w, "  ", f)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
