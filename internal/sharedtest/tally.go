package sharedtest

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// tally adds this package's count to the tally of the go command that runs
// it, and reports whether the tally has it: false means the caller says it
// in its own line. The package that completes the tally prints the line for
// all of them.
//
// go test runs the packages' test binaries as its children, in parallel and
// in no fixed order, and nothing runs after the last of them; so each knows
// which packages this run will test - those named by the go command's
// arguments whose tests call Main - and the one that finds all of them in
// the tally, under a file lock, is the last and prints the total. A package
// outside that set (arguments the tally does not understand) says its own
// line, so a skip is never silent; one that never reports (it did not build,
// crashed, or its result came from the cache) leaves the total unsaid, and
// go test's FAIL lines (or a rerun) tell the rest.
func tally(pkg string, n int64, why []string) bool {
	run, ok := parentRun()
	if !ok {
		return false
	}
	want := run.packages()
	if !want[pkg] {
		return false
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("chokepoint-sharedtest-%d-%s", run.pid, run.start))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX) != nil {
		return false
	}
	clean := func(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
	reasons := make([]string, len(why))
	for i, w := range why {
		reasons[i] = clean(w)
	}
	if _, err := fmt.Fprintf(f, "%s\t%d\t%s\n", clean(pkg), n, strings.Join(reasons, "\t")); err != nil {
		return false
	}
	if _, err := f.Seek(0, 0); err != nil {
		return true // counted; the last package reads it
	}
	seen := map[string]bool{}
	var total int64
	skippedIn := 0
	all := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 {
			continue
		}
		seen[fields[0]] = true
		k, _ := strconv.ParseInt(fields[1], 10, 64)
		if k > 0 {
			total += k
			skippedIn++
			for _, w := range fields[2:] {
				all[w] = true
			}
		}
	}
	for p := range want {
		if !seen[p] {
			return true // a package of this run is still to report
		}
	}
	os.Remove(path)
	removeStale()
	if total > 0 {
		var why []string
		for w := range all {
			why = append(why, w)
		}
		sort.Strings(why)
		announce(summary(total, skippedIn, "", why))
	}
	return true
}

// removeStale removes the tallies of go commands that are gone (runs
// that never completed theirs).
func removeStale() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "chokepoint-sharedtest-*-*"))
	for _, p := range old {
		var pid int
		var start string
		if _, err := fmt.Sscanf(strings.ReplaceAll(filepath.Base(p), "-", " "), "chokepoint sharedtest %d %s", &pid, &start); err != nil {
			continue
		}
		if s, ok := startTime(pid); !ok || s != start {
			os.Remove(p)
		}
	}
}

// goRun is the go test command this test binary runs under.
type goRun struct {
	pid   int
	start string // the process's start time, so that a reused pid is not taken for it
	dir   string // its working directory
	args  []string
}

// parentRun reads the go command that started this binary, when it is a
// `go test`.
func parentRun() (goRun, bool) {
	r := goRun{pid: os.Getppid()}
	start, ok := startTime(r.pid)
	if !ok {
		return r, false
	}
	r.start = start
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", r.pid))
	if err != nil {
		return r, false
	}
	args := strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
	if r.dir, err = os.Readlink(fmt.Sprintf("/proc/%d/cwd", r.pid)); err != nil {
		return r, false
	}
	for i := 1; i < len(args); i++ {
		switch {
		case args[i] == "-C": // go -C dir test: the working directory above is dir already
			i++
		case strings.HasPrefix(args[i], "-C="):
		case args[i] == "test":
			r.args = args[i+1:]
			return r, true
		default:
			return r, false
		}
	}
	return r, false
}

// startTime returns the start time of process pid (field 22 of its stat).
func startTime(pid int) (string, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", false
	}
	_, rest, ok := strings.Cut(string(stat), ") ") // the name in parentheses may hold spaces
	f := strings.Fields(rest)
	if !ok || len(f) < 20 {
		return "", false
	}
	return f[19], true
}

// valueFlags are the go test flags (build flags and test flags) that take
// a value in the next argument when written without "=".
var valueFlags = map[string]bool{
	"C": true, "p": true, "o": true, "exec": true, "tags": true, "ldflags": true, "gcflags": true,
	"asmflags": true, "gccgoflags": true, "mod": true, "modfile": true, "overlay": true,
	"pkgdir": true, "toolexec": true, "buildmode": true, "compiler": true, "installsuffix": true,
	"pgo": true, "covermode": true, "coverpkg": true, "vet": true, "bench": true, "benchtime": true,
	"blockprofile": true, "blockprofilerate": true, "count": true, "coverprofile": true, "cpu": true,
	"cpuprofile": true, "fuzz": true, "fuzzminimizetime": true, "fuzztime": true, "list": true,
	"memprofile": true, "memprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true,
	"outputdir": true, "parallel": true, "run": true, "skip": true, "timeout": true, "trace": true,
	"shuffle": true, "debug-actiongraph": true, "debug-runtime-trace": true, "debug-trace": true,
}

// packages returns the module directories, among those whose tests call
// Main, that the go command's package arguments name.
func (r goRun) packages() map[string]bool {
	mod := ModuleRoot()
	modPath := modulePath(mod)
	if modPath == "" {
		return nil
	}
	var patterns []string
	for i := 0; i < len(r.args); i++ {
		a := r.args[i]
		if a == "-args" || a == "--args" {
			break // the rest goes to the test binary
		}
		if strings.HasPrefix(a, "-") {
			name := strings.TrimPrefix(strings.TrimLeft(a, "-"), "test.")
			if !strings.Contains(name, "=") && valueFlags[name] {
				i++
			}
			continue
		}
		patterns = append(patterns, a)
	}
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	var match []*regexp.Regexp
	for _, p := range patterns {
		if p == "all" {
			p = modPath + "/..."
		} else if p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p) {
			dir, dots := strings.CutSuffix(p, "/...")
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(r.dir, dir)
			}
			rel, err := filepath.Rel(mod, dir)
			if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				continue
			}
			p = modPath
			if rel != "." {
				p += "/" + filepath.ToSlash(rel)
			}
			if dots {
				p += "/..."
			}
		}
		match = append(match, pattern(p))
	}
	_, users, err := scan(mod)
	if err != nil {
		return nil
	}
	want := map[string]bool{}
	for dir := range users {
		imp := modPath
		if dir != "." {
			imp += "/" + dir
		}
		for _, re := range match {
			if re.MatchString(imp) {
				want[dir] = true
			}
		}
	}
	return want
}

// pattern matches import paths as go's package patterns do: "..." is any
// string, and a trailing "/..." also matches the directory itself.
func pattern(p string) *regexp.Regexp {
	re := strings.ReplaceAll(regexp.QuoteMeta(p), `\.\.\.`, `.*`)
	if s, ok := strings.CutSuffix(re, `/.*`); ok {
		re = s + `(/.*)?`
	}
	return regexp.MustCompile(`^` + re + `$`)
}

func modulePath(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(p), `"`)
		}
	}
	return ""
}

// scan returns the module directories whose tests use sharedtest and those
// whose TestMain calls Main, skipping what ./... skips (testdata, names
// starting with . or _, nested modules).
func scan(root string) (uses, hasMain map[string]bool, err error) {
	uses, hasMain = map[string]bool{}, map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		if strings.Contains(string(src), "sharedtest.") {
			uses[dir] = true
		}
		if strings.Contains(string(src), "sharedtest.Main(m)") || strings.Contains(string(src), "func TestMain(m *testing.M) { Main(m) }") {
			hasMain[dir] = true
		}
		return nil
	})
	return uses, hasMain, err
}
