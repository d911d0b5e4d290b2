package pixelart

import (
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// evalScene is a background prompt and what its picture must show.
type evalScene struct {
	prompt, tone string
	// want are traits the result must report.
	want []string
	// seams asks for the sky and haze to be checked for hard horizontal seams.
	seams bool
}

// evalScenes are the prompts the scene engine is evaluated on: every scene, modifier
// and reported failure, each with the elements it must draw.
var evalScenes = []evalScene{
	// The reported prompts.
	{"a cosy tavern by candlelight", "dark fantasy medieval", []string{"scene:tavern", "setting:interior", "bar", "barrels", "beams", "candles"}, false},
	{"a cyberpunk street in the rain", "", []string{"scene:street", "setting:exterior", "weather:rain", "neon", "signs", "puddles", "buildings"}, false},
	{"a desert ruin", "", []string{"scene:desert", "ruin", "columns", "dunes"}, false},
	{"a misty mountain pass", "mysterious", []string{"scene:mountains", "weather:fog", "peaks", "trail"}, true},
	// Interiors.
	{"a busy inn common room at night", "heroic", []string{"scene:tavern", "time:night", "bar", "barrels", "shelves", "bottles"}, false},
	{"a tavern with a roaring fire", "", []string{"scene:tavern", "hearth", "fire", "bar"}, false},
	{"an apothecary shop full of potions", "mysterious", []string{"scene:shop", "setting:interior", "shelves", "goods", "counter"}, false},
	{"a blacksmith's shop on a rainy day", "", []string{"scene:shop", "shelves", "counter", "window", "weather:rain"}, false},
	{"a wizard's library", "mysterious", []string{"scene:library", "setting:interior", "shelves", "books"}, false},
	{"a candlelit bookshop", "cheerful", []string{"scene:shop", "candles", "shelves"}, false},
	{"a torchlit dungeon corridor", "grim", []string{"scene:dungeon", "setting:interior", "torches", "archway"}, false},
	{"a prison cell in the dungeon", "dark fantasy", []string{"scene:dungeon", "torches"}, false},
	{"an ancient crypt with candles", "gothic", []string{"scene:crypt", "setting:interior", "sarcophagus", "niches", "candles"}, false},
	{"a dark cave with stalactites", "", []string{"scene:cave", "setting:interior", "stalactites", "stalagmites"}, false},
	{"a glowing crystal cavern", "mysterious", []string{"scene:cave", "crystals"}, false},
	{"an abandoned mine", "post-apocalyptic", []string{"scene:cave", "timbers", "rails", "torches"}, false},
	{"the king's throne room", "heroic", []string{"scene:hall", "setting:interior", "throne", "columns", "banners", "carpet"}, false},
	{"a great hall lit by torches at night", "dark fantasy medieval", []string{"scene:hall", "torches", "time:night"}, false},
	{"a torchlit tavern", "", []string{"scene:tavern", "torches", "bar"}, false},
	{"a candlelit throne room", "heroic", []string{"scene:hall", "candles", "throne"}, false},
	// Streets and settlements.
	{"a medieval street at dusk", "", []string{"scene:street", "time:dusk", "cobbles", "lamps", "buildings"}, false},
	{"a narrow alley at night", "grim", []string{"scene:street", "time:night"}, false},
	{"a street with a tavern", "cheerful", []string{"scene:street", "tavern", "signs"}, false},
	{"a cyberpunk alley", "sci-fi neon", []string{"scene:street", "neon", "signs", "skyline"}, false},
	{"a neon city at night", "cyberpunk", []string{"scene:town", "skyline", "neon", "time:night"}, false},
	{"a quiet village at noon", "cheerful", []string{"scene:town", "houses", "time:day"}, false},
	{"a snowy village at night", "", []string{"scene:town", "weather:snow", "time:night", "houses"}, false},
	{"a rainy market square", "", []string{"scene:town", "weather:rain", "puddles"}, false},
	{"a village in the forest", "", []string{"scene:town", "trees", "houses"}, false},
	{"a castle on a hill", "heroic", []string{"scene:castle", "castle", "towers", "gate", "hill", "flags"}, false},
	{"a castle in the mountains", "", []string{"scene:castle", "castle", "mountains"}, false},
	{"a ruined castle at dusk", "dark fantasy", []string{"scene:castle", "castle", "ruin", "time:dusk"}, false},
	{"a busy harbour with fishing boats", "", []string{"scene:harbour", "boats", "pier", "water"}, false},
	{"a harbour town at dawn", "", []string{"scene:harbour", "houses", "boats", "time:dawn"}, false},
	{"a misty harbour at night", "", []string{"scene:harbour", "weather:fog", "time:night", "boats"}, true},
	// Landscapes and modifiers.
	{"a dark pine forest at night", "dark fantasy medieval", []string{"scene:forest", "trees", "time:night"}, false},
	{"forest ruins in the rain", "", []string{"scene:forest", "ruin", "weather:rain", "trees"}, false},
	{"a foggy forest", "", []string{"scene:forest", "weather:fog", "trees"}, true},
	{"desert dunes at noon", "post-apocalyptic", []string{"scene:desert", "dunes", "time:day"}, false},
	{"pyramids in the desert", "heroic", []string{"scene:desert", "pyramid", "dunes"}, false},
	{"ancient ruins", "", []string{"scene:ruin", "ruin", "columns"}, false},
	{"ruins in the mountains", "", []string{"scene:mountains", "ruin", "peaks"}, false},
	{"a rocky coast with a lighthouse", "mysterious", []string{"scene:coast", "lighthouse", "sea"}, false},
	{"a stormy sea", "", []string{"scene:coast", "weather:rain", "sea"}, false},
	{"snowy mountains at dawn", "heroic", []string{"scene:mountains", "weather:snow", "snowcaps", "time:dawn"}, false},
	{"a blizzard on the tundra", "", []string{"scene:mountains", "weather:snow"}, false},
	{"rolling hills under a starry sky", "", []string{"scene:plains", "stars", "time:night"}, false},
	{"a meadow in the fog at dawn", "", []string{"scene:plains", "weather:fog", "time:dawn"}, true},
	{"a lake in the mist", "", []string{"scene:coast", "weather:fog", "sea"}, true},
}

// explicitKeywords are the words whose scene or element a picture must never
// contradict: with the word in the prompt, one of its traits must be in the result.
var explicitKeywords = []struct {
	words  []string
	traits []string
}{
	{[]string{"tavern", "inn", "pub"}, []string{"scene:tavern", "tavern"}},
	{[]string{"shop", "bookshop", "store"}, []string{"scene:shop", "shop"}},
	{[]string{"library"}, []string{"scene:library"}},
	{[]string{"street", "alley"}, []string{"scene:street"}},
	{[]string{"dungeon"}, []string{"scene:dungeon"}},
	{[]string{"crypt", "tomb"}, []string{"scene:crypt"}},
	{[]string{"cave", "cavern", "mine"}, []string{"scene:cave"}},
	{[]string{"throne room", "great hall"}, []string{"scene:hall"}},
	{[]string{"castle"}, []string{"castle", "scene:hall", "scene:dungeon"}},
	{[]string{"harbour", "harbor", "docks"}, []string{"scene:harbour"}},
	{[]string{"ruin", "ruins", "ruined"}, []string{"ruin"}},
	{[]string{"desert"}, []string{"scene:desert"}},
	{[]string{"forest"}, []string{"scene:forest", "trees"}},
	{[]string{"mountain", "mountains"}, []string{"peaks", "mountains"}},
	{[]string{"village", "town"}, []string{"houses"}},
	{[]string{"rain", "rainy", "stormy"}, []string{"weather:rain"}},
	{[]string{"snow", "snowy", "blizzard"}, []string{"weather:snow"}},
	{[]string{"fog", "foggy", "mist", "misty"}, []string{"weather:fog"}},
	{[]string{"night"}, []string{"time:night"}},
	{[]string{"dusk"}, []string{"time:dusk"}},
	{[]string{"dawn"}, []string{"time:dawn"}},
	{[]string{"noon"}, []string{"time:day"}},
	{[]string{"candlelight", "candlelit", "candles"}, []string{"candles"}},
	{[]string{"torchlit", "torches"}, []string{"torches"}},
	{[]string{"lighthouse"}, []string{"lighthouse"}},
	{[]string{"boats"}, []string{"boats"}},
	{[]string{"cyberpunk", "neon"}, []string{"neon"}},
	{[]string{"stalactites"}, []string{"stalactites"}},
	{[]string{"pyramids", "pyramid"}, []string{"pyramid"}},
}

// interiorWords are the rooms: a picture of one is an interior.
var interiorWords = []string{"tavern", "inn", "shop", "bookshop", "library", "dungeon", "crypt", "cave", "cavern",
	"mine", "throne room", "great hall"}

// TestEvalScenes renders every eval prompt small and checks its traits: every expected
// element is drawn, no explicit keyword is contradicted, and the fog prompts have no
// hard seam in their sky and haze. With -samples DIR it also writes a contact sheet of
// all of them, DIR/pixelart-eval-scenes.png (run it alone, -run TestEvalScenes, to
// write only the sheet: TestWriteSamples writes its own samples into DIR too).
func TestEvalScenes(t *testing.T) {
	if len(evalScenes) < 40 {
		t.Fatalf("only %d eval scenes", len(evalScenes))
	}
	for i, ev := range evalScenes {
		t.Run(ev.prompt, func(t *testing.T) {
			t.Parallel()
			req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: ev.prompt, WorldTone: ev.tone,
				Style: domain.StylePixelArt, Width: 256, Height: 144, Seed: int64(i + 1)}
			res := generate(t, req)
			for _, want := range ev.want {
				if !slices.Contains(res.Traits, want) {
					t.Errorf("traits %v lack %q", res.Traits, want)
				}
			}
			checkExplicit(t, ev.prompt, res.Traits)
			if ev.seams {
				// At 512×288 (128×72 native pixels): at the trait check's 36 rows a row
				// of pine tiers lines up into one native row and reads as an edge.
				req.Width, req.Height = 512, 288
				if y, jump := worstSeam(decode(t, generate(t, req).Data), 75); jump > maxSeam {
					t.Errorf("row %d's colour jumps by %d from the row above across the width (at most %d)", y, jump, maxSeam)
				}
			}
		})
	}
	if *samplesDir == "" {
		return
	}
	// The contact sheet: each prompt rendered at 768×432 and shown at its native
	// resolution (every fourth pixel: a native pixel is 4×4), 192×108, five to a row.
	var tiles []image.Image
	for i, ev := range evalScenes {
		req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: ev.prompt, WorldTone: ev.tone,
			Style: domain.StylePixelArt, Width: 768, Height: 432, Seed: int64(i + 1)}
		res := generate(t, req)
		img := decode(t, res.Data)
		tile := image.NewRGBA(image.Rect(0, 0, 192, 108))
		for y := range 108 {
			for x := range 192 {
				tile.Set(x, y, img.At(x*4+1, y*4+1))
			}
		}
		tiles = append(tiles, tile)
		t.Logf("%2d. %s [%s]: %s", i+1, ev.prompt, ev.tone, strings.Join(res.Traits, " "))
	}
	writeSheet(t, filepath.Join(*samplesDir, "pixelart-eval-scenes.png"), tiles, 5)
}

