package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// idsFlag collects repeated --id flags.
type idsFlag []string

func (f *idsFlag) String() string     { return strings.Join(*f, ",") }
func (f *idsFlag) Set(v string) error { *f = append(*f, v); return nil }

func runScreen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "screen", "screen [--type T] [--country CC] [--dob YYYY[-MM[-DD]]] [--id NUMBER]... [--json] NAME\n       chokepoint screen --in customers.csv|.jsonl --out hits.csv|.jsonl")
	typ := fs.String("type", "", "party type: person, organization, vessel or aircraft")
	ctry := fs.String("country", "", "country (ISO code or name)")
	dob := fs.String("dob", "", "date of birth: YYYY, YYYY-MM or YYYY-MM-DD")
	gender := fs.String("gender", "", "gender: male or female")
	var ids idsFlag
	fs.Var(&ids, "id", "identifier (passport, tax ID, IMO...); repeatable")
	threshold := fs.Float64("threshold", e.cfg.Threshold, "match threshold")
	limit := fs.Int("limit", 10, "most results to show")
	asJSON := fs.Bool("json", false, "print JSON")
	in := fs.String("in", "", "batch input: a CSV (header with name, id, type, country, dob, ids) or JSONL file")
	out := fs.String("out", "", "batch output: .csv or .jsonl (default: JSONL on stdout)")
	hitsOnly := fs.Bool("hits-only", false, "batch: leave rows without hits out of the output")
	allowErrors := fs.Bool("allow-errors", false, "batch: exit 0 even when rows were rejected (they are still reported)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *in != "" {
		if len(pos) > 0 {
			return &usageError{"give either NAME or --in, not both"}
		}
		return runBatchScreen(ctx, e, batchFlags{in: *in, out: *out, threshold: *threshold, limit: *limit, hitsOnly: *hitsOnly, allowErrors: *allowErrors})
	}
	if len(pos) == 0 && len(ids) == 0 {
		return &usageError{"want a NAME (or --id, or --in FILE)"}
	}
	q := match.Query{Name: strings.Join(pos, " "), Country: *ctry, DOB: *dob, Gender: *gender, IDs: ids}
	if *typ != "" {
		t, ok := entity.ParseType(*typ)
		if !ok {
			return &usageError{fmt.Sprintf("unknown type %q", *typ)}
		}
		q.Type = t
	}
	if err := q.Validate(); err != nil {
		return &usageError{err.Error()}
	}
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	ms, err := eng.Screen(q, match.Options{Threshold: *threshold, Limit: *limit})
	if err != nil {
		return err
	}
	warnings := warner(e).Warnings(eng.Datasets())
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Query    match.Query       `json:"query"`
			Matches  []match.Match     `json:"matches"`
			Lists    map[string]string `json:"lists"`
			Warnings []lists.Warning   `json:"warnings"`
		}{q, nonNil(ms), listVersions(eng), warnings})
	}
	if len(ms) == 0 {
		fmt.Fprintf(e.stdout, "No match or near match for %q at threshold %.2f (lists: %s).\n", q.Name, *threshold, listSummary(eng))
		printWarnings(e.stdout, warnings)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tMATCH\tENTITY\tNAME\tMATCHED NAME\tPROGRAMS")
	for _, m := range ms {
		verdict := "-"
		if m.Match {
			verdict = "MATCH"
		}
		fmt.Fprintf(tw, "%.3f\t%s\t%s\t%s\t%s\t%s\n", m.Score, verdict, m.EntityID, m.Name, m.MatchedName, strings.Join(m.Programs, " "))
	}
	tw.Flush()
	fmt.Fprintln(e.stdout)
	for i, m := range ms {
		fmt.Fprintf(e.stdout, "%d. %s\n", i+1, m.Explanation)
		for _, a := range m.AlsoListed {
			fmt.Fprintf(e.stdout, "   also listed as %s %q (%s)\n", a.EntityID, a.Name, a.Reason)
		}
	}
	fmt.Fprintf(e.stdout, "\nLists: %s\n", listSummary(eng))
	printWarnings(e.stdout, warnings)
	return nil
}

func nonNil(ms []match.Match) []match.Match {
	if ms == nil {
		return []match.Match{}
	}
	return ms
}

// listVersions maps each source to the version screened against.
func listVersions(eng *match.Engine) map[string]string {
	out := make(map[string]string)
	for _, d := range eng.Datasets() {
		out[d.Source] = d.Version
	}
	return out
}

func listSummary(eng *match.Engine) string {
	var parts []string
	for _, d := range eng.Datasets() {
		parts = append(parts, fmt.Sprintf("%s %s", d.Source, d.Version))
	}
	if len(parts) == 0 {
		return "none loaded"
	}
	return strings.Join(parts, ", ")
}
