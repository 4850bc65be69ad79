package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func runEvalCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"eval"}, args...), strings.NewReader(""), &out, &errb, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()})
	return code, out.String(), errb.String()
}

func TestEvalRefusesUnknownSetsAndParts(t *testing.T) {
	if code, _, stderr := runEvalCmd(t, "--only", "neg,nope"); code != 2 || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("--only nope: exit %d, stderr %q; want 2 naming the set", code, stderr)
	}
	if code, _, stderr := runEvalCmd(t, "--only", "mc", "--part", "train"); code != 2 || !strings.Contains(stderr, "dev, test or all") {
		t.Errorf("--part train: exit %d, stderr %q; want 2", code, stderr)
	}
}

// The test parts of the held-out sets are measured, never read row by
// row: --errors lists the dev part's misses and only counts the test
// part's.
func TestEvalErrorsShowDevRowsOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping held-out eval runs in -short mode")
	}
	dir := eval.FindHeldout()
	if dir == "" {
		t.Fatal("held-out sets not found")
	}
	code, out, stderr := runEvalCmd(t, "--only", "mc,perturb", "--part", "test", "--errors", "--heldout", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "multi-culture (test): rows flagged") || !strings.Contains(out, "UN perturbations (test): right entity a match") {
		t.Errorf("test-part figures missing:\n%s", out)
	}
	if strings.Contains(out, " mc-") || strings.Contains(out, "(from \"") || !strings.Contains(out, "rows not shown") {
		t.Errorf("--errors printed test-part rows:\n%s", out)
	}
	code, out, stderr = runEvalCmd(t, "--only", "mc,perturb", "--part", "dev", "--errors", "--heldout", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, " mc-") || !strings.Contains(out, "(from \"") {
		t.Errorf("--errors did not list dev-part rows:\n%s", out[:min(len(out), 3000)])
	}
	code, out, _ = runEvalCmd(t, "--only", "mc", "--part", "test", "--json", "--heldout", dir)
	if code != 0 || strings.Contains(out, "mc-") {
		t.Errorf("--json: exit %d; test-part rows in the output: %v", code, strings.Contains(out, "mc-"))
	}
}

// Outside the repository the held-out sets are not there: a plain `eval`
// measures the rest and says what it skipped; asking for them is an error.
func TestEvalOutsideTheRepository(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping a full eval run in -short mode")
	}
	shared := sharedtest.Path(t, "data/eval")
	t.Chdir(t.TempDir())
	root := filepath.Dir(filepath.Dir(shared))
	code, out, stderr := runEvalCmd(t, "--shared", root, "--only", "mc")
	if code != 2 || !strings.Contains(stderr, "held-out sets not found") {
		t.Errorf("--only mc: exit %d, stderr %q; want 2 saying the sets are missing", code, stderr)
	}
	code, out, stderr = runEvalCmd(t, "--shared", root)
	if code != 0 || !strings.Contains(stderr, "skipping mc and perturb") || !strings.Contains(out, "negatives_us.csv: rows flagged") {
		t.Errorf("plain eval: exit %d, stderr %q, output %d bytes; want the shared sets measured and the skip said", code, stderr, len(out))
	}
}
