package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// dbRun runs chokepoint in process against the database dsn.
func dbRun(t *testing.T, dsn string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := []string{"CHOKEPOINT_DB=" + dsn, "CHOKEPOINT_DATA_DIR=" + t.TempDir(), "CHOKEPOINT_LOG_LEVEL=error"}
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb, env)
	return code, out.String(), errb.String()
}

// TestSystemOfRecordCLI walks the commands on each backend: users and a
// key, the example customer file imported twice, a bad file, the audit
// trail verified, exported, and found broken after one byte is edited in
// the database.
func TestSystemOfRecordCLI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		code, _, errOut := dbRun(t, b.DSN, "users", "add", "rita", "--role", "reviewer", "--reason", "second pair of eyes")
		if code != 0 {
			t.Fatalf("users add: exit %d: %s", code, errOut)
		}
		if code, _, errOut = dbRun(t, b.DSN, "users", "add", "rita", "--role", "analyst"); code != 1 || !strings.Contains(errOut, "already exists") {
			t.Fatalf("second rita: exit %d: %s", code, errOut)
		}
		code, out, errOut := dbRun(t, b.DSN, "keys", "create", "--user", "rita", "--expires", "30d")
		secret := strings.TrimSpace(out)
		if code != 0 || !regexp.MustCompile(`^ck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$`).MatchString(secret) || !strings.Contains(errOut, "shown once") {
			t.Fatalf("keys create: exit %d, out %q, err %q", code, out, errOut)
		}
		s, err := store.Open(context.Background(), b.DSN)
		if err != nil {
			t.Fatal(err)
		}
		k, err := s.LookupKey(context.Background(), secret)
		s.Close()
		if err != nil || k.User != "rita" || k.Role != store.RoleReviewer || k.ExpiresAt.IsZero() {
			t.Fatalf("the printed key: %+v, %v", k, err)
		}

		customers := filepath.Join("..", "..", "examples", "customers.csv")
		code, out, errOut = dbRun(t, b.DSN, "parties", "import", customers, "--reason", "initial load")
		if code != 0 || !strings.HasPrefix(out, "10 rows: 10 created, 0 updated, 0 unchanged, 0 bad") {
			t.Fatalf("import: exit %d, out %q, err %q", code, out, errOut)
		}
		if code, out, _ = dbRun(t, b.DSN, "parties", "import", customers); code != 0 || !strings.HasPrefix(out, "10 rows: 0 created, 0 updated, 10 unchanged") {
			t.Fatalf("re-import: exit %d, out %q", code, out)
		}
		bad := filepath.Join(t.TempDir(), "bad.jsonl")
		os.WriteFile(bad, []byte(`{"id":"C-1001","name":"Abdollah Mehrabi","type":"person","country":"IR","dob":"1961-12-22","attributes":{"segment":"distributor","status":"exited"}}
{"id":"N-1","name":"Nobody","dob":"yesterday"}
`), 0o644)
		code, out, errOut = dbRun(t, b.DSN, "parties", "import", bad)
		if code != 1 || !strings.HasPrefix(out, "2 rows: 0 created, 1 updated, 0 unchanged, 1 bad") || !strings.Contains(errOut, bad+":2: field dob:") {
			t.Fatalf("import with a bad row: exit %d, out %q, err %q", code, out, errOut)
		}
		code, out, _ = dbRun(t, b.DSN, "parties", "show", "C-1001", "--history", "--json")
		var hist []store.CounterpartyVersion
		if err := json.Unmarshal([]byte(out), &hist); code != 0 || err != nil || len(hist) != 2 || hist[1].Attributes["status"] != "exited" || hist[0].Attributes["status"] != "" {
			t.Fatalf("history: exit %d, %v, %s", code, err, out)
		}
		if code, _, errOut = dbRun(t, b.DSN, "parties", "show", "C-9999"); code != 1 || !strings.Contains(errOut, "not found") {
			t.Fatalf("unknown party: exit %d, %s", code, errOut)
		}

		code, out, _ = dbRun(t, b.DSN, "audit", "verify")
		m := regexp.MustCompile(`audit trail intact: 13 events, head (13:[0-9a-f]{64})`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("verify: exit %d, %q: want 13 events (user, key, 10 parties, 1 update)", code, out)
		}
		head := m[1]
		code, out, _ = dbRun(t, b.DSN, "audit", "export", "--format", "jsonl", "--from", "2000-01-01", "--to", "2999-12-31")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var last struct {
			Seq    int64
			Action string
			Reason string
			Before string
		}
		if code != 0 || len(lines) != 13 || json.Unmarshal([]byte(lines[12]), &last) != nil || last.Action != "counterparty.update" || !strings.Contains(last.Before, `"version":1`) {
			t.Fatalf("export jsonl: exit %d, %d lines, last %s", code, len(lines), lines[len(lines)-1])
		}
		if code, out, _ = dbRun(t, b.DSN, "audit", "export", "--format", "csv", "--to", "2000-01-01"); code != 0 || strings.Count(out, "\n") != 1 {
			t.Fatalf("export of an empty period: exit %d, %q: want the header only", code, out)
		}

		// One byte of one event edited past the triggers: verify fails
		// naming the event.
		driver, dsn := "pgx", b.DSN
		if b.Name == "sqlite" {
			driver, dsn = "sqlite", b.DSN
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range dropTriggerSQL[b.Name] {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(`UPDATE audit_events SET reason = 'initial loaf' WHERE seq = 5`); err != nil {
			t.Fatal(err)
		}
		code, out, _ = dbRun(t, b.DSN, "audit", "verify")
		if code != 1 || !strings.Contains(out, "event 5: content does not match its hash (edited)") || !strings.Contains(out, "BROKEN") {
			t.Fatalf("verify after an edit: exit %d, %q", code, out)
		}
		// Cutting the newest event off leaves an intact chain; the head
		// recorded before finds it.
		db.Exec(`UPDATE audit_events SET reason = 'initial load' WHERE seq = 5`)
		db.Exec(`DELETE FROM audit_events WHERE seq = 13`)
		if code, _, _ = dbRun(t, b.DSN, "audit", "verify"); code != 0 {
			t.Fatalf("verify of a chain cut at its end: exit %d, want 0 without --head", code)
		}
		code, out, _ = dbRun(t, b.DSN, "audit", "verify", "--head", head)
		if code != 1 || !strings.Contains(out, "recorded head is event 13 but the chain ends at 12") {
			t.Fatalf("verify --head after cutting the end: exit %d, %q", code, out)
		}
	})
}

var dropTriggerSQL = map[string][]string{
	"sqlite":   {`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`},
	"postgres": {`DROP TRIGGER audit_events_no_change ON audit_events`},
}
