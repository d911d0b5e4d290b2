package telemetry

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestMiddlewareCountsByRouteTemplateAndStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		method, target string
		route          string
		labelMethod    string
		status         int
	}{
		{"a handled request", http.MethodGet, "/v1/worlds/wld_1", "/v1/worlds/:world_id", "GET", 200},
		{"a domain error from the handler", http.MethodGet, "/v1/worlds/wld_1/characters", "/v1/worlds/:world_id/characters", "GET", 404},
		{"an Echo error from the handler", http.MethodPost, "/v1/jobs/job_1/cancel", "/v1/jobs/:job_id/cancel", "POST", 409},
		{"a refusal", http.MethodGet, "/v1/limited", "/v1/limited", "GET", 429},
		{"an error after a stream started", http.MethodGet, "/v1/stream", "/v1/stream", "GET", 200},
		{"a panic", http.MethodGet, "/v1/panic", "/v1/panic", "GET", 500},
		{"a panic after the headers", http.MethodGet, "/v1/stream/panic", "/v1/stream/panic", "GET", 200},
		{"no route", http.MethodGet, "/v2/nothing/here", RouteUnmatched, "GET", 404},
		{"a method the route does not take", http.MethodDelete, "/v1/worlds/wld_1", "/v1/worlds/:world_id", "DELETE", 405},
		{"a method HTTP does not define", "BREW", "/v1/worlds/wld_1", "/v1/worlds/:world_id", methodOther, 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			traced, _ := newTelemetry(t)
			for _, tel := range []*Telemetry{newUntraced(t), traced} {
				res := serve(newEcho(tel), tc.method, tc.target, nil)
				if res.Code != tc.status {
					t.Fatalf("%s %s answered %d, want %d", tc.method, tc.target, res.Code, tc.status)
				}
				labels := map[string]string{"method": tc.labelMethod, "route": tc.route, "status": strconv.Itoa(tc.status)}
				if got := counter(t, tel, "troupe_http_requests_total", labels); got != 1 {
					t.Errorf("troupe_http_requests_total%v = %v, want 1 (tracing %v)", labels, got, tel.Tracing())
				}
				if n := len(series(t, tel, "troupe_http_requests_total")); n != 1 {
					t.Errorf("%d request series, want 1", n)
				}
				timing := map[string]string{"method": tc.labelMethod, "route": tc.route}
				if got := observations(t, tel, "troupe_http_request_duration_seconds", timing); got != 1 {
					t.Errorf("troupe_http_request_duration_seconds%v has %d observations, want 1", timing, got)
				}
			}
		})
	}
}

// The server's access log hands errors to the error handler itself and returns nil; the
// status counted must be the same wherever the middleware sits relative to it.
func TestMiddlewareStatusWithAnErrorHandlingMiddlewareInside(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	e.Use(tel.Middleware())
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	})
	e.GET("/v1/limited", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTooManyRequests) })
	serve(e, http.MethodGet, "/v1/limited", nil)
	if got := counter(t, tel, "troupe_http_requests_total", map[string]string{"method": "GET", "route": "/v1/limited", "status": "429"}); got != 1 {
		t.Errorf("429 counted %v times, want 1", got)
	}
}

func TestMiddlewareKeepsOneSeriesPerRouteWhateverTheIds(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	e := newEcho(tel)
	const n = 1000
	for i := range n {
		serve(e, http.MethodGet, fmt.Sprintf("/v1/worlds/wld_%04d", i), nil)
		serve(e, http.MethodGet, fmt.Sprintf("/junk/%d/%x", i, i*7919), nil)
	}
	for _, name := range []string{"troupe_http_requests_total", "troupe_http_request_duration_seconds"} {
		if got := len(series(t, tel, name)); got != 2 {
			t.Errorf("%s has %d series after %d distinct paths of one route and %d junk paths, want 2", name, got, n, n)
		}
	}
	if got := counter(t, tel, "troupe_http_requests_total", map[string]string{"method": "GET", "route": "/v1/worlds/:world_id", "status": "200"}); got != n {
		t.Errorf("route counted %v, want %d", got, n)
	}
	if got := counter(t, tel, "troupe_http_requests_total", map[string]string{"method": "GET", "route": RouteUnmatched, "status": "404"}); got != n {
		t.Errorf("unmatched counted %v, want %d", got, n)
	}
}

