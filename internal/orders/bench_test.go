package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// benchOrder is an order of 50 lines and 6 parties, mixing listed and
// unlisted goods, keyword hits and a transshipment route.
func benchOrder() *Order {
	o := &Order{ID: "BENCH", Date: "2026-11-20", Route: Route{ExportCountry: "DE", DestinationCountry: "AM",
		PortOfLoading: "Hamburg", TransshipmentPorts: []string{"Poti"}, PortOfDischarge: "Poti", VesselName: "Nordic Light", VesselIMO: "9321483", PaymentOriginCountry: "AE"}}
	for i, r := range []string{RoleBuyer, RoleConsignee, RoleEndUser, RoleIntermediateConsignee, RoleFreightForwarder, RolePayer} {
		o.Parties = append(o.Parties, Party{Role: r, Name: fmt.Sprintf("Ararat Components %d Trading LLC", i), Type: "organization", City: "Yerevan", Country: "AM"})
	}
	lines := []Line{
		{Description: "32-bit microcontrollers", HSCode: "8542.31.0000", PartNumber: "STM32F405RGT6", Manufacturer: "STMicroelectronics"},
		{Description: "GNSS receiver modules", HSCode: "8526.91", PartNumber: "NEO-M8N-0-10", Manufacturer: "u-blox"},
		{Description: "Deep groove ball bearings", HSCode: "848210", PartNumber: "6204-2RS", Manufacturer: "SKF", EndUse: "pumps"},
		{Description: "Office chairs", HSCode: "9401 30", EndUse: "office"},
		{Description: "Tantalum capacitors 10uF", HSCode: "8532.21.0000"},
	}
	for i := 0; i < 50; i++ {
		l := lines[i%len(lines)]
		l.Quantity, l.UnitValue, l.Currency = float64(i+1), 2.5, "EUR"
		o.Lines = append(o.Lines, l)
	}
	return o
}

// screenCost stands in for one engine query; set it to the engine's
// measured cost per query (see BenchmarkCheck in cmd/chokepoint for the
// real engine).
const screenCost = 20 * time.Microsecond

func BenchmarkCheck(b *testing.B) {
	for _, cost := range []time.Duration{0, screenCost} {
		b.Run(fmt.Sprintf("screen=%s", cost), func(b *testing.B) {
			c := NewChecker(&fakeScreener{spin: cost}, nil)
			c.SetHistory(NewMemoryHistory())
			o := benchOrder()
			ctx := context.Background()
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := c.Check(ctx, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkBatch measures orders per second over all cores, as the batch
// command runs them (one small order each).
func BenchmarkBatch(b *testing.B) {
	c := NewChecker(&syncFake{spin: screenCost}, nil)
	c.SetHistory(NewMemoryHistory())
	o := baseOrder()
	o.Lines = benchOrder().Lines[:5]
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	var wg sync.WaitGroup
	jobs := make(chan struct{}, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if _, err := c.Check(ctx, o); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
	// orders per CPU-second: the rate on an idle machine, per core.
	b.ReportMetric(float64(b.N)/(processCPU()-cpu0).Seconds(), "orders/cpu-s")
}

// syncFake is a fakeScreener without the call counter, for parallel use.
type syncFake struct{ spin time.Duration }

func (f *syncFake) Screen(q matchQuery, opt matchOptions) ([]matchMatch, error) {
	if f.spin > 0 {
		for start := time.Now(); time.Since(start) < f.spin; {
		}
	}
	return nil, nil
}

// BenchmarkDecode reads the 50-line order of BenchmarkCheck from JSON: the
// whole decoder (the token pass that names bad fields, then encoding/json
// and validation) against encoding/json alone, the cost of the first pass.
func BenchmarkDecode(b *testing.B) {
	data, err := json.Marshal(benchOrder())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("DecodeBytes", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeBytes(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json-only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var o Order
			if err := json.Unmarshal(data, &o); err != nil {
				b.Fatal(err)
			}
		}
	})
}
