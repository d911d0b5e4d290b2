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
