package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/troupe-ai/troupe/domain"
)

// The kind label of troupe_provider_calls_total: what an engine makes.
const (
	KindText  = "text"
	KindImage = "image"
	KindTTS   = "tts"
	KindSTT   = "stt"
)

// Span attributes of engine calls, named as OpenTelemetry's generative-AI conventions
// name them where they have a name.
const (
	attrEngine        = attribute.Key("troupe.engine")
	attrRequestModel  = attribute.Key("gen_ai.request.model")
	attrResponseModel = attribute.Key("gen_ai.response.model")
	attrInputTokens   = attribute.Key("gen_ai.usage.input_tokens")
	attrOutputTokens  = attribute.Key("gen_ai.usage.output_tokens")
	attrMaxTokens     = attribute.Key("gen_ai.request.max_tokens")
)

// The model is a span attribute, never a label. Text models come from the server's
// configuration and image models from an enum of the contract, so today both are
// bounded; but the engine interfaces promise nothing about Model, and a label would turn
// any future per-request model into unbounded series. The engine label already splits
// calls by provider.

// call is one engine call being measured.
type call struct {
	t      *Telemetry
	kind   string
	engine string
	start  time.Time
	span   trace.Span
}

// startCall starts the client span of an engine call, a child of the span in ctx.
func (t *Telemetry) startCall(ctx context.Context, kind, engine, name string, attrs ...attribute.KeyValue) (context.Context, call) {
	ctx, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrEngine.String(engine)), trace.WithAttributes(attrs...))
	return ctx, call{t: t, kind: kind, engine: engine, start: time.Now(), span: span}
}

// end counts and times the call and ends its span.
func (c call) end(ctx context.Context, err error, attrs ...attribute.KeyValue) {
	c.endAs(ctx, outcomeOf(ctx, err), err, attrs...)
}

// endAs is end with the outcome label decided by the caller.
func (c call) endAs(ctx context.Context, outcome string, err error, attrs ...attribute.KeyValue) {
	c.t.m.providerCalls.WithLabelValues(c.kind, c.engine, outcome).Inc()
	c.t.m.providerDuration.WithLabelValues(c.kind, c.engine).Observe(time.Since(c.start).Seconds())
	switch {
	case outcome == OutcomeCanceled:
		c.span.SetAttributes(attribute.String("error.type", OutcomeCanceled))
	case err != nil:
		failSpan(ctx, c.span, err)
	default:
		c.span.SetAttributes(attrs...)
	}
	c.span.End()
}

func modelAttr(key attribute.Key, model string) []attribute.KeyValue {
	if model == "" {
		return nil
	}
	return []attribute.KeyValue{key.String(model)}
}

// InstrumentText wraps a text engine so Complete and Stream are counted, timed and traced
// under the engine label engine; Status passes through.
func (t *Telemetry) InstrumentText(m domain.TextModel, engine string) domain.TextModel {
	if t == nil {
		return m
	}
	return textModel{next: m, t: t, engine: engine}
}

type textModel struct {
	next   domain.TextModel
	t      *Telemetry
	engine string
}

func textAttrs(req domain.TextRequest) []attribute.KeyValue {
	attrs := append(modelAttr(attrRequestModel, req.Model), attribute.String("troupe.text.task", string(req.Task)))
	if req.MaxTokens > 0 {
		attrs = append(attrs, attrMaxTokens.Int(req.MaxTokens))
	}
	return attrs
}

func textResultAttrs(res domain.TextResult) []attribute.KeyValue {
	return append(modelAttr(attrResponseModel, res.Model),
		attrInputTokens.Int(res.Usage.PromptTokens), attrOutputTokens.Int(res.Usage.CompletionTokens))
}

func (m textModel) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	ctx, c := m.t.startCall(ctx, KindText, m.engine, "text.complete", textAttrs(req)...)
	res, err := m.next.Complete(ctx, req)
	c.end(ctx, err, textResultAttrs(res)...)
	return res, err
}

