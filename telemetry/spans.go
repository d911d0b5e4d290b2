package telemetry

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/troupe-ai/troupe/domain"
)

// StartSpan starts an internal span named name, a child of the span in ctx, for a store
// or queue call, and returns the context to make the call with and the function that ends
// the span with the call's error. When tracing is off it returns ctx and a function that
// does nothing, at no cost.
//
//	ctx, end := tel.StartSpan(ctx, "store.GetWorld")
//	w, err := s.next.GetWorld(ctx, space, id)
//	end(err)
//
// An error is recorded by its domain code only, in lower case; domain.ErrNotFound and a
// canceled context do not mark the span failed.
func (t *Telemetry) StartSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, func(error)) {
	if !t.Tracing() {
		return ctx, func(error) {}
	}
	ctx, span := t.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	return ctx, func(err error) {
		if err != nil {
			failSpan(ctx, span, err)
		}
		span.End()
	}
}

// failSpan records err on span as error.type and, unless it is an expected miss or a
// cancellation, as the span's error status. The message is never recorded: engine and
// store errors can quote prompts or rows.
func failSpan(ctx context.Context, span trace.Span, err error) {
	outcome := outcomeOf(ctx, err)
	span.SetAttributes(attribute.String("error.type", outcome))
	if outcome == OutcomeCanceled || errors.Is(err, domain.ErrNotFound) {
		return
	}
	span.SetStatus(codes.Error, outcome)
}
