package pixelart

import (
	"fmt"
	"image"
	"testing"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

// traitsOf chooses the traits for a prompt in a neutral tone (no grading), so colours can
// be compared exactly.
func traitsOf(prompt string, seed int64) traits {
	req := domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: prompt, Seed: seed}
	return chooseTraits(req, requestSeed(req), toneFor(""))
}

func TestAvatarKeywords(t *testing.T) {
	red, _ := lookUp(hairColours, "red")
	blue, _ := lookUp(clothColours, "blue")
	green, _ := lookUp(clothColours, "green")
	tests := []struct {
		prompt string
		check  func(traits) bool
	}{
		{"a man with a red beard", func(t traits) bool { return t.hairCol == red && t.face == faceBeard }},
		{"a woman with red hair", func(t traits) bool { return t.hairCol == red }},
		{"a red-haired pirate", func(t traits) bool { return t.hairCol == red && t.eyepatch }},
		{"an old fisherman", func(t traits) bool { return t.old && (t.hairCol == hairGrey || t.hairCol == hairWhite) }},
		{"a man with grey hair", func(t traits) bool { return t.hairCol == hairGrey }},
		{"an elf archer", func(t traits) bool { return t.ears == earPointed }},
		{"a dwarf", func(t traits) bool { return t.face == faceBeard && t.beardLen >= 7 && t.jaw >= 90 }},
		{"an orc chieftain", func(t traits) bool { return dist(t.skin, skinOrc) < 60 && t.tusks }},
		{"a goblin", func(t traits) bool { return t.skin == skinGoblin && t.ears == earLong }},
		{"a knight", func(t traits) bool { return t.head == wearHelmet && t.outfit == outfitArmor }},
		{"a man in plate armor", func(t traits) bool { return t.outfit == outfitArmor }},
		{"a wizard", func(t traits) bool { return t.head == wearWizard && t.outfit == outfitRobe }},
		{"an old mage", func(t traits) bool { return t.head == wearWizard }},
		{"the king", func(t traits) bool { return t.head == wearCrown }},
		{"a young queen", func(t traits) bool { return t.head == wearCrown && t.female && t.face == faceClean }},
		{"a thief", func(t traits) bool { return t.head == wearHood }},
		{"a figure in a hood", func(t traits) bool { return t.head == wearHood }},
		{"a robot", func(t traits) bool { return t.metalSkin && t.robot && t.hair == hairBald }},
		{"an android", func(t traits) bool { return t.metalSkin }},
		{"a cyborg mercenary", func(t traits) bool { return t.metalSkin }},
		{"a bard dressed in blue", func(t traits) bool { return t.cloth == blue }},
		{"a ranger in a green cloak", func(t traits) bool { return t.cape == green }},
		{"a woman with blue eyes", func(t traits) bool { return t.eyeCol == mustColour(eyeColours, "blue") }},
		{"a demon", func(t traits) bool { return t.horns && t.skin == skinDemon }},
		{"a bald monk", func(t traits) bool { return t.hair == hairBald }},
		{"a girl with braids", func(t traits) bool { return t.hair == hairBraids && t.female }},
		{"a punk with spiky hair", func(t traits) bool { return t.hair == hairSpiky }},
		{"a scarred veteran", func(t traits) bool { return t.scar }},
		{"a scholar with spectacles", func(t traits) bool { return t.glasses }},
		{"a smiling baker", func(t traits) bool { return t.emotion == domain.EmotionJoy }},
		{"a man with no beard", func(t traits) bool { return t.face != faceBeard }},
		{"a knight without a helmet", func(t traits) bool { return t.head != wearHelmet && t.outfit == outfitArmor }},
	}
	for _, tt := range tests {
		// Keywords must win over every seed.
		for seed := range int64(6) {
			if tr := traitsOf(tt.prompt, seed); !tt.check(tr) {
				t.Errorf("%q (seed %d): traits %+v", tt.prompt, seed, tr)
			}
		}
	}
}

// greenShare is the share of the face's pixels that are clearly green, in a 256×256
// avatar (4 output pixels per design pixel).
func greenShare(t *testing.T, prompt string, seed int64) int {
	req := avatar(prompt, seed)
	req.Width, req.Height, req.WorldTone = 256, 256, ""
	img := decode(t, generate(t, req).Data)
	green, total := 0, 0
	for y := 22 * 4; y < 36*4; y++ {
		for x := 26 * 4; x < 38*4; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if g > r+20 && g > b+20 {
				green++
			}
			total++
		}
	}
	return green * 100 / total
}

func TestOrcSkinIsGreen(t *testing.T) {
	for seed := range int64(5) {
		orc, human := greenShare(t, "an orc", seed), greenShare(t, "a human farmer", seed)
		if orc < 40 || human > 5 {
			t.Errorf("seed %d: green share of the face: orc %d%%, human %d%%", seed, orc, human)
		}
	}
}