// maxSeam is the largest jump in colour (summed over red, green and blue) a row may
// make from the row above across the full width, at 512×288. Fog and haze dithered
// through (dstep) stay under half of it; the old misty mountain pass, with its
// posterised sky bands and straight snow line, jumped by 26 to 53.
const maxSeam = 24

// seamSegments is how many pieces a row is cut into to measure a seam.
const seamSegments = 8

// rowJumps returns, for each row y in the top pct per cent of img, how far its colour
// jumps from row y−1's across the full width: the row is cut into seamSegments pieces,
// each piece's mean colour is compared with the piece above's, and the jump is the
// second smallest of those differences. A seam runs the full width, so every piece
// jumps; a moon, a cloud or a tree changes one or two pieces and is not a seam. Means
// over pieces, not single pixels, so ordered dithering (which alternates colours from
// row to row) does not count either.
func rowJumps(img image.Image, pct int) []int {
	b := img.Bounds()
	rows := b.Dy() * pct / 100
	means := make([][seamSegments][3]int, rows)
	for y := range rows {
		for x := range b.Dx() {
			r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			seg := &means[y][x*seamSegments/b.Dx()]
			seg[0] += int(r >> 8)
			seg[1] += int(g >> 8)
			seg[2] += int(bb >> 8)
		}
	}
	n := b.Dx() / seamSegments
	out := make([]int, rows)
	for y := 1; y < rows; y++ {
		var d [seamSegments]int
		for i := range d {
			a, c := means[y][i], means[y-1][i]
			d[i] = (abs(a[0]-c[0]) + abs(a[1]-c[1]) + abs(a[2]-c[2])) / max(1, n)
		}
		slices.Sort(d[:])
		out[y] = d[1]
	}
	return out
}

