package pixelart

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

var samplesDir = flag.String("samples", "", "write sample avatars and backgrounds (and contact sheets) into this directory")

// sampleAvatars and sampleBackgrounds are the requests TestWriteSamples renders.
var (
	sampleAvatars = []domain.ImageRequest{
		{Prompt: "a grizzled dwarf blacksmith with a red beard", WorldTone: "dark fantasy medieval", Seed: 7},
		{Prompt: "an elf ranger with long blonde hair in a green cloak", WorldTone: "heroic", Seed: 11},
		{Prompt: "an orc warrior with a scar", WorldTone: "grim", Seed: 3},
		{Prompt: "an old wizard with a long white beard", WorldTone: "mysterious", Seed: 5},
		{Prompt: "a young queen with black braids", WorldTone: "cheerful fairytale", Seed: 21},
		{Prompt: "a hooded thief", WorldTone: "dark fantasy medieval", Seed: 8},
		{Prompt: "a knight in shining armor", WorldTone: "heroic", Seed: 13},
		{Prompt: "a friendly robot shopkeeper", WorldTone: "sci-fi neon", Seed: 2},
	}
	sampleBackgrounds = []domain.ImageRequest{
		{Prompt: "snowy mountains at dawn", WorldTone: "heroic", Seed: 1},
		{Prompt: "a dark pine forest at night", WorldTone: "dark fantasy medieval", Seed: 2},
		{Prompt: "a village square at dusk", WorldTone: "cheerful", Seed: 3},
		{Prompt: "a torchlit dungeon corridor", WorldTone: "grim", Seed: 4},
		{Prompt: "a rocky coast with a lighthouse", WorldTone: "mysterious", Seed: 5},
		{Prompt: "desert dunes at noon", WorldTone: "post-apocalyptic", Seed: 6},
	}
)

// TestWriteSamples renders the sample requests into the -samples directory, one PNG each
// plus contact sheets, for a person to look at. Without the flag it does nothing.
func TestWriteSamples(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample images")
	}
	dir := *samplesDir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := New()
	styles := []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic}
	for _, style := range styles {
		var avatars, bgs []image.Image
		for i, req := range sampleAvatars {
			req.Kind, req.Style, req.Width, req.Height = domain.ImageAvatar, style, 256, 256
			avatars = append(avatars, writeSample(t, e, req, filepath.Join(dir, fmt.Sprintf("avatar_%s_%d.png", style, i+1))))
		}
		for i, req := range sampleBackgrounds {
			req.Kind, req.Style, req.Width, req.Height = domain.ImageBackground, style, 672, 384
			bgs = append(bgs, writeSample(t, e, req, filepath.Join(dir, fmt.Sprintf("background_%s_%d.png", style, i+1))))
		}
		writeSheet(t, filepath.Join(dir, "sheet_avatars_"+style+".png"), avatars, 4)
		writeSheet(t, filepath.Join(dir, "sheet_backgrounds_"+style+".png"), bgs, 2)
	}
	// Sixteen seeds of one plain prompt, to see the variety the seed alone gives.
	var variety []image.Image
	for seed := range int64(16) {
		req := domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: "a villager", WorldTone: "dark fantasy medieval",
			Style: domain.StylePixelArt, Width: 256, Height: 256, Seed: seed}
		variety = append(variety, writeSample(t, e, req, ""))
	}
	writeSheet(t, filepath.Join(dir, "sheet_avatars_variety.png"), variety, 4)
	var scenes []image.Image
	for seed := range int64(6) {
		req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: []string{"mountains", "forest", "town", "dungeon", "coast", "desert"}[seed],
			WorldTone: []string{"", "dark fantasy medieval", "sci-fi neon", "cheerful", "grim", "post-apocalyptic"}[seed],
			Style:     domain.StylePixelArt, Width: 672, Height: 384, Seed: seed + 100}
		scenes = append(scenes, writeSample(t, e, req, ""))
	}
	writeSheet(t, filepath.Join(dir, "sheet_backgrounds_variety.png"), scenes, 2)
	// Every scene at every time of day, in the default tone.
	var times []image.Image
	for i, scene := range []string{"mountains", "forest", "town", "dungeon", "coast", "desert", "meadow"} {
		for j, tm := range []string{"dawn", "noon", "dusk", "night"} {
			req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: scene + " at " + tm, WorldTone: "dark fantasy medieval",
				Style: domain.StylePixelArt, Width: 448, Height: 256, Seed: int64(i*4 + j)}
			times = append(times, writeSample(t, e, req, ""))
		}
	}
	writeSheet(t, filepath.Join(dir, "sheet_backgrounds_times.png"), times, 4)
}

func writeSample(t *testing.T, e *Engine, req domain.ImageRequest, path string) image.Image {
	t.Helper()
	res, err := e.Generate(t.Context(), req)
	if err != nil {
		t.Fatalf("%q: %v", req.Prompt, err)
	}
	if path != "" {
		if err := os.WriteFile(path, res.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// writeSheet lays the images out in a grid, cols wide, with a gap between them.
func writeSheet(t *testing.T, path string, imgs []image.Image, cols int) {
	t.Helper()
	const gap = 8
	w, h := imgs[0].Bounds().Dx(), imgs[0].Bounds().Dy()
	rows := (len(imgs) + cols - 1) / cols
	sheet := image.NewRGBA(image.Rect(0, 0, cols*(w+gap)+gap, rows*(h+gap)+gap))
	draw.Draw(sheet, sheet.Bounds(), image.NewUniform(image.Black), image.Point{}, draw.Src)
	for i, img := range imgs {
		x, y := gap+(i%cols)*(w+gap), gap+(i/cols)*(h+gap)
		draw.Draw(sheet, image.Rect(x, y, x+w, y+h), img, img.Bounds().Min, draw.Src)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
