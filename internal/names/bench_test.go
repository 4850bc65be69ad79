package names

import (
	"bufio"
	"os"
	"sync"
	"testing"
)

var benchNames = sync.OnceValue(func() []string {
	f, err := os.Open("testdata/bench_names.txt")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
})

// BenchmarkAnalyze analyses real list names: OFAC SDN (Latin, persons and
// companies), UN Arabic and Cyrillic original-script names, and Russian
// company names. One op is one name.
func BenchmarkAnalyze(b *testing.B) {
	names := benchNames()
	Analyze("warm up", Any)
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		Analyze(names[i%len(names)], Any)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkAnalyzeParallel(b *testing.B) {
	names := benchNames()
	Analyze("warm up", Any)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			Analyze(names[i%len(names)], Any)
			i++
		}
	})
}

func BenchmarkLatin(b *testing.B) {
	names := benchNames()
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		Latin(names[i%len(names)])
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkKey(b *testing.B) {
	words := []string{"mohammad", "abdollah", "vladimirovich", "putin", "damavandiyan", "ghasem"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Key(words[i%len(words)])
	}
}

// BenchmarkLoadTables measures parsing the generated phrase table, the
// one-time cost paid by the first Analyze.
func BenchmarkLoadTables(b *testing.B) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		parseTable(tableData)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
