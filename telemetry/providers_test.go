package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/troupe-ai/troupe/domain"
)

// engine is a fake of every engine interface: each call fails with err, or with the
// context's error once it is done.
type engine struct {
	err    error
	deltas []string
}

func (f engine) fail(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.err
}

func (f engine) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	if err := f.fail(ctx); err != nil {
		return domain.TextResult{}, err
	}
	return domain.TextResult{Text: "Morning!", Engine: "fake", Model: req.Model, Usage: domain.Usage{PromptTokens: 12, CompletionTokens: 3}}, nil
}

func (f engine) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	for _, d := range f.deltas {
		if err := onDelta(d); err != nil {
			return domain.TextResult{}, fmt.Errorf("fake stream: %w", err)
		}
	}
	return f.Complete(ctx, req)
}

func (f engine) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	return domain.ImageResult{Data: []byte("png"), Model: req.Model}, f.fail(ctx)
}

func (f engine) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	return domain.SpeechResult{Data: []byte("wav"), VoiceID: req.VoiceID}, f.fail(ctx)
}

func (f engine) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	return domain.Transcript{Text: "hello"}, f.fail(ctx)
}

func (f engine) Voices(context.Context) []domain.Voice { return []domain.Voice{{ID: "en-1"}} }

func (f engine) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "fake", Detail: "passed through"}
}

// calls runs one call of each kind through tel's wrappers of e.
func calls(tel *Telemetry, e engine) map[string]func(context.Context) error {
	text := tel.InstrumentText(e, "fake")
	return map[string]func(context.Context) error{
		"text.complete": func(ctx context.Context) error {
			_, err := text.Complete(ctx, domain.TextRequest{Task: domain.TaskDialogue, Model: "rules-v1"})
			return err
		},
		"text.stream": func(ctx context.Context) error {
			_, err := text.Stream(ctx, domain.TextRequest{Model: "rules-v1"}, func(string) error { return nil })
			return err
		},
		"image.generate": func(ctx context.Context) error {
			_, err := tel.InstrumentImage(e, "fake").Generate(ctx, domain.ImageRequest{Kind: domain.ImageAvatar, Model: domain.ImageModelDev})
			return err
		},
		"tts.synthesize": func(ctx context.Context) error {
			_, err := tel.InstrumentSynth(e, "fake").Synthesize(ctx, domain.SpeechRequest{Text: "Morning!", VoiceID: "en-1"})
			return err
		},
		"stt.transcribe": func(ctx context.Context) error {
			_, err := tel.InstrumentRecognizer(e, "fake").Transcribe(ctx, domain.TranscribeRequest{Audio: []byte("RIFF")})
			return err
		},
	}
}

var kindOf = map[string]string{
	"text.complete": KindText, "text.stream": KindText, "image.generate": KindImage,
	"tts.synthesize": KindTTS, "stt.transcribe": KindSTT,
}

func TestProviderCallsAreCountedByOutcome(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name       string
		ctx        context.Context
		err        error
		outcome    string
		spanStatus codes.Code
	}{
		{"success", context.Background(), nil, OutcomeOK, codes.Unset},
		{"a timeout", context.Background(), domain.Errorf(domain.CodeProviderTimeout, "slow"), "provider_timeout", codes.Error},
		{"a wrapped provider error", context.Background(), fmt.Errorf("calling: %w", domain.Errorf(domain.CodeFalServiceError, "down")), "fal_service_error", codes.Error},
		{"an error that is no domain error", context.Background(), errors.New("boom"), "internal_error", codes.Error},
		{"a caller that gave up", canceled, nil, OutcomeCanceled, codes.Unset},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tel, rec := newTelemetry(t)
			for name, call := range calls(tel, engine{err: tc.err}) {
				if err := call(tc.ctx); (err == nil) != (tc.outcome == OutcomeOK) {
					t.Fatalf("%s returned %v", name, err)
				}
				span := spanNamed(t, rec, name)
				if span.SpanKind() != trace.SpanKindClient {
					t.Errorf("%s: span kind %v, want client", name, span.SpanKind())
				}
				if got := span.Status().Code; got != tc.spanStatus {
					t.Errorf("%s: span status %v, want %v", name, got, tc.spanStatus)
				}
				if got, _ := attr(span, "error.type"); tc.outcome != OutcomeOK && got != tc.outcome {
					t.Errorf("%s: error.type %q, want %q", name, got, tc.outcome)
				}
			}
			for _, kind := range []string{KindText, KindImage, KindTTS, KindSTT} {
				// Complete and Stream are both text calls.
				want := 1
				if kind == KindText {
					want = 2
				}
				labels := map[string]string{"kind": kind, "engine": "fake", "outcome": tc.outcome}
				if got := counter(t, tel, "troupe_provider_calls_total", labels); got != float64(want) {
					t.Errorf("troupe_provider_calls_total%v = %v, want %d", labels, got, want)
				}
				timing := map[string]string{"kind": kind, "engine": "fake"}
				if got := observations(t, tel, "troupe_provider_call_duration_seconds", timing); got != uint64(want) {
					t.Errorf("troupe_provider_call_duration_seconds%v has %d observations, want %d", timing, got, want)
				}
			}
			if got := len(series(t, tel, "troupe_provider_calls_total")); got != 4 {
				t.Errorf("%d call series, want one per kind", got)
			}
		})
	}
}

