package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
)

const listsSynopsis = `lists [-v] [--json]
       chokepoint lists show ID [--json]
       chokepoint lists update [--source S]... [--base-url URL] [--timeout D] [--max-shrink F] [--force] [--json]
       chokepoint lists import SOURCE PATH... [--max-shrink F] [--force] [--json]
       chokepoint lists diff SOURCE [FROM TO] [-v] [--json]
       chokepoint lists versions SOURCE [--json]`

// runLists shows the served lists, or runs one of the list subcommands.
func runLists(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "show":
			return runListsShow(e, args[1:])
		case "update":
			return runListsUpdate(ctx, e, args[1:])
		case "import":
			return runListsImport(ctx, e, args[1:])
		case "diff":
			return runListsDiff(e, args[1:])
		case "versions":
			return runListsVersions(e, args[1:])
		}
	}
	fs := newFlagSet(e, "lists", listsSynopsis)
	asJSON := fs.Bool("json", false, "print JSON")
	verbose := fs.Bool("v", false, "show full sha256 sums, file origins and accepted formats")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unknown lists subcommand %q (want show, update, import, diff or versions)", pos[0])}
	}
	cat, err := openCatalog(e, lists.Options{MaxShrink: e.cfg.MaxShrink})
	if err != nil {
		return err
	}
	st := cat.Sources()
	load := loadStats(cat)
	warnings := warner(e).Warnings(cat.Datasets())
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Sources  []lists.SourceStatus `json:"sources"`
			Load     loadInfo             `json:"load"`
			Warnings []lists.Warning      `json:"warnings"`
		}{st, load, warnings})
	}
	printSources(e.stdout, st, *verbose)
	fmt.Fprintf(e.stdout, "\nloaded %d sources, %d entities in %.0f ms; Go heap %.1f MB, RSS %.1f MB\n",
		load.Sources, load.Entities, load.Millis, load.HeapMB, load.RSSMB)
	printWarnings(e.stdout, warnings)
	return nil
}

// loadInfo is the cost of opening the catalog, shown so that start-up
// time and memory stay visible.
type loadInfo struct {
	Sources  int     `json:"sources"`
	Entities int     `json:"entities"`
	Millis   float64 `json:"ms"`
	HeapMB   float64 `json:"heap_mb"`
	RSSMB    float64 `json:"rss_mb,omitempty"`
}

