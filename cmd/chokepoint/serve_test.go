package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/api"
)

// serveBuffer is a buffer the command writes while the test reads it.
type serveBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *serveBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *serveBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startServe runs `chokepoint serve` in process on a free loopback port
// and returns its base URL, its stdout and stderr and a stop function that
// returns the exit code.
func startServe(t *testing.T, args ...string) (string, *serveBuffer, *serveBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr serveBuffer
	code := make(chan int, 1)
	environ := []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir(), "CHOKEPOINT_LOG_LEVEL=info"}
	go func() {
		code <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), &stdout, &stderr, environ)
	}()
	// Whatever the address bound, the test reaches it on loopback.
	addrRE := regexp.MustCompile(`serving on http://\S*:(\d+)\n`)
	var base string
	waitFor(t, "the serving address", 10*time.Second, func() bool {
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d: %s", c, stderr.String())
		default:
		}
		m := addrRE.FindStringSubmatch(stdout.String())
		if m != nil {
			base = "http://127.0.0.1:" + m[1]
		}
		return m != nil
	})
	stopped := false
	stop := func() int {
		stopped = true
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(20 * time.Second):
			t.Fatalf("serve did not stop after cancel; stderr: %s", stderr.String())
			return -1
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve stdout: %s", stdout.String())
		}
	})
	return base, &stdout, &stderr, stop
}

func get(t *testing.T, method, url, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestServe(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keyFile, []byte("# comment\n\ns3cret-token\n"), 0o600)
	base, _, stderr, stop := startServe(t, "--api-key-file", keyFile)
	const key = "s3cret-token"

	if code, body := get(t, "GET", base+"/healthz", "", ""); code != 200 {
		t.Fatalf("healthz = %d %s, want 200 at once", code, body)
	}
	waitFor(t, "/readyz", 90*time.Second, func() bool {
		code, _ := get(t, "GET", base+"/readyz", "", "")
		return code == 200
	})

	code, body := get(t, "GET", base+"/v1/lists", key, "")
	var lists api.ListsResponse
	if code != 200 || json.Unmarshal(body, &lists) != nil || len(lists.Lists) == 0 {
		t.Fatalf("GET /v1/lists = %d %s, want the loaded lists", code, body)
	}
	if code, _ := get(t, "GET", base+"/v1/lists", "", ""); code != 401 {
		t.Errorf("GET /v1/lists without a key = %d, want 401", code)
	}

	req := `{"queries":[{"id":"seed","name":"Quds Aviation Industry","type":"organization","country":"IR"},{"id":"neg","name":"Texas Instruments Incorporated"}]}`
	code, body = get(t, "POST", base+"/v1/screen", key, req)
	var resp api.ScreenResponse
	if code != 200 || json.Unmarshal(body, &resp) != nil {
		t.Fatalf("POST /v1/screen = %d %s", code, body)
	}
	if len(resp.Results) != 2 || resp.Results[0].ID != "seed" || resp.Results[1].ID != "neg" {
		t.Fatalf("results = %+v, want seed and neg in order", resp.Results)
	}
	for src, info := range lists.Lists {
		if resp.Lists[src] != info.ListInfo {
			t.Errorf("screen lists[%s] = %+v, want %+v as /v1/lists says", src, resp.Lists[src], info.ListInfo)
		}
	}
	seed := resp.Results[0].Matches
	if len(seed) == 0 || !seed[0].Match {
		t.Errorf("Quds Aviation Industry: matches %+v, want its OFAC entity as a match", seed)
	} else {
		code, body := get(t, "GET", base+"/v1/entities/"+seed[0].EntityID, key, "")
		var er api.EntityResponse
		if code != 200 || json.Unmarshal(body, &er) != nil || er.Entity.ID != seed[0].EntityID {
			t.Errorf("GET /v1/entities/%s = %d %.200s, want the entity", seed[0].EntityID, code, body)
		}
	}
	if code, body := get(t, "GET", base+"/v1/entities/nope:0", key, ""); code != 404 || !bytes.Contains(body, []byte(`"not_found"`)) {
		t.Errorf("unknown entity = %d %s, want 404 not_found", code, body)
	}
	if code, body := get(t, "GET", base+"/metrics", key, ""); code != 200 || !bytes.Contains(body, []byte("chokepoint_list_records{")) {
		t.Errorf("metrics = %d, want the list versions", code)
	}
	if code, _ := get(t, "GET", base+"/metrics", "", ""); code != 401 {
		t.Errorf("metrics without a key = %d, want 401", code)
	}

	// SIGHUP loads the lists again and logs their versions.
	before := strings.Count(stderr.String(), "engine ready")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reload", 90*time.Second, func() bool {
		return strings.Count(stderr.String(), "engine ready") > before
	})
	if log := stderr.String(); !strings.Contains(log, "component=serve") || !strings.Contains(log, "list loaded") || !strings.Contains(log, "version=") {
		t.Errorf("log lacks the list versions with the component:\n%s", log)
	}
	if code, _ := get(t, "GET", base+"/readyz", "", ""); code != 200 {
		t.Errorf("readyz after reload = %d, want 200", code)
	}

	if c := stop(); c != 0 {
		t.Errorf("exit code after cancel = %d, want 0; stderr: %s", c, stderr.String())
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}

