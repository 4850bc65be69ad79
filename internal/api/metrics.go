package api

import (
	"log/slog"
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

// NewRegistry returns a registry with the Go runtime and process
// collectors, the one a handler uses when [Deps] gives none.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func newMetrics(reg *prometheus.Registry, eng *Engine) *metrics {
	if reg == nil {
		reg = NewRegistry()
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

// MetricsHandler serves reg in the Prometheus text format, without auth:
// for the API handler's own /metrics route (behind its keys) and for a
// separate metrics listener given the Registry of [Deps].
func MetricsHandler(reg *prometheus.Registry, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{log}})
}

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Error("metrics", "error", v) }

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
