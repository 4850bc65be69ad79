// Package sharedtest finds the shared material (real list files, evaluation
// data) that tests read, and skips a test with a clear message when it is
// absent, or fails it when CHOKEPOINT_REQUIRE_SHARED is set (as CI does).
//
// A package whose tests use it runs them through [Main]: without the
// shared material a whole `go test ./...` run prints one line saying how
// many tests of the module need it and why they skipped, and -v shows each
// package's own count.
package sharedtest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// RequireVar names the variable that turns a skip for want of the shared
// material into a failure, so that CI cannot pass without testing on it.
const RequireVar = "CHOKEPOINT_REQUIRE_SHARED"

// Root returns the shared/ directory beside the repository root, found by
// walking up from the working directory to go.mod. The CHOKEPOINT_SHARED
// variable overrides it. It returns "" when the directory does not exist.
func Root() string {
	root, _ := find()
	return root
}

// find returns the shared directory, or "" and why it is not there.
func find() (root, why string) {
	if d := os.Getenv("CHOKEPOINT_SHARED"); d != "" {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return "", fmt.Sprintf("CHOKEPOINT_SHARED=%s is not a directory", d)
		}
		return d, ""
	}
	mod := ModuleRoot()
	if mod == "" {
		return "", "no go.mod above the working directory to find ../shared from (set CHOKEPOINT_SHARED)"
	}
	shared := filepath.Join(filepath.Dir(mod), "shared")
	if fi, err := os.Stat(shared); err == nil && fi.IsDir() {
		return shared, ""
	}
	return "", fmt.Sprintf("no %s beside the repository (or set CHOKEPOINT_SHARED)", shared)
}

// ModuleRoot returns the nearest directory at or above the working
// directory that holds go.mod, or "" when there is none.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Path returns the path of rel under shared/, skipping the test when
// shared/ or the file is absent (failing it if CHOKEPOINT_REQUIRE_SHARED
// is set).
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root, why := find()
	if root == "" {
		missing(tb, why, "skipping: shared data not found: %s; %s is needed", why, rel)
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		missing(tb, "shared files missing", "skipping: shared file %s is missing: %v", rel, err)
	}
	return p
}

// Read returns the contents of rel under shared/, skipping as Path does.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(Path(tb, rel))
	if err != nil {
		tb.Fatalf("read shared file: %v", err)
	}
	return data
}

var (
	skipped atomic.Int64
	reasons sync.Map // why -> true, for the summary line
	noCache sync.Once
)

func missing(tb testing.TB, why, format string, args ...any) {
	tb.Helper()
	if os.Getenv(RequireVar) != "" {
		tb.Fatalf(strings.TrimPrefix(format, "skipping: ")+" ("+RequireVar+" is set: the shared material must be there)", args...)
	}
	skipped.Add(1)
	reasons.Store(why, true)
	noCache.Do(defeatTestCache)
	tb.Skipf(format, args...)
}

// defeatTestCache keeps go test from caching a run that skipped for want
// of the shared material. go test does not recheck files outside the
// module, so a cached run would go on skipping in silence after ../shared
// appears; it does not cache a result when the test opened a file of the
// module modified less than two seconds before the test ended. The stamp's
// modification time is set a century ahead, so that it stays that recent
// however long the package's tests run on after their first skip (a stamp
// written only at the skip let packages running longer be cached). The stamp
// is in .gitignore.
func defeatTestCache() {
	mod := ModuleRoot()
	if mod == "" {
		return
	}
	stamp := filepath.Join(mod, ".sharedtest-stamp")
	if os.WriteFile(stamp, []byte("a test run skipped for want of ../shared\n"), 0o644) != nil {
		return
	}
	now := time.Now()
	os.Chtimes(stamp, now, now.AddDate(100, 0, 0))
	if f, err := os.Open(stamp); err == nil {
		f.Close()
	}
}

// Main runs the package's tests and then, when some skipped for want of
// the shared material, prints one line saying how many and why. Call it
// from TestMain:
//
//	func TestMain(m *testing.M) { sharedtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if n := skipped.Load(); n > 0 {
		var why []string
		reasons.Range(func(k, _ any) bool { why = append(why, k.(string)); return true })
		reason := strings.Join(why, "; ")
		fmt.Printf("sharedtest: %s: %d %s skipped: %s\n", pkgDir(), n, plural(n, "test", "tests"), reason)
		announce(reason)
	}
	os.Exit(code)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pkgDir names the package under test by its directory in the module.
func pkgDir() string {
	wd, _ := os.Getwd()
	if rel, err := filepath.Rel(ModuleRoot(), wd); err == nil && ModuleRoot() != "" {
		return filepath.ToSlash(rel)
	}
	return wd
}

// announce writes one line for the whole run where the person who ran
// `go test ./...` reads it: the first package to skip says how many tests
// of the module read the shared material (Needing) and why they skip; the
// others stay silent, so the run shows one line, not one per package.
// go test shows a passing package's output only with -v, so the line
// printed by Main would be lost there. On Linux the test binary's parent
// is the go command, and its standard error is the terminal or the CI log:
// the line goes there too, unless it is the file our own output already
// reaches, or a regular file (whose offset the go command owns).
func announce(reason string) {
	if v := flag.Lookup("test.v"); runtime.GOOS != "linux" || v == nil || v.Value.String() != "false" {
		return // with -v (or -json) go test shows each package's line already
	}
	ppid := os.Getppid()
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	if err != nil || strings.TrimSpace(string(comm)) != "go" {
		return
	}
	target := fmt.Sprintf("/proc/%d/fd/2", ppid)
	fi, err := os.Stat(target)
	if err != nil || fi.Mode().IsRegular() {
		return
	}
	if out, err := os.Stdout.Stat(); err == nil && os.SameFile(fi, out) {
		return
	}
	if !firstInRun(os.TempDir(), ppid) {
		return
	}
	tests, pkgs, err := Needing(ModuleRoot())
	if err != nil {
		return
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "sharedtest: %d tests in %d packages skip for want of the shared material: %s (go test -v shows each package's count)\n", tests, pkgs, reason)
}
