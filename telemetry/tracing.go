package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// tracesPath is where OTLP/HTTP collectors take traces, under their base URL.
const tracesPath = "/v1/traces"

func newTracerProvider(cfg Config, ratio float64, log *slog.Logger) (*sdktrace.TracerProvider, error) {
	// Later sources win, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the
	// configured name, as they do in every OpenTelemetry SDK.
	res, err := resource.New(context.Background(),
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(cfg.Version)),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithFromEnv(),
	)
	if errors.Is(err, resource.ErrPartialResource) {
		// A malformed OTEL_RESOURCE_ATTRIBUTES costs those attributes, not the traces.
		log.Warn("telemetry: some resource attributes are unusable", slog.Any("error", err))
	} else if err != nil {
		return nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
	}
	if cfg.OTLPEndpoint != "" {
		endpoint, err := tracesURL(cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint))
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(&loggingExporter{SpanExporter: exp, log: log, endpoint: endpoint}))
	}
	for _, p := range cfg.SpanProcessors {
		opts = append(opts, sdktrace.WithSpanProcessor(p))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

// tracesURL turns a collector's base URL into its traces URL, as the OpenTelemetry
// specification does for OTEL_EXPORTER_OTLP_ENDPOINT: the signal path is appended to the
// base path. The exporter itself would silently keep its default on a bad URL, so the URL
// is checked here.
func tracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("telemetry: OTLP endpoint %q is not an http:// or https:// URL", endpoint)
	}
	if !strings.HasSuffix(u.Path, tracesPath) {
		u.Path = strings.TrimSuffix(u.Path, "/") + tracesPath
	}
	return u.String(), nil
}

// loggingExporter logs when exporting starts failing and when it recovers, instead of
// once per batch. It swallows the error after logging it: the batch processor would only
// hand it to OpenTelemetry's global error handler, which prints to stderr.
type loggingExporter struct {
	sdktrace.SpanExporter
	log      *slog.Logger
	endpoint string
	failing  atomic.Bool
}

func (e *loggingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	switch {
	case err != nil && !e.failing.Swap(true):
		e.log.Warn("telemetry: exporting spans failed; spans are dropped until the collector answers",
			slog.String("endpoint", e.endpoint), slog.Int("spans", len(spans)), slog.Any("error", err))
	case err == nil && e.failing.Swap(false):
		e.log.Info("telemetry: exporting spans works again", slog.String("endpoint", e.endpoint))
	}
	return nil
}
