package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

var analyst = store.Actor{Name: "ana", Role: "analyst"}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// raw opens the same database past the store, as someone with direct
// access would.
func raw(t testing.TB, b storetest.Backend) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", b.DSN
	if b.Name == "sqlite" {
		driver, dsn = "sqlite", "file:"+b.DSN+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestMigrations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := store.SchemaVersion(s.Backend()); v != want {
			t.Fatalf("schema version %d, want %d", v, want)
		}
		s.Close()
		// Opening again applies nothing and keeps the data.
		s = open(t, b.DSN)
		if v2, _ := s.Version(ctx); v2 != v {
			t.Fatalf("reopened at version %d, want %d", v2, v)
		}
		// A database from a newer binary is refused, not misread.
		mustExec(t, raw(t, b), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 'x')`)
		s.Close()
		if _, err := store.Open(ctx, b.DSN); !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("open of a newer schema: got %v, want ErrSchemaNewer", err)
		}
	})
}

func TestCounterpartyVersions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		c := store.Counterparty{
			ExternalID: "C-1", Type: "organization", Name: "  Alabuga   Development ", Country: "Russia",
			Aliases:     []string{"OOO Alabuga", "Alabuga SEZ"},
			Identifiers: []store.Identifier{{Type: "INN", Value: "1646019914", Country: "RU"}},
			Address:     store.Address{City: "Yelabuga", Country: "RUS"},
			Attributes:  map[string]string{"segment": "industrial"},
		}
		res, err := s.PutCounterparty(ctx, analyst, "onboarding", c)
		if err != nil {
			t.Fatal(err)
		}
		if res != (store.PutResult{Version: 1, Created: true, Changed: true}) {
			t.Fatalf("first put: %+v", res)
		}
		got, err := s.Counterparty(ctx, "C-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Alabuga Development" || got.Type != "organisation" || got.Country != "RU" || got.Address.Country != "RU" {
			t.Fatalf("stored %+v: want normalised name, type and countries", got.Counterparty)
		}
		if got.CreatedBy != "ana" || got.Version != 1 || len(got.ContentHash) != 64 {
			t.Fatalf("version metadata %+v", got)
		}

		// The same content, aliases in another order: no version, no event.
		c.Aliases = []string{"Alabuga SEZ", "OOO Alabuga"}
		if res, err = s.PutCounterparty(ctx, analyst, "", c); err != nil || res != (store.PutResult{Version: 1}) {
			t.Fatalf("unchanged put: %+v, %v", res, err)
		}

		c.Address.Street = "Promyshlennaya 1"
		if res, err = s.PutCounterparty(ctx, analyst, "address corrected", c); err != nil || res != (store.PutResult{Version: 2, Changed: true}) {
			t.Fatalf("changed put: %+v, %v", res, err)
		}
		hist, err := s.CounterpartyHistory(ctx, "C-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Address.Street != "" || hist[1].Address.Street != "Promyshlennaya 1" {
			t.Fatalf("history %+v: want version 1 unchanged and version 2 with the street", hist)
		}
		evs, err := s.ObjectHistory(ctx, "counterparty", "C-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Action != "counterparty.create" || evs[1].Action != "counterparty.update" {
			t.Fatalf("events %+v: want create then update", evs)
		}
		var before, after struct {
			Version int
			Address store.Address
		}
		json.Unmarshal(evs[1].Before, &before)
		json.Unmarshal(evs[1].After, &after)
		if before.Version != 1 || after.Version != 2 || after.Address.Street != "Promyshlennaya 1" || before.Address.Street != "" {
			t.Fatalf("update event before %s after %s", evs[1].Before, evs[1].After)
		}
		if evs[1].Reason != "address corrected" || evs[1].Actor != "ana" || evs[1].Role != "analyst" {
			t.Fatalf("update event who/why: %+v", evs[1])
		}
		if _, err := s.Counterparty(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown id: %v, want ErrNotFound", err)
		}
	})
}

func TestCounterpartyValidation(t *testing.T) {
	s := open(t, storetest.SQLite(t))
	_, err := s.PutCounterparty(context.Background(), analyst, "", store.Counterparty{
		Type: "spaceship", Country: "Atlantis", DOB: "1961-13-01",
		Identifiers: []store.Identifier{{Type: "passport"}},
	})
	if err == nil {
		t.Fatal("bad counterparty stored")
	}
	for _, field := range []string{"external_id", "name", "type", "country", "dob", "identifiers[0].value"} {
		if !strings.Contains(err.Error(), field+":") {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	if n, _ := s.CountCounterparties(context.Background()); n != 0 {
		t.Fatalf("%d counterparties after a refused put", n)
	}
}

func TestUsersAndKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		op := store.Operator()
		var secret string
		var key store.APIKey
		err := s.Write(ctx, op, "new analyst", func(tx *store.Tx) error {
			if _, err := tx.AddUser(ctx, "ana", store.RoleAnalyst); err != nil {
				return err
			}
			var err error
			secret, key, err = tx.CreateKey(ctx, "ana", "laptop", time.Time{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, key.Prefix+"_") || len(key.Prefix) != len("ck_ab12cd34") || len(secret) != len(key.Prefix)+1+43 {
			t.Fatalf("secret %q prefix %q: want ck_XXXXXXXX_ and 43 characters", secret, key.Prefix)
		}
		got, err := s.LookupKey(ctx, secret)
		if err != nil || got.User != "ana" || got.Role != store.RoleAnalyst || got.Prefix != key.Prefix {
			t.Fatalf("lookup: %+v, %v", got, err)
		}
		if _, err := s.LookupKey(ctx, secret[:len(secret)-1]+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("lookup of a wrong secret: %v", err)
		}
		// The secret itself is nowhere in the database, only its hash.
		var n int
		raw(t, b).QueryRow(`SELECT COUNT(*) FROM api_keys WHERE hash = $1 OR prefix = $1`, secret).Scan(&n)
		if n != 0 {
			t.Fatal("the secret is stored in clear")
		}
		if err := s.Write(ctx, op, "", func(tx *store.Tx) error { _, err := tx.AddUser(ctx, "ana", store.RoleAdmin); return err }); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second ana: %v, want ErrExists", err)
		}
		if err := s.Write(ctx, op, "", func(tx *store.Tx) error { _, err := tx.AddUser(ctx, "bob", "boss"); return err }); err == nil {
			t.Fatal("unknown role accepted")
		}
		if err := s.Write(ctx, op, "lost laptop", func(tx *store.Tx) error { _, err := tx.RevokeKey(ctx, key.Prefix); return err }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LookupKey(ctx, secret); !errors.Is(err, store.ErrKeyRevoked) {
			t.Fatalf("revoked key: %v, want ErrKeyRevoked", err)
		}
		var actions []string
		s.AuditEvents(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
			actions = append(actions, e.Action+" "+e.ObjectID)
			if strings.Contains(string(e.After), secret) {
				t.Errorf("event %d holds the secret", e.Seq)
			}
			return nil
		})
		want := []string{"user.create ana", "key.create " + key.Prefix, "key.revoke " + key.Prefix}
		if fmt.Sprint(actions) != fmt.Sprint(want) {
			t.Fatalf("events %q, want %q", actions, want)
		}
	})
}

// putN stores n counterparties, one transaction each.
func putN(t testing.TB, s *store.Store, n int) {
	t.Helper()
	for i := range n {
		c := store.Counterparty{ExternalID: fmt.Sprintf("P-%d", i), Name: fmt.Sprintf("Party %d", i)}
		if _, err := s.PutCounterparty(context.Background(), analyst, "", c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditVerifyFindsTampering(t *testing.T) {
	// Each case tampers with a trail of 10 events directly in the
	// database and names the event where verify must see it.
	cases := []struct {
		name string
		sql  []string
		seq  int64
	}{
		{"EditOneByte", []string{`UPDATE audit_events SET after_json = REPLACE(after_json, 'Party 4', 'Party 5') WHERE seq = 5`}, 5},
		{"EditReason", []string{`UPDATE audit_events SET reason = 'x' WHERE seq = 7`}, 7},
		{"Delete", []string{`DELETE FROM audit_events WHERE seq = 3`}, 4},
		{"Swap", []string{
			`UPDATE audit_events SET seq = -1 WHERE seq = 6`,
			`UPDATE audit_events SET seq = 6 WHERE seq = 7`,
			`UPDATE audit_events SET seq = 7 WHERE seq = -1`,
		}, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, b storetest.Backend) {
				ctx := context.Background()
				s := open(t, b.DSN)
				putN(t, s, 10)
				v, err := s.VerifyAudit(ctx)
				if err != nil || !v.OK() || v.Events != 10 || v.HeadSeq != 10 {
					t.Fatalf("intact trail: %+v, %v", v, err)
				}
				db := raw(t, b)
				// The triggers refuse the change...
				if _, err := db.Exec(tc.sql[0]); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("tampering allowed by the trigger: %v", err)
				}
				// ...so an attacker drops them first; verify still finds it.
				dropTriggers(t, db, b.Name)
				for _, q := range tc.sql {
					mustExec(t, db, q)
				}
				v, err = s.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if v.OK() {
					t.Fatal("verify passed a tampered trail")
				}
				if v.Problems[0].Seq != tc.seq {
					t.Fatalf("first problem %v, want event %d", v.Problems[0], tc.seq)
				}
			})
		})
	}
}

func dropTriggers(t testing.TB, db *sql.DB, backend string) {
	if backend == "sqlite" {
		mustExec(t, db, `DROP TRIGGER audit_events_no_update`)
		mustExec(t, db, `DROP TRIGGER audit_events_no_delete`)
		return
	}
	mustExec(t, db, `DROP TRIGGER audit_events_no_change ON audit_events`)
}

func TestWriteRollsBackWithItsEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		boom := errors.New("boom")
		err := s.Write(ctx, analyst, "", func(tx *store.Tx) error {
			if _, err := tx.PutCounterparty(ctx, store.Counterparty{ExternalID: "X", Name: "X Ltd"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		if _, err := s.Counterparty(ctx, "X"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled-back counterparty: %v", err)
		}
		if v, _ := s.VerifyAudit(ctx); v.Events != 0 {
			t.Fatalf("%d events after a rolled-back write", v.Events)
		}
		if err := s.Write(ctx, store.Actor{}, "", func(*store.Tx) error { return nil }); err == nil {
			t.Fatal("a write without an actor was accepted")
		}
	})
}

// TestConcurrentWriters runs writers in parallel on one store and on two
// stores opened on the same database (as serve and an import running at
// once): no write fails, none is lost, and the chain verifies.
func TestConcurrentWriters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		stores := []*store.Store{open(t, b.DSN), open(t, b.DSN)}
		const writers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, 2*writers*each)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := stores[w%2]
				for i := range each {
					c := store.Counterparty{ExternalID: fmt.Sprintf("W%d-%d", w, i), Name: "Writer Party"}
					if _, err := s.PutCounterparty(ctx, analyst, "", c); err != nil {
						errs <- err
					}
					// Every writer also updates one shared party: the
					// hardest case, the same row from many writers.
					c = store.Counterparty{ExternalID: "shared", Name: fmt.Sprintf("Shared %d %d", w, i)}
					if _, err := s.PutCounterparty(ctx, analyst, "", c); err != nil {
						errs <- err
					}
				}
			}()
		}
		// Writes that fail run beside them: each stores a party and then
		// fails, and neither its party nor its event may survive, while
		// the writes grouped with it commit.
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					err := stores[w%2].Write(ctx, analyst, "", func(tx *store.Tx) error {
						if _, err := tx.PutCounterparty(ctx, store.Counterparty{ExternalID: fmt.Sprintf("F%d-%d", w, i), Name: "Doomed"}); err != nil {
							return err
						}
						_, err := tx.PutCounterparty(ctx, store.Counterparty{ExternalID: "bad"})
						return err
					})
					if err == nil {
						errs <- errors.New("a write with an invalid party succeeded")
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		v, err := stores[0].VerifyAudit(ctx)
		if err != nil || !v.OK() {
			t.Fatalf("chain after concurrent writes: %+v, %v", v, err)
		}
		hist, err := stores[0].CounterpartyHistory(ctx, "shared")
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(writers*each + len(hist)); v.Events != want {
			t.Fatalf("%d events, want %d", v.Events, want)
		}
		if n, _ := stores[0].CountCounterparties(ctx); n != writers*each+1 {
			t.Fatalf("%d counterparties, want %d", n, writers*each+1)
		}
	})
}

// TestPutCounterpartiesBulk checks that the bulk put gives the results,
// versions and events that one put after another gives, across new,
// unchanged and changed rows and an id given twice.
func TestPutCounterpartiesBulk(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		put := func(cs ...store.Counterparty) []store.PutResult {
			var res []store.PutResult
			err := s.Write(ctx, analyst, "bulk", func(tx *store.Tx) error {
				var err error
				res, err = tx.PutCounterparties(ctx, cs)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		p := func(id, name string) store.Counterparty { return store.Counterparty{ExternalID: id, Name: name} }
		got := put(p("A", "Alpha"), p("B", "Beta"))
		want := []store.PutResult{{1, true, true}, {1, true, true}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("first bulk: %v, want %v", got, want)
		}
		got = put(p("B", "Beta"), p("C", "Gamma"), p("A", "Alpha Ltd"))
		want = []store.PutResult{{1, false, false}, {1, true, true}, {2, false, true}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("second bulk: %v, want %v", got, want)
		}
		got = put(p("D", "Delta"), p("D", "Delta Two"))
		want = []store.PutResult{{1, true, true}, {2, false, true}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("id given twice: %v, want %v", got, want)
		}
		var trail []string
		s.AuditEvents(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
			trail = append(trail, e.Action+" "+e.ObjectID)
			return nil
		})
		wantTrail := []string{"counterparty.create A", "counterparty.create B", "counterparty.create C",
			"counterparty.update A", "counterparty.create D", "counterparty.update D"}
		if fmt.Sprint(trail) != fmt.Sprint(wantTrail) {
			t.Fatalf("trail %q, want %q", trail, wantTrail)
		}
		if c, _ := s.Counterparty(ctx, "A"); c.Name != "Alpha Ltd" || c.Version != 2 {
			t.Fatalf("A = %+v", c)
		}
		if v, _ := s.VerifyAudit(ctx); !v.OK() {
			t.Fatalf("chain: %+v", v)
		}
	})
}

func TestWritePanicFailsAlone(t *testing.T) {
	ctx := context.Background()
	s := open(t, storetest.SQLite(t))
	err := s.Write(ctx, analyst, "", func(tx *store.Tx) error {
		tx.PutCounterparty(ctx, store.Counterparty{ExternalID: "P", Name: "Panicky"})
		var m map[string]int
		m["x"] = 1 // a bug in a caller's fn
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("got %v, want the panic as an error", err)
	}
	// The committer survived and nothing of the panicking write was kept.
	if _, err := s.PutCounterparty(ctx, analyst, "", store.Counterparty{ExternalID: "Q", Name: "Quiet"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCounterparties(ctx); n != 1 {
		t.Fatalf("%d counterparties, want 1", n)
	}
}
