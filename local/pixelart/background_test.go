package pixelart

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func TestSceneFor(t *testing.T) {
	tests := []struct{ prompt, want string }{
		{"snowy mountains at dawn", sceneMountains},
		{"a lonely PEAK", sceneMountains},
		{"a dark pine forest", sceneForest},
		{"deep in the woods", sceneForest},
		{"a village square", sceneTown},
		{"a neon city skyline", sceneTown},
		{"a castle on a hill", sceneCastle},
		{"a torchlit dungeon", sceneDungeon},
		{"the crypt beneath the chapel", sceneCrypt},
		{"a rocky coast", sceneCoast},
		{"a beach at sunset", sceneCoast},
		{"the open sea", sceneCoast},
		{"desert dunes", sceneDesert},
		{"an oasis", sceneDesert},
		{"rolling fields", scenePlains},
		{"", scenePlains},
		// Priorities: a street, then rooms, then settlements, then landscapes.
		{"a cave in the mountains", sceneCave},
		{"a harbour town by the sea", sceneHarbour},
		{"a forest by the sea", sceneCoast},
		{"mountains beyond the desert", sceneDesert},
		{"pine trees on a mountainside", sceneForest},
		{"a cosy tavern by candlelight", sceneTavern},
		{"a tavern cellar", sceneTavern},
		{"a street with a tavern", sceneStreet},
		{"outside the tavern", sceneStreet},
		{"inside a tavern on main street", sceneTavern},
		{"a torchlit street", sceneStreet},
		{"the throne room of the castle", sceneHall},
		{"inside the castle", sceneHall},
		{"the castle dungeon", sceneDungeon},
		{"the town hall square", sceneTown},
		{"a desert ruin", sceneDesert},
		{"ancient ruins", sceneRuin},
		{"a ruined castle", sceneCastle},
		{"a torchlit corridor", sceneDungeon},
		// Negated keywords do not count.
		{"a meadow with no trees, not a forest", scenePlains},
		{"a street, not a tavern", sceneStreet},
		// Whole words only.
		{"a seasoned warrior's homestead", scenePlains},
		{"woodsmoke over the meadow", scenePlains},
	}
	for _, tt := range tests {
		if got := sceneFor(tt.prompt); got != tt.want {
			t.Errorf("sceneFor(%q) = %q, want %q", tt.prompt, got, tt.want)
		}
	}
	// Every keyword of a rule selects its own scene, alone and inside a sentence, unless
	// it also names a street (which comes first) or a ruin.
	var rules []sceneRule
	rules = append(rules, streetRule)
	rules = append(rules, interiorRules...)
	rules = append(rules, exteriorRules...)
	for _, rl := range rules {
		for _, w := range rl.words {
			if got := sceneFor(w); got != rl.scene {
				t.Errorf("sceneFor(%q) = %q, want %q", w, got, rl.scene)
			}
			if got := sceneFor("A painting of the " + w + ", very detailed."); got != rl.scene {
				t.Errorf("sceneFor(… %q …) = %q, want %q", w, got, rl.scene)
			}
		}
	}
}

// skyLuma is the mean brightness of the top quarter of a background.
func skyLuma(t *testing.T, prompt string, seed int64) int {
	req := background(prompt, seed)
	req.Width, req.Height, req.WorldTone = 672, 384, ""
	img := decode(t, generate(t, req).Data)
	sum, n := 0, 0
	for y := 0; y < img.Bounds().Dy()/4; y += 2 {
		for x := 0; x < img.Bounds().Dx(); x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			sum += int(77*(r>>8)+150*(g>>8)+29*(b>>8)) >> 8
			n++
		}
	}
	return sum / n
}

func TestNightIsDarker(t *testing.T) {
	for i, scene := range []string{"mountains", "forest", "town", "coast", "desert", "meadow"} {
		night, noon := skyLuma(t, scene+" at night", int64(i)), skyLuma(t, scene+" at noon", int64(i))
		if night+60 > noon {
			t.Errorf("%s: sky brightness at night %d, at noon %d", scene, night, noon)
		}
	}
}

