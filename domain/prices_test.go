package domain_test

import (
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestPriceCost(t *testing.T) {
	t.Parallel()
	table := domain.NewPriceTable(domain.DefaultPrices)
	tests := []struct {
		name                  string
		metric                domain.UsageMetric
		engine, model, detail string
		quantity              int64
		want                  int64 // nano-dollars
	}{
		{"schnell by megapixel", domain.MetricImages, "fal", "fal-ai/flux/schnell", "1024x1024", 1, 3_145_728},
		{"dev two images", domain.MetricImages, "fal", "fal-ai/flux/dev", "1000x1000", 2, 50_000_000},
		{"ultra per image", domain.MetricImages, "fal", "fal-ai/flux-pro/v1.1-ultra", "2048x2048", 1, 60_000_000},
		{"kokoro family", domain.MetricTTSCharacters, "fal", "fal-ai/kokoro/british-english", "", 500, 10_000_000},
		{"minimax", domain.MetricTTSCharacters, "fal", "fal-ai/minimax/preview/speech-2.5-hd", "", 1000, 100_000_000},
		{"tokens in", domain.MetricTokensIn, "fal", "google/gemini-2.5-flash", "", 1_000_000, 300_000_000},
		{"tokens out", domain.MetricTokensOut, "fal", "google/gemini-2.5-flash", "", 1000, 2_500_000},
		{"local costs nothing", domain.MetricImages, "local", "fal-ai/flux/dev", "1000x1000", 1, 0},
		{"unknown model", domain.MetricTokensIn, "openai", "mystery", "", 1000, 0},
		{"bad size", domain.MetricImages, "fal", "fal-ai/flux/dev", "big", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := table.Cost(tt.metric, tt.engine, tt.model, tt.detail, tt.quantity); got != tt.want {
				t.Fatalf("cost %d, want %d", got, tt.want)
			}
		})
	}
}

func TestParsePrices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		ok         bool
	}{
		{"replaces an entry", `{"fal-ai/flux/dev": {"per_image": 0.5}, "my/model": {"input_per_million_tokens": 1}}`, true},
		{"empty object", `{}`, true},
		{"unknown field", `{"m": {"per_token": 1}}`, false},
		{"negative", `{"m": {"per_image": -1}}`, false},
		{"not JSON", `per_image=1`, false},
		{"two values", `{} {}`, false},
		{"empty model id", `{"": {"per_image": 1}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prices, err := domain.ParsePrices([]byte(tt.file))
			if (err == nil) != tt.ok {
				t.Fatalf("error %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			table := domain.NewPriceTable(prices)
			if got := table.Cost(domain.MetricImages, "fal", "fal-ai/flux/schnell", "1000x1000", 1); got != 3_000_000 {
				t.Fatalf("a default entry changed: %d", got)
			}
			if tt.name == "replaces an entry" {
				if got := table.Cost(domain.MetricImages, "fal", "fal-ai/flux/dev", "1000x1000", 1); got != 500_000_000 {
					t.Fatalf("the replaced entry costs %d", got)
				}
			}
		})
	}
}
