package batch

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// BenchmarkReadCSV reads the 50,000 rows of negatives_us.csv (its
// full_name column renamed name) with the CSV reader alone: the cost of
// finding records line by line and splitting them, without screening.
func BenchmarkReadCSV(b *testing.B) {
	in := sharedtest.Read(b, "data/eval/yente-candidate-benchmark/negatives_us.csv")
	in = append([]byte("name"), bytes.TrimPrefix(in, []byte("full_name"))...)
	b.SetBytes(int64(len(in)))
	var rows int
	for b.Loop() {
		rd, err := newReader(CSV, bytes.NewReader(in), "in")
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := rd.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
