package review_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// benchBackends runs fn on SQLite and, when configured, PostgreSQL.
func benchBackends(b *testing.B, fn func(b *testing.B, dsn string)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.Postgres(b)) })
}

// benchParties stores n counterparties, one in ten a namesake of the
// listed person, and returns their newest versions.
func benchParties(b *testing.B, st *store.Store, n int) []store.CounterpartyVersion {
	ctx := context.Background()
	err := st.Write(ctx, store.Operator(), "bench", func(tx *store.Tx) error {
		for i := range n {
			c := store.Counterparty{ExternalID: fmt.Sprintf("CP%07d", i), Type: "organisation",
				Name: fmt.Sprintf("Trading Company %d Ltd", i), Country: "DE"}
			if i%10 == 0 {
				c = store.Counterparty{ExternalID: c.ExternalID, Type: "person", Name: "Reza Khalili", DOB: "1965-03-04"}
			}
			if _, err := tx.PutCounterparty(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	out := make([]store.CounterpartyVersion, n)
	for i := range out {
		if out[i], err = st.Counterparty(ctx, fmt.Sprintf("CP%07d", i)); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

// BenchmarkRecordScreening measures recorded screenings per second: each
// op screens one counterparty and stores the screening, its hits and any
// alert with their audit events. "single" commits each screening on its
// own (an API call with record: true), "parallel16" the same from 16
// goroutines at once; "batch100" commits a hundred at a
// time (parties screen --all).
func BenchmarkRecordScreening(b *testing.B) {
	benchBackends(b, func(b *testing.B, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		svc := review.New(st, review.DefaultConfig())
		eng := match.New(datasets("1965-03-04"))
		actor := store.Actor{Name: "ian", Role: "integration"}
		parties := benchParties(b, st, 2000)
		b.Run("single", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := svc.ScreenCounterparty(ctx, actor, "", eng, parties[i%len(parties)].ExternalID, review.CauseOnDemand); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screenings/s")
		})
		// parallel is many API requests with record: true at once, each
		// its own write.
		b.Run("parallel16", func(b *testing.B) {
			var next atomic.Int64
			b.SetParallelism(8) // 16 writers on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(next.Add(1))
					if _, err := svc.ScreenCounterparty(ctx, actor, "", eng, parties[i%len(parties)].ExternalID, review.CauseOnDemand); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screenings/s")
		})
		b.Run("batch100", func(b *testing.B) {
			var scs []store.Screening
			var vs []store.CounterpartyVersion
			flush := func() {
				if _, err := svc.RecordBatch(ctx, actor, "", scs, vs); err != nil {
					b.Fatal(err)
				}
				scs, vs = scs[:0], vs[:0]
			}
			i := 0
			for b.Loop() {
				cv := parties[i%len(parties)]
				sc, err := svc.PrepareCounterparty(eng, cv, review.CauseOnDemand)
				if err != nil {
					b.Fatal(err)
				}
				scs, vs = append(scs, sc), append(vs, cv)
				if len(scs) == 100 {
					flush()
				}
				i++
			}
			if len(scs) > 0 {
				flush()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "screenings/s")
		})
	})
}

// BenchmarkListAlerts lists a page of 50 alerts with each filter from
// 100,000 stored alerts.
func BenchmarkListAlerts(b *testing.B) {
	benchBackends(b, func(b *testing.B, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		const n = 100_000
		rng := rand.New(rand.NewPCG(1, 2))
		now := time.Now()
		for start := 0; start < n; start += 5000 {
			err := st.Write(ctx, store.Operator(), "bench", func(tx *store.Tx) error {
				for i := start; i < start+5000; i++ {
					a := store.Alert{SubjectKind: "counterparty", SubjectID: fmt.Sprintf("CP%07d", i),
						Status: store.AlertStatuses[rng.IntN(len(store.AlertStatuses))], Priority: 1 + rng.IntN(4),
						Assignee: fmt.Sprintf("user%02d", rng.IntN(20)), DueAt: now.Add(time.Duration(rng.IntN(1000)) * time.Hour)}
					if err := tx.CreateAlert(ctx, &a); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		filters := map[string]store.AlertFilter{
			"all":             {},
			"open":            {Open: true},
			"status":          {Status: store.AlertInReview},
			"assignee":        {Assignee: "user07"},
			"assignee+status": {Assignee: "user07", Status: store.AlertOpen},
			"priority":        {Priority: 1},
			"status+priority": {Status: store.AlertEscalated, Priority: 2},
			"counterparty":    {SubjectID: "CP0050000"},
		}
		for _, name := range []string{"all", "open", "status", "assignee", "assignee+status", "priority", "status+priority", "counterparty"} {
			f := filters[name]
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					as, err := st.Alerts(ctx, f)
					if err != nil || len(as) == 0 {
						b.Fatalf("%d alerts, %v", len(as), err)
					}
				}
			})
		}
	})
}
