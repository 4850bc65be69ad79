package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
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
	Threshold    float64                          `json:"threshold"`
	LoadSeconds  float64                          `json:"load_seconds"`
	Part         string                           `json:"part,omitempty"`
	NameBench    *eval.NameBenchResult            `json:"name_bench,omitempty"`
	Positives    *eval.PositivesResult            `json:"un_positives,omitempty"`
	Negatives    *eval.NegativesResult            `json:"negatives,omitempty"`
	MultiCulture map[string]*eval.NegativesResult `json:"multiculture,omitempty"`
	Perturbed    map[string]*eval.PerturbResult   `json:"perturbed,omitempty"`
	CrossScript  *eval.CrossScriptResult          `json:"cross_script,omitempty"`
	Han          *eval.HanResult                  `json:"han,omitempty"`
	Seeds        []eval.SeedResult                `json:"seeds,omitempty"`
}

var evalSets = []string{"bench", "un", "neg", "mc", "perturb", "script", "han", "seed"}

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "eval", "eval [--shared DIR] [--heldout DIR] [--only "+strings.Join(evalSets, ",")+"] [--part dev|test|all] [--threshold F] [--errors] [--json]")
	shared := fs.String("shared", sharedtest.Root(), "the shared material directory (evaluation data)")
	heldout := fs.String("heldout", eval.FindHeldout(), "the directory of the held-out sets (mc, perturb)")
	only := fs.String("only", strings.Join(evalSets, ","), "which measurements to run: bench name pairs, un UN positives, neg negatives_us.csv, mc multi-culture negatives, perturb UN perturbations, script Putin in many scripts, han Han-script listed names, seed seed cases")
	part := fs.String("part", "dev", "which part of the held-out sets (mc, perturb): dev, test or all; measure test only at the end of a piece of work")
	threshold := fs.Float64("threshold", e.cfg.Threshold, "match threshold")
	showErrors := fs.Bool("errors", false, "list misjudged rows (never rows of a test part)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	want := strings.Split(*only, ",")
	for _, w := range want {
		if !slices.Contains(evalSets, w) {
			return &usageError{fmt.Sprintf("--only: unknown measurement %q (want some of %s)", w, strings.Join(evalSets, ","))}
		}
	}
	var parts []string
	switch *part {
	case "dev", "test":
		parts = []string{*part}
	case "all":
		parts = eval.Parts
	default:
		return &usageError{fmt.Sprintf("--part %q: want dev, test or all", *part)}
	}
	needShared := slices.ContainsFunc(want, func(w string) bool { return w == "bench" || w == "un" || w == "neg" || w == "script" })
	if needShared {
		if *shared == "" {
			return &usageError{"shared material not found: give --shared DIR (the directory holding data/eval)"}
		}
		if _, err := os.Stat(filepath.Join(*shared, "data", "eval")); err != nil {
			return fmt.Errorf("evaluation data: %w", err)
		}
	}
	if (slices.Contains(want, "mc") || slices.Contains(want, "perturb")) && *heldout == "" {
		msg := "held-out sets not found: run from the repository or give --heldout DIR (" + eval.HeldoutDir + ")"
		onlyGiven := false
		fs.Visit(func(f *flag.Flag) { onlyGiven = onlyGiven || f.Name == "only" })
		if onlyGiven {
			return &usageError{msg}
		}
		// A binary run outside the repository still measures the rest.
		fmt.Fprintln(e.stderr, "chokepoint eval: skipping mc and perturb:", msg)
		want = slices.DeleteFunc(want, func(w string) bool { return w == "mc" || w == "perturb" })
	}
	start := time.Now()
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	rep := evalReport{Threshold: *threshold, LoadSeconds: time.Since(start).Seconds(), Part: *part}
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
	if slices.Contains(want, "mc") {
		rep.MultiCulture = make(map[string]*eval.NegativesResult)
		for _, p := range parts {
			if rep.MultiCulture[p], err = eval.MultiCulture(eng, *heldout, p, *threshold); err != nil {
				return err
			}
		}
	}
	if slices.Contains(want, "perturb") {
		rep.Perturbed = make(map[string]*eval.PerturbResult)
		for _, p := range parts {
			if rep.Perturbed[p], err = eval.Perturbed(eng, *heldout, p, *threshold); err != nil {
				return err
			}
		}
	}
	if slices.Contains(want, "script") {
		if rep.CrossScript, err = eval.CrossScript(eng, path(eval.MultiScriptFile), "Vladimir Putin", *threshold); err != nil {
			return err
		}
	}
	if slices.Contains(want, "han") {
		rep.Han = eval.HanNames(eng, *threshold)
	}
	if slices.Contains(want, "seed") {
		if rep.Seeds, err = eval.RunSeeds(eng, *threshold); err != nil {
			return err
		}
	}
	if *asJSON {
		// JSON carries the misjudged rows; a test part's stay unseen.
		if n := rep.MultiCulture["test"]; n != nil {
			n.NameOnlyExamples, n.WithFactsExamples = nil, nil
		}
		if p := rep.Perturbed["test"]; p != nil {
			p.Misses = nil
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printEval(e.stdout, &rep, eng, *showErrors)
	return nil
}

func pct(a, b int) string { return fmt.Sprintf("%.2f%% (%d/%d)", 100*ratio(a, b), a, b) }

// row prints one line of the figures table: name only, with facts, target.
func row(w io.Writer, what, nameOnly, withFacts, target string) {
	fmt.Fprintf(w, "| %s | %s | %s | %s |\n", what, nameOnly, withFacts, target)
}

func printNegatives(w io.Writer, label string, n *eval.NegativesResult) {
	row(w, label+": rows flagged", pct(n.NameOnly, n.Rows), pct(n.WithFacts, n.Rows), "<= 0.2% name only, <= 0.05% with DOB")
	for _, g := range slices.Sorted(maps.Keys(n.ByScript)) {
		f := n.ByScript[g]
		row(w, "  "+label+", "+g, pct(f.NameOnly, f.Rows), pct(f.WithFacts, f.Rows), "<= 0.2%, <= 0.05%")
	}
}

func printPerturbed(w io.Writer, p *eval.PerturbResult) {
	label := "UN perturbations (" + p.Part + ")"
	row(w, label+": right entity a match", pct(p.NameOnly.Matched, p.Rows), pct(p.WithFacts.Matched, p.Rows), ">= 98%")
	row(w, label+": right entity first", pct(p.NameOnly.TopHit, p.Rows), pct(p.WithFacts.TopHit, p.Rows), "-")
	for _, k := range eval.PerturbKinds {
		if h := p.ByKind[k]; h != nil {
			row(w, "  "+label+", "+k+": a match", pct(h.NameOnly.Matched, h.Rows), pct(h.WithFacts.Matched, h.Rows), ">= 98%")
		}
	}
}

func printEval(w io.Writer, r *evalReport, eng *match.Engine, showErrors bool) {
	fmt.Fprintf(w, "Lists: %s\nThreshold %.2f; lists loaded and indexed in %.2f s; held-out part: %s\n\n", listSummary(eng), r.Threshold, r.LoadSeconds, r.Part)
	fmt.Fprintln(w, "| measurement | name only | with facts (DOB, country, gender) | target |")
	fmt.Fprintln(w, "|---|---|---|---|")
	if b := r.NameBench; b != nil {
		row(w, fmt.Sprintf("name pairs (%d): precision / recall / F1", b.Rows), fmt.Sprintf("%.3f / %.3f / %.3f", b.All.Precision(), b.All.Recall(), b.All.F1()), "-", "F1 >= 0.90, precision >= 0.90")
		for _, s := range slices.Sorted(maps.Keys(b.ByScript)) {
			c := b.ByScript[s]
			// Small groups are often all one label, where P/R/F1 say
			// nothing: the counts do.
			row(w, fmt.Sprintf("  name pairs, %s: TP / FP / TN / FN", s), fmt.Sprintf("%d / %d / %d / %d", c.TP, c.FP, c.TN, c.FN), "-", "-")
		}
	}
	if p := r.Positives; p != nil {
		row(w, fmt.Sprintf("UN positives (%d rows, %d resolved): right entity a match", p.Rows, p.Resolved), pct(p.NameOnly.Matched, p.Resolved), pct(p.WithFacts.Matched, p.Resolved), ">= 98%")
		row(w, "UN positives: right entity first", pct(p.NameOnly.TopHit, p.Resolved), pct(p.WithFacts.TopHit, p.Resolved), ">= 99% (with facts)")
	}
	for _, p := range eval.Parts {
		if pr := r.Perturbed[p]; pr != nil {
			printPerturbed(w, pr)
		}
	}
	if n := r.Negatives; n != nil {
		printNegatives(w, "negatives_us.csv", n)
	}
	for _, p := range eval.Parts {
		if n := r.MultiCulture[p]; n != nil {
			printNegatives(w, "multi-culture ("+p+")", n)
		}
	}
	if c := r.CrossScript; c != nil {
		row(w, "cross-script (Latin, Cyrillic, Greek, Armenian, Georgian, Arabic, Hebrew) lines matching \"Vladimir Putin\"", fmt.Sprintf("%d/%d", c.Matched, c.Required), "-", "all")
		row(w, "other scripts (Hangul, kana, Han, Khmer, Myanmar, Indic)", fmt.Sprintf("%d/%d", c.OtherMatched, c.Other), "-", "all (issue 10)")
	}
	if h := r.Han; h != nil {
		row(w, "Han-script listed names vs the entity's Latin names: persons", fmt.Sprintf("%d/%d", h.PersonsMatched, h.Persons), "-", "all")
		row(w, "Han-script listed names: organisations (translations)", fmt.Sprintf("%d/%d", h.OrgsMatched, h.Orgs), "-", "-")
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
		row(w, fmt.Sprintf("seed %q", s.Query.Name), ok+": "+s.Got, "-", want)
	}
	if n := r.Negatives; n != nil {
		fmt.Fprintf(w, "\nbatch speed on negatives_us.csv with facts, all cores: %.0f names/s\n", n.NamesPerSec)
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
		printFlagged(w, "negatives_us.csv", n)
	}
	for _, p := range eval.Parts {
		if n := r.MultiCulture[p]; n != nil {
			if p == "test" {
				fmt.Fprintln(w, "\nMulti-culture (test): rows not shown; the test part is only measured (docs/quality.md).")
				continue
			}
			printFlagged(w, "multi-culture ("+p+")", n)
		}
	}
	for _, p := range eval.Parts {
		if pr := r.Perturbed[p]; pr != nil {
			if p == "test" {
				fmt.Fprintln(w, "\nUN perturbations (test): rows not shown; the test part is only measured (docs/quality.md).")
				continue
			}
			fmt.Fprintf(w, "\nUN perturbations (%s) missed by name only or with facts (%d):\n", p, len(pr.Misses))
			for _, m := range pr.Misses {
				fmt.Fprintln(w, "  ", m)
			}
		}
	}
	if c := r.CrossScript; c != nil && len(c.Failures) > 0 {
		fmt.Fprintf(w, "\nCross-script failures:\n")
		for _, f := range c.Failures {
			fmt.Fprintln(w, "  ", f)
		}
	}
	if h := r.Han; h != nil {
		fmt.Fprintf(w, "\nHan-script listed names:\n")
		for _, x := range h.Rows {
			fmt.Fprintln(w, "  ", x)
		}
	}
}

func printFlagged(w io.Writer, label string, n *eval.NegativesResult) {
	fmt.Fprintf(w, "\n%s flagged by name only (first %d of %d):\n", label, len(n.NameOnlyExamples), n.NameOnly)
	for _, x := range n.NameOnlyExamples {
		fmt.Fprintln(w, "  ", x)
	}
	fmt.Fprintf(w, "\n%s flagged with facts (first %d of %d):\n", label, len(n.WithFactsExamples), n.WithFacts)
	for _, x := range n.WithFactsExamples {
		fmt.Fprintln(w, "  ", x)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
