package match_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// synthetic returns a dataset of n made-up entities built from the words
// of real SDN names: persons from given and family names, organisations
// from organisation words, in the SDN's mix of types. The same seed gives
// the same list, so growth figures can be reproduced.
func synthetic(sdn *entity.Dataset, n int, seed uint64) *entity.Dataset {
	var given, family, orgWords []string
	for _, e := range sdn.Entities {
		switch e.Type {
		case entity.Person:
			last, first, ok := strings.Cut(e.Name, ", ")
			if !ok {
				continue
			}
			family = append(family, last)
			given = append(given, strings.Fields(first)...)
		case entity.Organization:
			orgWords = append(orgWords, strings.Fields(e.Name)...)
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	ds := &entity.Dataset{Source: "synthetic", Version: fmt.Sprintf("seed-%d-n-%d", seed, n)}
	for i := 0; i < n; i++ {
		id := fmt.Sprint(i)
		e := &entity.Entity{ID: "synthetic:" + id, Source: "synthetic", SourceID: id}
		if r.IntN(2) == 0 {
			e.Type = entity.Person
			e.Name = pick(family) + ", " + pick(given)
			if r.IntN(2) == 0 {
				e.Name += " " + pick(given)
			}
			e.BirthDates = []entity.Date{{Year: 1940 + r.IntN(60), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}}
		} else {
			e.Type = entity.Organization
			words := make([]string, 2+r.IntN(3))
			for k := range words {
				words[k] = pick(orgWords)
			}
			e.Name = strings.Join(words, " ")
		}
		e.Names = []entity.Name{{Full: e.Name, Kind: entity.NamePrimary, Quality: entity.Strong}}
		if r.IntN(3) == 0 {
			e.Names = append(e.Names, entity.Name{Full: pick(family) + " " + pick(given), Kind: entity.NameAlias, Quality: entity.Strong})
		}
		ds.Entities = append(ds.Entities, e)
	}
	return ds
}

// BenchmarkScale measures how building the index, its memory and the
// screening throughput grow with the list: the bundled lists alone, then
// with a synthetic list 10 and 60 times the size of OFAC SDN added. Run
// it with -benchtime=1x; each op screens 20,000 made-up customers on all
// cores.
func BenchmarkScale(b *testing.B) {
	cat, err := lists.Open("", lists.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sdn, ok := cat.Dataset("us_ofac_sdn")
	if !ok {
		b.Fatal("no OFAC SDN in the bundle")
	}
	rows, err := eval.ReadCSV(sharedtest.Path(b, eval.NegativesFile))
	if err != nil {
		b.Fatal(err)
	}
	queries := make([]match.Query, 0, 20000)
	for _, r := range rows[:min(20000, len(rows))] {
		queries = append(queries, match.Query{Name: r["full_name"], Type: entity.Person, DOB: r["date_of_birth"]})
	}
	for _, factor := range []int{0, 10, 60} {
		b.Run(fmt.Sprintf("x%d", factor), func(b *testing.B) {
			ds := cat.Datasets()
			if factor > 0 {
				ds = append(ds, synthetic(sdn, factor*len(sdn.Entities), 42))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			e := match.New(ds)
			build := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ResetTimer()
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				screenAll(b, e, queries)
				elapsed += time.Since(t0)
			}
			st := e.Stats()
			b.ReportMetric(float64(st.Entities), "entities")
			b.ReportMetric(build.Seconds(), "build-s")
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MB")
			b.ReportMetric(float64(len(queries)*b.N)/elapsed.Seconds(), "names/s")
			runtime.KeepAlive(e)
		})
	}
}

func screenAll(b *testing.B, e *match.Engine, qs []match.Query) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(qs); i += workers {
				if _, err := e.Screen(qs[i], match.Options{}); err != nil {
					b.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
}

// BenchmarkGCWithIndex measures one full garbage collection while the
// bundled lists and their index are live: marking them is what a busy
// server pays on every collection cycle, every few seconds under load,
// and what its requests wait behind. Run it with GOMAXPROCS=1 for the
// CPU time of the mark.
func BenchmarkGCWithIndex(b *testing.B) {
	cat, err := lists.Open("", lists.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := match.New(cat.Datasets())
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for b.Loop() {
		runtime.GC()
	}
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
	runtime.KeepAlive(e)
}
