package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// The README's commands are run as a new user would: from the root of a
// fresh copy of the repository, one after the other, in the order the
// README gives them. The README is parsed when the test runs, so that a
// command added to it is run too; a command that fails names its line.
//
// What the test changes, and why, is listed here and nowhere else:
//   - loopback ports (localhost:8080, 127.0.0.1:9090) become free ports,
//     since other servers may hold the documented ones on a test machine;
//   - http://mirror.internal/lists becomes a local mirror serving the
//     bundled list files, since the test machine has no internet;
//   - the data directory (CHOKEPOINT_DATA_DIR) is a new empty one, as on a
//     fresh install, and no other CHOKEPOINT_* variable is passed on.

// readmeSkips are README commands the test does not run, each with the
// reason. A pattern matches the command without its comment.
var readmeSkips = []struct {
	pattern *regexp.Regexp
	reason  string
}{
	{regexp.MustCompile(`^go test \./\.\.\.$`), "it is the command that runs this test; CI runs it on its own"},
	{regexp.MustCompile(`^make race`), "it runs every test again under the race detector, this one included; CI runs the tests"},
	{regexp.MustCompile(`^bash scripts/fuzz\.sh`), "every fuzz target for 30 s each; .ci/run runs them for 10,000 executions each"},
	{regexp.MustCompile(`-bench`), "benchmarks take minutes; their figures are in docs/performance.md"},
	{regexp.MustCompile(`^chokepoint `), "the review walk-through (bare chokepoint, as installed); TestWalkthrough runs it with 1,000 counterparties on both backends"},
	{regexp.MustCompile(`^\./chokepoint lists update( --timeout \S+)?$`), "downloads from the official URLs and the test machine has no internet; the --base-url form runs against a local mirror"},
}

// readmeExits are the README commands documented to exit non-zero.
var readmeExits = []struct {
	pattern *regexp.Regexp
	code    int
	why     string
}{
	{regexp.MustCompile(`check examples/invalid-order\.json`), 1, "no decision: every bad field named"},
	{regexp.MustCompile(`check --in examples/orders\.jsonl .*--fail-on block`), 1, "orders.jsonl holds a blocked order and --fail-on block says so by the exit code"},
	{regexp.MustCompile(`scan --format mt .* --fail-on review`), 1, "the MT103 pays a listed company, so the decision is block and --fail-on review says so by the exit code"},
	{regexp.MustCompile(`^\./chokepoint lists diff us_ofac_sdn$`), 1, "a fresh install holds no stored version to compare (the mirror served the bundled files, unchanged)"},
}

// readmeOutputs are what some commands must print, so that a command that
// exits 0 with an error body (curl -s) still fails the test.
var readmeOutputs = []struct {
	pattern *regexp.Regexp
	want    string
}{
	{regexp.MustCompile(`/readyz`), `"status":"ready"`},
	{regexp.MustCompile(`/v1/screen`), `"matches"`},
	{regexp.MustCompile(`/v1/orders/check`), `"decision"`},
	{regexp.MustCompile(`/v1/documents/scan`), `"decision":"review"`},
	{regexp.MustCompile(`scan examples/documents/mt103-remittance-listed\.fin`), "text.listed_party"},
	{regexp.MustCompile(`scan examples/documents/drone-procurement-news\.txt`), "us_ofac_sdn:45713"},
	{regexp.MustCompile(`^\./chokepoint lists diff us_ofac_sdn$`), "run lists update or lists import first"},
}

// readmeFixtures are files a command names that a user would have
// downloaded; the test writes them from the bundle first.
var readmeFixtures = []struct {
	pattern    *regexp.Regexp
	file, from string
}{
	{regexp.MustCompile(`lists import un_sc consolidated\.xml`), "consolidated.xml", "internal/lists/bundle/data/un_sc/consolidated.xml.gz"},
}

// readmeCommand is one shell command of a ```sh block.
type readmeCommand struct {
	line int    // line of README.md where it starts
	text string // as written, continuation lines joined
	bare string // without the comment and surrounding space
}

