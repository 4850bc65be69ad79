// Package eval measures screening quality and speed on labelled data: name
// pairs, listed persons that must be found, made-up customers that must
// not be, one person written in many scripts, and the seed cases of the
// UAV investigation; and on the project's own held-out sets (made-up people
// of many cultures, altered UN-listed names), each split into a dev part to
// look at and a test part only to measure. Screening figures are taken by
// name only and with the row's other facts.
//
// It sits beside the screening stage: it drives a match.Engine the way a
// user would and counts what comes back. Figures are printed by
// `chokepoint eval` and recorded in docs/quality.md.
package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// Files names the evaluation files under the shared data directory.
const (
	NameBenchFile   = "data/eval/nomenklatura/name_bench_cases.csv"
	PositivesFile   = "data/eval/yente-candidate-benchmark/positives_un_untreated.csv"
	NegativesFile   = "data/eval/yente-candidate-benchmark/negatives_us.csv"
	MultiScriptFile = "data/eval/nomenklatura/putin_names_multiscript.txt"
)

// ReadCSV reads a CSV file with a header and returns rows as maps keyed by
// column name.
func ReadCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", path, err)
	}
	var rows []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// Confusion counts binary outcomes.
type Confusion struct{ TP, FP, TN, FN int }

// Precision is TP/(TP+FP).
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN).
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Confusion) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c *Confusion) add(predicted, actual bool) {
	switch {
	case predicted && actual:
		c.TP++
	case predicted && !actual:
		c.FP++
	case !predicted && actual:
		c.FN++
	default:
		c.TN++
	}
}

// PairError is one misjudged name pair, for reading what fails.
type PairError struct {
	Schema, Name1, Name2, Category string
	Want                           bool
	Score                          float64
}

// NameBenchResult is the outcome on labelled name pairs.
type NameBenchResult struct {
	Rows       int
	All        Confusion
	ByCategory map[string]*Confusion
	// ByScript keys pairs by the scripts of their two names ("Latn",
	// "Cyrl/Latn" for a cross-script pair, sorted).
	ByScript map[string]*Confusion
	Errors   []PairError
}

func schemaType(s string) entity.Type {
	switch s {
	case "Person":
		return entity.Person
	case "Vessel":
		return entity.Vessel
	case "Airplane":
		return entity.Aircraft
	case "Company", "Organization", "LegalEntity", "PublicBody":
		return entity.Organization
	}
	return entity.Unknown
}

// NameBench scores every labelled pair with Compare at threshold.
func NameBench(e *match.Engine, path string, threshold float64) (*NameBenchResult, error) {
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	res := &NameBenchResult{ByCategory: make(map[string]*Confusion), ByScript: make(map[string]*Confusion)}
	for _, r := range rows {
		want := strings.EqualFold(r["is_match"], "true")
		c := e.Compare(r["name1"], r["name2"], schemaType(r["schema"]), threshold)
		res.Rows++
		res.All.add(c.Match, want)
		cat := r["category"]
		if res.ByCategory[cat] == nil {
			res.ByCategory[cat] = &Confusion{}
		}
		res.ByCategory[cat].add(c.Match, want)
		sk := pairScripts(r["name1"], r["name2"])
		if res.ByScript[sk] == nil {
			res.ByScript[sk] = &Confusion{}
		}
		res.ByScript[sk].add(c.Match, want)
		if c.Match != want {
			res.Errors = append(res.Errors, PairError{r["schema"], r["name1"], r["name2"], cat, want, c.Score})
		}
	}
	return res, nil
}

// Hits counts how often the right listed entity came back.
type Hits struct {
	TopHit  int // the right entity ranked first
	Matched int // the right entity at or above the threshold
}

func pairScripts(a, b string) string {
	sa, sb := names.ScriptOf(a), names.ScriptOf(b)
	if sa == sb {
		return sa
	}
	if sb < sa {
		sa, sb = sb, sa
	}
	return sa + "/" + sb
}

// PositivesResult is the outcome on persons taken from the UN list, each
// screened twice: by name only, and with the row's other facts (date of
// birth, nationality, gender).
type PositivesResult struct {
	Rows       int
	Resolved   int // rows whose listed entity could be identified by exact name
	NameOnly   Hits
	WithFacts  Hits
	Misses     []string // rows missed with facts or by name only
	Unresolved []string
}

