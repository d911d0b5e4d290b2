package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// discard is an exporter that drops what it is sent, so the benchmark measures making
// and batching spans, not a network.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// BenchmarkMiddleware measures one request through a bare Echo: without the middleware,
// with metrics only (tracing off, the default), and with every request traced and
// batched for export. The differences are the middleware's cost per request.
func BenchmarkMiddleware(b *testing.B) {
	traced, err := New(Config{SpanProcessors: []sdktrace.SpanProcessor{sdktrace.NewBatchSpanProcessor(discard{})}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { traced.Shutdown(context.Background()) })
	untraced, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		tel  *Telemetry
	}{
		{"none", nil},
		{"metrics", untraced},
		{"metrics+tracing", traced},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := echo.New()
			e.Use(bc.tel.Middleware())
			e.GET("/v1/worlds/:world_id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
			req := httptest.NewRequest(http.MethodGet, "/v1/worlds/wld_01jdq3kxw2e5r7t9y1u3i5o7p9", nil)
			req.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