func loadStats(cat *lists.Catalog) loadInfo {
	li := loadInfo{Millis: float64(cat.LoadTime().Microseconds()) / 1000}
	for _, ds := range cat.Datasets() {
		li.Sources++
		li.Entities += len(ds.Entities)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	li.HeapMB = float64(ms.HeapAlloc) / (1 << 20)
	li.RSSMB = rssMB()
	return li
}

// rssMB reads the resident set size from /proc where there is one.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

var typeColumns = []string{"person", "organization", "vessel", "aircraft", "unknown"}

func printSources(w io.Writer, st []lists.SourceStatus, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tPUBLISHED\tVERSION\tTOTAL\tPERSON\tORG\tVESSEL\tAIRCRAFT\tUNKNOWN\tSERVED FROM")
	for _, s := range st {
		if s.Origin == "" {
			fmt.Fprintf(tw, "%s\t-\t-\t0\t\t\t\t\t\tNOT LOADED\n", s.ID)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d", s.ID, s.Published, s.Version, s.Total)
		for _, t := range typeColumns {
			fmt.Fprintf(tw, "\t%d", s.Counts[t])
		}
		fmt.Fprintf(tw, "\t%s\n", s.Origin)
	}
	tw.Flush()
	for _, s := range st {
		fmt.Fprintf(w, "\n%s: %s (%s)\n", s.ID, s.Name, s.Publisher)
		if s.Error != "" {
			fmt.Fprintf(w, "  ERROR: %s\n", s.Error)
		}
		if s.Dir != "" {
			fmt.Fprintf(w, "  stored in %s (%s)\n", s.Dir, s.Stored.Format("2006-01-02 15:04 MST"))
		}
		if len(s.Files) > 0 {
			fmt.Fprintf(w, "  files (%s):\n", s.Format)
			ftw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			for _, f := range s.Files {
				sum := f.SHA256
				if !verbose && len(sum) > 12 {
					sum = sum[:12]
				}
				date := f.Published
				if date == "" {
					date = "-"
				}
				rows := ""
				if f.Records > 0 {
					rows = fmt.Sprintf("%d records", f.Records)
				}
				fmt.Fprintf(ftw, "    %s\t%s\t%d bytes\t%s\tsha256 %s\t%s\n", f.Name, date, f.Size, rows, sum, f.URL)
				if verbose && f.Origin != "" {
					fmt.Fprintf(ftw, "    \t\t\t\tcopied from %s\t\n", f.Origin)
				}
			}
			ftw.Flush()
		}
		if verbose {
			for _, fs := range s.Formats {
				var names []string
				for _, f := range fs.Files {
					names = append(names, f.Name)
				}
				fmt.Fprintf(w, "  accepts %s: %s\n", fs.Format, strings.Join(names, ", "))
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, n := range s.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", n)
		}
		if s.Forced != "" {
			fmt.Fprintf(w, "  forced: %s\n", s.Forced)
		}
	}
}

func runListsShow(e *env, args []string) error {
	fs := newFlagSet(e, "lists show", "lists show ID [--json]")
	asJSON := fs.Bool("json", false, "print the entity as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"want one entity id, such as us_ofac_sdn:33596"}
	}
	source, _, _ := strings.Cut(pos[0], ":")
	if !knownSource(source) {
		return fmt.Errorf("no entity %q: unknown source %q", pos[0], source)
	}
	cat, err := openCatalog(e, lists.Options{MaxShrink: e.cfg.MaxShrink, Sources: []string{source}})
	if err != nil {
		return err
	}
	ent, ok := cat.Entity(pos[0])
	if !ok {
		return fmt.Errorf("no entity %q in the served lists", pos[0])
	}
	ds, _ := cat.Dataset(ent.Source)
	if *asJSON {
		return writeJSON(e.stdout, struct {
			*entity.Entity
			ListVersion string `json:"list_version"`
		}{ent, ds.Version})
	}
	printEntity(e.stdout, ent, ds.Version)
	return nil
}

func printEntity(w io.Writer, ent *entity.Entity, version string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	many := func(k string, vs []string) {
		if len(vs) > 0 {
			row(k, strings.Join(vs, "; "))
		}
	}
	row("id", ent.ID)
	row("list version", version)
	row("type", typeName(ent.Type))
	row("name", ent.Name)
	for _, n := range ent.Names[1:] {
		s := fmt.Sprintf("%s (%s, %s", n.Full, n.Kind, n.Quality)
		if n.Script != "" {
			s += ", " + n.Script
		}
		row("  also", s+")")
	}
	if ent.Gender != "" {
		row("gender", ent.Gender)
	}
	var dobs []string
	for _, d := range ent.BirthDates {
		dobs = append(dobs, d.String())
	}
	many("birth dates", dobs)
	many("birth places", ent.BirthPlaces)
	many("nationalities", ent.Nationalities)
	many("citizenships", ent.Citizenships)
	many("countries", ent.Countries)
	for _, a := range ent.Addresses {
		s := a.Full
		if s == "" {
			s = strings.Join(nonEmpty(a.Street, a.City, a.Region, a.PostalCode, a.CountryName), ", ")
		}
		if a.Country != "" {
			s += " [" + a.Country + "]"
		}
		row("address", s)
	}
	for _, id := range ent.Identifiers {
		s := id.Type + " " + id.Number
		if id.Country != "" {
			s += " (" + id.Country + ")"
		}
		if id.Label != "" && id.Label != id.Type {
			s += " [" + id.Label + "]"
		}
		if id.Note != "" {
			s += " " + id.Note
		}
		row("identifier", s)
	}
	many("titles", ent.Titles)
	many("positions", ent.Positions)
	many("websites", ent.Websites)
	many("emails", ent.Emails)
	many("phones", ent.Phones)
	many("programs", ent.Programs)
	if !ent.ListedOn.IsZero() {
		row("listed on", ent.ListedOn.String())
	}
	if ent.SecondarySanctions {
		row("secondary sanctions", "yes")
	}
	for _, r := range ent.Relations {
		row("relation", strings.Join(nonEmpty(r.Kind, r.Name, r.EntityID), ": "))
	}
	keys := make([]string, 0, len(ent.Properties))
	for k := range ent.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row(k, strings.Join(ent.Properties[k], "; "))
	}
	if ent.Remarks != "" {
		row("remarks", ent.Remarks)
	}
	tw.Flush()
}

// knownSource reports whether id names a source the catalog knows.
func knownSource(id string) bool {
	_, ok := lists.Lookup(id)
	return ok
}

func typeName(t entity.Type) string {
	if t == entity.Unknown {
		return "unknown"
	}
	return string(t)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// stringList is a flag that may be repeated or given comma-separated.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// shrinkFlags are the acceptance flags update and import share.
type shrinkFlags struct {
	maxShrink *float64
	force     *bool
	asJSON    *bool
}

func addShrinkFlags(fs *flag.FlagSet, e *env) shrinkFlags {
	return shrinkFlags{
		maxShrink: fs.Float64("max-shrink", e.cfg.MaxShrink, "largest share (0..1) a list may shrink by before it is refused"),
		force:     fs.Bool("force", false, "accept a shrink or an older publication, with an audit note"),
		asJSON:    fs.Bool("json", false, "print the results as JSON"),
	}
}

func (f shrinkFlags) options() (lists.Options, error) {
	if *f.maxShrink < 0 || *f.maxShrink > 1 {
		return lists.Options{}, &usageError{fmt.Sprintf("--max-shrink %v: want a share between 0 and 1", *f.maxShrink)}
	}
	return lists.Options{MaxShrink: *f.maxShrink, Force: *f.force}, nil
}

func runListsUpdate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lists update", "lists update [--source S]... [--base-url URL] [--timeout D] [--max-shrink F] [--force] [--json]")
	var sources stringList
	fs.Var(&sources, "source", "update only this source (repeatable)")
	baseURL := fs.String("base-url", "", "fetch every file as <base-url>/<source>/<file> instead of the official URLs")
	timeout := fs.Duration("timeout", e.cfg.UpdateTimeout, "give up on a server silent for this long")
	sf := addShrinkFlags(fs, e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q (use --source)", pos[0])}
	}
	opt, err := sf.options()
	if err != nil {
		return err
	}
	opt.URLs = e.cfg.ListURLs
	opt.Sources = sources // only what is updated needs loading
	cat, err := openCatalog(e, opt)
	if err != nil {
		return err
	}
	if *timeout <= 0 {
		return &usageError{fmt.Sprintf("--timeout %v: want a positive duration such as 30s", *timeout)}
	}
	res, err := cat.Update(ctx, lists.UpdateOptions{Sources: sources, BaseURL: *baseURL, Timeout: *timeout, Progress: e.stderr})
	if err != nil && !errors.Is(err, lists.ErrRefused) {
		return err
	}
	return reportResults(e, res, *sf.asJSON, err != nil)
}

func runListsImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lists import", "lists import SOURCE PATH... [--max-shrink F] [--force] [--json]")
	sf := addShrinkFlags(fs, e)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &usageError{"want a source id and at least one file"}
	}
	opt, err := sf.options()
	if err != nil {
		return err
	}
	if knownSource(pos[0]) {
		opt.Sources = []string{pos[0]}
	}
	cat, err := openCatalog(e, opt)
	if err != nil {
		return err
	}
	r, err := cat.Import(ctx, pos[0], pos[1:])
	if err != nil && r.Source == "" {
		return err
	}
	return reportResults(e, []lists.UpdateResult{r}, *sf.asJSON, err != nil)
}

