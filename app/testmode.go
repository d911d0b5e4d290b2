package app

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/local/recognition"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/telemetry"
)

// Test-mode keys always run on the local deterministic engines, whatever providers are
// configured, so a studio's CI never spends money or reaches a paid provider. Each engine
// below picks per call, by the data space of ctx (a request's principal, or the tenant a
// job runs for), so the services above them never need to know.

type testModeText struct{ live, local domain.TextModel }

func (m testModeText) pick(ctx context.Context) domain.TextModel {
	if domain.InTestMode(ctx) {
		return m.local
	}
	return m.live
}

func (m testModeText) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	return m.pick(ctx).Complete(ctx, req)
}

func (m testModeText) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	return m.pick(ctx).Stream(ctx, req, onDelta)
}

func (m testModeText) Status(ctx context.Context) domain.DependencyHealth { return m.live.Status(ctx) }

type testModeImages struct{ live, local domain.ImageModel }

func (m testModeImages) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	if domain.InTestMode(ctx) {
		return m.local.Generate(ctx, req)
	}
	return m.live.Generate(ctx, req)
}

// Status is the engine that serves ctx: the local one for test-mode work (the cache of
// identical requests keys on it), the live one otherwise (health checks).
func (m testModeImages) Status(ctx context.Context) domain.DependencyHealth {
	if domain.InTestMode(ctx) {
		return m.local.Status(ctx)
	}
	return m.live.Status(ctx)
}

type testModeSynth struct{ live, local domain.SpeechSynth }

func (m testModeSynth) pick(ctx context.Context) domain.SpeechSynth {
	if domain.InTestMode(ctx) {
		return m.local
	}
	return m.live
}

func (m testModeSynth) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	return m.pick(ctx).Synthesize(ctx, req)
}

func (m testModeSynth) Voices(ctx context.Context) []domain.Voice { return m.pick(ctx).Voices(ctx) }

// Status is the engine that serves ctx, as for images.
func (m testModeSynth) Status(ctx context.Context) domain.DependencyHealth {
	return m.pick(ctx).Status(ctx)
}

type testModeRecognizer struct{ live, local domain.SpeechRecognizer }

func (m testModeRecognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	if domain.InTestMode(ctx) {
		return m.local.Transcribe(ctx, req)
	}
	return m.live.Transcribe(ctx, req)
}

func (m testModeRecognizer) Status(ctx context.Context) domain.DependencyHealth {
	return m.live.Status(ctx)
}

// withTestMode wraps the configured engines so test-mode work runs on local ones.
// localText is the local text engine when one is already loaded (nil: load one);
// localRec is the local recognizer test-mode work transcribes with.
func withTestMode(tel *telemetry.Telemetry, localText *dialogue.Engine, localRec *recognition.Recognizer, text domain.TextModel, images domain.ImageModel,
	synth domain.SpeechSynth, rec domain.SpeechRecognizer) (domain.TextModel, domain.ImageModel, domain.SpeechSynth, domain.SpeechRecognizer, error) {
	if localText == nil {
		var err error
		if localText, err = dialogue.New(); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	localSynth := tel.InstrumentSynth(speech.New(), "local")
	// The live engine's voice resolution stays visible (fal maps the local voice ids to
	// its own).
	modeSynth := domain.KeepResolver(testModeSynth{synth, localSynth}, synth)
	return testModeText{text, tel.InstrumentText(localText, "local")}, testModeImages{images, tel.InstrumentImage(pixelart.New(), "local")},
		modeSynth, testModeRecognizer{rec, tel.InstrumentRecognizer(localRec, "local")}, nil
}