// A consumer that stops a stream (a client that went away, moderation that ended the
// line) has not seen the engine fail.
func TestStreamStoppedByItsConsumerIsCanceled(t *testing.T) {
	t.Parallel()
	tel, rec := newTelemetry(t)
	text := tel.InstrumentText(engine{deltas: []string{"Morn", "ing!"}}, "fake")
	stop := errors.New("client gone")
	_, err := text.Stream(t.Context(), domain.TextRequest{}, func(string) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Stream returned %v, want the consumer's error", err)
	}
	if got := counter(t, tel, "troupe_provider_calls_total", map[string]string{"kind": KindText, "engine": "fake", "outcome": OutcomeCanceled}); got != 1 {
		t.Errorf("canceled streams = %v, want 1", got)
	}
	span := spanNamed(t, rec, "text.stream")
	if span.Status().Code == codes.Error {
		t.Error("a stream its consumer stopped is marked failed")
	}
	if len(span.Events()) != 1 || span.Events()[0].Name != "first_delta" {
		t.Errorf("events %v, want one first_delta", span.Events())
	}
}

func TestProviderSpansNestUnderTheRequestSpan(t *testing.T) {
	t.Parallel()
	tel, rec := newTelemetry(t)
	e := newEcho(tel)
	text := tel.InstrumentText(engine{}, "local")
	e.POST("/v1/characters/:character_id/speak", func(c echo.Context) error {
		res, err := text.Complete(c.Request().Context(), domain.TextRequest{Task: domain.TaskDialogue, Model: "rules-v1", MaxTokens: 80})
		if err != nil {
			return err
		}
		return c.String(http.StatusOK, res.Text)
	})
	serve(e, http.MethodPost, "/v1/characters/chr_1/speak", http.Header{
		"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	})
	server := spanNamed(t, rec, "POST /v1/characters/:character_id/speak")
	client := spanNamed(t, rec, "text.complete")
	if client.Parent().SpanID() != server.SpanContext().SpanID() {
		t.Errorf("engine span's parent %s, want the request span %s", client.Parent().SpanID(), server.SpanContext().SpanID())
	}
	if client.SpanContext().TraceID() != server.SpanContext().TraceID() {
		t.Error("engine span is in another trace")
	}
	want := map[string]string{
		"troupe.engine": "local", "gen_ai.request.model": "rules-v1", "gen_ai.response.model": "rules-v1",
		"gen_ai.request.max_tokens": "80", "gen_ai.usage.input_tokens": "12", "gen_ai.usage.output_tokens": "3",
		"troupe.text.task": "dialogue",
	}
	for k, v := range want {
		if got, _ := attr(client, k); got != v {
			t.Errorf("attribute %s = %q, want %q", k, got, v)
		}
	}
}

func TestProviderWrappersPassStatusAndVoicesThrough(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	ctx := t.Context()
	statuses := map[string]domain.DependencyHealth{
		"text":  tel.InstrumentText(engine{}, "fake").Status(ctx),
		"image": tel.InstrumentImage(engine{}, "fake").Status(ctx),
		"tts":   tel.InstrumentSynth(engine{}, "fake").Status(ctx),
		"stt":   tel.InstrumentRecognizer(engine{}, "fake").Status(ctx),
	}
	for kind, st := range statuses {
		if st.Detail != "passed through" {
			t.Errorf("%s Status = %+v, want the engine's", kind, st)
		}
	}
	if v := tel.InstrumentSynth(engine{}, "fake").Voices(ctx); len(v) != 1 || v[0].ID != "en-1" {
		t.Errorf("Voices = %v, want the engine's", v)
	}
	if got := series(t, tel, "troupe_provider_calls_total"); len(got) != 0 {
		t.Errorf("Status and Voices were counted as calls: %v", got)
	}
}

// resolver is an engine that resolves voice ids it does not list.
type resolver struct{ engine }

func (resolver) Resolve(id string) (domain.Voice, error) { return domain.Voice{ID: id}, nil }

func TestInstrumentSynthKeepsTheVoiceResolver(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	if _, ok := tel.InstrumentSynth(engine{}, "local").(domain.VoiceResolver); ok {
		t.Error("the wrapper of an engine without a resolver is a VoiceResolver")
	}
	r, ok := tel.InstrumentSynth(resolver{}, "fal").(domain.VoiceResolver)
	if !ok {
		t.Fatal("the wrapper hides the engine's VoiceResolver")
	}
	if v, err := r.Resolve("af_heart"); err != nil || v.ID != "af_heart" {
		t.Errorf("Resolve = %+v, %v", v, err)
	}
}
