package messages

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batchMT103 is n MT103s one after the other, each with its own reference
// and beneficiary, as a bank's outgoing batch file holds them.
func batchMT103(tb testing.TB, n int) []byte {
	data, err := os.ReadFile(filepath.Join(examplesDir, "mt103-listed-beneficiary.fin"))
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	for i := range n {
		m := strings.Replace(string(data), "CP26-PAY-0311", fmt.Sprintf("CP26-PAY-%04d", i), 1)
		m = strings.Replace(m, "SHENZHEN JIASIBO TECHNOLOGY CO LTD", fmt.Sprintf("SUPPLIER NUMBER %d TRADING LTD", i%200), 1)
		b.WriteString(m)
	}
	return []byte(b.String())
}

// BenchmarkParseMT103 parses a batch of 1,000 MT103s per iteration.
func BenchmarkParseMT103(b *testing.B) {
	data := batchMT103(b, 1000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		docs, errs := ParseMT(data, "batch.fin")
		if len(errs) > 0 || len(docs) != 1000 {
			b.Fatalf("%d documents, %v", len(docs), errs)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkScanMT103 screens parsed MT103s (every party and bank against
// the bundled lists, goods and route rules), one at a time on one core:
// with the checker's screening cache as chokepoint scan uses it (a batch
// names the same banks and customers again and again), and without.
func BenchmarkScanMT103(b *testing.B) {
	docs, errs := ParseMT(batchMT103(b, 1000), "batch.fin")
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	ctx := context.Background()
	for _, cache := range []int{10000, 0} {
		for _, text := range []bool{false, true} {
			b.Run(fmt.Sprintf("cache=%d/text=%v", cache, text), func(b *testing.B) {
				c := realChecker(b)
				c.SetCache(cache)
				// The free-text scanner's index is built before the timing,
				// as chokepoint scan builds it once per run.
				sc := realScreener(b)
				sc.Scanner.Prepare()
				sc = &Screener{Checker: c, Scanner: sc.Scanner, Lists: sc.Lists}
				i := 0
				for b.Loop() {
					var err error
					if text {
						_, err = sc.Screen(ctx, docs[i%len(docs)])
					} else {
						_, err = Screen(ctx, c, docs[i%len(docs)])
					}
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// BenchmarkScanText5KB is the text path of chokepoint scan: 5 KB of news
// text (the drone-procurement example, then ordinary paragraphs full of
// made-up names) scanned, graded into findings and a decision.
func BenchmarkScanText5KB(b *testing.B) {
	ex, err := os.ReadFile(filepath.Join(examplesDir, "drone-procurement-news.txt"))
	if err != nil {
		b.Fatal(err)
	}
	ord, err := os.ReadFile(filepath.Join("..", "scan", "testdata", "ordinary.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text := (string(ex) + "\n" + string(ord))[:5000]
	sc := realScreener(b)
	sc.Scanner.Prepare()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := sc.ScanText(context.Background(), "news.txt", FormatText, text)
		if err != nil || res.Report.Decision != "review" {
			b.Fatal(err, res.Report.Decision)
		}
	}
}
