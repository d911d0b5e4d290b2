package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/speech"
)

func TestPricesFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"replaces an entry", `{"fal-ai/flux/dev": {"per_image": 1}}`, true},
		{"unknown field", `{"fal-ai/flux/dev": {"per_picture": 1}}`, false},
		{"negative", `{"fal-ai/flux/dev": {"per_image": -1}}`, false},
		{"not JSON", `fal-ai/flux/dev=1`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "prices.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := Defaults()
			cfg.PricesFile = path
			err := cfg.Check()
			if (err == nil) != tt.ok {
				t.Fatalf("Check: %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				if !strings.Contains(err.Error(), "PRICES_FILE") {
					t.Fatalf("the error does not name PRICES_FILE: %v", err)
				}
				return
			}
			prices, err := cfg.Prices()
			if err != nil {
				t.Fatal(err)
			}
			if got := prices.Cost(domain.MetricImages, "fal", "fal-ai/flux/dev", "512x512", 2); got != 2e9 {
				t.Fatalf("a replaced price costs %d", got)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		cfg := Defaults()
		cfg.PricesFile = filepath.Join(t.TempDir(), "absent.json")
		if err := cfg.Check(); err == nil {
			t.Fatal("a missing PRICES_FILE passed")
		}
	})
}

// TestMeteredEnginesKeepVoiceResolver: the services find a wrapped engine's voice
// resolution by type, so metering must not hide it, nor invent it.
func TestMeteredEnginesKeepVoiceResolver(t *testing.T) {
	t.Parallel()
	_, _, plain, _ := meterEngines(nil, nil, speech.New(), nil)
	if _, ok := plain.(domain.VoiceResolver); ok {
		t.Fatal("a synth without voice resolution gained one")
	}
	_, _, resolving, _ := meterEngines(nil, nil, resolvingSynth{speech.New()}, nil)
	if _, ok := resolving.(domain.VoiceResolver); !ok {
		t.Fatal("the voice resolution was lost")
	}
}

type resolvingSynth struct{ domain.SpeechSynth }

func (resolvingSynth) Resolve(string) (domain.Voice, error) { return domain.Voice{}, nil }

// TestMeteredSynthesis: a synthesis adds its characters and audio, priced, to the meter
// of ctx.
func TestMeteredSynthesis(t *testing.T) {
	t.Parallel()
	_, _, synth, _ := meterEngines(nil, nil, fixedSynth{}, nil)
	m := domain.NewMeter("acme", "key_a", domain.NewPriceTable(domain.DefaultPrices), nil)
	if _, err := synth.Synthesize(domain.WithMeter(t.Context(), m), domain.SpeechRequest{Text: "Halt, who goes thére?"}); err != nil {
		t.Fatal(err)
	}
	recs, _ := m.Claim()
	got := map[domain.UsageMetric]domain.UsageRecord{}
	for _, r := range recs {
		got[r.Metric] = r
	}
	chars, audio := got[domain.MetricTTSCharacters], got[domain.MetricTTSAudioSeconds]
	if chars.Quantity != 21 || chars.CostNanoUSD != 420_000 || audio.Quantity != 1500 || chars.Model != "fal-ai/kokoro/american-english" {
		t.Fatalf("metered %+v", recs)
	}
}

type fixedSynth struct{ domain.SpeechSynth }

func (fixedSynth) Synthesize(context.Context, domain.SpeechRequest) (domain.SpeechResult, error) {
	return domain.SpeechResult{Engine: "fal", Model: "fal-ai/kokoro/american-english", Duration: 1500 * time.Millisecond}, nil
}

// TestBrokenStreamIsMetered: a stream that fails after it began still counts what came,
// priced with the requested model; one that fails before anything came counts nothing.
func TestBrokenStreamIsMetered(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		deltas  []string
		wantOut int64
	}{
		{"broke off after 16 characters", []string{"Well met, ", "friend"}, 4},
		{"failed before anything came", nil, 0},
	} {
		text, _, _, _ := meterEngines(breakingText{deltas: c.deltas}, nil, nil, nil)
		m := domain.NewMeter("acme", "key_a", domain.NewPriceTable(domain.DefaultPrices), nil)
		_, err := text.Stream(domain.WithMeter(t.Context(), m), domain.TextRequest{Model: "google/gemini-2.5-flash", System: "You are a smith."},
			func(string) error { return nil })
		if err == nil {
			t.Fatalf("%s: the stream's error was lost", c.name)
		}
		recs, _ := m.Claim()
		var out int64
		var costed bool
		for _, r := range recs {
			if r.Metric == domain.MetricTokensOut {
				out = r.Quantity
				costed = r.CostNanoUSD > 0 && r.Model == "google/gemini-2.5-flash"
			}
		}
		if out != c.wantOut || (c.wantOut > 0 && !costed) || (c.wantOut == 0 && len(recs) != 0) {
			t.Fatalf("%s: metered %+v", c.name, recs)
		}
	}
}

// breakingText streams its deltas, then fails as a provider cut off mid-answer does.
type breakingText struct {
	domain.TextModel
	deltas []string
}

func (b breakingText) Stream(_ context.Context, _ domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	for _, d := range b.deltas {
		if err := onDelta(d); err != nil {
			return domain.TextResult{}, err
		}
	}
	return domain.TextResult{}, errors.New("upstream reset")
}
