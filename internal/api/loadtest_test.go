//go:build unix

package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
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
// (default 10) set the load. CHOKEPOINT_LOAD_RATE, when set, paces the
// clients to that many requests per second in total (open loop): each
// request has a scheduled send time and its latency is measured from
// that time, so a server that falls behind cannot hide its backlog by
// slowing the clients down (coordinated omission). Without it the clients
// send as fast as answers come back, which measures saturation.
func TestLoad(t *testing.T) {
	if os.Getenv("CHOKEPOINT_LOAD") != "1" {
		t.Skip("skipping: set CHOKEPOINT_LOAD=1 to run the load test")
	}
	clients := envInt(t, "CHOKEPOINT_LOAD_CLIENTS", 16)
	seconds := envInt(t, "CHOKEPOINT_LOAD_SECONDS", 10)
	rate := envInt(t, "CHOKEPOINT_LOAD_RATE", 0)
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

	qs := names(t, negativesFile, 20000)
	qs = append(qs, names(t, positivesFile, -1)...)
	bodies := make([][]byte, len(qs))
	for i, n := range qs {
		bodies[i], _ = json.Marshal(ScreenRequest{Queries: []match.Query{{ID: strconv.Itoa(i), Name: n}}})
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	key := os.Getenv("CHOKEPOINT_LOAD_KEY")

	lat := make([][]time.Duration, clients)
	fails := make([]int, clients)
	var matched int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	deadline := start.Add(time.Duration(seconds) * time.Second)
	for c := range clients {
		wg.Go(func() {
			var hits int64
			var interval time.Duration
			if rate > 0 {
				interval = time.Duration(float64(time.Second) * float64(clients) / float64(rate))
			}
			// Clients start spread over one interval, not all at once.
			next := start.Add(interval * time.Duration(c) / time.Duration(clients))
			for i := c; time.Now().Before(deadline); i += clients {
				body := bodies[i%len(bodies)]
				sent := time.Now()
				if rate > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					sent = next
					next = next.Add(interval)
				}
				req, _ := http.NewRequest("POST", base+"/v1/screen", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if key != "" {
					req.Header.Set("Authorization", "Bearer "+key)
				}
				t0 := sent
				if rate == 0 {
					t0 = time.Now()
				}
				res, err := client.Do(req)
				if err != nil {
					fails[c]++
					continue
				}
				out, _ := io.ReadAll(res.Body)
				res.Body.Close()
				lat[c] = append(lat[c], time.Since(t0))
				if res.StatusCode != 200 {
					fails[c]++
				} else if bytes.Contains(out, []byte(`"match":true`)) {
					hits++
				}
			}
			mu.Lock()
			matched += hits
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	all := slices.Concat(lat...)
	slices.Sort(all)
	failed := 0
	for _, f := range fails {
		failed += f
	}
	if len(all) == 0 {
		t.Fatalf("no request answered (%d failed)", failed)
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	mode := "as fast as answered"
	if rate > 0 {
		mode = fmt.Sprintf("paced at %d/s", rate)
	}
	t.Logf("target %s, %d clients %s, %s: %d requests, %.0f requests/s, %d failed, %d with a match",
		base, clients, mode, elapsed.Round(time.Millisecond), len(all), float64(len(all))/elapsed.Seconds(), failed, matched)
	t.Logf("latency p50 %s  p95 %s  p99 %s  max %s",
		pct(0.50).Round(time.Microsecond), pct(0.95).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond))
	// The CPU time per request says what the machine could do alone, when
	// other work shares the cores during the run.
	t.Logf("CPU of this process (clients, and the server when in process): %s per request, %.2f cores busy on average",
		(cpu / time.Duration(len(all))).Round(time.Microsecond), cpu.Seconds()/elapsed.Seconds())
	if failed > 0 {
		t.Errorf("%d requests failed", failed)
	}
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
