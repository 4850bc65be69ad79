//go:build unix

package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// TestLoad drives POST /v1/screen over loopback with concurrent clients
// sending single-name queries drawn from the benchmark files (made-up
// customers and UN positives), and prints requests/s and latency
// percentiles. It is a tool, not a check, and runs only when asked:
//
//	CHOKEPOINT_LOAD=1 go test -run TestLoad -v ./internal/api/
//
// By default it starts the real HTTP server in process on the fake
// engine, which measures the API's own cost. CHOKEPOINT_LOAD_URL aims it
// at a running server instead (such as `chokepoint serve`, for the real
// engine), with CHOKEPOINT_LOAD_KEY as its bearer token.
// CHOKEPOINT_LOAD_CLIENTS (default 16) and CHOKEPOINT_LOAD_SECONDS
// (default 10) set the load. CHOKEPOINT_LOAD_RATE paces the clients to
// that many requests per second in total, by default 5000, the rate the
// service is specified for (16 clients, at least 5,000 requests/s, p99
// within 5 ms). Paced requests have scheduled send times and latency is
// measured from them, so a server that falls behind cannot hide its
// backlog by slowing the clients down (coordinated omission).
// CHOKEPOINT_LOAD_RATE=max has the clients send as fast as answers come
// back instead, which measures saturation.
//
// Each client is one keep-alive connection that writes prepared HTTP/1.1
// requests and reads answers with net/http's response parser. The load
// generator shares the two cores with the server, and net/http's
// Transport costs about twice the CPU per request (a connection pool and
// two goroutines per connection), which the server would lose.
func TestLoad(t *testing.T) {
	if os.Getenv("CHOKEPOINT_LOAD") != "1" {
		t.Skip("skipping: set CHOKEPOINT_LOAD=1 to run the load test")
	}
	clients := envInt(t, "CHOKEPOINT_LOAD_CLIENTS", 16)
	seconds := envInt(t, "CHOKEPOINT_LOAD_SECONDS", 10)
	rate := 0 // as fast as answered
	if os.Getenv("CHOKEPOINT_LOAD_RATE") != "max" {
		rate = envInt(t, "CHOKEPOINT_LOAD_RATE", defaultRate)
	}
	base := os.Getenv("CHOKEPOINT_LOAD_URL")
	if base == "" {
		s, _ := testServer(t, Deps{})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		base = "http://" + ln.Addr().String()
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("CHOKEPOINT_LOAD_URL=%q: want http://host:port", base)
	}
	path := strings.TrimSuffix(u.Path, "/") + "/v1/screen"
	auth := ""
	if key := os.Getenv("CHOKEPOINT_LOAD_KEY"); key != "" {
		auth = "Authorization: Bearer " + key + "\r\n"
	}

	qs := names(t, negativesFile, 20000)
	qs = append(qs, names(t, positivesFile, -1)...)
	reqs := make([][]byte, len(qs))
	for i, n := range qs {
		body, _ := json.Marshal(ScreenRequest{Queries: []match.Query{{ID: strconv.Itoa(i), Name: n}}})
		reqs[i] = fmt.Appendf(nil, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s",
			path, u.Host, auth, len(body), body)
	}

	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(clients) / float64(rate))
	}
	lat := make([][]time.Duration, clients)
	late := make([][]time.Duration, clients)
	fails := make([]int, clients)
	errs := make([]error, clients)
	var matched atomic.Int64
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	steal0, total0 := stolen()
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for c := range clients {
		wg.Go(func() {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				errs[c] = err
				return
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			// Clients start spread over one interval, not all at once.
			next := start.Add(interval * time.Duration(c) / time.Duration(clients))
			for i := c; time.Now().Before(deadline); i += clients {
				t0 := time.Now()
				if rate > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					late[c] = append(late[c], time.Since(next))
					t0 = next
					next = next.Add(interval)
				}
				if _, err := conn.Write(reqs[i%len(reqs)]); err != nil {
					errs[c] = err
					return
				}
				res, err := http.ReadResponse(br, nil)
				if err != nil {
					errs[c] = err
					return
				}
				out, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil {
					errs[c] = err
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
				if res.StatusCode != 200 {
					fails[c]++
				} else if bytes.Contains(out, []byte(`"match":true`)) {
					matched.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	steal1, total1 := stolen()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("connection failed: %v", err)
	}
	all := slices.Concat(lat...)
	failed := 0
	for _, f := range fails {
		failed += f
	}
	if len(all) == 0 {
		t.Fatalf("no request answered (%d failed)", failed)
	}
	mode := "as fast as answered"
	if rate > 0 {
		mode = fmt.Sprintf("paced at %d/s", rate)
	}
	t.Logf("target %s, %d clients %s, %s: %d requests, %.0f requests/s, %d failed, %d with a match",
		base, clients, mode, elapsed.Round(time.Millisecond), len(all), float64(len(all))/elapsed.Seconds(), failed, matched.Load())
	t.Logf("latency %s", percentiles(all))
	if rate > 0 {
		// How late the clients sent, which the latencies above include:
		// Go timers on Linux wake with millisecond resolution, and a
		// client whose previous answer came late sends late.
		t.Logf("send delay %s", percentiles(slices.Concat(late...)))
	}
	// The CPU time per request says what the machine could do alone, when
	// other work shares the cores during the run.
	t.Logf("CPU of this process (clients, and the server when in process): %s per request, %.2f cores busy on average",
		(cpu / time.Duration(len(all))).Round(time.Microsecond), cpu.Seconds()/elapsed.Seconds())
	if total1 > total0 {
		// On a virtual machine the host may take the cores for itself;
		// a run during which it did says more about the host than the
		// server.
		t.Logf("CPU time taken by the hypervisor (steal) during the run: %.1f%%",
			100*float64(steal1-steal0)/float64(total1-total0))
	}
	if failed > 0 {
		t.Errorf("%d requests failed", failed)
	}
}

// defaultRate is the load the service is specified for, in requests per
// second from all clients together.
const defaultRate = 5000

// stolen returns the machine's steal time and total CPU time so far, in
// clock ticks, from /proc/stat; zeros where there is none.
func stolen() (steal, total uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		total += n
		if i == 7 {
			steal = n
		}
	}
	return steal, total
}

// percentiles formats the usual percentiles of d, which it sorts.
func percentiles(d []time.Duration) string {
	slices.Sort(d)
	pct := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))].Round(time.Microsecond) }
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  p99.9 %s  max %s", pct(0.50), pct(0.95), pct(0.99), pct(0.999), d[len(d)-1].Round(time.Microsecond))
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
