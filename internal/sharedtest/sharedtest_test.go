package sharedtest

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	root := ModuleRoot()
	uses := map[string]bool{}
	hasMain := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		if strings.Contains(string(src), "sharedtest.") {
			uses[dir] = true
		}
		if strings.Contains(string(src), "sharedtest.Main(m)") || strings.Contains(string(src), "func TestMain(m *testing.M) { Main(m) }") {
			hasMain[dir] = true
		}
		return nil
	})
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

// TestNeeding counts, in a module made for the test, the tests that reach
// the shared material directly or through a helper of their package, and
// not those that only run through Main or use nothing of it.
func TestNeeding(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module x\n")
	write("a/a_test.go", `package a
func TestMain(m *testing.M) { sharedtest.Main(m) }
func data(t *testing.T) []byte { return sharedtest.Read(t, "x") }
func TestDirect(t *testing.T) { sharedtest.Path(t, "x") }
func TestHelper(t *testing.T) { _ = data(t) }
	func FuzzHelper(f *testing.F) { f.Fuzz(func(t *testing.T, s string) { data(t) }) }
func TestNone(t *testing.T) { _ = sharedtest.ModuleRoot() }
`)
	write("b/b_test.go", "package b\nfunc TestPlain(t *testing.T) {}\n")
	write("a/testdata/c_test.go", "package c\nfunc TestIgnored(t *testing.T) { sharedtest.Root() }\n")
	tests, pkgs, err := Needing(root)
	if err != nil || tests != 3 || pkgs != 1 {
		t.Errorf("Needing = %d tests in %d packages, %v; want 3 in 1", tests, pkgs, err)
	}
	// On the project itself: the packages that read lists and eval data.
	tests, pkgs, err = Needing(ModuleRoot())
	if err != nil || tests < 100 || pkgs < 10 {
		t.Errorf("Needing(module) = %d tests in %d packages, %v; want at least 100 in 10", tests, pkgs, err)
	}
}

// TestFirstInRun: of the test binaries one go command runs, only the
// first to ask prints the run's line.
func TestFirstInRun(t *testing.T) {
	dir := t.TempDir()
	if !firstInRun(dir, os.Getpid()) {
		t.Fatal("the first binary of a run was not first")
	}
	if firstInRun(dir, os.Getpid()) {
		t.Error("a second binary of the same run was first too")
	}
}
