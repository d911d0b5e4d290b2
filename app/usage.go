package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

// Prices returns the price table use is estimated with: the built-in one, with the
// entries of PRICES_FILE replacing its own.
func (c Config) Prices() (*domain.PriceTable, error) {
	if c.PricesFile == "" {
		return domain.NewPriceTable(domain.DefaultPrices), nil
	}
	raw, err := os.ReadFile(c.PricesFile)
	if err != nil {
		return nil, err
	}
	prices, err := domain.ParsePrices(raw)
	if err != nil {
		return nil, err
	}
	return domain.NewPriceTable(prices), nil
}

// newUsage builds the usage service on the store, with the configured prices.
func newUsage(cfg Config, db *store.DB) (*domain.UsageService, error) {
	prices, err := cfg.Prices()
	if err != nil {
		return nil, fmt.Errorf("PRICES_FILE: %w", err)
	}
	return &domain.UsageService{Store: db, Reader: db, Prices: prices}, nil
}

// startUsageFlush writes the in-memory request counts every interval until the returned
// stop is called; stop writes them a last time and returns once that is done.
func startUsageFlush(u *domain.UsageService, every time.Duration, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		u.Run(ctx, every, func(err error) { log.Warn("usage: writing request counts failed; kept for the next try", "error", err) })
	}()
	return func() {
		cancel()
		<-done
	}
}

// meterEngines wraps the engines so each call's use is added to the meter of its
// context (the request's or the job attempt's): tokens, characters and seconds spoken,
// seconds heard, images by size. Apply it outermost, over the test-mode engines, so what
// is metered is what actually ran. Optional interfaces the services look for
// (domain.VoiceResolver) are kept.
func meterEngines(text domain.TextModel, images domain.ImageModel, synth domain.SpeechSynth, rec domain.SpeechRecognizer) (
	domain.TextModel, domain.ImageModel, domain.SpeechSynth, domain.SpeechRecognizer) {
	return meteredText{text}, meteredImages{images}, domain.KeepResolver(meteredSynth{synth}, synth), meteredRecognizer{rec}
}

type meteredText struct{ next domain.TextModel }

func (m meteredText) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	res, err := m.next.Complete(ctx, req)
	if err == nil {
		meterText(ctx, req, res)
	}
	return res, err
}

// Stream meters a stream that broke off too (the client left, the provider failed) once
// any of it came: the provider bills what it wrote, so what came is counted, with the
// requested model.
func (m meteredText) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	// Only the request's size and model are kept through the stream, not the request:
	// a replica may hold thousands of streams waiting on the model.
	prompt, model := promptRunes(req), req.Model
	var streamed strings.Builder
	res, err := m.next.Stream(ctx, req, func(d string) error {
		streamed.WriteString(d)
		return onDelta(d)
	})
	switch {
	case err == nil:
		meterTextOf(ctx, prompt, res)
	case streamed.Len() > 0:
		partial := res
		partial.Text = streamed.String()
		if partial.Model == "" {
			partial.Model = model
		}
		partial.Usage.CompletionTokens = 0 // counted from what came, not what was promised
		meterTextOf(ctx, prompt, partial)
	}
	return res, err
}

func (m meteredText) Status(ctx context.Context) domain.DependencyHealth { return m.next.Status(ctx) }

// meterText adds a call's tokens: the provider's count, or, where it gives none, about
// one token per four characters.
func meterText(ctx context.Context, req domain.TextRequest, res domain.TextResult) {
	meterTextOf(ctx, promptRunes(req), res)
}

// promptRunes is the size of a request's prompt, the estimate of its tokens when the
// engine reports none.
func promptRunes(req domain.TextRequest) int {
	n := utf8.RuneCountInString(req.System)
	for _, msg := range req.Messages {
		n += utf8.RuneCountInString(msg.Content)
	}
	return n
}

// meterTextOf is meterText with the request's prompt measured beforehand.
func meterTextOf(ctx context.Context, promptRunes int, res domain.TextResult) {
	meter := domain.MeterFrom(ctx)
	if meter == nil {
		return
	}
	in, out := int64(res.Usage.PromptTokens), int64(res.Usage.CompletionTokens)
	if in == 0 {
		in = estimateTokens(promptRunes)
	}
	if out == 0 {
		out = estimateTokens(utf8.RuneCountInString(res.Text))
	}
	meter.Add(domain.MetricTokensIn, res.Engine, res.Model, "", in)
	meter.Add(domain.MetricTokensOut, res.Engine, res.Model, "", out)
}

// estimateTokens is ceil(chars/4), the usual rule of thumb for English text.
func estimateTokens(chars int) int64 { return int64((chars + 3) / 4) }

type meteredImages struct{ next domain.ImageModel }

func (m meteredImages) Generate(ctx context.Context, req domain.ImageRequest) (domain.ImageResult, error) {
	res, err := m.next.Generate(ctx, req)
	if err == nil {
		domain.MeterFrom(ctx).Add(domain.MetricImages, res.Engine, res.Model,
			strconv.Itoa(res.Width)+"x"+strconv.Itoa(res.Height), 1)
	}
	return res, err
}

func (m meteredImages) Status(ctx context.Context) domain.DependencyHealth { return m.next.Status(ctx) }

type meteredSynth struct{ next domain.SpeechSynth }

func (m meteredSynth) Synthesize(ctx context.Context, req domain.SpeechRequest) (domain.SpeechResult, error) {
	res, err := m.next.Synthesize(ctx, req)
	if err == nil {
		meter := domain.MeterFrom(ctx)
		meter.Add(domain.MetricTTSCharacters, res.Engine, res.Model, "", int64(utf8.RuneCountInString(req.Text)))
		meter.Add(domain.MetricTTSAudioSeconds, res.Engine, res.Model, "", res.Duration.Milliseconds())
	}
	return res, err
}

func (m meteredSynth) Voices(ctx context.Context) []domain.Voice { return m.next.Voices(ctx) }

func (m meteredSynth) Status(ctx context.Context) domain.DependencyHealth { return m.next.Status(ctx) }

type meteredRecognizer struct{ next domain.SpeechRecognizer }

func (m meteredRecognizer) Transcribe(ctx context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	res, err := m.next.Transcribe(ctx, req)
	if err == nil {
		domain.MeterFrom(ctx).Add(domain.MetricSTTAudioSeconds, res.Engine, res.Model, "", res.Duration.Milliseconds())
	}
	return res, err
}

func (m meteredRecognizer) Status(ctx context.Context) domain.DependencyHealth {
	return m.next.Status(ctx)
}
