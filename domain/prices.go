package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ModelPrice is what one model costs, in US dollars per unit. A zero field means that
// use of the model costs nothing (or is not known to cost anything).
type ModelPrice struct {
	// InputPerMillionTokens and OutputPerMillionTokens price text models.
	InputPerMillionTokens  float64 `json:"input_per_million_tokens,omitempty"`
	OutputPerMillionTokens float64 `json:"output_per_million_tokens,omitempty"`
	// PerThousandCharacters prices speech synthesis by the characters spoken.
	PerThousandCharacters float64 `json:"per_thousand_characters,omitempty"`
	// PerImage and PerMegapixel price image models (both apply when both are set).
	PerImage     float64 `json:"per_image,omitempty"`
	PerMegapixel float64 `json:"per_megapixel,omitempty"`
	// PerAudioMinute prices speech recognition by the minutes of audio heard.
	PerAudioMinute float64 `json:"per_audio_minute,omitempty"`
}

// DefaultPrices are the list prices the server estimates cost with unless PRICES_FILE
// replaces them. fal's are its published prices; the text models' are OpenRouter list
// prices at the time of writing and only estimates. A key ending in "/*" prices every
// model under that prefix. Local engines and models not listed cost nothing.
var DefaultPrices = map[string]ModelPrice{
	"fal-ai/flux/schnell":        {PerMegapixel: 0.003},
	"fal-ai/flux/dev":            {PerMegapixel: 0.025},
	"fal-ai/flux-general":        {PerMegapixel: 0.025},
	"fal-ai/flux-pro/v1.1":       {PerMegapixel: 0.04},
	"fal-ai/flux-pro/v1.1-ultra": {PerImage: 0.06},
	"fal-ai/kokoro/*":            {PerThousandCharacters: 0.02},
	// fal's hint for MiniMax speech.
	"fal-ai/minimax/preview/speech-2.5-hd": {PerThousandCharacters: 0.10},
	// Text models, as OpenRouter lists them (estimates).
	"google/gemini-2.5-flash":          {InputPerMillionTokens: 0.30, OutputPerMillionTokens: 2.50},
	"google/gemini-2.5-flash-lite":     {InputPerMillionTokens: 0.10, OutputPerMillionTokens: 0.40},
	"google/gemini-2.5-pro":            {InputPerMillionTokens: 1.25, OutputPerMillionTokens: 10},
	"openai/gpt-4o-mini":               {InputPerMillionTokens: 0.15, OutputPerMillionTokens: 0.60},
	"openai/gpt-4o":                    {InputPerMillionTokens: 2.50, OutputPerMillionTokens: 10},
	"anthropic/claude-3.5-haiku":       {InputPerMillionTokens: 0.80, OutputPerMillionTokens: 4},
	"anthropic/claude-sonnet-4":        {InputPerMillionTokens: 3, OutputPerMillionTokens: 15},
	"meta-llama/llama-3.1-8b-instruct": {InputPerMillionTokens: 0.02, OutputPerMillionTokens: 0.03},
}

// PriceTable prices metered use. Its zero value and nil price everything at nothing.
type PriceTable struct {
	exact    map[string]ModelPrice
	prefixes []pricePrefix // longest first
}

type pricePrefix struct {
	prefix string
	price  ModelPrice
}

// NewPriceTable returns the table of the prices given, keyed by model id ("prefix/*"
// for a family of models).
func NewPriceTable(prices map[string]ModelPrice) *PriceTable {
	t := &PriceTable{exact: map[string]ModelPrice{}}
	for model, p := range prices {
		if prefix, ok := strings.CutSuffix(model, "*"); ok {
			t.prefixes = append(t.prefixes, pricePrefix{prefix, p})
			continue
		}
		t.exact[model] = p
	}
	// Longest prefix first, so the most specific family wins; ties by name, so the
	// order never depends on the map's.
	for i := 1; i < len(t.prefixes); i++ {
		for j := i; j > 0; j-- {
			a, b := t.prefixes[j-1], t.prefixes[j]
			if len(a.prefix) > len(b.prefix) || (len(a.prefix) == len(b.prefix) && a.prefix < b.prefix) {
				break
			}
			t.prefixes[j-1], t.prefixes[j] = b, a
		}
	}
	return t
}

// ParsePrices reads a price table in DefaultPrices' JSON shape (an object of model id to
// ModelPrice) and returns DefaultPrices with its entries replaced by the file's, entry by
// entry. Unknown fields and negative or non-finite prices are refused.
func ParsePrices(data []byte) (map[string]ModelPrice, error) {
	var file map[string]ModelPrice
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("prices: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("prices: more than one JSON value")
	}
	out := make(map[string]ModelPrice, len(DefaultPrices)+len(file))
	for m, p := range DefaultPrices {
		out[m] = p
	}
	for m, p := range file {
		if strings.TrimSpace(m) == "" {
			return nil, fmt.Errorf("prices: an entry has no model id")
		}
		for _, v := range []float64{p.InputPerMillionTokens, p.OutputPerMillionTokens, p.PerThousandCharacters, p.PerImage, p.PerMegapixel, p.PerAudioMinute} {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("prices: %s: prices must be finite and not negative", m)
			}
		}
		out[m] = p
	}
	return out, nil
}

// Price returns the price of a model: its own entry, else the longest "prefix/*" entry
// it falls under, else zero.
func (t *PriceTable) Price(model string) ModelPrice {
	if t == nil {
		return ModelPrice{}
	}
	if p, ok := t.exact[model]; ok {
		return p
	}
	for _, pp := range t.prefixes {
		if strings.HasPrefix(model, pp.prefix) {
			return pp.price
		}
	}
	return ModelPrice{}
}

// nanoPerUSD is how many nano-dollars make a dollar.
const nanoPerUSD = 1e9

// Cost is the estimated cost, in nano-dollars, of quantity units of metric on the model.
// Images are priced by their size, read from detail ("WxH"). Local engines cost nothing.
func (t *PriceTable) Cost(metric UsageMetric, engine, model, detail string, quantity int64) int64 {
	if t == nil || engine == "local" || quantity <= 0 {
		return 0
	}
	p := t.Price(model)
	q := float64(quantity)
	var usd float64
	switch metric {
	case MetricTokensIn:
		usd = q * p.InputPerMillionTokens / 1e6
	case MetricTokensOut:
		usd = q * p.OutputPerMillionTokens / 1e6
	case MetricTTSCharacters:
		usd = q * p.PerThousandCharacters / 1000
	case MetricImages:
		usd = q * p.PerImage
		if w, h, ok := imageSize(detail); ok {
			usd += q * p.PerMegapixel * float64(w*h) / 1e6
		}
	case MetricSTTAudioSeconds:
		usd = q / 60000 * p.PerAudioMinute // quantity is milliseconds
	}
	return int64(math.Round(usd * nanoPerUSD))
}

// imageSize reads "WxH".
func imageSize(detail string) (w, h int64, ok bool) {
	ws, hs, found := strings.Cut(detail, "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.ParseInt(ws, 10, 32)
	h, err2 := strconv.ParseInt(hs, 10, 32)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}
