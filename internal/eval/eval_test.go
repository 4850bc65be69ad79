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
	top, hit := float64(res.TopHit)/float64(res.Resolved), float64(res.Matched)/float64(res.Resolved)
	t.Logf("UN positives: %d rows, %d resolved; right entity first %.1f%%, a match %.1f%%", res.Rows, res.Resolved, 100*top, 100*hit)
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
	if top < 0.99 || hit < 0.98 {
		t.Errorf("top hit %.3f, match %.3f; want >= 0.99 and 0.98", top, hit)
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
	rate := float64(res.WithMatch) / float64(res.Rows)
	t.Logf("negatives: %d of %d rows matched (%.2f%%); %.0f names/s", res.WithMatch, res.Rows, 100*rate, res.NamesPerSec)
	if verbose {
		for _, x := range res.Examples {
			t.Log("false positive:", x)
		}
	}
	if rate > 0.005 {
		t.Errorf("false-positive rate %.4f, want <= 0.005; e.g. %s", rate, strings.Join(res.Examples[:min(5, len(res.Examples))], "; "))
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
