// Package eval measures screening quality and speed on labelled data: name
// pairs, listed persons that must be found, made-up customers that must
// not be, one person written in many scripts, and the seed cases of the
// UAV investigation.
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
	Errors     []PairError
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
	res := &NameBenchResult{ByCategory: make(map[string]*Confusion)}
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
		if c.Match != want {
			res.Errors = append(res.Errors, PairError{r["schema"], r["name1"], r["name2"], cat, want, c.Score})
		}
	}
	return res, nil
}

// PositivesResult is the outcome on persons taken from the UN list.
type PositivesResult struct {
	Rows       int
	Resolved   int // rows whose listed entity could be identified by exact name
	TopHit     int // the right entity ranked first
	Matched    int // the right entity at or above the threshold
	Misses     []string
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
		ms, err := e.Screen(q, match.Options{Threshold: threshold, Limit: 5, Sources: []string{"un_sc"}})
		if err != nil {
			return nil, fmt.Errorf("screen %q: %w", q.Name, err)
		}
		if len(ms) > 0 && ms[0].EntityID == want {
			res.TopHit++
		}
		found := false
		for _, m := range ms {
			if m.EntityID == want && m.Match {
				found = true
			}
		}
		if found {
			res.Matched++
		} else {
			got := "nothing"
			if len(ms) > 0 {
				got = fmt.Sprintf("%s %q %.2f", ms[0].EntityID, ms[0].Name, ms[0].Score)
			}
			res.Misses = append(res.Misses, fmt.Sprintf("%s (dob %s): want %s, got %s", q.Name, q.DOB, want, got))
		}
	}
	return res, nil
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

// NegativesResult is the outcome on made-up customers.
type NegativesResult struct {
	Rows        int
	WithMatch   int
	Examples    []string
	Elapsed     time.Duration
	NamesPerSec float64
}

// Negatives screens every row against all lists on all cores, with the
// row's date of birth, nationality and gender, as a customer file would
// be screened, and counts rows with any match.
func Negatives(e *match.Engine, path string, threshold float64) (*NegativesResult, error) {
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	queries := make([]match.Query, len(rows))
	for i, r := range rows {
		queries[i] = match.Query{Name: r["full_name"], Type: entity.Person, DOB: r["date_of_birth"], Country: country.Code(r["nationality"]), Gender: r["gender"]}
		if _, err := entity.ParseDate(queries[i].DOB); err != nil {
			queries[i].DOB = ""
		}
	}
	hits := make([]string, len(queries))
	start := time.Now()
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(queries); i += workers {
				ms, err := e.Screen(queries[i], match.Options{Threshold: threshold, Limit: 1})
				if err != nil {
					errs[w] = fmt.Errorf("row %d: %w", i+2, err)
					return
				}
				if len(ms) > 0 && ms[0].Match {
					hits[i] = fmt.Sprintf("%s -> %s %q (%s) %.2f", queries[i].Name, ms[0].EntityID, ms[0].MatchedName, ms[0].MatchedNameQuality, ms[0].Score)
				}
			}
		}(w)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res := &NegativesResult{Rows: len(queries), Elapsed: time.Since(start)}
	res.NamesPerSec = float64(len(queries)) / res.Elapsed.Seconds()
	for _, h := range hits {
		if h != "" {
			res.WithMatch++
			if len(res.Examples) < 40 {
				res.Examples = append(res.Examples, h)
			}
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