// foldName is an order-free exact key of a name, used to find which listed
// entity a positive row was taken from.
func foldName(s string) string {
	a := names.Analyze(s, names.Person)
	parts := make([]string, 0, len(a.Tokens))
	for _, t := range a.Tokens {
		parts = append(parts, t.Text)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// found screens q against the UN list alone and says whether want came
// first and whether it was a match, with what came first otherwise.
func found(e *match.Engine, q match.Query, want string, threshold float64) (top, matched bool, got string, err error) {
	ms, err := e.Screen(q, match.Options{Threshold: threshold, Limit: 5, Sources: []string{"un_sc"}})
	if err != nil {
		return false, false, "", fmt.Errorf("screen %q: %w", q.Name, err)
	}
	top = len(ms) > 0 && ms[0].EntityID == want
	for _, m := range ms {
		if m.EntityID == want && m.Match {
			matched = true
		}
	}
	got = "nothing"
	if len(ms) > 0 {
		got = fmt.Sprintf("%s %q %.2f", ms[0].EntityID, ms[0].MatchedName, ms[0].Score)
	}
	return top, matched, got, nil
}

// twoWays is how one listed party's row fared with its facts and by
// name only.
type twoWays struct {
	top, match, topN, matchN bool
	got, gotN                string
}

// screenTwoWays screens q against the UN list with its facts and again
// with its name and type only.
func screenTwoWays(e *match.Engine, q match.Query, want string, threshold float64) (o twoWays, err error) {
	if o.top, o.match, o.got, err = found(e, q, want, threshold); err != nil {
		return o, err
	}
	o.topN, o.matchN, o.gotN, err = found(e, match.Query{Name: q.Name, Type: q.Type}, want, threshold)
	return o, err
}

func (h *Hits) add(top, matched bool) {
	if top {
		h.TopHit++
	}
	if matched {
		h.Matched++
	}
}

// UNPositives screens each row against the UN list alone. The row's true
// entity is the UN entry with exactly that name (and, if several, that
// birth year); rows no entry has exactly are counted as unresolved rather
// than guessed.
func UNPositives(e *match.Engine, path string, threshold float64) (*PositivesResult, error) {
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	byName := make(map[string][]*entity.Entity)
	for _, d := range e.Datasets() {
		if d.Source != "un_sc" {
			continue
		}
		for _, ent := range d.Entities {
			seen := map[string]bool{}
			for _, n := range ent.Names {
				k := foldName(n.Full)
				if !seen[k] {
					seen[k] = true
					byName[k] = append(byName[k], ent)
				}
			}
		}
	}
	if len(byName) == 0 {
		return nil, errors.New("no UN list loaded")
	}
	res := &PositivesResult{}
	type job struct {
		q    match.Query
		want string
	}
	var jobs []job
	for _, r := range rows {
		res.Rows++
		q := match.Query{Name: r["full_name"], Type: entity.Person, DOB: r["date_of_birth"], Country: r["nationality"], Gender: r["gender"]}
		if _, err := entity.ParseDate(q.DOB); err != nil {
			q.DOB = ""
		}
		want := truth(byName[foldName(q.Name)], q.DOB)
		if want == "" {
			res.Unresolved = append(res.Unresolved, q.Name)
			continue
		}
		res.Resolved++
		jobs = append(jobs, job{q, want})
	}
	outs := make([]twoWays, len(jobs))
	err = parallel(len(jobs), func(i int) (err error) {
		outs[i], err = screenTwoWays(e, jobs[i].q, jobs[i].want, threshold)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, o := range outs {
		j := jobs[i]
		res.WithFacts.add(o.top, o.match)
		res.NameOnly.add(o.topN, o.matchN)
		if !o.match {
			res.Misses = append(res.Misses, fmt.Sprintf("with facts: %s (dob %s): want %s, got %s", j.q.Name, j.q.DOB, j.want, o.got))
		}
		if !o.matchN {
			res.Misses = append(res.Misses, fmt.Sprintf("name only: %s: want %s, got %s", j.q.Name, j.want, o.gotN))
		}
	}
	return res, nil
}

// parallel runs f(0..n-1) on all cores and returns the errors joined.
func parallel(n int, f func(i int) error) error {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := f(i); err != nil {
					errs[w] = err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	return errors.Join(errs...)
}

func truth(cands []*entity.Entity, dob string) string {
	if len(cands) == 1 {
		return cands[0].ID
	}
	d, err := entity.ParseDate(dob)
	if err != nil {
		return ""
	}
	var hit string
	for _, c := range cands {
		for _, b := range c.BirthDates {
			if b.Year == d.Year {
				if hit != "" && hit != c.ID {
					return ""
				}
				hit = c.ID
			}
		}
	}
	return hit
}

// Flags counts rows flagged (any result a match), screened by name only
// and with the other facts.
type Flags struct {
	Rows      int
	NameOnly  int
	WithFacts int
}

// NegativesResult is the outcome on made-up people, none of whom is listed.
type NegativesResult struct {
	Flags
	ByScript          map[string]*Flags
	NameOnlyExamples  []string
	WithFactsExamples []string
	// Elapsed and NamesPerSec are of the run with facts, the way a
	// customer file is screened (the figure tracked since issue 1).
	Elapsed     time.Duration
	NamesPerSec float64
}

// maxExamples bounds the flagged rows kept for reading.
const maxExamples = 60

// Negatives screens negatives_us.csv: each row by name only, and with its
// date of birth, nationality and gender.
func Negatives(e *match.Engine, path string, threshold float64) (*NegativesResult, error) {
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	neg := make([]NegRow, len(rows))
	for i, r := range rows {
		neg[i] = NegRow{ID: fmt.Sprint(i + 2), Group: names.ScriptOf(r["full_name"]), Name: r["full_name"], DOB: r["date_of_birth"], Nation: r["nationality"], Gender: r["gender"]}
	}
	return ScreenNegatives(e, neg, threshold)
}

// MultiCulture screens one part of the multi-culture negatives set.
func MultiCulture(e *match.Engine, dir, part string, threshold float64) (*NegativesResult, error) {
	rows, err := LoadMultiCulture(dir, part)
	if err != nil {
		return nil, err
	}
	return ScreenNegatives(e, rows, threshold)
}

// ScreenNegatives screens every row against all lists on all cores, once by
// name only (as a person) and once with the row's date of birth,
// nationality and gender, and counts rows with any match, in all and per
// script.
func ScreenNegatives(e *match.Engine, rows []NegRow, threshold float64) (*NegativesResult, error) {
	full := make([]match.Query, len(rows))
	for i, r := range rows {
		full[i] = match.Query{Name: r.Name, Type: entity.Person, DOB: r.DOB, Country: country.Code(r.Nation), Gender: r.Gender}
		if _, err := entity.ParseDate(full[i].DOB); err != nil {
			full[i].DOB = ""
		}
	}
	flagged := func(qs []match.Query) ([]string, error) {
		hits := make([]string, len(qs))
		err := parallel(len(qs), func(i int) error {
			ms, err := e.Screen(qs[i], match.Options{Threshold: threshold, Limit: 1})
			if err != nil {
				return fmt.Errorf("row %s: %w", rows[i].ID, err)
			}
			if len(ms) > 0 && ms[0].Match {
				hits[i] = fmt.Sprintf("%s %s -> %s %q (%s) %.2f", rows[i].ID, qs[i].Name, ms[0].EntityID, ms[0].MatchedName, ms[0].MatchedNameQuality, ms[0].Score)
			}
			return nil
		})
		return hits, err
	}
	start := time.Now()
	withFacts, err := flagged(full)
	if err != nil {
		return nil, err
	}
	res := &NegativesResult{Elapsed: time.Since(start), ByScript: make(map[string]*Flags)}
	res.NamesPerSec = float64(len(full)) / res.Elapsed.Seconds()
	nameOnly := make([]match.Query, len(full))
	for i, q := range full {
		nameOnly[i] = match.Query{Name: q.Name, Type: entity.Person}
	}
	byName, err := flagged(nameOnly)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		g := res.ByScript[r.Group]
		if g == nil {
			g = &Flags{}
			res.ByScript[r.Group] = g
		}
		res.Rows++
		g.Rows++
		if byName[i] != "" {
			res.Flags.NameOnly++
			g.NameOnly++
			if len(res.NameOnlyExamples) < maxExamples {
				res.NameOnlyExamples = append(res.NameOnlyExamples, byName[i])
			}
		}
		if withFacts[i] != "" {
			res.Flags.WithFacts++
			g.WithFacts++
			if len(res.WithFactsExamples) < maxExamples {
				res.WithFactsExamples = append(res.WithFactsExamples, withFacts[i])
			}
		}
	}
	return res, nil
}

// PerturbResult is the outcome on one part of the perturbation set.
type PerturbResult struct {
	Part      string
	Rows      int
	NameOnly  Hits
	WithFacts Hits
	ByKind    map[string]*KindHits
	Misses    []string
}

// KindHits are the hits for one kind of perturbation.
type KindHits struct {
	Rows                int
	NameOnly, WithFacts Hits
}

// Perturbed screens one part of the perturbation set against the UN list
// alone, by name only and with the entity's date of birth and
// nationality, and counts whether the entity it was made from comes back.
func Perturbed(e *match.Engine, dir, part string, threshold float64) (*PerturbResult, error) {
	rows, err := LoadPerturbations(dir, part)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool)
	for _, d := range e.Datasets() {
		if d.Source == "un_sc" {
			for _, ent := range d.Entities {
				known[ent.ID] = true
			}
		}
	}
	outs := make([]twoWays, len(rows))
	err = parallel(len(rows), func(i int) (err error) {
		p := rows[i]
		if !known[p.EntityID] {
			return fmt.Errorf("%s: entity %s is not on the loaded UN list", PerturbFile(part), p.EntityID)
		}
		q := match.Query{Name: p.Name, Type: p.Type, DOB: p.DOB, Country: p.Nationality}
		outs[i], err = screenTwoWays(e, q, p.EntityID, threshold)
		return err
	})
	if err != nil {
		return nil, err
	}
	res := &PerturbResult{Part: part, ByKind: make(map[string]*KindHits)}
	for i, o := range outs {
		p := rows[i]
		k := res.ByKind[p.Kind]
		if k == nil {
			k = &KindHits{}
			res.ByKind[p.Kind] = k
		}
		res.Rows++
		k.Rows++
		res.WithFacts.add(o.top, o.match)
		res.NameOnly.add(o.topN, o.matchN)
		k.WithFacts.add(o.top, o.match)
		k.NameOnly.add(o.topN, o.matchN)
		if !o.matchN || !o.match {
			res.Misses = append(res.Misses, fmt.Sprintf("%s %q (from %q): name only %s; with facts %s", p.ID, p.Name, p.Listed, o.gotN, o.got))
		}
	}
	return res, nil
}

// CrossScriptResult is the outcome on one name written in many scripts.
type CrossScriptResult struct {
	Required, Matched int
	Failures          []string
	Other             int // lines in scripts the product does not claim
	OtherMatched      int
}

// RequiredScripts are the scripts whose names must match their Latin form.
var RequiredScripts = []string{"Latn", "Cyrl", "Grek", "Armn", "Geor", "Arab", "Hebr"}

// CrossScript compares each line with the Latin reference name.
func CrossScript(e *match.Engine, path, reference string, threshold float64) (*CrossScriptResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	res := &CrossScriptResult{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		c := e.Compare(line, reference, entity.Person, threshold)
		if slices.Contains(RequiredScripts, names.ScriptOf(line)) {
			res.Required++
			if c.Match {
				res.Matched++
			} else {
				res.Failures = append(res.Failures, fmt.Sprintf("%s (%s) %.2f", line, names.ScriptOf(line), c.Score))
			}
		} else {
			res.Other++
			if c.Match {
				res.OtherMatched++
			}
		}
	}
	return res, nil
}

// Seed is one case from the UAV investigation with its expected outcome.
type Seed struct {
	Query match.Query
	// Want is the source id prefix of the entity that must match, or "" when
	// nothing may match.
	Want string
}

// Seeds are the cases named in the screening issue.
var Seeds = []Seed{
	{match.Query{Name: "Abdollah Mehrabi"}, "us_ofac_sdn:33596"},
	{match.Query{Name: "Ghasem Damavandian"}, "us_ofac_sdn:40416"},
	{match.Query{Name: "Quds Aviation Industry"}, "us_ofac_sdn:16418"},
	{match.Query{Name: "ООО Алабуга Девелопмент"}, "us_ofac_sdn:45714"},
	{match.Query{Name: "AO OEZ PPT Alabuga"}, "us_ofac_sdn:45708"},
	{match.Query{Name: "John Kirby"}, ""},
	{match.Query{Name: "Texas Instruments Incorporated"}, ""},
}

// SeedResult is the outcome of one seed case.
type SeedResult struct {
	Seed
	OK  bool
	Got string
}

// Seeds screens the seed cases against all lists.
func RunSeeds(e *match.Engine, threshold float64) ([]SeedResult, error) {
	var out []SeedResult
	for _, s := range Seeds {
		ms, err := e.Screen(s.Query, match.Options{Threshold: threshold, Limit: 5})
		if err != nil {
			return nil, err
		}
		r := SeedResult{Seed: s}
		var got []string
		for _, m := range ms {
			if !m.Match {
				continue
			}
			got = append(got, fmt.Sprintf("%s %q %.2f", m.EntityID, m.Name, m.Score))
			ids := []string{m.EntityID}
			for _, a := range m.AlsoListed {
				ids = append(ids, a.EntityID)
			}
			if s.Want != "" && slices.Contains(ids, s.Want) {
				r.OK = true
			}
		}
		if s.Want == "" {
			r.OK = len(got) == 0
		}
		r.Got = strings.Join(got, "; ")
		if r.Got == "" {
			r.Got = "no match"
		}
		out = append(out, r)
	}
	return out, nil
}

// HanResult is the outcome on listed names written in Han characters,
// each compared with the same entity's Latin names.
type HanResult struct {
	Persons, PersonsMatched int
	// Organisations' Han names are mostly translations ("有限公司" for
	// "Co. Ltd"), not transliterations, so they are counted apart.
	Orgs, OrgsMatched int
	Rows              []string
}

// HanNames finds every listed name holding Han characters, keeps its Han
// run ("Jin Tiesan (金铁三)" gives "金铁三"), and compares it with each Latin
// name of the same entity; it counts as matched when any of them matches.
func HanNames(e *match.Engine, threshold float64) *HanResult {
	res := &HanResult{}
	for _, d := range e.Datasets() {
		for _, ent := range d.Entities {
			var latin []string
			for _, n := range ent.Names {
				// A name may carry both forms, "Jin Tiesan (金铁三)": its
				// Latin part counts as a Latin name.
				l := n.Full
				if h := hanRun(l); h != "" {
					l = strings.Trim(strings.Replace(l, h, "", 1), " ()（）")
				}
				if l != "" && names.ScriptOf(l) == "Latn" {
					latin = append(latin, l)
				}
			}
			for _, n := range ent.Names {
				h := hanRun(n.Full)
				if h == "" || len(latin) == 0 {
					continue
				}
				best, bestName := -1.0, ""
				for _, l := range latin {
					if c := e.Compare(h, l, ent.Type, threshold); c.Score > best {
						best, bestName = c.Score, l
					}
				}
				ok := best >= threshold
				if ent.Type == entity.Person {
					res.Persons++
					if ok {
						res.PersonsMatched++
					}
				} else {
					res.Orgs++
					if ok {
						res.OrgsMatched++
					}
				}
				res.Rows = append(res.Rows, fmt.Sprintf("%s %s %s ~ %q %.2f", ent.ID, ent.Type, h, bestName, best))
			}
		}
	}
	return res
}

// hanRun returns the Han characters of s (with what lies between them,
// such as the parentheses of "華信船務(香港)有限公司"), or "".
func hanRun(s string) string {
	first, last := -1, -1
	for i, r := range s {
		if unicode.Is(unicode.Han, r) {
			if first < 0 {
				first = i
			}
			last = i + utf8.RuneLen(r)
		}
	}
	if first < 0 {
		return ""
	}
	return strings.TrimSpace(s[first:last])
}
