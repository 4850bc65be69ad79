package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// crashWriterVar makes TestCrashWriter the writer process that
// TestKillDuringWrites kills.
const crashWriterVar = "CHOKEPOINT_TEST_CRASH_WRITER"

// TestCrashWriter is a helper process, not a test: it writes
// counterparties from 8 goroutines and prints each id once Write has
// returned nil, that is, once the change is acknowledged.
func TestCrashWriter(t *testing.T) {
	dsn := os.Getenv(crashWriterVar)
	if dsn == "" {
		t.Skip("helper process of TestKillDuringWrites")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("K%d-%d", w, i)
				if _, err := s.PutCounterparty(ctx, analyst, "crash test", store.Counterparty{ExternalID: id, Name: "Crash Test " + id}); err != nil {
					fmt.Println("write:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Println(id) // os.Stdout is unbuffered: printed means acknowledged
				mu.Unlock()
			}
		}()
	}
	select {}
}

// TestKillDuringWrites kills a writing process with SIGKILL and checks
// that every change it acknowledged is in the database and that the audit
// chain still verifies, with one event per stored counterparty.
func TestKillDuringWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$")
		cmd.Env = append(os.Environ(), crashWriterVar+"="+b.DSN)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		var acked []string
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "open:") || strings.HasPrefix(line, "write:") {
				cmd.Process.Kill()
				t.Fatalf("writer: %s", line)
			}
			if strings.HasPrefix(line, "K") {
				acked = append(acked, line)
			}
			if len(acked) == 300 {
				cmd.Process.Kill() // SIGKILL: no deferred code, no clean close
				break
			}
		}
		for sc.Scan() { // acknowledged before the kill landed
			if line := sc.Text(); strings.HasPrefix(line, "K") {
				acked = append(acked, line)
			}
		}
		cmd.Wait()
		if len(acked) < 300 {
			t.Fatalf("writer stopped after %d writes", len(acked))
		}
		ctx := context.Background()
		s := open(t, b.DSN)
		for _, id := range acked {
			if _, err := s.Counterparty(ctx, id); err != nil {
				t.Fatalf("acknowledged write %s lost: %v", id, err)
			}
		}
		v, err := s.VerifyAudit(ctx)
		if err != nil || !v.OK() {
			t.Fatalf("chain after kill -9: %+v, %v", v, err)
		}
		n, _ := s.CountCounterparties(ctx)
		if v.Events != n {
			t.Fatalf("%d events for %d counterparties", v.Events, n)
		}
		t.Logf("%d acknowledged, %d stored, chain of %d intact", len(acked), n, v.Events)
	})
}
