package telemetry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// collector is an OTLP/HTTP trace receiver that keeps what it is sent.
type collector struct {
	mu       sync.Mutex
	requests []collected
}

type collected struct {
	method, path, contentType string
	body                      *coltracepb.ExportTraceServiceRequest
	err                       error
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	req := &coltracepb.ExportTraceServiceRequest{}
	if err == nil {
		err = proto.Unmarshal(raw, req)
	}
	c.mu.Lock()
	c.requests = append(c.requests, collected{r.Method, r.URL.Path, r.Header.Get("Content-Type"), req, err})
	c.mu.Unlock()
	resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(resp)
}

func (c *collector) received() []collected {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]collected(nil), c.requests...)
}

func TestOTLPExporterPostsSpansWhenShutDown(t *testing.T) {
	t.Parallel()
	var col collector
	srv := httptest.NewServer(&col)
	t.Cleanup(srv.Close)
	tel, err := New(Config{ServiceName: "troupe-otlp", Version: "1.2.3", OTLPEndpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if !tel.Tracing() {
		t.Fatal("tracing is off with an endpoint")
	}
	serve(newEcho(tel), http.MethodGet, "/v1/worlds/wld_1", nil)
	if err := tel.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	got := col.received()
	if len(got) != 1 {
		t.Fatalf("collector received %d requests, want 1", len(got))
	}
	r := got[0]
	if r.method != http.MethodPost || r.path != "/v1/traces" || r.contentType != "application/x-protobuf" {
		t.Errorf("received %s %s (%s), want POST /v1/traces (application/x-protobuf)", r.method, r.path, r.contentType)
	}
	if r.err != nil {
		t.Fatalf("body is not an ExportTraceServiceRequest: %v", r.err)
	}
	var names []string
	resource := map[string]string{}
	for _, rs := range r.body.GetResourceSpans() {
		for _, kv := range rs.GetResource().GetAttributes() {
			resource[kv.GetKey()] = kv.GetValue().GetStringValue()
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				names = append(names, s.GetName())
			}
		}
	}
	if len(names) != 1 || names[0] != "GET /v1/worlds/:world_id" {
		t.Errorf("spans %q, want the request's", names)
	}
	if resource["service.name"] != "troupe-otlp" || resource["service.version"] != "1.2.3" {
		t.Errorf("resource %v does not name the service", resource)
	}
}

func TestTracesURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"http://collector:4318":              "http://collector:4318/v1/traces",
		"http://collector:4318/":             "http://collector:4318/v1/traces",
		"https://otel.example.com/otlp":      "https://otel.example.com/otlp/v1/traces",
		"https://otel.example.com/v1/traces": "https://otel.example.com/v1/traces",
	}
	for in, want := range cases {
		got, err := tracesURL(in)
		if err != nil || got != want {
			t.Errorf("tracesURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// failingExporter fails while fail is set.
type failingExporter struct {
	sdktrace.SpanExporter
	fail bool
}

func (e *failingExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	if e.fail {
		return errors.New("connection refused")
	}
	return nil
}

func TestExportFailuresAreLoggedOncePerOutage(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	inner := &failingExporter{fail: true}
	exp := &loggingExporter{SpanExporter: inner, log: slog.New(slog.NewTextHandler(&buf, nil)), endpoint: "http://collector:4318/v1/traces"}
	for _, fail := range []bool{true, true, true, false, false, true} {
		inner.fail = fail
		if err := exp.ExportSpans(t.Context(), nil); err != nil {
			t.Fatalf("ExportSpans returned %v; the failure is logged instead", err)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"exporting spans failed", "exporting spans works again", "exporting spans failed"}
	if len(lines) != len(want) {
		t.Fatalf("logged %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want it to say %q", i, lines[i], w)
		}
	}
}

// Not parallel: it sets the environment.
func TestAMalformedResourceEnvironmentKeepsTracing(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,broken")
	var buf bytes.Buffer
	rec := tracetest.NewSpanRecorder()
	tel, err := New(Config{Logger: slog.New(slog.NewTextHandler(&buf, nil)), SpanProcessors: []sdktrace.SpanProcessor{rec}})
	if err != nil {
		t.Fatalf("New failed on a malformed OTEL_RESOURCE_ATTRIBUTES: %v", err)
	}
	if !tel.Tracing() || !strings.Contains(buf.String(), "resource attributes are unusable") {
		t.Errorf("tracing %v, log %q; want tracing on and a warning", tel.Tracing(), buf.String())
	}
}