// Stream marks the first delta with a span event (the time to first token), and counts a
// stream its consumer stopped, by returning an error from onDelta, as canceled: the
// engine did not fail.
func (m textModel) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	ctx, c := m.t.startCall(ctx, KindText, m.engine, "text.stream", textAttrs(req)...)
	first := true
	var stopped error
	res, err := m.next.Stream(ctx, req, func(delta string) error {
		if first {
			first = false
			c.span.AddEvent("first_delta")
		}
		if derr := onDelta(delta); derr != nil {
			stopped = derr
			return derr
		}
		return nil
	})
	if stopped != nil && errors.Is(err, stopped) {
		c.endAs(ctx, OutcomeCanceled, err)
		return res, err
	}
	c.end(ctx, err, textResultAttrs(res)...)
	return res, err
}

func (m textModel) Status(ctx context.Context) domain.DependencyHealth { return m.next.Status(ctx) }

// InstrumentImage wraps an image engine so Generate is counted, timed and traced under
// the engine label engine; Status passes through.
func (t *Telemetry) InstrumentImage(m domain.ImageModel, engine string) domain.ImageModel {
	if t == nil {
		return m
	}
	return imageModel{next: m, t: t, engine: engine}
}

type imageModel struct {
	next   domain.ImageModel
	t      *Telemetry
	engine string
}

func (m imageModel) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	attrs := append(modelAttr(attrRequestModel, req.Model),
		attribute.String("troupe.image.kind", string(req.Kind)), attribute.String("troupe.image.style", req.Style),
		attribute.Int("troupe.image.width", req.Width), attribute.Int("troupe.image.height", req.Height))
	ctx, c := m.t.startCall(ctx, KindImage, m.engine, "image.generate", attrs...)
	res, err := m.next.Generate(ctx, req)
	c.end(ctx, err, append(modelAttr(attrResponseModel, res.Model), attribute.Int("troupe.image.bytes", len(res.Data)))...)
	return res, err
}

func (m imageModel) Status(ctx context.Context) domain.DependencyHealth { return m.next.Status(ctx) }

// InstrumentSynth wraps a speech synthesiser so Synthesize is counted, timed and traced
// under the engine label engine; Voices and Status pass through. The wrapper is a
// domain.VoiceResolver exactly when s is one.
func (t *Telemetry) InstrumentSynth(s domain.SpeechSynth, engine string) domain.SpeechSynth {
	if t == nil {
		return s
	}
	return domain.KeepResolver(synth{next: s, t: t, engine: engine}, s)
}

type synth struct {
	next   domain.SpeechSynth
	t      *Telemetry
	engine string
}

func (s synth) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	ctx, c := s.t.startCall(ctx, KindTTS, s.engine, "tts.synthesize",
		attribute.String("troupe.voice_id", req.VoiceID), attribute.String("troupe.audio.format", req.Format),
		attribute.Int("troupe.text.chars", len([]rune(req.Text))))
	res, err := s.next.Synthesize(ctx, req)
	c.end(ctx, err, append(modelAttr(attrResponseModel, res.Model),
		attribute.Float64("troupe.audio.seconds", res.Duration.Seconds()))...)
	return res, err
}

func (s synth) Voices(ctx context.Context) []domain.Voice { return s.next.Voices(ctx) }

func (s synth) Status(ctx context.Context) domain.DependencyHealth { return s.next.Status(ctx) }

// InstrumentRecognizer wraps a speech recogniser so Transcribe is counted, timed and
// traced under the engine label engine; Status passes through.
func (t *Telemetry) InstrumentRecognizer(r domain.SpeechRecognizer, engine string) domain.SpeechRecognizer {
	if t == nil {
		return r
	}
	return recognizer{next: r, t: t, engine: engine}
}

type recognizer struct {
	next   domain.SpeechRecognizer
	t      *Telemetry
	engine string
}

func (r recognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	ctx, c := r.t.startCall(ctx, KindSTT, r.engine, "stt.transcribe",
		attribute.Int("troupe.audio.bytes", len(req.Audio)), attribute.Bool("troupe.stt.phrases", len(req.Phrases) > 0))
	res, err := r.next.Transcribe(ctx, req)
	c.end(ctx, err, append(modelAttr(attrResponseModel, res.Model),
		attribute.Float64("troupe.audio.seconds", res.Duration.Seconds()))...)
	return res, err
}

func (r recognizer) Status(ctx context.Context) domain.DependencyHealth { return r.next.Status(ctx) }
