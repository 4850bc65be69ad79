package parties_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/parties"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

var op = store.Actor{Name: "os:test", Role: "operator"}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func importString(t *testing.T, s *store.Store, format, data string, batch int) parties.Summary {
	t.Helper()
	r, err := parties.NewReader(format, strings.NewReader(data), "in."+format)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := parties.Import(context.Background(), s, r, parties.Options{File: "in." + format, Actor: op, Batch: batch})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

const goodAndBad = `id,name,type,country,dob,aliases,ids,city,segment
C1,Abdollah Mehrabi,person,IR,1961-12-22,MEHRABI Abdollah,passport:D9000001,Tehran,drones
C2,,organisation,DE,,,,,
C3,"Alabuga ""SEZ""",organisation,Russia,,ОЭЗ Алабуга;Alabuga,INN:1646019914,Yelabuga,
C4,Bad Date,person,XX,1961-02-30,,,,
C5,Clean Bearings GmbH,company,DE,,,,"Schweinfurt
Bavaria",
`

func TestImportCSV(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := open(t, b.DSN)
		// A batch of 2 puts the bad rows inside batches with good ones.
		sum := importString(t, s, "csv", goodAndBad, 2)
		if sum.Rows != 5 || sum.Created != 3 || sum.Failed != 2 {
			t.Fatalf("summary %+v: want 5 rows, 3 created, 2 failed", sum)
		}
		wantErrs := []string{"in.csv:3: field name: is empty", "in.csv:5: country: \"XX\" is not a country name or ISO code; dob: \"1961-02-30\""}
		for i, want := range wantErrs {
			if !strings.HasPrefix(sum.Errors[i].Error(), want) {
				t.Errorf("error %d = %q, want prefix %q", i, sum.Errors[i], want)
			}
		}
		c, err := s.Counterparty(ctx, "C3")
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != `Alabuga "SEZ"` || c.Country != "RU" || len(c.Aliases) != 2 || c.Identifiers[0] != (store.Identifier{Type: "INN", Value: "1646019914"}) || c.Address.City != "Yelabuga" {
			t.Fatalf("C3 = %+v", c.Counterparty)
		}
		c, _ = s.Counterparty(ctx, "C1")
		if c.Attributes["segment"] != "drones" || c.DOB != "1961-12-22" {
			t.Fatalf("C1 = %+v: want the segment attribute and the dob", c.Counterparty)
		}
		c, _ = s.Counterparty(ctx, "C5")
		if c.Address.City != "Schweinfurt Bavaria" || c.Type != "organisation" {
			t.Fatalf("C5 = %+v", c.Counterparty)
		}

		// The same file again changes nothing; one changed row adds a version.
		sum = importString(t, s, "csv", goodAndBad, 2)
		if sum.Unchanged != 3 || sum.Created+sum.Updated != 0 {
			t.Fatalf("re-import %+v: want 3 unchanged", sum)
		}
		sum = importString(t, s, "csv", strings.Replace(goodAndBad, "Tehran", "Isfahan", 1), 100)
		if sum.Updated != 1 || sum.Unchanged != 2 {
			t.Fatalf("import with one change %+v: want 1 updated", sum)
		}
		if v, _ := s.VerifyAudit(ctx); !v.OK() || v.Events != 4 {
			t.Fatalf("audit after imports: %+v, want 4 events (3 creates, 1 update)", v)
		}
	})
}

func TestImportJSONL(t *testing.T) {
	s := open(t, storetest.SQLite(t))
	data := `{"id":"V1","type":"vessel","name":"ADRIAN DARYA 1","ids":["IMO:9116412"]}

{"external_id":"V2","name":"Some Ship","identifiers":[{"type":"IMO","value":"9179834"}],"flag":"PA"}
{"id":"V3","name":"Broken"
{"id":"V4","name":"Fine Forwarding LLC","type":"organisation","address":{"city":"Dubai","country":"AE"}}
`
	sum := importString(t, s, "jsonl", data, 0)
	if sum.Rows != 4 || sum.Created != 2 || sum.Failed != 2 {
		t.Fatalf("summary %+v: want 4 rows, 2 created, 2 failed", sum)
	}
	if got := sum.Errors[0].Error(); !strings.HasPrefix(got, "in.jsonl:3:") || !strings.Contains(got, `unknown field "flag"`) {
		t.Errorf("error %q: want line 3 and the unknown field", got)
	}
	if got := sum.Errors[1].Error(); !strings.HasPrefix(got, "in.jsonl:4:") {
		t.Errorf("error %q: want line 4", got)
	}
	c, err := s.Counterparty(context.Background(), "V1")
	if err != nil || c.Identifiers[0] != (store.Identifier{Type: "IMO", Value: "9116412"}) {
		t.Fatalf("V1 = %+v, %v", c, err)
	}
}

func TestImportUnclosedQuoteStops(t *testing.T) {
	s := open(t, storetest.SQLite(t))
	var b bytes.Buffer
	b.WriteString("id,name\nA,Good\nB,\"never closed\n")
	for b.Len() < parties.MaxRecordLen+200<<10 {
		b.WriteString("C,filler filler filler filler\n")
	}
	r, _ := parties.NewReader("csv", &b, "q.csv")
	sum, err := parties.Import(context.Background(), s, r, parties.Options{File: "q.csv", Actor: op})
	if err == nil || !strings.Contains(err.Error(), "quote never closed") {
		t.Fatalf("got %v, want the record-length error", err)
	}
	// Rows read before the broken one are still imported.
	if sum.Created != 1 {
		t.Fatalf("summary %+v: want the row before the broken one imported", sum)
	}
}

func TestImportHeaderErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"Empty", "", "in.csv:1: empty file"},
		{"NoID", "name\nX\n", "in.csv:1: field id: header has no id column"},
		{"Duplicate", "id,name,Name\n", `in.csv:1: field name: column "Name" appears twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parties.NewReader("csv", strings.NewReader(tc.data), "in.csv")
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// writeParties writes n generated counterparties as CSV, like a customer
// master export: varied names, a third with a date of birth and an id.
func writeParties(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,name,type,country,dob,ids,city,segment")
	countries := []string{"DE", "FR", "AE", "TR", "KZ", "AM", "CN", "US", "GB", "IT"}
	for i := range n {
		if i%3 == 0 {
			fmt.Fprintf(w, "P%07d,Person %d Example,person,%s,19%02d-0%d-1%d,passport:X%07d,City %d,retail\n",
				i, i, countries[i%10], 40+i%60, 1+i%9, i%10, i, i%1000)
		} else {
			fmt.Fprintf(w, "P%07d,Trading Company %d LLC,organisation,%s,,,City %d,industrial\n", i, i, countries[i%10], i%1000)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkImport imports b.N generated counterparties into a fresh
// database on each backend and reports rows per second. The figure for a
// million: go test -run=^$ -bench=Import -benchtime=1000000x ./internal/parties/
func BenchmarkImport(b *testing.B) {
	backends := map[string]func(testing.TB) string{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.PostgresVar) != "" {
		backends["postgres"] = storetest.Postgres
	}
	for name, dsn := range backends {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "parties.csv")
			writeParties(b, path, b.N)
			s := open(b, dsn(b))
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			b.ResetTimer()
			r, err := parties.NewReader("csv", f, path)
			if err != nil {
				b.Fatal(err)
			}
			sum, err := parties.Import(context.Background(), s, r, parties.Options{Actor: op})
			if err != nil || sum.Created != int64(b.N) {
				b.Fatalf("import: %+v, %v", sum, err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