func TestMiddlewareContinuesTheCallersTrace(t *testing.T) {
	t.Parallel()
	const (
		callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerSpan  = "00f067aa0ba902b7"
	)
	tel, rec := newTelemetry(t)
	e := newEcho(tel)
	var seen string
	e.GET("/v1/characters/:character_id", func(c echo.Context) error {
		seen = TraceID(c.Request().Context())
		return c.NoContent(http.StatusNoContent)
	})
	res := serve(e, http.MethodGet, "/v1/characters/chr_1?signature=s3cret", http.Header{
		"Traceparent":  {"00-" + callerTrace + "-" + callerSpan + "-01"},
		"X-Request-Id": {"req_1"},
		"User-Agent":   {"studio-sdk/1.0"},
	})
	if res.Code != http.StatusNoContent {
		t.Fatalf("status %d", res.Code)
	}
	span := spanNamed(t, rec, "GET /v1/characters/:character_id")
	if got := span.SpanContext().TraceID().String(); got != callerTrace {
		t.Errorf("trace id %s, want the caller's %s", got, callerTrace)
	}
	if got := span.Parent().SpanID().String(); got != callerSpan || !span.Parent().IsRemote() {
		t.Errorf("parent %s (remote %v), want the caller's span %s", got, span.Parent().IsRemote(), callerSpan)
	}
	if span.SpanKind() != trace.SpanKindServer {
		t.Errorf("kind %v, want server", span.SpanKind())
	}
	if seen != callerTrace {
		t.Errorf("TraceID in the handler = %q, want %q", seen, callerTrace)
	}
	want := map[string]string{
		"http.request.method":       "GET",
		"http.route":                "/v1/characters/:character_id",
		"url.path":                  "/v1/characters/chr_1",
		"http.response.status_code": "204",
		"user_agent.original":       "studio-sdk/1.0",
	}
	for k, v := range want {
		if got, _ := attr(span, k); got != v {
			t.Errorf("attribute %s = %q, want %q", k, got, v)
		}
	}
	for _, kv := range span.Attributes() {
		if v := kv.Value.Emit(); strings.Contains(v, "s3cret") {
			t.Errorf("attribute %s = %q carries the query string", kv.Key, v)
		}
	}
}

func TestMiddlewareSpans(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		method     string
		target     string
		traceparnt string
		wantSpan   string // "" when no span may be recorded
		wantStatus codes.Code
		wantError  string
	}{
		{"a new trace", http.MethodGet, "/v1/worlds/wld_1", "", "GET /v1/worlds/:world_id", codes.Unset, ""},
		{"a caller that does not sample", http.MethodGet, "/v1/worlds/wld_1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "", codes.Unset, ""},
		{"a client error", http.MethodGet, "/v1/worlds/wld_1/characters", "", "GET /v1/worlds/:world_id/characters", codes.Unset, "world_not_found"},
		{"a server error", http.MethodGet, "/v1/panic", "", "GET /v1/panic", codes.Error, "500"},
		{"no route", http.MethodGet, "/v2/nothing", "", "GET", codes.Unset, "404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tel, rec := newTelemetry(t)
			e := newEcho(tel)
			header := http.Header{}
			if tc.traceparnt != "" {
				header.Set("Traceparent", tc.traceparnt)
			}
			serve(e, tc.method, tc.target, header)
			if tc.wantSpan == "" {
				if ended := rec.Ended(); len(ended) != 0 {
					t.Fatalf("%d spans recorded for an unsampled caller", len(ended))
				}
				return
			}
			span := spanNamed(t, rec, tc.wantSpan)
			if span.Parent().IsValid() {
				t.Errorf("a request without traceparent has parent %v", span.Parent())
			}
			if got := span.Status().Code; got != tc.wantStatus {
				t.Errorf("status %v, want %v", got, tc.wantStatus)
			}
			if got, _ := attr(span, "error.type"); got != tc.wantError {
				t.Errorf("error.type %q, want %q", got, tc.wantError)
			}
		})
	}
}

func TestMiddlewareWithTracingOffMakesNoTrace(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	e := newEcho(tel)
	seen := "unset"
	e.GET("/v1/characters/:character_id", func(c echo.Context) error {
		seen = TraceID(c.Request().Context())
		return c.NoContent(http.StatusNoContent)
	})
	serve(e, http.MethodGet, "/v1/characters/chr_1", http.Header{
		"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	})
	if seen != "" {
		t.Errorf("TraceID with tracing off = %q, want empty", seen)
	}
	if tel.Tracing() {
		t.Error("Tracing() is true without an endpoint")
	}
}

func TestUntracedRoutesAreCountedWithoutSpans(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tel, err := New(Config{UntracedRoutes: []string{"/v1/limited"}, SpanProcessors: []sdktrace.SpanProcessor{rec}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEcho(tel)
	serve(e, http.MethodGet, "/v1/limited", nil)
	serve(e, http.MethodGet, "/v1/worlds/wld_1", nil)
	if got := counter(t, tel, "troupe_http_requests_total", map[string]string{"method": "GET", "route": "/v1/limited", "status": "429"}); got != 1 {
		t.Errorf("untraced route counted %v times, want 1", got)
	}
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
	}
	if len(names) != 1 || names[0] != "GET /v1/worlds/:world_id" {
		t.Errorf("spans %q, want only the traced route's", names)
	}
}