func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: runs every README command, which takes minutes")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("skipping: the README's commands are shell commands and bash is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := readmeCommands(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) < 10 {
		t.Fatalf("README.md: found %d commands in ```sh blocks; the parser lost them", len(cmds))
	}
	work := freshCopy(t, root)
	mirror := httptest.NewServer(bundleMirror(filepath.Join(work, "internal/lists/bundle/data")))
	defer mirror.Close()
	ports := map[string]string{}
	env := readmeEnv(t)

	var background []*bgCommand
	defer func() {
		for _, bg := range background {
			bg.stop(t)
		}
	}()
	for _, c := range cmds {
		t.Run(fmt.Sprintf("line%d", c.line), func(t *testing.T) {
			t.Logf("README.md:%d: %s", c.line, c.text)
			for _, s := range readmeSkips {
				if s.pattern.MatchString(c.bare) {
					t.Skipf("skipping README.md:%d %q: %s", c.line, c.bare, s.reason)
				}
			}
			if strings.Contains(c.bare, " eval") {
				sharedtest.Path(t, "data") // the evaluation reads ../shared
			}
			if strings.HasPrefix(c.bare, "curl ") {
				if _, err := exec.LookPath("curl"); err != nil {
					t.Skipf("skipping README.md:%d: curl is not installed", c.line)
				}
			}
			for _, f := range readmeFixtures {
				if f.pattern.MatchString(c.bare) {
					writeGunzipped(t, filepath.Join(work, f.from), filepath.Join(work, f.file))
				}
			}
			script := substitute(t, c.text, mirror.URL, ports)
			if bg, ok := strings.CutSuffix(strings.TrimSpace(stripComment(script)), "&"); ok {
				background = append(background, startBackground(t, c, bg, work, env))
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Dir, cmd.Env = work, env
			out, err := cmd.CombinedOutput()
			code := cmd.ProcessState.ExitCode()
			if err != nil && cmd.ProcessState == nil {
				t.Fatalf("README.md:%d: %s: %v", c.line, c.bare, err)
			}
			want, why := 0, ""
			for _, x := range readmeExits {
				if x.pattern.MatchString(c.bare) {
					want, why = x.code, " ("+x.why+")"
				}
			}
			if code != want {
				t.Fatalf("README.md:%d: %s\nexit %d, want %d%s; output:\n%s", c.line, c.bare, code, want, why, tail(out, 2000))
			}
			for _, o := range readmeOutputs {
				if o.pattern.MatchString(c.bare) && !bytes.Contains(out, []byte(o.want)) {
					t.Errorf("README.md:%d: %s\noutput lacks %s:\n%s", c.line, c.bare, o.want, tail(out, 2000))
				}
			}
		})
	}
}

// readmeCommands returns the commands of the ```sh blocks of a README.
func readmeCommands(path string) ([]readmeCommand, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cmds []readmeCommand
	var cur *readmeCommand
	in := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && (trimmed == "```sh" || trimmed == "```bash" || trimmed == "```shell"):
			in = true
			continue
		case in && trimmed == "```":
			if cur != nil {
				return nil, fmt.Errorf("%s:%d: the block ends in a continued line", path, cur.line)
			}
			in = false
			continue
		case !in:
			continue
		}
		if cur == nil {
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			cur = &readmeCommand{line: n}
		} else {
			cur.text += "\n"
		}
		cur.text += line
		if strings.HasSuffix(strings.TrimRight(stripComment(line), " \t"), `\`) {
			continue
		}
		cur.bare = strings.TrimSpace(stripComment(cur.text))
		cur.bare = regexp.MustCompile(`\\\n\s*`).ReplaceAllString(cur.bare, "")
		cmds = append(cmds, *cur)
		cur = nil
	}
	if in {
		return nil, fmt.Errorf("%s: a ```sh block is not closed", path)
	}
	return cmds, sc.Err()
}

// stripComment removes a shell comment: a # at the start of a word,
// outside quotes.
func stripComment(s string) string {
	var quote rune
	prev := ' '
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (prev == ' ' || prev == '\t' || prev == '\n'):
			// Drop to the end of this line only; a later line of a
			// continued command goes on.
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				return s[:i]
			}
			return s[:i] + stripComment(s[i+end:])
		}
		prev = r
	}
	return s
}

