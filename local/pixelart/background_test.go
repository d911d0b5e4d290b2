package pixelart

import (
	"bytes"
	"io"
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
		{"a castle on a hill", sceneTown},
		{"a torchlit dungeon", sceneDungeon},
		{"the crypt beneath the chapel", sceneDungeon},
		{"a rocky coast", sceneCoast},
		{"a beach at sunset", sceneCoast},
		{"the open sea", sceneCoast},
		{"desert dunes", sceneDesert},
		{"an oasis", sceneDesert},
		{"rolling fields", scenePlains},
		{"", scenePlains},
		// Priorities: interiors, then settlements, then landscapes.
		{"a cave in the mountains", sceneDungeon},
		{"a harbour town by the sea", sceneTown},
		{"a forest by the sea", sceneCoast},
		{"mountains beyond the desert", sceneDesert},
		{"pine trees on a mountainside", sceneForest},
		// Negated keywords do not count.
		{"a meadow with no trees, not a forest", scenePlains},
		// Whole words only.
		{"a seasoned warrior's homestead", scenePlains},
		{"woodsmoke over the meadow", scenePlains},
	}
	for _, tt := range tests {
		if got := sceneFor(tt.prompt); got != tt.want {
			t.Errorf("sceneFor(%q) = %q, want %q", tt.prompt, got, tt.want)
		}
	}
	// Every keyword in the table selects its own scene, alone and inside a sentence.
	for _, s := range sceneKeywords {
		for _, w := range s.words {
			if got := sceneFor(w); got != s.scene {
				t.Errorf("sceneFor(%q) = %q, want %q", w, got, s.scene)
			}
			if got := sceneFor("A painting of the " + w + ", very detailed."); got != s.scene {
				t.Errorf("sceneFor(… %q …) = %q, want %q", w, got, s.scene)
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
	for _, s := range []string{"mountains", "forest", "town", "dungeon", "coast", "desert", "meadow"} {
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
	for _, s := range []string{"mountains", "forest", "village", "castle", "dungeon", "cave", "coast", "desert pyramids", "meadow"} {
		for _, tm := range times {
			req := domain.ImageRequest{Kind: domain.ImageBackground, Prompt: s + " at " + tm, WorldTone: tones[i%len(tones)],
				Style: []string{domain.StylePixelArt, domain.StyleAnime}[i%2], Width: 512, Height: 512, Seed: int64(i)}
			i++
			decode(t, generate(t, req).Data)
		}
	}
}