func TestToneWords(t *testing.T) {
	tests := []struct {
		tone        string
		name        string
		dark, vivid bool
	}{
		{"dark fantasy medieval", "dusk", true, false},
		{"grim", "neutral", true, false},
		{"cheerful", "bright", false, true},
		{"bright and whimsical", "bright", false, true},
		{"sci-fi neon", "neon", false, true},
		{"cyberpunk", "neon", false, true},
		{"post-apocalyptic", "rust", false, false},
		{"mysterious", "mystic", false, false},
		{"heroic", "heroic", false, true},
		{"", "neutral", false, false},
	}
	for _, tt := range tests {
		tn := toneFor(tt.tone)
		if tn.name != tt.name || (tn.dark > 0) != tt.dark || (tn.vivid > 0) != tt.vivid {
			t.Errorf("toneFor(%q) = %+v", tt.tone, tn)
		}
	}
	// Darkness darkens; vividness saturates.
	c := hex(0x8a6a4a)
	if luma(toneFor("grim").grade(c)) >= luma(c) {
		t.Error("a grim tone does not darken")
	}
	v := toneFor("cheerful").grade(c)
	if int(v.r)-int(v.b) <= int(c.r)-int(c.b) {
		t.Error("a cheerful tone does not saturate")
	}
}

// TestMaskSymmetry checks the mask drawn before the asymmetric touches: the materials and
// the normals' y mirror across the centre line, the normals' x flip sign.
func TestMaskSymmetry(t *testing.T) {
	prompts := []string{"a dwarf with a red beard", "an elf queen with braids", "an orc knight", "an old wizard",
		"a hooded thief", "a robot", "a demon with spiky hair", "a goblin in a cap", "a noble lady", "a pirate",
		"a werewolf with an apron and a necklace", "a lizardfolk with a circlet and pauldrons",
		"a druid with a flower crown and a scarf", "a hooded elf with long hair and earrings", "a guard with a breastplate and a collar"}
	for i, p := range prompts {
		for _, grid := range []int{64, 128} {
			t.Run(fmt.Sprintf("%s/%d", p, grid), func(t *testing.T) {
				req := avatar(p, int64(i))
				seed := requestSeed(req)
				tr := chooseTraits(req, seed, toneFor(req.WorldTone))
				for _, big := range []bool{false, true} {
					sp := drawMask(&tr, grid, big, seed)
					sp.outline()
					if !symmetric(sp) {
						t.Fatalf("mask (big eyes %v) is not mirror-symmetric", big)
					}
					filled := 0
					for _, m := range sp.mat {
						if m != mNone {
							filled++
						}
					}
					if filled < len(sp.mat)/4 {
						t.Errorf("only %d of %d pixels drawn", filled, len(sp.mat))
					}
				}
			})
		}
	}
}

func symmetric(sp *sprite) bool {
	n := sp.n
	for y := range n {
		for x := range n / 2 {
			i, j := y*n+x, y*n+n-1-x
			if sp.mat[i] != sp.mat[j] || sp.nx[i] != -sp.nx[j] || sp.ny[i] != sp.ny[j] {
				return false
			}
		}
	}
	return true
}

func FuzzAvatar(f *testing.F) {
	f.Add("a grizzled dwarf with a red beard", int64(7), uint16(512), uint16(512), uint8(0))
	f.Add("", int64(0), uint16(0), uint16(768), uint8(3))
	f.Add("ORC!!! knight-wizard king in a hood, red red red eyes", int64(-1), uint16(1), uint16(65535), uint8(2))
	f.Add("élfe aux cheveux roux 🧝", int64(1<<53-1), uint16(1000), uint16(300), uint8(1))
	f.Add("glowing glowing eyes eyes of of blue and and", int64(3), uint16(9), uint16(9), uint8(0x5c))
	styles := []string{domain.StylePixelArt, domain.StyleAnime, domain.StylePainterly, domain.StyleRealistic, "other"}
	e := New()
	f.Fuzz(func(t *testing.T, prompt string, seed int64, w, h uint16, style uint8) {
		if len(prompt) > 2000 || !utf8.ValidString(prompt) {
			t.Skip()
		}
		req := domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: prompt, WorldTone: prompt,
			Style: styles[int(style)%len(styles)], Width: 256 + int(w)%769, Height: 256 + int(h)%769, Seed: seed}
		// The style byte's high bits pick an emotion (or none, or an unknown one),
		// transparency and a variation of the prompt by itself.
		emotions := append([]domain.Emotion{"", "rage"}, allEmotions...)
		req.Emotion = emotions[int(style>>3)%len(emotions)]
		req.Transparent = style&0x40 != 0
		if style&0x80 != 0 {
			req.Source = &domain.ImageSource{Kind: domain.ImageAvatar, Prompt: prompt, Seed: seed, Data: []byte(prompt)}
			req.Strength = float64(w%11) / 10
		}
		res, err := e.Generate(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(bytesReader(res.Data))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != req.Width || cfg.Height != req.Height {
			t.Fatalf("got %dx%d, want %dx%d", cfg.Width, cfg.Height, req.Width, req.Height)
		}
	})
}
