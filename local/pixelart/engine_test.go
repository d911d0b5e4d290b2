package pixelart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// avatar and background return a request with the API's defaults.
func avatar(prompt string, seed int64) domain.ImageRequest {
	return domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: prompt, Style: domain.StylePixelArt,
		WorldTone: "dark fantasy medieval", Width: 512, Height: 512, Seed: seed, Model: domain.ImageModelDev,
		GuidanceScale: 7.5, Steps: 28}
}

func background(prompt string, seed int64) domain.ImageRequest {
	return domain.ImageRequest{Kind: domain.ImageBackground, Prompt: prompt, Style: domain.StylePixelArt,
		WorldTone: "dark fantasy medieval", Width: 1344, Height: 768, Seed: seed, Model: domain.ImageModelDev,
		GuidanceScale: 7.5, Steps: 28}
}

func generate(t testing.TB, req domain.ImageRequest) domain.ImageResult {
	t.Helper()
	res, err := New().Generate(context.Background(), req)
	if err != nil {
		t.Fatalf("Generate(%s %q %dx%d %s): %v", req.Kind, req.Prompt, req.Width, req.Height, req.Style, err)
	}
	return res
}

func decode(t testing.TB, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

func TestGenerateResult(t *testing.T) {
	for _, req := range []domain.ImageRequest{avatar("a tavern keeper", 42), background("a village square", 42)} {
		t.Run(string(req.Kind), func(t *testing.T) {
			res, err := New().Generate(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.ContentType != "image/png" || res.Engine != "local" || res.Model != "pixel-art-v2" ||
				res.Width != req.Width || res.Height != req.Height || res.Seed != req.Seed || res.Style != "pixel_art" {
				t.Errorf("result = %+v", res)
			}
			if res.InferenceTime <= 0 {
				t.Errorf("InferenceTime = %v, want > 0", res.InferenceTime)
			}
			if _, ok := decode(t, res.Data).(*image.Paletted); !ok {
				t.Errorf("pixel art decodes as %T, want a paletted PNG", decode(t, res.Data))
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	tests := []domain.ImageRequest{
		avatar("a grizzled dwarf with a red beard", 1),
		avatar("an elf queen", 99),
		background("snowy mountains at dawn", 1),
		background("a coast with a lighthouse at night", 7),
		background("a torchlit dungeon", 3),
	}
	for _, style := range []string{domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic} {
		a, b := avatar("a hooded thief", 5), background("a town at dusk", 5)
		a.Style, b.Style = style, style
		tests = append(tests, a, b)
	}
	// An avatar's emotion, transparency and variation are as deterministic.
	feeling := avatar("an old wizard with a long white beard", 8)
	feeling.Emotion, feeling.Transparent = domain.EmotionSurprise, true
	varied := avatar("wearing a red scarf", 9)
	varied.Source = &domain.ImageSource{Kind: domain.ImageAvatar, Prompt: "an elf ranger", Seed: 4}
	varied.Strength = 0.8
	imported := avatar("a woman with green eyes", 10)
	imported.Source = &domain.ImageSource{Kind: domain.ImageAvatar, Data: []byte("not a picture Troupe made")}
	imported.Strength = 0.5
	tests = append(tests, feeling, varied, imported)
	for i, req := range tests {
		if i >= 2 {
			// Smaller pictures from here on: the same code paths, in a fraction of the time.
			req.Width, req.Height = req.Width/2, req.Height/2
		}
		t.Run(fmt.Sprintf("%s/%s/%s", req.Kind, req.Style, req.Prompt), func(t *testing.T) {
			t.Parallel()
			first, again := generate(t, req), generate(t, req)
			if !bytes.Equal(first.Data, again.Data) {
				t.Fatal("the same request gave different bytes")
			}
			other := req
			other.Seed++
			if bytes.Equal(first.Data, generate(t, other).Data) {
				t.Error("seeds differing by one gave identical bytes")
			}
			// What the local renderer cannot use must not change the picture.
			ignored := req
			ignored.CustomStylePrompt, ignored.NegativePrompt = "oil on canvas", "blurry"
			ignored.GuidanceScale, ignored.Steps, ignored.Model = 2, 50, domain.ImageModelPro
			if !bytes.Equal(first.Data, generate(t, ignored).Data) {
				t.Error("CustomStylePrompt, NegativePrompt, GuidanceScale, Steps or Model changed the picture")
			}
		})
	}
}

func TestSizes(t *testing.T) {
	sizes := []struct {
		kind domain.ImageKind
		w, h int
	}{
		{domain.ImageAvatar, 256, 256},
		{domain.ImageAvatar, 512, 512},
		{domain.ImageAvatar, 1024, 1024},
		{domain.ImageAvatar, 257, 1023},
		{domain.ImageAvatar, 1023, 257},
		{domain.ImageAvatar, 333, 777},
		{domain.ImageAvatar, 64, 4096},
		{domain.ImageBackground, 1344, 768},
		{domain.ImageBackground, 512, 2048},
		{domain.ImageBackground, 2048, 512},
		{domain.ImageBackground, 513, 511},
		{domain.ImageBackground, 1021, 1023},
	}
	styles := []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic}
	for i, sz := range sizes {
		style := styles[i%len(styles)]
		t.Run(fmt.Sprintf("%s/%dx%d/%s", sz.kind, sz.w, sz.h, style), func(t *testing.T) {
			req := domain.ImageRequest{Kind: sz.kind, Prompt: "an old sailor by the sea", Style: style,
				Width: sz.w, Height: sz.h, Seed: int64(i)}
			res := generate(t, req)
			b := decode(t, res.Data).Bounds()
			if b.Dx() != sz.w || b.Dy() != sz.h || res.Width != sz.w || res.Height != sz.h {
				t.Errorf("got %dx%d (result says %dx%d), want %dx%d", b.Dx(), b.Dy(), res.Width, res.Height, sz.w, sz.h)
			}
		})
	}
}

func TestStyles(t *testing.T) {
	tests := []struct{ style, want string }{
		{domain.StylePixelArt, "pixel_art"},
		{"", "pixel_art"},
		{"watercolour", "pixel_art"},
		{domain.StyleAnime, "anime (local approximation)"},
		{domain.StylePainterly, "painterly (local approximation)"},
		{domain.StyleRealistic, "realistic (local approximation)"},
	}
	for _, tt := range tests {
		for _, req := range []domain.ImageRequest{avatar("a merchant", 3), background("a forest", 3)} {
			t.Run(string(req.Kind)+"/"+tt.style, func(t *testing.T) {
				req.Style, req.Width, req.Height = tt.style, 512, 512
				res := generate(t, req)
				if res.Style != tt.want {
					t.Errorf("Style = %q, want %q", res.Style, tt.want)
				}
				decode(t, res.Data)
			})
		}
	}
	// The styles really render differently.
	seen := map[string]string{}
	for _, style := range []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic} {
		req := avatar("a merchant", 3)
		req.Style = style
		sum := string(generate(t, req).Data)
		if prev, ok := seen[sum]; ok {
			t.Errorf("%s renders the same bytes as %s", style, prev)
		}
		seen[sum] = style
	}
}

func TestErrors(t *testing.T) {
	e := New()
	for _, req := range []domain.ImageRequest{
		{Kind: domain.ImageAvatar, Width: 10, Height: 512},
		{Kind: domain.ImageAvatar, Width: 512, Height: 5000},
		{Kind: "sprite", Width: 512, Height: 512},
	} {
		_, err := e.Generate(t.Context(), req)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeInternal {
			t.Errorf("Generate(%+v) error = %v, want a CodeInternal *domain.Error", req, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, req := range []domain.ImageRequest{avatar("a bard", 1), background("a desert", 1)} {
		if _, err := e.Generate(ctx, req); !errors.Is(err, context.Canceled) {
			t.Errorf("canceled %s: error = %v, want context.Canceled", req.Kind, err)
		}
	}
}

func TestStatus(t *testing.T) {
	h := New().Status(t.Context())
	if h.Status != domain.StatusOK || h.Engine != "local" || h.Model != "pixel-art-v2" {
		t.Errorf("Status = %+v", h)
	}
}

func BenchmarkAvatar512(b *testing.B) {
	e, req := New(), avatar("a grizzled dwarf blacksmith with a red beard", 7)
	for b.Loop() {
		if _, err := e.Generate(b.Context(), req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackground1344x768(b *testing.B) {
	e, req := New(), background("a village square at dusk", 3)
	for b.Loop() {
		if _, err := e.Generate(b.Context(), req); err != nil {
			b.Fatal(err)
		}
	}
}