var (
	loopbackPort = regexp.MustCompile(`\b(localhost|127\.0\.0\.1):(\d{2,5})\b`)
	mirrorURL    = regexp.MustCompile(`http://mirror\.internal/lists`)
)

// substitute gives every documented loopback port a free one (the same
// for the same port throughout) and points the mirror URL at base.
func substitute(t *testing.T, s, base string, ports map[string]string) string {
	s = loopbackPort.ReplaceAllStringFunc(s, func(m string) string {
		host, port, _ := strings.Cut(m, ":")
		if ports[port] == "" {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ports[port] = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
			ln.Close()
		}
		return host + ":" + ports[port]
	})
	return mirrorURL.ReplaceAllLiteralString(s, base)
}

// freshCopy copies the files a clone of root would have (tracked, and new
// ones not ignored, so that uncommitted work is tested too) into a new
// directory, with ../shared beside it when the tests have it.
func freshCopy(t *testing.T, root string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("skipping: git is needed to list the repository's files")
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("skipping: %s is not a git checkout: %v", root, err)
	}
	parent := t.TempDir()
	work := filepath.Join(parent, "chokepoint")
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, rel)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or not a plain file
		}
		dst := filepath.Join(work, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	if shared := sharedtest.Root(); shared != "" {
		if err := os.Symlink(shared, filepath.Join(parent, "shared")); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

// readmeEnv is the test's environment without CHOKEPOINT_* settings, with
// a new data directory.
func readmeEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHOKEPOINT_") {
			env = append(env, kv)
		}
	}
	return append(env, "CHOKEPOINT_DATA_DIR="+t.TempDir())
}

// bundleMirror serves the bundled list files as a mirror does:
// <base>/<source>/<file>, uncompressed.
func bundleMirror(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel := filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))
		if strings.Contains(rel, "..") {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(filepath.Join(dir, rel+".gz"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.Copy(w, zr)
	})
}

func writeGunzipped(t *testing.T, src, dst string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("fixture %s: %v", src, err)
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatalf("fixture %s: %v", src, err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// bgCommand is a command the README runs with &.
type bgCommand struct {
	c    readmeCommand
	cmd  *exec.Cmd
	out  *serveBuffer
	done chan struct{}
}

// startBackground starts a command in its own process group and checks
// that it is still running a moment later.
func startBackground(t *testing.T, c readmeCommand, script, dir string, env []string) *bgCommand {
	t.Helper()
	bg := &bgCommand{c: c, out: new(serveBuffer), done: make(chan struct{})}
	bg.cmd = exec.Command("bash", "-c", "exec "+script)
	bg.cmd.Dir, bg.cmd.Env = dir, env
	bg.cmd.Stdout, bg.cmd.Stderr = bg.out, bg.out
	bg.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := bg.cmd.Start(); err != nil {
		t.Fatalf("README.md:%d: %s: %v", c.line, c.bare, err)
	}
	go func() { bg.cmd.Wait(); close(bg.done) }()
	select {
	case <-bg.done:
		t.Fatalf("README.md:%d: %s\nexited at once with %d:\n%s", c.line, c.bare, bg.cmd.ProcessState.ExitCode(), bg.out.String())
	case <-time.After(500 * time.Millisecond):
	}
	return bg
}

// stop ends the command by its process group, as Ctrl-C would, and
// expects a clean exit.
func (bg *bgCommand) stop(t *testing.T) {
	select {
	case <-bg.done:
		t.Errorf("README.md:%d: %s\nended before the test stopped it, with %d:\n%s", bg.c.line, bg.c.bare, bg.cmd.ProcessState.ExitCode(), tail([]byte(bg.out.String()), 2000))
		return
	default:
	}
	syscall.Kill(-bg.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-bg.done:
		if code := bg.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("README.md:%d: %s\nexit %d after SIGTERM, want 0:\n%s", bg.c.line, bg.c.bare, code, tail([]byte(bg.out.String()), 2000))
		}
	case <-time.After(20 * time.Second):
		syscall.Kill(-bg.cmd.Process.Pid, syscall.SIGKILL)
		<-bg.done
		t.Errorf("README.md:%d: %s\ndid not stop within 20 s of SIGTERM", bg.c.line, bg.c.bare)
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return "..." + string(b[len(b)-n:])
	}
	return string(b)
}
