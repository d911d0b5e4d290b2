package telemetry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	dto "github.com/prometheus/client_model/go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/troupe-ai/troupe/domain"
)

// newTelemetry returns a Telemetry with tracing on, recording every span.
func newTelemetry(t testing.TB) (*Telemetry, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tel, err := New(Config{ServiceName: "troupe-test", Version: "test", SpanProcessors: []sdktrace.SpanProcessor{rec}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Shutdown(context.Background()) })
	return tel, rec
}

// newUntraced returns a Telemetry with tracing off, the default.
func newUntraced(t testing.TB) *Telemetry {
	t.Helper()
	tel, err := New(Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return tel
}

// testStatuses stands in for the server's status table.
var testStatuses = map[domain.Code]int{
	domain.CodeWorldNotFound:   http.StatusNotFound,
	domain.CodeRateLimited:     http.StatusTooManyRequests,
	domain.CodeProviderTimeout: http.StatusGatewayTimeout,
}

// errorHandler answers as the server's does: a domain error by its code's status, an Echo
// error by its own, anything else 500, and nothing once a response has started.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var de *domain.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &de):
		if s, ok := testStatuses[de.Code]; ok {
			status = s
		}
	case errors.As(err, &he):
		status = he.Code
	}
	c.JSON(status, map[string]string{"error": http.StatusText(status)})
}

// newEcho is a bare Echo with recovery outside the middleware under test, as in the
// server, and routes that answer each kind of status.
func newEcho(tel *Telemetry) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(tel.Middleware())
	e.GET("/v1/worlds/:world_id", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"id": c.Param("world_id")})
	})
	e.GET("/v1/worlds/:world_id/characters", func(c echo.Context) error {
		return domain.Errorf(domain.CodeWorldNotFound, "No world has this id.")
	})
	e.POST("/v1/jobs/:job_id/cancel", func(c echo.Context) error {
		return echo.NewHTTPError(http.StatusConflict, "not cancelable")
	})
	e.GET("/v1/limited", func(c echo.Context) error {
		return domain.Errorf(domain.CodeRateLimited, "Slow down.")
	})
	e.GET("/v1/stream", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Write([]byte("data: one\n\n"))
		return domain.Errorf(domain.CodeProviderTimeout, "The engine stopped answering.")
	})
	e.GET("/v1/panic", func(c echo.Context) error { panic("handler bug") })
	e.GET("/v1/stream/panic", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		panic("handler bug after the headers")
	})
	return e
}

// serve sends one request through h and returns the response.
func serve(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// scrape returns what /metrics serves.
func scrape(t testing.TB, tel *Telemetry) string {
	t.Helper()
	rec := serve(tel.Handler(), http.MethodGet, "/metrics", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d: %s", rec.Code, rec.Body)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// series returns the series of the metric family name, from the registry itself.
func series(t testing.TB, tel *Telemetry, name string) []*dto.Metric {
	t.Helper()
	families, err := tel.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()
		}
	}
	return nil
}

// find returns the series of name whose labels are exactly labels, or nil.
func find(t testing.TB, tel *Telemetry, name string, labels map[string]string) *dto.Metric {
	t.Helper()
	for _, m := range series(t, tel, name) {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			if v, ok := labels[l.GetName()]; !ok || v != l.GetValue() {
				match = false
			}
		}
		if match {
			return m
		}
	}
	return nil
}

// counter is the value of a counter series, 0 when it does not exist.
func counter(t testing.TB, tel *Telemetry, name string, labels map[string]string) float64 {
	t.Helper()
	return find(t, tel, name, labels).GetCounter().GetValue()
}

// observations is the number of observations of a histogram series, 0 when it does not
// exist.
func observations(t testing.TB, tel *Telemetry, name string, labels map[string]string) uint64 {
	t.Helper()
	return find(t, tel, name, labels).GetHistogram().GetSampleCount()
}

// gauge is the value of a gauge series, 0 when it does not exist.
func gauge(t testing.TB, tel *Telemetry, name string, labels map[string]string) float64 {
	t.Helper()
	return find(t, tel, name, labels).GetGauge().GetValue()
}

// spanNamed returns the one ended span called name.
func spanNamed(t testing.TB, rec *tracetest.SpanRecorder, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		var names []string
		for _, s := range rec.Ended() {
			names = append(names, s.Name())
		}
		t.Fatalf("%d spans named %q; ended spans: %q", len(found), name, names)
	}
	return found[0]
}

// attr returns the value of a span's attribute as a string, and whether it is set.
func attr(s sdktrace.ReadOnlySpan, key string) (string, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit(), true
		}
	}
	return "", false
}
