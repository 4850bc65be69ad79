package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// text5K returns 5 KB of news text: the example paragraph, then ordinary
// paragraphs.
func text5K(b *testing.B) string {
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "texts", "drone-procurement-news.txt"))
	if err != nil {
		b.Fatal(err)
	}
	ord, err := os.ReadFile(filepath.Join("testdata", "ordinary.txt"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(ex) + "\n" + string(ord)
	return s[:5000]
}

// BenchmarkScan5KB scans 5 KB of text with listed parties, ports, goods
// and many unlisted names, against the bundled lists.
func BenchmarkScan5KB(b *testing.B) {
	sc := scanner(b)
	text := text5K(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := sc.Scan(context.Background(), text, scan.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkIndexBuild builds the scanner's index over the bundled lists
// (the engine is built once, outside the timing) and reports the heap it
// keeps.
func BenchmarkIndexBuild(b *testing.B) {
	cat, err := lists.Open("", lists.Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng := match.New(cat.Datasets())
	var keep *scan.Scanner
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		keep = scan.New(eng)
		keep.Prepare()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-heap-kept")
	runtime.KeepAlive(keep)
}
