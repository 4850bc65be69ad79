package review_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// benchNamedParties stores n counterparties with varied made-up names
// (two or three generated words, a company suffix for organisations),
// each with an IBAN-like account.
func benchNamedParties(b *testing.B, st *store.Store, n int) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	syl := []string{"ka", "lo", "mer", "tan", "vi", "sor", "en", "dra", "pol", "ur", "zi", "bek", "na", "rio", "gal", "ost", "hu", "lin"}
	word := func() string {
		w := ""
		for range 2 + r.IntN(2) {
			w += syl[r.IntN(len(syl))]
		}
		return string(w[0]-32) + w[1:]
	}
	suffix := []string{"GmbH", "Ltd", "SA", "LLC", "AS", "BV"}
	err := st.Write(ctx, store.Operator(), "bench", func(tx *store.Tx) error {
		for i := range n {
			c := store.Counterparty{ExternalID: fmt.Sprintf("CP%07d", i), Type: "organisation",
				Name: word() + " " + word() + " " + suffix[r.IntN(len(suffix))], Country: "DE",
				Identifiers: []store.Identifier{{Type: "iban", Value: fmt.Sprintf("DE%020d", i)}}}
			if i%2 == 0 {
				c.Type, c.Name = "person", word()+" "+word()
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
}

// BenchmarkLinkDocument measures linking one MT103 (two parties, one
// remittance text) to 10,000 registered counterparties: "build" builds
// the counterparty index first (as after any counterparty change),
// "cached" reuses it (one query checks that it is current).
func BenchmarkLinkDocument(b *testing.B) {
	benchBackends(b, func(b *testing.B, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchNamedParties(b, st, 10000)
		eng := match.New(datasets("1965-03-04"))
		scr := messages.NewScreener(orders.NewChecker(eng, orders.DefaultRules()), eng)
		docs, perrs := messages.Parse([]byte(docPayment), "pay.fin", messages.FormatMT)
		if len(perrs) > 0 {
			b.Fatal(perrs)
		}
		res, err := scr.Screen(ctx, docs[0])
		if err != nil {
			b.Fatal(err)
		}
		ref := docRef("pay.fin", []byte(docPayment))
		b.Run("build", func(b *testing.B) {
			for b.Loop() {
				if _, err := review.New(st, review.DefaultConfig()).LinkDocument(ctx, ref, res); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("cached", func(b *testing.B) {
			svc := review.New(st, review.DefaultConfig())
			if _, err := svc.LinkDocument(ctx, ref, res); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := svc.LinkDocument(ctx, ref, res); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