func TestTimeFor(t *testing.T) {
	tests := []struct {
		prompt string
		want   timeOfDay
	}{
		{"a starry night", night},
		{"under the moon", night},
		{"at dawn", dawn},
		{"sunrise over the bay", dawn},
		{"at dusk", dusk},
		{"a golden sunset", dusk},
		{"high noon", day},
		{"a sunny afternoon", day},
	}
	for _, tt := range tests {
		if got := timeFor(wordsOf(tt.prompt), toneFor(""), derive(1, "t")); got != tt.want {
			t.Errorf("timeFor(%q) = %d, want %d", tt.prompt, got, tt.want)
		}
	}
}

// TestScenesDiffer renders every scene and checks they are distinct pictures.
func TestScenesDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, s := range []string{"mountains", "forest", "town", "dungeon", "coast", "desert", "meadow", "tavern", "shop",
		"library", "throne room", "crypt", "cave", "street", "castle", "ruins", "harbour"} {
		req := background(s, 1)
		req.Width, req.Height = 512, 512
		sum := string(generate(t, req).Data)
		if prev, ok := seen[sum]; ok {
			t.Errorf("%s renders the same as %s", s, prev)
		}
		seen[sum] = s
	}
}

// TestBackgroundRenders covers every scene in every tone family and time of day.
func TestBackgroundRenders(t *testing.T) {
	tones := []string{"", "dark fantasy medieval", "sci-fi neon", "post-apocalyptic", "cheerful", "mysterious", "heroic"}
	times := []string{"dawn", "noon", "dusk", "night"}
	i := 0
	for _, s := range []string{"mountains", "forest", "village", "castle", "dungeon", "cave", "coast", "desert pyramids", "meadow",
		"tavern", "shop", "library", "great hall", "crypt", "street", "ruins", "harbour", "forest ruins in the rain",
		"snowy village", "misty mountain pass", "cyberpunk street in the rain"} {
		for _, tm := range times {
			req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: s + " at " + tm, WorldTone: tones[i%len(tones)],
				Style: []string{domain.StylePixelArt, domain.StyleAnime}[i%2], Width: 512, Height: 512, Seed: int64(i)}
			i++
			decode(t, generate(t, req).Data)
		}
	}
}

// TestIsqrt checks isqrt is ⌊√n⌋ across small numbers, squares and their neighbours,
// and values past 2³¹.
func TestIsqrt(t *testing.T) {
	check := func(n int) {
		r := isqrt(n)
		if r*r > n || (r+1)*(r+1) <= n {
			t.Fatalf("isqrt(%d) = %d", n, r)
		}
	}
	for n := range 100000 {
		check(n)
	}
	for _, r := range []int{1000, 46340, 46341, 65535, 65536, 1 << 20, 1<<30 + 3} {
		check(r*r - 1)
		check(r * r)
		check(r*r + 1)
	}
	if isqrt(-5) != 0 {
		t.Errorf("isqrt(-5) = %d, want 0", isqrt(-5))
	}
}

// TestScenesDeterministic renders every new scene and modifier twice in every style and
// checks the bytes and traits repeat, and that the next seed draws something else.
func TestScenesDeterministic(t *testing.T) {
	styles := []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic}
	for i, p := range []string{"a cosy tavern by candlelight", "an apothecary shop", "a library", "the throne room",
		"a crypt", "a crystal cave", "an old mine", "a cyberpunk street in the rain", "a snowy street", "a castle",
		"ancient ruins in the fog", "a harbour", "a desert ruin"} {
		req := background(p, int64(i))
		req.Style, req.Width, req.Height = styles[i%len(styles)], 256, 144
		a, b := generate(t, req), generate(t, req)
		if !bytes.Equal(a.Data, b.Data) || !slices.Equal(a.Traits, b.Traits) {
			t.Errorf("%q (%s): the same request drew differently", p, req.Style)
		}
		req.Seed++
		if bytes.Equal(a.Data, generate(t, req).Data) {
			t.Errorf("%q (%s): seeds differing by one drew the same picture", p, req.Style)
		}
	}
}
