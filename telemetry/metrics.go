package telemetry

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Buckets, in seconds. Engine calls and jobs take from tens of milliseconds (local
// engines) to minutes (a queued image on a busy provider), far past Prometheus's default
// buckets, which suit the API's own requests.
var (
	providerBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120}
	jobBuckets      = []float64{0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}
)

// metrics are every metric Troupe defines itself.
type metrics struct {
	httpRequests     *prometheus.CounterVec
	httpDuration     *prometheus.HistogramVec
	streamsOpen      prometheus.Gauge
	rateLimited      *prometheus.CounterVec
	providerCalls    *prometheus.CounterVec
	providerDuration *prometheus.HistogramVec
	jobQueueWait     *prometheus.HistogramVec
	jobRun           *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, version string) metrics {
	m := metrics{
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "troupe_http_requests_total",
			Help: "HTTP requests answered, by method, route template (\"unmatched\" when no route matched) and status sent.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "troupe_http_request_duration_seconds",
			Help:    "Time from routing to the end of the response (a stream counts until it ends), by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		streamsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "troupe_sse_streams_open",
			Help: "Server-sent event streams open now.",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "troupe_rate_limit_refusals_total",
			Help: "Requests refused by a rate-limit policy, by tier and policy.",
		}, []string{"tier", "policy"}),
		providerCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "troupe_provider_calls_total",
			Help: "Engine calls, by kind (text, image, tts, stt), engine and outcome (ok, canceled, or the error code in lower case).",
		}, []string{"kind", "engine", "outcome"}),
		providerDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "troupe_provider_call_duration_seconds",
			Help:    "Duration of engine calls, whatever their outcome, by kind and engine.",
			Buckets: providerBuckets,
		}, []string{"kind", "engine"}),
		jobQueueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "troupe_job_queue_wait_seconds",
			Help:    "Time a job waited between being accepted and starting to run, by job type.",
			Buckets: jobBuckets,
		}, []string{"type"}),
		jobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "troupe_job_run_seconds",
			Help:    "Time a job ran, by job type and outcome.",
			Buckets: jobBuckets,
		}, []string{"type", "outcome"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "troupe_build_info",
		Help:        "Always 1; the version label is the running build's.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build,
		m.httpRequests, m.httpDuration, m.streamsOpen, m.rateLimited,
		m.providerCalls, m.providerDuration, m.jobQueueWait, m.jobRun,
	)
	return m
}

// TrackStream counts a server-sent event stream as open until the returned function is
// called; calling it again does nothing, so it can be both deferred and called early.
func (t *Telemetry) TrackStream() (closed func()) {
	if t == nil {
		return func() {}
	}
	t.m.streamsOpen.Inc()
	var once sync.Once
	return func() { once.Do(t.m.streamsOpen.Dec) }
}

// RateLimited counts one request refused by a rate-limit policy. Tier and policy must be
// names from the server's configuration, never anything a client chose.
func (t *Telemetry) RateLimited(tier, policy string) {
	if t == nil {
		return
	}
	t.m.rateLimited.WithLabelValues(tier, policy).Inc()
}
