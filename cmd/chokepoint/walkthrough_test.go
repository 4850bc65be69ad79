package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// TestWalkthrough is the README's walk-through, on each backend: 1,000
// counterparties including listed parties imported and screened against
// the bundled lists, a hit cleared under four eyes with a suppression,
// the SDN list updated so that the cleared entry changes, the hit back as
// a new alert showing the change, and the audit trail intact until one
// byte of one event is edited in the database.
func TestWalkthrough(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dataDir := t.TempDir()
		run1 := func(args ...string) (int, string, string) {
			var out, errb bytes.Buffer
			env := []string{"CHOKEPOINT_DB=" + b.DSN, "CHOKEPOINT_DATA_DIR=" + dataDir, "CHOKEPOINT_LOG_LEVEL=error"}
			code := run(context.Background(), args, strings.NewReader(""), &out, &errb, env)
			return code, out.String(), errb.String()
		}
		must := func(args ...string) string {
			t.Helper()
			code, out, errOut := run1(args...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
			return out
		}
		// The ten good example customers (three of them listed) and 990
		// made-up companies.
		ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "customers.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var csv strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(string(ex)), "\n") {
			if !strings.HasPrefix(line, "C-1010,") {
				csv.WriteString(line + "\n")
			}
		}
		words := []string{"Nordwind", "Kessler", "Alpen", "Rhein", "Falkner", "Brandt", "Weser", "Lindgren", "Auer", "Sommer"}
		kinds := []string{"Feinmechanik", "Logistik", "Handel", "Antriebe", "Werkzeugbau", "Elektronik", "Kunststoffe", "Verpackung", "Messtechnik", "Hydraulik"}
		for i := range 990 {
			fmt.Fprintf(&csv, "W-%04d,%s %s %s GmbH,organization,DE,,,customer\n", i, words[i%10], kinds[(i/10)%10], words[(i/100)%10])
		}
		in := filepath.Join(t.TempDir(), "parties.csv")
		os.WriteFile(in, []byte(csv.String()), 0o644)
		must("users", "add", "alice", "--role", "analyst")
		must("users", "add", "bob", "--role", "reviewer")
		if out := must("parties", "import", in); !strings.HasPrefix(out, "1000 rows: 1000 created") {
			t.Fatalf("import: %q", out)
		}
		if out := must("parties", "screen", "--all", "--as", "alice"); !strings.HasPrefix(out, "1000 screened") {
			t.Fatalf("screen: %q", out)
		}
		var alerts []store.Alert
		json.Unmarshal([]byte(must("alerts", "list", "--open", "--limit", "1000", "--json", "--as", "alice")), &alerts)
		if len(alerts) < 3 || len(alerts) > 10 {
			t.Fatalf("%d open alerts for 1,000 parties with a handful listed", len(alerts))
		}
		var a store.Alert
		json.Unmarshal([]byte(must("alerts", "list", "--counterparty", "C-1001", "--json", "--as", "alice")), &alerts)
		json.Unmarshal([]byte(must("alerts", "show", id(alerts[0].ID), "--json", "--as", "alice")), &a)
		if len(a.Hits) == 0 || a.Hits[0].EntityID != "us_ofac_sdn:33596" {
			t.Fatalf("C-1001's alert: %+v", a)
		}
		// Cleared under four eyes, with a suppression.
		must("alerts", "disposition", id(a.ID), "--hit", id(a.Hits[0].ID), "--verdict", "false_positive", "--reason-code",
			"different_dob", "--comment", "customer born 1971", "--suppress", "--as", "alice", "--reason", "KYC file")
		json.Unmarshal([]byte(must("alerts", "show", id(a.ID), "--json", "--as", "bob")), &a)
		must("alerts", "approve", id(a.ID), "--disposition", id(a.Dispositions[0].ID), "--as", "bob")
		must("alerts", "close", id(a.ID), "--as", "alice")
		if out := must("parties", "screen", "C-1001", "--as", "alice"); !strings.Contains(out, "0 with an open alert") {
			t.Fatalf("suppressed hit alerted: %q", out)
		}

		// The SDN list is updated: Mehrabi's date of birth changes.
		files := unpackSDN(t, t.TempDir(), mehrabiBorn1962)
		must(append([]string{"lists", "import", "us_ofac_sdn"}, files...)...)
		must("parties", "screen", "C-1001", "--as", "alice")
		json.Unmarshal([]byte(must("alerts", "list", "--counterparty", "C-1001", "--open", "--json", "--as", "alice")), &alerts)
		if len(alerts) != 1 || alerts[0].ID == a.ID {
			t.Fatalf("the changed entry did not reopen as a new alert: %+v", alerts)
		}
		var re store.Alert
		json.Unmarshal([]byte(must("alerts", "show", id(alerts[0].ID), "--json", "--as", "alice")), &re)
		var why review.Reopening
		if len(re.Hits) == 0 || json.Unmarshal(re.Hits[0].Reopened, &why) != nil {
			t.Fatalf("reopened alert without its reasons: %+v", re)
		}
		var shown bool
		for _, c := range why.Changes {
			if strings.HasPrefix(c.Field, "entry.birth_dates") && strings.Contains(string(c.Before), "1961") && strings.Contains(string(c.After), "1962") {
				shown = true
			}
		}
		if !shown {
			t.Fatalf("the date of birth change is not shown: %+v", why)
		}
		if out := must("alerts", "show", id(re.ID), "--as", "alice"); !strings.Contains(out, "reopened: suppression") ||
			!strings.Contains(out, "the listed entry us_ofac_sdn:33596 changed") || !strings.Contains(out, `"value":"1961-12-22"`) {
			t.Fatalf("alerts show does not say why it reopened:\n%s", out)
		}

		if out := must("audit", "verify"); !strings.Contains(out, "intact") {
			t.Fatalf("audit: %q", out)
		}
		driver := map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[b.Name]
		db, err := sql.Open(driver, b.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range dropTriggerSQL[b.Name] {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		var seq int64
		db.QueryRow(`SELECT MIN(seq) FROM audit_events WHERE action = 'disposition.effective'`).Scan(&seq)
		if _, err := db.Exec(`UPDATE audit_events SET actor = 'alicf' WHERE seq = ` + id(seq)); err != nil {
			t.Fatal(err)
		}
		code, out, _ := run1("audit", "verify")
		if code != 1 || !strings.Contains(out, "event "+id(seq)+": content does not match its hash") {
			t.Fatalf("verify after editing the approval: exit %d, %q", code, out)
		}
	})
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// mehrabiBorn1962 is an SDN update: entry 33596 (Abdollah Mehrabi) gets
// another date of birth.
func mehrabiBorn1962(sdn string) string {
	return strings.Replace(sdn, `33596,"MEHRABI, Abdollah","individual","NPWMD] [IRGC] [IFSR",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 22 Dec 1961;`,
		`33596,"MEHRABI, Abdollah","individual","NPWMD] [IRGC] [IFSR",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 22 Dec 1962;`, 1)
}

// unpackSDN writes the bundled SDN files, sdn.csv passed through edit,
// to dir and returns their paths.
func unpackSDN(t *testing.T, dir string, edit func(string) string) []string {
	t.Helper()
	var paths []string
	for _, f := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "lists", "bundle", "data", "us_ofac_sdn", f+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(zr); err != nil {
			t.Fatal(err)
		}
		data := buf.String()
		if f == "sdn.csv" {
			changed := edit(data)
			if changed == data {
				t.Fatal("the edit changed nothing in sdn.csv")
			}
			data = changed
		}
		p := filepath.Join(dir, f)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}
