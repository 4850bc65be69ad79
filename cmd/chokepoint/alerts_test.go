package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// TestAlertsCLI walks the review on each backend with the bundled lists:
// the example customers screened, a listed party's hit cleared under four
// eyes with a suppression, the alert closed, the party screened again
// without a new alert, and the audit trail intact.
func TestAlertsCLI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		must := func(args ...string) string {
			t.Helper()
			code, out, errOut := dbRun(t, b.DSN, args...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
			return out
		}
		fails := func(want string, args ...string) {
			t.Helper()
			code, _, errOut := dbRun(t, b.DSN, args...)
			if code == 0 || !strings.Contains(errOut, want) {
				t.Fatalf("%s: exit %d, stderr %q, want %q", strings.Join(args, " "), code, errOut, want)
			}
		}
		must("users", "add", "alice", "--role", "analyst")
		must("users", "add", "bob", "--role", "reviewer")
		must("users", "add", "dave", "--role", "auditor")
		dbRun(t, b.DSN, "parties", "import", filepath.Join("..", "..", "examples", "customers.csv"))
		fails("--as USER is required", "parties", "screen", "--all")
		fails("may not screen", "parties", "screen", "--all", "--as", "dave")
		out := must("parties", "screen", "--unscreened", "--as", "alice")
		if !strings.HasPrefix(out, "10 screened") {
			t.Fatalf("screen: %q", out)
		}
		// Screened once, nothing is left unscreened until a party changes.
		if out := must("parties", "screen", "--unscreened", "--as", "alice"); !strings.HasPrefix(out, "0 screened") {
			t.Fatalf("second unscreened run: %q", out)
		}
		var alerts []store.Alert
		if err := json.Unmarshal([]byte(must("alerts", "list", "--counterparty", "C-1001", "--json", "--as", "dave")), &alerts); err != nil || len(alerts) != 1 {
			t.Fatalf("list: %v %v", alerts, err)
		}
		var a store.Alert
		if err := json.Unmarshal([]byte(must("alerts", "show", id(alerts[0].ID), "--json", "--as", "dave")), &a); err != nil || len(a.Hits) == 0 {
			t.Fatalf("show: %+v %v", a, err)
		}
		if a.Priority != 1 || !a.Hits[0].Blocking || a.Hits[0].EntityID != "us_ofac_sdn:33596" {
			t.Fatalf("the SDN hit on Abdollah Mehrabi: %+v", a.Hits[0])
		}
		hit := id(a.Hits[0].ID)
		fails("may not disposition", "alerts", "disposition", id(a.ID), "--hit", hit, "--verdict", "false_positive",
			"--reason-code", "different_dob", "--as", "dave")
		fails("reason_code", "alerts", "disposition", id(a.ID), "--hit", hit, "--verdict", "false_positive",
			"--reason-code", "looks_fine", "--as", "alice")
		must("alerts", "disposition", id(a.ID), "--hit", hit, "--verdict", "false_positive", "--reason-code", "different_dob",
			"--comment", "customer born 1971, passport seen", "--suppress", "--version", "1", "--as", "alice", "--reason", "KYC file")
		if err := json.Unmarshal([]byte(must("alerts", "show", id(a.ID), "--json", "--as", "alice")), &a); err != nil {
			t.Fatal(err)
		}
		d := id(a.Dispositions[0].ID)
		fails("may not approve", "alerts", "approve", id(a.ID), "--disposition", d, "--as", "alice")
		fails("changed by someone else", "alerts", "close", id(a.ID), "--version", "1", "--as", "alice")
		must("alerts", "approve", id(a.ID), "--disposition", d, "--as", "bob", "--note", "agreed")
		must("alerts", "close", id(a.ID), "--as", "alice")
		fails("closed", "alerts", "disposition", id(a.ID), "--hit", hit, "--verdict", "true_match", "--reason-code", "other",
			"--comment", "x", "--as", "alice")
		if out := must("parties", "screen", "C-1001", "--as", "alice"); !strings.HasPrefix(out, "1 screened, 0 new hits to review, 0 with an open alert") {
			t.Fatalf("suppressed hit alerted again: %q", out)
		}
		var sps []store.Suppression
		if err := json.Unmarshal([]byte(must("suppressions", "list", "--counterparty", "C-1001", "--json", "--as", "dave")), &sps); err != nil ||
			len(sps) != 1 || sps[0].Status != "active" || sps[0].ApprovedBy != "bob" {
			t.Fatalf("suppressions: %+v %v", sps, err)
		}
		fails("may not approve", "suppressions", "revoke", id(sps[0].ID), "--reason", "doubt", "--as", "alice")
		must("suppressions", "revoke", id(sps[0].ID), "--reason", "adverse media", "--as", "bob")
		if out := must("parties", "screen", "C-1001", "--as", "alice"); !strings.Contains(out, "1 with an open alert") {
			t.Fatalf("revoked suppression still holds: %q", out)
		}

		// An order naming C-1001 by counterparty_id, checked with the
		// database, shows the open alert.
		doc, err := os.ReadFile(filepath.Join("..", "..", "examples", "clean-bearings-germany.json"))
		if err != nil {
			t.Fatal(err)
		}
		var o map[string]any
		if err := json.Unmarshal(doc, &o); err != nil {
			t.Fatal(err)
		}
		o["parties"].([]any)[0].(map[string]any)["counterparty_id"] = "C-1001"
		doc, _ = json.Marshal(o)
		cpOrder := filepath.Join(t.TempDir(), "order.json")
		if err := os.WriteFile(cpOrder, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := dbRun(t, b.DSN, "check", "--json", cpOrder)
		if code != 0 || !strings.Contains(out, `"rule": "party.counterparty_alert"`) || !strings.Contains(out, `"decision": "review"`) {
			t.Fatalf("check --db of an order naming a counterparty with an open alert: exit %d: %s %s", code, out, errOut)
		}

		// A true match blocks C-1001: the order is blocked, until an
		// unblock proposed by one user is approved by a reviewer.
		if err := json.Unmarshal([]byte(must("alerts", "list", "--counterparty", "C-1001", "--open", "--json", "--as", "dave")), &alerts); err != nil || len(alerts) != 1 {
			t.Fatalf("open alert of C-1001: %+v %v", alerts, err)
		}
		if err := json.Unmarshal([]byte(must("alerts", "show", id(alerts[0].ID), "--json", "--as", "alice")), &a); err != nil {
			t.Fatal(err)
		}
		must("alerts", "disposition", id(a.ID), "--hit", id(a.Hits[0].ID), "--verdict", "true_match", "--reason-code", "other",
			"--comment", "same passport", "--as", "alice", "--reason", "KYC file")
		code, out, errOut = dbRun(t, b.DSN, "check", "--json", cpOrder)
		if code != 0 || !strings.Contains(out, `"rule": "party.counterparty_blocked"`) || !strings.Contains(out, `"decision": "block"`) {
			t.Fatalf("check of an order naming a blocked counterparty: exit %d: %s %s", code, out, errOut)
		}
		fails("reason", "parties", "unblock", "C-1001", "--as", "alice")
		fails("may not unblock", "parties", "unblock", "C-1001", "--reason", "x", "--as", "dave")
		if out := must("parties", "unblock", "C-1001", "--reason", "passport shows another person", "--as", "alice"); !strings.Contains(out, "awaiting approval") {
			t.Fatalf("unblock: %q", out)
		}
		fails("may not approve", "parties", "approve-unblock", "1", "--as", "alice")
		if out := must("parties", "approve-unblock", "1", "--as", "bob", "--note", "agreed"); !strings.Contains(out, "no longer blocked") {
			t.Fatalf("approve unblock: %q", out)
		}
		if _, out, _ = dbRun(t, b.DSN, "check", "--json", cpOrder); strings.Contains(out, `"rule": "party.counterparty_blocked"`) {
			t.Fatalf("unblocked counterparty still blocks the order: %s", out)
		}

		// The acting user and the SLA may come from the environment.
		var out2, errb bytes.Buffer
		env := []string{"CHOKEPOINT_DB=" + b.DSN, "CHOKEPOINT_DATA_DIR=" + t.TempDir(), "CHOKEPOINT_LOG_LEVEL=error",
			"CHOKEPOINT_USER=dave", "CHOKEPOINT_ALERT_SLA=critical=6h"}
		if code := run(context.Background(), []string{"alerts", "list", "--json"}, strings.NewReader(""), &out2, &errb, env); code != 0 {
			t.Fatalf("alerts list as CHOKEPOINT_USER: exit %d: %s", code, errb.String())
		}
		env[len(env)-1] = "CHOKEPOINT_ALERT_SLA=critical=soon"
		if code := run(context.Background(), []string{"alerts", "list"}, strings.NewReader(""), &out2, &errb, env); code == 0 ||
			!strings.Contains(errb.String(), "CHOKEPOINT_ALERT_SLA") {
			t.Fatalf("bad SLA: exit %d: %s", code, errb.String())
		}

		// An order check recorded opens the order's alert.
		order := filepath.Join("..", "..", "examples", "listed-party-mehrabi.json")
		fails("--record needs --as USER", "check", "--record", order)
		must("check", "--record", "--as", "alice", order)
		if err := json.Unmarshal([]byte(must("alerts", "list", "--order", "EX-005-LISTED-CONSIGNEE", "--json", "--as", "dave")), &alerts); err != nil ||
			len(alerts) != 1 || alerts[0].Priority != 1 {
			t.Fatalf("order alert: %+v %v", alerts, err)
		}
		if out := must("audit", "verify"); !strings.Contains(out, "intact") {
			t.Fatalf("audit: %q", out)
		}
	})
}
