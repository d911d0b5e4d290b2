package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/troupe-ai/troupe/domain"
)

func TestStartSpan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		err       error
		status    codes.Code
		errorType string
	}{
		{"success", nil, codes.Unset, ""},
		{"a miss", fmt.Errorf("get world: %w", domain.ErrNotFound), codes.Unset, "internal_error"},
		{"a failure", domain.Errorf(domain.CodeInternal, "disk full"), codes.Error, "internal_error"},
		{"a cancellation", context.Canceled, codes.Unset, OutcomeCanceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tel, rec := newTelemetry(t)
			ctx, parent := tel.Tracer().Start(t.Context(), "request")
			_, end := tel.StartSpan(ctx, "store.GetWorld", attribute.String("db.collection.name", "worlds"))
			end(tc.err)
			parent.End()
			s := spanNamed(t, rec, "store.GetWorld")
			if s.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Error("the span is not a child of the span in ctx")
			}
			if got, _ := attr(s, "db.collection.name"); got != "worlds" {
				t.Errorf("attributes lost: %v", s.Attributes())
			}
			if s.Status().Code != tc.status {
				t.Errorf("status %v, want %v", s.Status().Code, tc.status)
			}
			if got, _ := attr(s, "error.type"); got != tc.errorType {
				t.Errorf("error.type %q, want %q", got, tc.errorType)
			}
			if s.Status().Description == "disk full" {
				t.Error("the error's message was recorded")
			}
		})
	}
}

func TestStartSpanWithTracingOffReturnsTheContext(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	ctx := t.Context()
	got, end := tel.StartSpan(ctx, "store.GetWorld")
	end(nil)
	if got != ctx {
		t.Error("StartSpan with tracing off made a new context")
	}
}

func TestLogHandlerAddsTheTraceOfTheContext(t *testing.T) {
	t.Parallel()
	tel, _ := newTelemetry(t)
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx, span := tel.Tracer().Start(t.Context(), "request")
	defer span.End()
	log.InfoContext(ctx, "inside")
	log.Info("outside")

	dec := json.NewDecoder(&buf)
	var inside, outside map[string]any
	if err := dec.Decode(&inside); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&outside); err != nil {
		t.Fatal(err)
	}
	if inside["trace_id"] != TraceID(ctx) || inside["span_id"] != span.SpanContext().SpanID().String() || inside["component"] != "test" {
		t.Errorf("record inside the span = %v, want its trace_id %s", inside, TraceID(ctx))
	}
	if _, ok := outside["trace_id"]; ok {
		t.Errorf("record without a context carries a trace: %v", outside)
	}
}