func TestServeBadFlags(t *testing.T) {
	emptyKeys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(emptyKeys, []byte("# no token\n"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ExtraArgument", []string{"serve", "now"}, 2, `unexpected argument "now"`},
		{"MissingKeyFile", []string{"serve", "--api-key-file", "/nonexistent/keys"}, 1, "read API keys"},
		{"EmptyKeyFile", []string{"serve", "--api-key-file", emptyKeys}, 1, "holds no token"},
		{"BadMaxBody", []string{"serve", "--max-body", "0"}, 2, "must be positive"},
		{"BadAddr", []string{"serve", "--addr", "256.0.0.1:99999"}, 1, "listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr serveBuffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()})
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.code, tt.want)
			}
		})
	}
}

// TestServeRefusesExposure: listeners that would be open to the network
// without authentication are refused before anything listens, with the
// reason.
func TestServeRefusesExposure(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keyFile, []byte("k\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"AllInterfacesNoKeys", []string{"--addr", "0.0.0.0:0"}, "--addr 0.0.0.0:0 is not a loopback address: it listens beyond this machine and no API keys are set"},
		{"EmptyHostNoKeys", []string{"--addr", ":0"}, "--addr :0 is not a loopback address"},
		{"IPv6AnyNoKeys", []string{"--addr", "[::]:0"}, "--insecure"},
		{"DebugAllInterfaces", []string{"--addr", "127.0.0.1:0", "--debug-addr", "0.0.0.0:0"}, "--debug-addr 0.0.0.0:0 is not a loopback address: the profiles have no authentication"},
		{"DebugEmptyHost", []string{"--addr", "127.0.0.1:0", "--debug-addr", ":0"}, "--debug-addr :0"},
		{"DebugEvenInsecure", []string{"--addr", "127.0.0.1:0", "--insecure", "--debug-addr", "0.0.0.0:0"}, "--debug-addr"},
		{"DebugEvenWithKeys", []string{"--addr", "127.0.0.1:0", "--api-key-file", keyFile, "--debug-addr", "0.0.0.0:0"}, "--debug-addr"},
		{"MetricsAllInterfaces", []string{"--addr", "127.0.0.1:0", "--api-key-file", keyFile, "--metrics-addr", "0.0.0.0:0"}, "--metrics-addr 0.0.0.0:0 is not a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A server that does start is stopped, so that the test fails
			// rather than hangs.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var stdout, stderr serveBuffer
			code := run(ctx, append([]string{"serve"}, tt.args...), strings.NewReader(""), &stdout, &stderr, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()})
			if code != 2 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tt.want)
			}
			if strings.Contains(stdout.String(), "serving on") {
				t.Errorf("it listened: %s", stdout.String())
			}
		})
	}
}

// TestServeExposedAllowed: an API key file or --insecure lets the API
// listen on every interface; a metrics listener of its own serves
// /metrics without a key, and the API listener then has none.
func TestServeExposedAllowed(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keyFile, []byte("k\n"), 0o600)
	t.Run("Insecure", func(t *testing.T) {
		base, _, stderr, stop := startServe(t, "--addr", "0.0.0.0:0", "--insecure")
		if code, _ := get(t, "GET", base+"/healthz", "", ""); code != 200 {
			t.Errorf("healthz = %d", code)
		}
		if !strings.Contains(stderr.String(), "--insecure") {
			t.Errorf("no warning logged: %s", stderr.String())
		}
		stop()
	})
	t.Run("KeysAndMetricsListener", func(t *testing.T) {
		base, stdout, _, stop := startServe(t, "--addr", "0.0.0.0:0", "--api-key-file", keyFile, "--metrics-addr", "127.0.0.1:0", "--debug-addr", "localhost:0")
		m := regexp.MustCompile(`metrics on (http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("no metrics address on stdout: %s", stdout.String())
		}
		if code, body := get(t, "GET", m[1], "", ""); code != 200 || !bytes.Contains(body, []byte("go_goroutines")) {
			t.Errorf("metrics listener = %d %.200s, want the series without a key", code, body)
		}
		if code, _ := get(t, "GET", base+"/metrics", "k", ""); code != 404 {
			t.Errorf("/metrics on the API listener = %d, want 404 when it has its own listener", code)
		}
		stop()
	})
}