// worstSeam returns the row in the top pct per cent of img with the largest rowJumps
// and its jump.
func worstSeam(img image.Image, pct int) (row, jump int) {
	for y, j := range rowJumps(img, pct) {
		if j > jump {
			row, jump = y, j
		}
	}
	return row, jump
}

// checkExplicit fails when a picture contradicts a keyword in its prompt.
func checkExplicit(t *testing.T, prompt string, traits []string) {
	t.Helper()
	w := wordsOf(prompt)
	for _, k := range explicitKeywords {
		if !w.any(k.words...) {
			continue
		}
		if !slices.ContainsFunc(k.traits, func(tr string) bool { return slices.Contains(traits, tr) }) {
			t.Errorf("%q names %v but the traits %v have none of %v", prompt, k.words, traits, k.traits)
		}
	}
	if w.any(interiorWords...) && !w.any("street", "alley") && !slices.Contains(traits, "setting:interior") {
		t.Errorf("%q names a room but the traits %v are not an interior", prompt, traits)
	}
}

// TestEvalKeywords renders prompts that pit scenes against each other and checks the
// named place wins: a tavern is never a dungeon, a street always a street.
func TestEvalKeywords(t *testing.T) {
	for _, tt := range []struct{ prompt, want, also string }{
		{"a tavern in a dungeon", "scene:tavern", "bar"},
		{"a dungeon tavern", "scene:tavern", "bar"},
		{"a tavern cellar", "scene:tavern", "barrels"},
		{"a torchlit tavern", "scene:tavern", "bar"},
		{"a cave tavern", "scene:tavern", "bar"},
		{"an inn by the harbour", "scene:tavern", "bar"},
		{"a tavern on a rainy street", "scene:street", "tavern"},
		{"outside the old shop", "scene:street", "shop"},
		{"a castle street", "scene:street", "castle"},
		{"a torchlit street", "scene:street", "lamps"},
		{"a street in the desert", "scene:street", "buildings"},
		{"a candlelit dungeon", "scene:dungeon", "candles"},
		{"a torchlit crypt", "scene:crypt", "torches"},
		{"a torchlit shop", "scene:shop", "torches"},
	} {
		req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: tt.prompt, Style: domain.StylePixelArt,
			Width: 128, Height: 72, Seed: 1}
		res := generate(t, req)
		if !slices.Contains(res.Traits, tt.want) || !slices.Contains(res.Traits, tt.also) {
			t.Errorf("%q: traits %v, want %q and %q", tt.prompt, res.Traits, tt.want, tt.also)
		}
	}
}
