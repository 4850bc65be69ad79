package sharedtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// TestHelperNeedsShared is run by the tests below in a child process: two
// tests that need a shared file, in a package run through Main.
func TestHelperNeedsShared(t *testing.T) {
	if os.Getenv("SHAREDTEST_HELPER") == "" {
		t.Skip("run as a child process by TestSummaryLine and TestRequireShared")
	}
	for _, name := range []string{"One", "Two"} {
		t.Run(name, func(t *testing.T) {
			if data := Read(t, "data/x.txt"); string(data) != "x" {
				t.Errorf("read %q", data)
			}
		})
	}
}

// child runs TestHelperNeedsShared in a new process with env added and
// returns its output and exit code.
func child(t *testing.T, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperNeedsShared$")
	cmd.Env = append(os.Environ(), "SHAREDTEST_HELPER=1", RequireVar+"=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

func TestSummaryLine(t *testing.T) {
	out, code := child(t, "CHOKEPOINT_SHARED=/nonexistent")
	line := regexp.MustCompile(`(?m)^sharedtest: .*$`).FindAllString(out, -1)
	want := "sharedtest: internal/sharedtest: 2 tests skipped: CHOKEPOINT_SHARED=/nonexistent is not a directory"
	if code != 0 || len(line) != 1 || line[0] != want {
		t.Errorf("exit %d, summary lines %q; want 0 and one line %q\n%s", code, line, want, out)
	}
}

func TestSummaryLineSilentWithShared(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "x.txt"), []byte("x"), 0o644)
	out, code := child(t, "CHOKEPOINT_SHARED="+dir)
	if code != 0 || strings.Contains(out, "sharedtest:") {
		t.Errorf("exit %d, output:\n%s\nwant 0 and no summary line", code, out)
	}
}

func TestRequireShared(t *testing.T) {
	out, code := child(t, "CHOKEPOINT_SHARED=/nonexistent", RequireVar+"=1")
	if code == 0 || !strings.Contains(out, "--- FAIL: TestHelperNeedsShared/One") ||
		!strings.Contains(out, "CHOKEPOINT_SHARED=/nonexistent is not a directory; data/x.txt is needed ("+RequireVar+" is set") {
		t.Errorf("exit %d, output:\n%s\nwant a failure naming the missing data", code, out)
	}
	dir := t.TempDir() // there, but without the file
	out, code = child(t, "CHOKEPOINT_SHARED="+dir, RequireVar+"=1")
	if code == 0 || !strings.Contains(out, "shared file data/x.txt is missing") {
		t.Errorf("missing file: exit %d, output:\n%s\nwant a failure naming the file", code, out)
	}
}

// TestEveryUserHasMain: a package whose tests read ../shared runs them
// through Main, or its skips go uncounted.
func TestEveryUserHasMain(t *testing.T) {
	uses, hasMain, err := scan(ModuleRoot())
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) < 5 {
		t.Fatalf("found %d packages using sharedtest; the walk missed them", len(uses))
	}
	for dir := range uses {
		if !hasMain[dir] {
			t.Errorf("%s: tests use sharedtest but no TestMain calls sharedtest.Main (add func TestMain(m *testing.M) { sharedtest.Main(m) })", dir)
		}
	}
}

// TestRunPackages: the packages a go test command line names, among those
// whose tests call Main, are the ones whose reports complete its tally.
func TestRunPackages(t *testing.T) {
	root := ModuleRoot()
	_, users, err := scan(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		args []string
		want []string // nil: every package that calls Main
	}{
		{root, []string{"./..."}, nil},
		{root, []string{"-count=1", "-run", "Test", "./...", "-args", "./internal/x"}, nil},
		{root, []string{"github.com/chokepoint-dev/chokepoint/..."}, nil},
		{root, []string{"all"}, nil},
		{root, []string{"-p", "1", "./internal/lists/..."}, []string{"internal/lists", "internal/lists/csl", "internal/lists/eu", "internal/lists/ftm", "internal/lists/ofac", "internal/lists/uk", "internal/lists/un"}},
		{filepath.Join(root, "internal", "lists"), []string{"./ofac", "../goods/"}, []string{"internal/goods", "internal/lists/ofac"}},
		{filepath.Join(root, "internal", "lists"), nil, []string{"internal/lists"}},
		{root, []string{"./internal/country"}, []string{}},
		{root, []string{"std"}, []string{}},
	} {
		got := goRun{dir: c.dir, args: c.args}.packages()
		want := c.want
		if want == nil {
			want = []string{}
			for d := range users {
				want = append(want, d)
			}
		}
		var gotList []string
		for d := range got {
			gotList = append(gotList, d)
		}
		sort.Strings(gotList)
		sort.Strings(want)
		if strings.Join(gotList, " ") != strings.Join(want, " ") {
			t.Errorf("go test %q in %s: packages %q, want %q", c.args, c.dir, gotList, want)
		}
	}
	if len(users) < 10 || !users["internal/sharedtest"] || !users["cmd/chokepoint"] {
		t.Errorf("packages calling Main: %v; the scan missed some", users)
	}
}

// TestOneLinePerRun runs go test on three packages without the shared
// material: one line for the run, with the total of their skips.
func TestOneLinePerRun(t *testing.T) {
	if testing.Short() || os.Getenv("SHAREDTEST_INNER") != "" {
		t.Skip("runs go test; not in -short, nor inside itself")
	}
	pkgs := []string{"./internal/goods/", "./internal/lists/csl/", "./internal/sharedtest/"}
	run := func(v bool) string {
		args := append([]string{"test", "-count=1"}, pkgs...)
		if v {
			args = append(args, "-v")
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = ModuleRoot()
		cmd.Env = append(os.Environ(), "CHOKEPOINT_SHARED=/nonexistent", RequireVar+"=", "SHAREDTEST_INNER=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go test: %v\n%s", err, out)
		}
		return string(out)
	}
	// -v shows each package's own line; their sum is the run's total.
	var total int64
	pkgLines := regexp.MustCompile(`(?m)^sharedtest: (internal/[a-z/]+): (\d+) tests? skipped: CHOKEPOINT_SHARED=/nonexistent is not a directory$`).FindAllStringSubmatch(run(true), -1)
	for _, m := range pkgLines {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		total += n
	}
	if len(pkgLines) != 2 || total < 2 {
		t.Fatalf("-v: package lines %q; want one for goods and one for csl", pkgLines)
	}
	out := run(false)
	lines := regexp.MustCompile(`(?m)^sharedtest:.*$`).FindAllString(out, -1)
	want := fmt.Sprintf("sharedtest: %d tests in 2 packages skipped: CHOKEPOINT_SHARED=/nonexistent is not a directory", total)
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("summary lines %q, want one: %q\n%s", lines, want, out)
	}
}
