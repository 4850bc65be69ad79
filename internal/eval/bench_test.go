package eval_test

import (
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// BenchmarkScreenNegatives screens made-up customers (name, date of birth,
// nationality, gender) against all bundled lists, one query per op.
func BenchmarkScreenNegatives(b *testing.B) {
	e := bundledB(b)
	rows := readRowsB(b, shared(b, "data/eval/yente-candidate-benchmark/negatives_us.csv"))
	qs := make([]match.Query, 0, len(rows))
	for _, r := range rows {
		q := match.Query{Name: r["full_name"], Type: entity.Person, DOB: r["date_of_birth"], Country: country.Code(r["nationality"]), Gender: r["gender"]}
		qs = append(qs, q)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := e.Screen(qs[i%len(qs)], match.Options{Limit: 10}); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
}
