package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// childVar makes the test binary run chokepoint with the arguments it
// holds (separated by \x1f) instead of the tests, so that a test can kill
// a real serve process with SIGKILL.
const childVar = "CKP_TEST_CHILD"

// runChildIfAsked runs chokepoint instead of the tests when childVar is
// set (see TestMain).
func runChildIfAsked() {
	if args := os.Getenv(childVar); args != "" {
		// chokepoint refuses CHOKEPOINT_ variables it does not know, such
		// as the tests' own and CI's CHOKEPOINT_REQUIRE_SHARED.
		var env []string
		for _, kv := range os.Environ() {
			name, _, _ := strings.Cut(kv, "=")
			if !strings.HasPrefix(name, "CHOKEPOINT_TEST_") && name != sharedtest.RequireVar && name != "CHOKEPOINT_SHARED" {
				env = append(env, kv)
			}
		}
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr, env))
	}
}

// startChild starts `chokepoint serve --db dsn` as a process and returns
// its base URL.
func startChild(t *testing.T, dsn, dataDir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childVar+"=serve\x1f--addr\x1f127.0.0.1:0\x1f--db\x1f"+dsn,
		"CHOKEPOINT_DATA_DIR="+dataDir, "CHOKEPOINT_LOG_LEVEL=error")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("serve did not say where it serves: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	return cmd, m[1]
}

// TestKillDuringDispositions kill -9s serve during a load of alert
// changes on each backend: every change it acknowledged with a 2xx is in
// the database afterwards, and the audit chain verifies.
func TestKillDuringDispositions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dataDir := t.TempDir()
		st, err := store.Open(ctx, b.DSN)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]string{}
		err = st.Write(ctx, store.Operator(), "test", func(tx *store.Tx) error {
			for name, role := range map[string]store.Role{"alice": store.RoleAnalyst, "bob": store.RoleReviewer} {
				if _, err := tx.AddUser(ctx, name, role); err != nil {
					return err
				}
				secret, _, err := tx.CreateKey(ctx, name, "", time.Time{})
				if err != nil {
					return err
				}
				keys[name] = secret
			}
			for i := range 120 {
				if _, err := tx.PutCounterparty(ctx, store.Counterparty{ExternalID: fmt.Sprintf("K-%03d", i), Type: "person",
					Name: "Abdollah Mehrabi", DOB: "1961-12-22"}); err != nil {
					return err
				}
			}
			return nil
		})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		var out, errb strings.Builder
		env := []string{"CHOKEPOINT_DB=" + b.DSN, "CHOKEPOINT_DATA_DIR=" + dataDir, "CHOKEPOINT_LOG_LEVEL=error"}
		if code := run(ctx, []string{"parties", "screen", "--all", "--as", "alice"}, strings.NewReader(""), &out, &errb, env); code != 0 {
			t.Fatalf("screen: %s", errb.String())
		}

		cmd, base := startChild(t, b.DSN, dataDir)
		type ack struct {
			alert   int64
			version int
			disp    int64
		}
		var mu sync.Mutex
		var acks []ack
		post := func(key, path, body string) (map[string]any, bool) {
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return nil, false // the server died under us: not acknowledged
			}
			defer res.Body.Close()
			var m map[string]any
			if json.NewDecoder(res.Body).Decode(&m) != nil || res.StatusCode/100 != 2 {
				return m, false
			}
			return m, true
		}
		// Each worker takes every fourth alert through assign, a
		// disposition and its approval, on the versions it was answered.
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for id := int64(1 + w); id <= 120; id += 4 {
					path := fmt.Sprintf("/v1/alerts/%d", id)
					a, ok := post(keys["alice"], path+"/assign", `{"version":1,"assignee":"alice"}`)
					if !ok {
						return
					}
					v := int(a["version"].(float64))
					mu.Lock()
					acks = append(acks, ack{id, v, 0})
					mu.Unlock()
					hit := int64(a["hits"].([]any)[0].(map[string]any)["id"].(float64))
					a, ok = post(keys["alice"], path+"/dispositions", fmt.Sprintf(
						`{"version":%d,"hit_id":%d,"verdict":"false_positive","reason_code":"different_identifier","comment":"passport"}`, v, hit))
					if !ok {
						return
					}
					ds := a["dispositions"].([]any)
					d := int64(ds[len(ds)-1].(map[string]any)["id"].(float64))
					v = int(a["version"].(float64))
					mu.Lock()
					acks = append(acks, ack{id, v, d})
					mu.Unlock()
					a, ok = post(keys["bob"], path+"/approvals", fmt.Sprintf(`{"version":%d,"disposition_id":%d,"approve":true}`, v, d))
					if !ok {
						return
					}
					mu.Lock()
					acks = append(acks, ack{id, int(a["version"].(float64)), d})
					mu.Unlock()
				}
			})
		}
		// Kill once a good part of the load is acknowledged.
		waitFor(t, "acknowledged changes", 60*time.Second, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(acks) >= 40
		})
		cmd.Process.Kill()
		cmd.Wait()
		wg.Wait()
		if len(acks) >= 360 {
			t.Fatalf("the load finished before the kill; nothing was tested")
		}

		st, err = store.Open(ctx, b.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		for _, k := range acks {
			a, err := st.Alert(ctx, k.alert)
			if err != nil || a.Version < k.version {
				t.Fatalf("alert %d: version %d after the kill, %d acknowledged (%v)", k.alert, a.Version, k.version, err)
			}
			if k.disp != 0 && !containsDisposition(a, k.disp) {
				t.Fatalf("alert %d: acknowledged disposition %d lost", k.alert, k.disp)
			}
		}
		v, err := st.VerifyAudit(ctx)
		if err != nil || !v.OK() {
			t.Fatalf("audit after kill -9: %+v %v", v, err)
		}
		t.Logf("%d acknowledged changes before kill -9, all kept; %d audit events verify", len(acks), v.Events)

		// Restarted, the server serves the record it left.
		_, base = startChild(t, b.DSN, dataDir)
		req, _ := http.NewRequest("GET", base+"/v1/alerts?open=true", nil)
		req.Header.Set("Authorization", "Bearer "+keys["bob"])
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("after restart: %v %v", res, err)
		}
		res.Body.Close()
	})
}

func containsDisposition(a store.Alert, id int64) bool {
	for _, d := range a.Dispositions {
		if d.ID == id {
			return true
		}
	}
	return false
}
