package store_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// BenchmarkRecordedWrite measures acknowledged changes: one counterparty
// put with its audit event, one committed (durable) transaction each, from
// one writer and from 16 at once (as a busy API would).
// go test -run=^$ -bench=RecordedWrite -benchtime=2000x ./internal/store/
func BenchmarkRecordedWrite(b *testing.B) {
	backends := map[string]func(testing.TB) string{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.PostgresVar) != "" {
		backends["postgres"] = storetest.Postgres
	}
	for name, dsn := range backends {
		b.Run(name+"/serial", func(b *testing.B) {
			s := open(b, dsn(b))
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				c := store.Counterparty{ExternalID: fmt.Sprintf("B-%d", i), Name: "Bench Trading LLC", Country: "AE"}
				if _, err := s.PutCounterparty(ctx, analyst, "", c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
		b.Run(name+"/parallel16", func(b *testing.B) {
			s := open(b, dsn(b))
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(8) // 8 x GOMAXPROCS(2) = 16 writers
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					c := store.Counterparty{ExternalID: fmt.Sprintf("B-%d", n.Add(1)), Name: "Bench Trading LLC", Country: "AE"}
					if _, err := s.PutCounterparty(ctx, analyst, "", c); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}