// reportResults prints one line per source; a refusal makes the command
// exit 1 once everything is printed.
func reportResults(e *env, res []lists.UpdateResult, asJSON, refused bool) error {
	if asJSON {
		if err := writeJSON(e.stdout, res); err != nil {
			return err
		}
	} else {
		for _, r := range res {
			fmt.Fprintln(e.stdout, r.String())
			for _, f := range r.Files {
				if r.Status == lists.StatusUpdated && f.Unchanged {
					fmt.Fprintf(e.stdout, "  %s unchanged (sha256 %s), not stored again\n", f.Name, f.SHA256[:12])
				}
			}
			if r.Status == lists.StatusUpdated {
				for _, n := range r.Notes {
					fmt.Fprintf(e.stdout, "  note: %s\n", n)
				}
			}
		}
	}
	if refused {
		return errFindings
	}
	return nil
}

func runListsDiff(e *env, args []string) error {
	fs := newFlagSet(e, "lists diff", "lists diff SOURCE [FROM TO] [-v] [--json]\n\nFROM and TO are stored versions, \"bundle\" or \"current\"; by default the previous and the current version in the data dir.")
	asJSON := fs.Bool("json", false, "print the change set as JSON")
	verbose := fs.Bool("v", false, "list every entity, not the first 20 of each kind")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 && len(pos) != 3 {
		return &usageError{"want SOURCE, or SOURCE FROM TO"}
	}
	source := pos[0]
	if !knownSource(source) {
		return fmt.Errorf("unknown source %q", source)
	}
	cat, err := openCatalog(e, lists.Options{MaxShrink: e.cfg.MaxShrink, Sources: []string{source}})
	if err != nil {
		return err
	}
	from, to := "", ""
	if len(pos) == 3 {
		from, to = pos[1], pos[2]
	} else {
		if from, to, err = defaultDiffVersions(cat, source); err != nil {
			return err
		}
	}
	load := func(v string) (*entity.Dataset, error) {
		if v == "current" {
			if ds, ok := cat.Dataset(source); ok {
				return ds, nil
			}
			return nil, fmt.Errorf("no served version of %s", source)
		}
		return cat.LoadVersion(source, v)
	}
	old, err := load(from)
	if err != nil {
		return err
	}
	cur, err := load(to)
	if err != nil {
		return err
	}
	cs := lists.Diff(old, cur)
	if *asJSON {
		return writeJSON(e.stdout, changeSetJSON(cs))
	}
	fmt.Fprintf(e.stdout, "%s: %s -> %s: %d added, %d removed, %d changed\n", source, cs.From, cs.To, len(cs.Added), len(cs.Removed), len(cs.Changed))
	limit := 20
	if *verbose {
		limit = -1
	}
	section := func(title string, n int, line func(i int) string) {
		if n == 0 {
			return
		}
		fmt.Fprintf(e.stdout, "\n%s (%d):\n", title, n)
		for i := 0; i < n; i++ {
			if limit >= 0 && i == limit {
				fmt.Fprintf(e.stdout, "  ... and %d more (-v shows all)\n", n-limit)
				return
			}
			fmt.Fprintln(e.stdout, "  "+line(i))
		}
	}
	section("added", len(cs.Added), func(i int) string { return cs.Added[i].ID + "  " + cs.Added[i].Name })
	section("removed", len(cs.Removed), func(i int) string { return cs.Removed[i].ID + "  " + cs.Removed[i].Name })
	section("changed", len(cs.Changed), func(i int) string {
		c := cs.Changed[i]
		return c.ID + "  " + c.New.Name + "  [" + strings.Join(c.Fields, ", ") + "]"
	})
	return nil
}

