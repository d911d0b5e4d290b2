package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Config says what to export and where.
type Config struct {
	// ServiceName is the service.name of every span; "troupe" when empty.
	ServiceName string
	// Version is the service.version of every span and the version label of
	// troupe_build_info.
	Version string
	// OTLPEndpoint is the base URL of an OTLP/HTTP collector, such as
	// "http://collector:4318"; spans are posted to its /v1/traces (a URL already ending in
	// /v1/traces is used as it is). Empty turns tracing off, the default. The integrator
	// fills it from the standard OTEL_EXPORTER_OTLP_ENDPOINT; it takes precedence over the
	// endpoint variables the exporter would read, while OTEL_EXPORTER_OTLP_HEADERS,
	// _TIMEOUT, _COMPRESSION and the certificate variables still apply.
	OTLPEndpoint string
	// SampleRatio is the fraction of new traces recorded, in (0, 1]; 0 (unset) means 1.
	// To record nothing, leave tracing off. A request whose traceparent carries its
	// caller's sampling decision follows it.
	SampleRatio float64
	// Logger receives export failures and queue-scrape failures; nothing when nil.
	Logger *slog.Logger
	// SpanProcessors receive every recorded span besides the OTLP exporter; any turns
	// tracing on even without an endpoint. Tests pass a tracetest.SpanRecorder.
	SpanProcessors []sdktrace.SpanProcessor
	// UntracedRoutes are route templates the middleware counts but never traces, such as
	// "/health", which load balancers call every few seconds.
	UntracedRoutes []string
}

// Telemetry holds the metric registry and the tracer provider. Its methods are safe for
// concurrent use.
type Telemetry struct {
	log        *slog.Logger
	reg        *prometheus.Registry
	handler    http.Handler
	m          metrics
	propagator propagation.TextMapPropagator
	// provider is nil when tracing is off; tracer is then a no-op tracer.
	provider *sdktrace.TracerProvider
	tracer   trace.Tracer
	untraced map[string]bool
	queue    atomic.Pointer[QueueDepth]
}

// instrumentationName names the tracer, as OpenTelemetry asks: the instrumenting package.
const instrumentationName = "github.com/troupe-ai/troupe/telemetry"

// New builds the registry (with the Go runtime and process collectors) and, when
// cfg.OTLPEndpoint or cfg.SpanProcessors is set, a tracer provider. Nothing is
// contacted: the exporter connects when it first sends.
func New(cfg Config) (*Telemetry, error) {
	ratio := cfg.SampleRatio
	if ratio == 0 {
		ratio = 1
	}
	if math.IsNaN(ratio) || ratio < 0 || ratio > 1 {
		return nil, fmt.Errorf("telemetry: sample ratio %v is not between 0 and 1", cfg.SampleRatio)
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "troupe"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := &Telemetry{
		log:        log,
		reg:        prometheus.NewRegistry(),
		propagator: propagation.TraceContext{},
		tracer:     noop.NewTracerProvider().Tracer(instrumentationName),
		untraced:   make(map[string]bool, len(cfg.UntracedRoutes)),
	}
	for _, r := range cfg.UntracedRoutes {
		t.untraced[r] = true
	}
	t.m = newMetrics(t.reg, cfg.Version)
	t.reg.MustRegister(queueCollector{t: t})
	t.handler = promhttp.InstrumentMetricHandler(t.reg, promhttp.HandlerFor(t.reg, promhttp.HandlerOpts{
		ErrorLog: promLogger{log},
		// A collector that fails (the queue callback) should cost its own series, not the
		// whole scrape.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      t.reg,
	}))
	if cfg.OTLPEndpoint != "" || len(cfg.SpanProcessors) > 0 {
		tp, err := newTracerProvider(cfg, ratio, log)
		if err != nil {
			return nil, err
		}
		t.provider = tp
		t.tracer = tp.Tracer(instrumentationName)
	}
	return t, nil
}

// Shutdown flushes the spans not yet exported and stops the exporter; spans started
// afterwards are dropped. It returns when ctx ends, if that comes first.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if t == nil || t.provider == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// Handler serves the registry in the Prometheus text format. Mount it on /metrics; it
// answers without an API key, so serve it where only the scraper can reach it.
func (t *Telemetry) Handler() http.Handler {
	if t == nil {
		return http.NotFoundHandler()
	}
	return t.handler
}

// Tracer is the tracer Troupe's own spans come from; a no-op tracer when tracing is off.
func (t *Telemetry) Tracer() trace.Tracer {
	if t == nil {
		return noop.NewTracerProvider().Tracer(instrumentationName)
	}
	return t.tracer
}

// TracerProvider is the provider behind Tracer, for libraries that take one; a no-op
// provider when tracing is off.
func (t *Telemetry) TracerProvider() trace.TracerProvider {
	if t == nil || t.provider == nil {
		return noop.NewTracerProvider()
	}
	return t.provider
}

// Tracing reports whether spans are recorded and exported.
func (t *Telemetry) Tracing() bool { return t != nil && t.provider != nil }

// TraceID returns the trace id of the span in ctx, in the 32-hex-digit W3C form, or ""
// when there is none or it is not sampled (so a log line never names a trace no collector
// has).
func TraceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsSampled() {
		return ""
	}
	return sc.TraceID().String()
}

// promLogger gives promhttp's error log to slog.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) {
	l.log.Warn("telemetry: serving metrics", slog.String("error", fmt.Sprint(v...)))
}
