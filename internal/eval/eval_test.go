package eval_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

var (
	engineOnce sync.Once
	engine     *match.Engine
	engineErr  error
)

// bundled returns an engine over the bundled lists, built once for all
// tests of the package.
func bundled(t *testing.T) *match.Engine { return bundledB(t) }

func bundledB(t testing.TB) *match.Engine {
	t.Helper()
	engineOnce.Do(func() {
		cat, err := lists.Open("", lists.Options{})
		if err != nil {
			engineErr = err
			return
		}
		engine = match.New(cat.Datasets())
	})
	if engineErr != nil {
		t.Fatalf("open bundled lists: %v", engineErr)
	}
	return engine
}

func shared(t testing.TB, rel string) string {
	return sharedtest.Path(t, rel)
}

// verbose prints misjudged rows when EVAL_ERRORS=1, for working on the
// matcher.
var verbose = os.Getenv("EVAL_ERRORS") != ""

func TestNameBench(t *testing.T) {
	e := bundled(t)
	res, err := eval.NameBench(e, shared(t, eval.NameBenchFile), match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("name pairs %d: precision %.3f recall %.3f F1 %.3f (%d misjudged)", res.Rows, res.All.Precision(), res.All.Recall(), res.All.F1(), len(res.Errors))
	if verbose {
		for _, pe := range res.Errors {
			t.Logf("want %-5v got %.3f %s %q / %q [%s]", pe.Want, pe.Score, pe.Schema, pe.Name1, pe.Name2, pe.Category)
		}
	}
	if res.Rows < 500 {
		t.Errorf("read %d rows, want the whole file", res.Rows)
	}
	if p, r, f := res.All.Precision(), res.All.Recall(), res.All.F1(); p < 0.80 || r < 0.80 || f < 0.85 {
		t.Errorf("precision %.3f recall %.3f F1 %.3f; want >= 0.80, 0.80, 0.85", p, r, f)
	}
}

func TestCrossScript(t *testing.T) {
	e := bundled(t)
	res, err := eval.CrossScript(e, shared(t, eval.MultiScriptFile), "Vladimir Putin", match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cross-script: %d/%d required lines match; other scripts %d/%d", res.Matched, res.Required, res.OtherMatched, res.Other)
	for _, f := range res.Failures {
		t.Errorf("does not match Vladimir Putin: %s", f)
	}
}

func TestUNPositives(t *testing.T) {
	e := bundled(t)
	res, err := eval.UNPositives(e, shared(t, eval.PositivesFile), match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	top, hit := float64(res.WithFacts.TopHit)/float64(res.Resolved), float64(res.WithFacts.Matched)/float64(res.Resolved)
	hitN := float64(res.NameOnly.Matched) / float64(res.Resolved)
	t.Logf("UN positives: %d rows, %d resolved; with facts right entity first %.1f%%, a match %.1f%%; by name only a match %.1f%%", res.Rows, res.Resolved, 100*top, 100*hit, 100*hitN)
	if verbose {
		for _, m := range res.Misses {
			t.Log("miss:", m)
		}
		for _, u := range res.Unresolved {
			t.Log("unresolved:", u)
		}
	}
	if res.Resolved < res.Rows*9/10 {
		t.Errorf("only %d of %d rows resolved to a UN entry", res.Resolved, res.Rows)
	}
	if top < 0.99 || hit < 0.98 || hitN < 0.98 {
		t.Errorf("with facts top hit %.3f, match %.3f; by name only match %.3f; want >= 0.99, 0.98, 0.98", top, hit, hitN)
	}
}

func TestNegatives(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping 50,000-row false-positive run in -short mode")
	}
	e := bundled(t)
	res, err := eval.Negatives(e, shared(t, eval.NegativesFile), match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	rate, rateN := float64(res.WithFacts)/float64(res.Rows), float64(res.NameOnly)/float64(res.Rows)
	t.Logf("negatives: %d of %d rows matched with facts (%.2f%%), %d by name only (%.2f%%); %.0f names/s", res.WithFacts, res.Rows, 100*rate, res.NameOnly, 100*rateN, res.NamesPerSec)
	if verbose {
		for _, x := range res.WithFactsExamples {
			t.Log("false positive with facts:", x)
		}
		for _, x := range res.NameOnlyExamples {
			t.Log("false positive by name only:", x)
		}
	}
	// Floors: today's figures (0.15% with facts, 0.51% by name only, with
	// the whole US CSL bundled, Han names read, which the engine skipped
	// before, and two rounds of issue 10 mechanisms), so that no change
	// makes them worse; the targets are 0.05% and 0.2%.
	if rate > 0.0016 || rateN > 0.0055 {
		t.Errorf("false-positive rate %.4f with facts, %.4f by name only; want <= 0.0016 and 0.0055; e.g. %s", rate, rateN, strings.Join(res.NameOnlyExamples[:min(5, len(res.NameOnlyExamples))], "; "))
	}
}

func TestSeeds(t *testing.T) {
	e := bundled(t)
	res, err := eval.RunSeeds(e, match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.OK {
			want := r.Want
			if want == "" {
				want = "no match"
			}
			t.Errorf("%q: got %s, want %s", r.Query.Name, r.Got, want)
		}
	}
}

func readRowsB(tb testing.TB, path string) []map[string]string {
	rows, err := eval.ReadCSV(path)
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

var _ = filepath.Join