// defaultDiffVersions picks the previous and the current version of
// source in the data dir, or the bundle and the current version when only
// one is stored.
func defaultDiffVersions(cat *lists.Catalog, source string) (string, string, error) {
	vs, cur, err := cat.Versions(source)
	if err != nil {
		return "", "", err
	}
	if cur == "" {
		return "", "", fmt.Errorf("no version of %s in the data dir: give FROM and TO, or run lists update or lists import first", source)
	}
	for _, m := range vs {
		if m.Version == cur && m.Replaced != "" && m.Replaced != cur {
			for _, p := range vs {
				if p.Version == m.Replaced {
					return p.Version, cur, nil
				}
			}
		}
	}
	for _, m := range vs {
		if m.Version != cur {
			return m.Version, cur, nil
		}
	}
	return lists.OriginBundle, cur, nil
}

type entityRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type changeJSON struct {
	entityRef
	Fields []string `json:"fields"`
}

func changeSetJSON(cs lists.ChangeSet) any {
	ref := func(e *entity.Entity) entityRef { return entityRef{e.ID, e.Name, typeName(e.Type)} }
	out := struct {
		Source  string         `json:"source"`
		From    string         `json:"from"`
		To      string         `json:"to"`
		Counts  map[string]int `json:"counts"`
		Added   []entityRef    `json:"added"`
		Removed []entityRef    `json:"removed"`
		Changed []changeJSON   `json:"changed"`
	}{Source: cs.Source, From: cs.From, To: cs.To,
		Counts: map[string]int{"added": len(cs.Added), "removed": len(cs.Removed), "changed": len(cs.Changed)},
		Added:  []entityRef{}, Removed: []entityRef{}, Changed: []changeJSON{}}
	for _, e := range cs.Added {
		out.Added = append(out.Added, ref(e))
	}
	for _, e := range cs.Removed {
		out.Removed = append(out.Removed, ref(e))
	}
	for _, c := range cs.Changed {
		out.Changed = append(out.Changed, changeJSON{ref(c.New), c.Fields})
	}
	return out
}

