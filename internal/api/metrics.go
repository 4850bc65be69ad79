package api

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus series.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	queries  prometheus.Counter
	matches  prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, eng *Engine) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chokepoint_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chokepoint_http_request_duration_seconds",
			Help: "HTTP request latency by route.",
			// Screening answers in about a millisecond; the buckets
			// resolve the 5 ms target and still see slow outliers.
			Buckets: []float64{.0001, .00025, .0005, .001, .002, .005, .01, .025, .05, .1, .25, 1, 5},
		}, []string{"route"}),
		queries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chokepoint_queries_screened_total",
			Help: "Queries screened through the API.",
		}),
		matches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chokepoint_matches_total",
			Help: "Results at or above the threshold returned by the API.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.queries, m.matches, listCollector{eng})
	return m
}

func (m *metrics) handler(s *server) http.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
	return h.ServeHTTP
}

type slogPrinter struct{ s *server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics", "error", v) }

// listCollector reports the lists of the current engine at scrape time,
// so that a swap shows at the next scrape.
type listCollector struct{ eng *Engine }

var listDesc = prometheus.NewDesc("chokepoint_list_records",
	"Records of each list version the engine screens against.",
	[]string{"source", "version", "published"}, nil)

var loadedDesc = prometheus.NewDesc("chokepoint_engine_loaded_timestamp_seconds",
	"When the current engine was swapped in, as a Unix time.", nil, nil)

func (c listCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- listDesc
	ch <- loadedDesc
}

func (c listCollector) Collect(ch chan<- prometheus.Metric) {
	l := c.eng.p.Load()
	if l == nil {
		return
	}
	for src, info := range l.lists {
		ch <- prometheus.MustNewConstMetric(listDesc, prometheus.GaugeValue, float64(info.Records), src, info.Version, info.Published)
	}
	ch <- prometheus.MustNewConstMetric(loadedDesc, prometheus.GaugeValue, float64(l.at.UnixNano())/1e9)
}
