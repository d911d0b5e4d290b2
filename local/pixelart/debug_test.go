package pixelart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"strconv"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestDebugOne(t *testing.T) {
	p := os.Getenv("PA_PROMPT")
	if p == "" {
		t.Skip()
	}
	seed, _ := strconv.Atoi(os.Getenv("PA_SEED"))
	w, _ := strconv.Atoi(os.Getenv("PA_W"))
	h, _ := strconv.Atoi(os.Getenv("PA_H"))
	kind := domain.ImageAvatar
	if os.Getenv("PA_BG") != "" {
		kind = domain.ImageBackground
	}
	req := domain.ImageRequest{Kind: kind, Prompt: p, WorldTone: os.Getenv("PA_TONE"), Style: os.Getenv("PA_STYLE"), Width: w, Height: h, Seed: int64(seed)}
	res, err := New().Generate(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	data := res.Data
	if c := os.Getenv("PA_CROP"); c != "" {
		var x, y, cw, ch, z int
		fmt.Sscanf(c, "%d,%d,%d,%d,%d", &x, &y, &cw, &ch, &z)
		img, _ := png.Decode(bytes.NewReader(data))
		out := image.NewRGBA(image.Rect(0, 0, cw*z, ch*z))
		for yy := range ch * z {
			for xx := range cw * z {
				out.Set(xx, yy, img.At(x+xx/z, y+yy/z))
			}
		}
		var buf bytes.Buffer
		png.Encode(&buf, out)
		data = buf.Bytes()
	}
	t.Logf("%s %d bytes %v", res.Style, len(res.Data), res.InferenceTime)
	os.WriteFile(os.Getenv("PA_OUT"), data, 0o644)
}

func TestDebugSheet(t *testing.T) {
	p := os.Getenv("PA_SHEET")
	if p == "" {
		t.Skip()
	}
	var imgs []image.Image
	for i, pr := range splitBar(p) {
		req := domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: pr, WorldTone: os.Getenv("PA_TONE"), Style: os.Getenv("PA_STYLE"), Width: 256, Height: 256, Seed: int64(i)}
		imgs = append(imgs, writeSample(t, New(), req, ""))
	}
	writeSheet(t, os.Getenv("PA_OUT"), imgs, 4)
}

func splitBar(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestDebugSizes(t *testing.T) {
	if os.Getenv("PA_SIZES") == "" {
		t.Skip()
	}
	for _, st := range []string{"pixel_art", "anime", "painterly", "realistic"} {
		a := avatar("a grizzled dwarf", 7)
		a.Style = st
		b := background("a village at dusk", 3)
		b.Style = st
		ra, rb := generate(t, a), generate(t, b)
		t.Logf("%-10s avatar %6d B %T %v | bg %7d B %T %v", st, len(ra.Data), decode(t, ra.Data), ra.InferenceTime, len(rb.Data), decode(t, rb.Data), rb.InferenceTime)
		b.Width, b.Height = 2048, 2048
		rb = generate(t, b)
		t.Logf("%-10s bg 2048² %7d B %v", st, len(rb.Data), rb.InferenceTime)
	}
}
