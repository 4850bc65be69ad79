package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// TestScanRecordCLI records scanned documents on each backend: a payment
// from a registered customer naming a listed firm in its remittance text
// opens an alert that names the customer; a clean invoice is recorded
// without one; a malformed message records nothing; an auditor may not
// record.
func TestScanRecordCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: loads the lists")
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		must := func(args ...string) (string, string) {
			t.Helper()
			code, out, errOut := dbRun(t, b.DSN, args...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
			return out, errOut
		}
		must("users", "add", "alice", "--role", "analyst")
		must("users", "add", "dave", "--role", "auditor")
		dir := t.TempDir()
		csv := filepath.Join(dir, "customers.csv")
		if err := os.WriteFile(csv, []byte("id,name,type,country\nC-7001,Anatolia Elektronik Dis Ticaret AS,organisation,TR\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		must("parties", "import", csv)
		docs := filepath.Join("..", "..", "examples", "documents")
		payment := filepath.Join(docs, "mt103-remittance-listed.fin")
		if code, _, errOut := dbRun(t, b.DSN, "scan", "--record", payment); code == 0 || !strings.Contains(errOut, "--record needs --as USER") {
			t.Fatalf("scan --record without --as: exit %d: %s", code, errOut)
		}
		if code, _, errOut := dbRun(t, b.DSN, "scan", "--record", "--as", "dave", payment); code == 0 || !strings.Contains(errOut, "may not screen") {
			t.Fatalf("auditor recorded: exit %d: %s", code, errOut)
		}
		_, errOut := must("scan", "--record", "--as", "alice", payment, filepath.Join(docs, "invoice-clean.json"))
		if !strings.Contains(errOut, "MT103 CP26-PAY-0412: recorded as screening 1, alert 1 (open); names counterparties C-7001") ||
			!strings.Contains(errOut, "recorded as screening 2\n") {
			t.Fatalf("scan --record output:\n%s", errOut)
		}
		var a store.Alert
		out, _ := must("alerts", "show", "1", "--json", "--as", "dave")
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatal(err)
		}
		if a.SubjectKind != "order" || a.SubjectID != "MT103:CP26-PAY-0412" || len(a.Hits) == 0 ||
			len(a.Links) == 0 || a.Links[0].CounterpartyID != "C-7001" || a.Links[0].Role != "ordering_customer" {
			t.Fatalf("alert: %s %s, %d hits, links %+v", a.SubjectKind, a.SubjectID, len(a.Hits), a.Links)
		}
		if !strings.Contains(a.Hits[0].Explanation, ":70: line") {
			t.Errorf("the remittance text's hit does not say where it was read: %q", a.Hits[0].Explanation)
		}
		if out, _ := must("alerts", "show", "1", "--as", "dave"); !strings.Contains(out, "names counterparty C-7001 (version 1) as ordering_customer in :50K:") {
			t.Errorf("alerts show does not name the counterparty:\n%s", out)
		}

		// A malformed message records nothing.
		bad := filepath.Join(dir, "bad.fin")
		if err := os.WriteFile(bad, []byte("{1:F01ANKBTRISAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{4:\n:20:X\n-}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := dbRun(t, b.DSN, "scan", "--record", "--as", "alice", bad); code != 1 || strings.Contains(errOut, "recorded as") {
			t.Fatalf("malformed: exit %d: %s", code, errOut)
		}
		out, _ = must("alerts", "list", "--json", "--as", "dave")
		var alerts []store.Alert
		if err := json.Unmarshal([]byte(out), &alerts); err != nil || len(alerts) != 1 {
			t.Fatalf("alerts after the malformed message: %v %v", alerts, err)
		}
		if out, _ := must("audit", "verify"); !strings.Contains(out, "intact") {
			t.Fatalf("audit: %q", out)
		}
	})
}