func runListsVersions(e *env, args []string) error {
	fs := newFlagSet(e, "lists versions", "lists versions SOURCE [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"want one source id"}
	}
	if !knownSource(pos[0]) {
		return fmt.Errorf("unknown source %q", pos[0])
	}
	cat, err := openCatalog(e, lists.Options{MaxShrink: e.cfg.MaxShrink, Sources: []string{pos[0]}})
	if err != nil {
		return err
	}
	vs, cur, err := cat.Versions(pos[0])
	if err != nil {
		return err
	}
	var served string
	for _, s := range cat.Sources() {
		if s.ID == pos[0] {
			served = s.Version
		}
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Source   string       `json:"source"`
			Current  string       `json:"current"`
			Served   string       `json:"served"`
			Versions []lists.Meta `json:"versions"`
		}{pos[0], cur, served, append([]lists.Meta{}, vs...)})
	}
	if len(vs) == 0 {
		fmt.Fprintf(e.stdout, "%s: no versions in the data dir; serving %s\n", pos[0], orDash(served))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tPUBLISHED\tSTORED\tMETHOD\tTOTAL\t")
	for _, m := range vs {
		mark := ""
		if m.Version == cur {
			mark = "current"
		}
		if m.Version == served {
			mark += " (served)"
		}
		if m.Forced != "" {
			mark += " forced"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", m.Version, m.Published, m.Stored.Format("2006-01-02 15:04:05"), m.Method, m.Total, strings.TrimSpace(mark))
	}
	tw.Flush()
	if served != cur {
		fmt.Fprintf(e.stdout, "served: %s\n", orDash(served))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
