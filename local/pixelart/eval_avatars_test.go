package pixelart

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// avatarEvalCase is one physical description and the traits its avatar must show. A want
// of "-x" is a trait that must not be reported.
type avatarEvalCase struct {
	prompt string
	tone   string
	want   []string
}

// avatarEvalCases are the descriptions the avatar evaluation renders, in the order of the
// contact sheet's tiles (numbered from 1).
var avatarEvalCases = []avatarEvalCase{
	{"a woman with glowing blue eyes", "", []string{"eyes:blue", "glow:eyes"}},
	{"a baker wearing a white apron", "", []string{"apron", "apron_colour:white"}},
	{"an orc warrior with a scar", "grim", []string{"species:orc", "mark:scar", "tusks"}},
	{"an elf with long silver hair and green eyes", "", []string{"species:elf", "hair:silver", "hair_style:long", "eyes:green", "ears:pointed"}},
	{"a dwarf blacksmith with a red beard and a leather apron", "dark fantasy medieval", []string{"species:dwarf", "hair:red", "beard:long", "apron", "apron_colour:brown"}},
	{"an old man with a white beard and spectacles", "", []string{"age:old", "hair:white", "glasses"}},
	{"a young woman with freckles and ginger braids", "", []string{"mark:freckles", "hair:ginger", "hair_style:braids"}},
	{"a pirate with an eyepatch and a gold earring", "", []string{"mark:eyepatch", "earring", "jewellery_colour:gold"}},
	{"a ranger in a green hooded cloak", "", []string{"headwear:hood", "cloak", "cloak_colour:green"}},
	{"a knight in golden armour with a plumed helmet", "heroic", []string{"headwear:helmet", "armour_colour:gold", "plume", "pauldrons"}},
	{"a wizard with a purple hat and a long grey beard", "", []string{"headwear:wizard_hat", "headwear_colour:purple", "hair:grey", "beard:long"}},
	{"a queen with a crown and a necklace", "", []string{"headwear:crown", "necklace"}},
	{"a priestess with a silver circlet and an amulet", "", []string{"headwear:circlet", "headwear_colour:silver", "amulet"}},
	{"a goblin with big ears and a red cap", "", []string{"species:goblin", "ears:long", "headwear:cap", "headwear_colour:red"}},
	{"a robot with glowing red eyes", "sci-fi neon", []string{"species:robot", "eyes:red", "glow:eyes", "antenna"}},
	{"an android with green eyes", "", []string{"species:android", "eyes:green", "skin:metal"}},
	{"a vampire with pale skin and red eyes", "", []string{"species:undead", "skin:pale", "eyes:red", "fangs"}},
	{"a tiefling with horns and violet skin", "", []string{"species:demon", "horns", "skin:violet"}},
	{"a lizardfolk shaman with scales", "", []string{"species:lizardfolk", "scales"}},
	{"a werewolf with grey fur and yellow eyes", "", []string{"species:beastfolk", "fur", "skin:grey", "eyes:yellow", "fangs"}},
	{"a bald monk with a tattoo", "", []string{"hair_style:bald", "mark:tattoo"}},
	{"a bard with a feather in his cap and a red scarf", "", []string{"feather", "headwear:cap", "scarf", "scarf_colour:red"}},
	{"an elf maiden with a flower in her hair", "", []string{"species:elf", "flower"}},
	{"a merchant with a black moustache", "", []string{"beard:moustache", "hair:black"}},
	{"a noblewoman with auburn hair and a high collar", "", []string{"hair:auburn", "collar"}},
	{"a guard with pauldrons and a gorget", "", []string{"pauldrons", "gorget"}},
	{"a man with a breastplate over a blue tunic", "", []string{"breastplate", "outfit:tunic", "clothes_colour:blue"}},
	{"a traveller in a brown cloak", "", []string{"cloak", "cloak_colour:brown"}},
	{"a scholar in blue robes with hazel eyes", "", []string{"outfit:robe", "clothes_colour:blue", "eyes:hazel"}},
	{"a sailor with tanned skin and a teal scarf", "", []string{"skin:tan", "scarf", "scarf_colour:teal"}},
	{"a woman with dark skin and amber eyes", "", []string{"skin:dark", "eyes:amber"}},
	{"a man with olive skin and grey eyes", "", []string{"skin:olive", "eyes:grey"}},
	{"a girl with pale skin and pink hair", "", []string{"skin:pale", "hair:pink"}},
	{"a boy with blonde hair and blue eyes", "", []string{"hair:blonde", "eyes:blue"}},
	{"a woman with black hair and violet eyes", "", []string{"hair:black", "eyes:violet"}},
	{"a man with brown hair and brown eyes", "", []string{"hair:brown", "eyes:brown"}},
	{"a man with ebony skin and a white beard", "", []string{"skin:ebony", "hair:white", "beard:full|beard:long"}},
	{"a woman with copper hair and gold eyes", "", []string{"hair:copper", "eyes:gold"}},
	{"an old woman with silver hair in a purple shawl", "", []string{"hair:silver", "scarf", "scarf_colour:purple"}},
	{"a punk with a green mohawk", "", []string{"hair:green", "hair_style:spiky"}},
	{"a sorceress with teal hair and orange eyes", "mysterious", []string{"hair:teal", "eyes:orange"}},
	{"a man with platinum blonde hair", "", []string{"hair:platinum"}},
	{"a demon with glowing yellow eyes", "dark fantasy medieval", []string{"species:demon", "eyes:yellow", "glow:eyes", "horns"}},
	{"a fair-skinned knight with a blue cloak", "", []string{"skin:fair", "cloak", "cloak_colour:blue"}},
	{"a woman in a red dress with a pearl necklace", "", []string{"clothes_colour:red", "necklace", "jewellery_colour:pearl"}},
	{"a blacksmith with a scarred face and a brown apron", "", []string{"mark:scar", "apron", "apron_colour:brown"}},
	{"a hunter with a fur cloak", "", []string{"cloak", "-fur"}},
	{"a cyborg with a red eye", "", []string{"species:cyborg", "eyes:red"}},
	{"a monk in orange robes", "", []string{"outfit:robe", "clothes_colour:orange"}},
	{"a druid with a flower crown and green eyes", "", []string{"headwear:flower_crown", "flower", "eyes:green", "-headwear:crown"}},
	{"an elf with gold earrings and a circlet", "", []string{"earring", "headwear:circlet", "jewellery_colour:gold"}},
	{"a dwarf with a braided grey beard", "", []string{"species:dwarf", "hair:grey", "beard:long"}},
	{"a knight in black armour", "", []string{"outfit:armour", "armour_colour:black"}},
	{"a tavern keeper in a yellow vest", "", []string{"outfit:vest", "vest_colour:yellow"}},
	{"a woman with a pink flower and a white scarf", "", []string{"flower", "flower_colour:pink", "scarf", "scarf_colour:white"}},
	{"a man with a blue feather in his hat", "", []string{"feather", "feather_colour:blue", "headwear:cap"}},
	{"a young prince with a golden crown and brown eyes", "heroic", []string{"headwear:crown", "eyes:brown", "age:young"}},
	{"an assassin with a black hood and red eyes", "", []string{"headwear:hood", "headwear_colour:black", "eyes:red"}},
	{"a cheerful baker", "", []string{"emotion:joy"}},
	{"an angry orc with tusks", "", []string{"emotion:anger", "tusks"}},
	{"a sad old woman", "", []string{"emotion:sadness", "age:old"}},
	{"a surprised young man", "", []string{"emotion:surprise"}},
	{"a frightened girl", "", []string{"emotion:fear"}},
	{"a sneering noble", "", []string{"emotion:disgust"}},
	{"a sly thief with a smirk", "", []string{"emotion:anticipation", "headwear:hood"}},
	{"a kind grandmother with spectacles", "", []string{"emotion:trust", "glasses", "age:old"}},
	{"a stoic soldier", "", []string{"emotion:neutral"}},
	{"a man with a square jaw and short black hair", "", []string{"head:square", "hair:black", "hair_style:short"}},
	{"a goblin with pointed ears", "", []string{"species:goblin", "ears:pointed"}},
	{"a man with green skin", "", []string{"skin:green"}},
	{"a woman with blue skin and white hair", "", []string{"skin:blue", "hair:white"}},
	{"an elf archer with light brown hair", "", []string{"hair:brown"}},
	{"a man with dark brown hair", "", []string{"hair:dark_brown"}},
	{"a man with a long red beard", "", []string{"hair:red", "beard:long"}},
	{"a woman with a blue hood", "", []string{"headwear:hood", "headwear_colour:blue"}},
	{"a paladin with gold pauldrons", "", []string{"pauldrons", "armour_colour:gold"}},
	{"an old sea captain with a grey beard and a blue cap", "", []string{"headwear:cap", "headwear_colour:blue", "hair:grey"}},
	{"a catfolk with orange fur", "", []string{"species:beastfolk", "fur", "skin:orange"}},
	{"a knight without a helmet", "", []string{"outfit:armour", "-headwear:helmet"}},
	{"a woman with a silver necklace and green eyes", "", []string{"necklace", "jewellery_colour:silver", "eyes:green"}},
}

// avatarEvalRequest is the request the evaluation renders for case i: small, so the
// whole set runs in a fraction of a second.
func avatarEvalRequest(i int, c avatarEvalCase, size int) domain.ImageRequest {
	return domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: c.prompt, WorldTone: c.tone, Style: domain.StylePixelArt,
		Width: size, Height: size, Seed: int64(i + 1)}
}

// TestEvalAvatars checks that every description's avatar reports the traits it names,
// that what it names is drawn (enough pixels of the item's material), and that every
// named colour is really on the part it names (some pixel of that part is of the
// colour's family). With -samples DIR it also writes a contact sheet of all the cases.
func TestEvalAvatars(t *testing.T) {
	if len(avatarEvalCases) < 60 {
		t.Fatalf("only %d evaluation cases, want at least 60", len(avatarEvalCases))
	}
	const size = 128 // 2 output pixels per native pixel, no crop
	e := New()
	var tiles []image.Image
	passed := 0
	for i, c := range avatarEvalCases {
		req := avatarEvalRequest(i, c, size)
		res, err := e.Generate(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, res.Data)
		tiles = append(tiles, img)
		a := buildAvatar(req, lookFor(req.Style))
		pixelsOf := func(mats ...material) []rgb {
			var out []rgb
			for py := range a.sp.n {
				for px := range a.sp.n {
					if !slices.Contains(mats, a.sp.mat[py*a.sp.n+px]) {
						continue
					}
					r, g, b, _ := img.At((a.ox+px)*a.k, (a.oy+py)*a.k).RGBA()
					out = append(out, rgb{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)})
				}
			}
			return out
		}
		var problems []string
		for _, w := range c.want {
			if neg, ok := strings.CutPrefix(w, "-"); ok {
				if slices.Contains(res.Traits, neg) {
					problems = append(problems, "reports "+neg)
				}
				continue
			}
			if alts := strings.Split(w, "|"); len(alts) > 1 {
				// Any one of the alternatives will do.
				if !slices.ContainsFunc(alts, func(a string) bool { return slices.Contains(res.Traits, a) }) {
					problems = append(problems, "missing "+w)
				}
				continue
			}
			if !slices.Contains(res.Traits, w) {
				problems = append(problems, "missing "+w)
				continue
			}
			cat, val, _ := strings.Cut(w, ":")
			if mats, need := traitMaterials(w, &a.tr); len(mats) > 0 && len(pixelsOf(mats...)) < need {
				problems = append(problems, fmt.Sprintf("%s drawn on %d pixels, want %d", w, len(pixelsOf(mats...)), need))
			}
			if mats := colourMaterials(cat, &a.tr); len(mats) > 0 {
				px := pixelsOf(mats...)
				if !slices.ContainsFunc(px, func(p rgb) bool { return colourFamily(val, p) }) {
					problems = append(problems, fmt.Sprintf("%s: none of the %d pixels is %s (first %v)", w, len(px), val, firstOf(px)))
				}
			}
		}
		if len(problems) > 0 {
			t.Errorf("%d %q: %s\n\ttraits %v", i+1, c.prompt, strings.Join(problems, "; "), res.Traits)
		} else {
			passed++
		}
	}
	t.Logf("%d of %d descriptions show everything they name", passed, len(avatarEvalCases))
	if *samplesDir != "" {
		writeEvalSheet(t, filepath.Join(*samplesDir, "pixelart-eval-avatars.png"), tiles, 10)
	}
}

func firstOf(px []rgb) any {
	if len(px) == 0 {
		return "none"
	}
	return px[0]
}

// traitMaterials returns the materials a trait is drawn in and how many native pixels of
// them must be visible.
func traitMaterials(trait string, t *traits) ([]material, int) {
	switch trait {
	case "apron":
		return []material{mApron}, 30
	case "scarf":
		return []material{mScarf}, 20
	case "cloak":
		return []material{mCape}, 40
	case "collar":
		return []material{mTrim}, 10
	case "necklace", "amulet", "earring":
		return []material{mGold}, 6
	case "pauldrons", "breastplate", "gorget":
		return []material{mArmor}, 40
	case "feather":
		return []material{mFeather}, 12
	case "flower", "headwear:flower_crown":
		return []material{mFlower}, 8
	case "glasses":
		return []material{mFrame}, 12
	case "plume":
		return []material{mTrim}, 6
	case "tusks", "fangs":
		return []material{mTusk}, 2
	case "horns":
		return []material{mHorn}, 20
	case "fur":
		return []material{mFur}, 20
	case "scales":
		return []material{mScale}, 20
	case "glow:eyes":
		return []material{mHalo, mGlow}, 2
	case "antenna":
		return []material{mGlow}, 4
	case "mark:scar":
		return []material{mScar, mScarShade}, 8
	case "mark:eyepatch":
		return []material{mPatch}, 12
	case "mark:tattoo":
		return []material{mTattoo}, 4
	case "mark:freckles":
		return []material{mFreckle}, 3
	case "headwear:hood", "headwear:wizard_hat", "headwear:cap":
		return []material{mHat}, 40
	case "headwear:helmet":
		return []material{mHelm}, 40
	case "headwear:crown", "headwear:circlet":
		return []material{mGold}, 8
	case "ears:pointed", "ears:long":
		return []material{mEar}, 8
	}
	return nil, 0
}

// colourMaterials returns the materials a colour trait's category colours.
func colourMaterials(cat string, t *traits) []material {
	switch cat {
	case "eyes":
		if t.metalSkin {
			return []material{mIris, mGlow}
		}
		return []material{mIris}
	case "hair":
		return []material{mHair, mHairBack, mBeard, mBrow}
	case "skin":
		return []material{mSkin, mNeck, mEar}
	case "clothes_colour":
		return []material{mCloth}
	case "cloak_colour", "vest_colour":
		return []material{mCape}
	case "headwear_colour":
		if t.head == wearHelmet {
			return []material{mHelm}
		}
		if t.head == wearCrown || t.head == wearCirclet {
			return []material{mGold}
		}
		return []material{mHat}
	case "armour_colour":
		return []material{mArmor, mHelm}
	case "apron_colour":
		return []material{mApron}
	case "scarf_colour":
		return []material{mScarf}
	case "feather_colour":
		return []material{mFeather}
	case "flower_colour":
		return []material{mFlower}
	case "jewellery_colour":
		return []material{mGold}
	}
	return nil
}

// hsv returns c's hue (0..359), saturation (0..255) and value (0..255), in integers.
func hsv(c rgb) (h, s, v int) {
	r, g, b := int(c.r), int(c.g), int(c.b)
	mx, mn := max(r, g, b), min(r, g, b)
	v = mx
	if mx == 0 {
		return 0, 0, 0
	}
	s = (mx - mn) * 255 / mx
	d := mx - mn
	if d == 0 {
		return 0, s, v
	}
	switch mx {
	case r:
		h = 60 * (g - b) / d
	case g:
		h = 120 + 60*(b-r)/d
	default:
		h = 240 + 60*(r-g)/d
	}
	if h < 0 {
		h += 360
	}
	return h, s, v
}

// colourFamily reports whether c belongs to the colour the trait word names: a hue
// window with enough saturation for chromatic colours, lightness for greys, whites and
// blacks, and both for skins.
func colourFamily(name string, c rgb) bool {
	h, s, v := hsv(c)
	hue := func(lo, hi int) bool {
		if lo <= hi {
			return h >= lo && h <= hi
		}
		return h >= lo || h <= hi
	}
	switch name {
	case "red", "crimson":
		return hue(335, 18) && s >= 100 && v >= 60
	case "auburn":
		return hue(345, 30) && s >= 80 && v >= 50 && v <= 210
	case "orange", "ginger", "copper", "amber", "rust":
		return hue(12, 45) && s >= 110 && v >= 90
	case "brown", "dark_brown", "chestnut":
		return hue(5, 45) && s >= 50 && v >= 25 && v <= 200
	case "hazel":
		return hue(25, 60) && s >= 70 && v >= 60
	case "tan":
		return hue(15, 45) && s >= 50 && v >= 120
	case "gold", "yellow", "blonde":
		return hue(35, 65) && s >= 70 && v >= 120
	case "platinum":
		return hue(30, 75) && s >= 15 && s <= 120 && v >= 170
	case "yellow_green":
		return hue(55, 100) && s >= 80
	case "green", "emerald", "olive_green":
		return hue(70, 165) && s >= 50 && v >= 40
	case "teal", "cyan":
		return hue(160, 205) && s >= 70
	case "blue", "navy", "sky":
		return hue(195, 250) && s >= 60
	case "violet", "purple":
		return hue(245, 305) && s >= 50
	case "pink", "rose", "magenta":
		return (hue(295, 352) && s >= 50 || hue(340, 15) && s >= 30 && s < 130 && v >= 180) && v >= 120
	case "grey", "silver", "steel", "metal", "slate":
		return s <= 70 && v >= 70 && v <= 240
	case "white", "pearl":
		return s <= 60 && v >= 190
	case "black":
		return v <= 80
	// Skins: warm hues, told apart by lightness.
	case "pale":
		return hue(0, 45) && v >= 215 && s <= 110
	case "fair":
		return hue(0, 40) && v >= 195 && s >= 50
	case "olive":
		return hue(10, 45) && v >= 140 && v <= 210
	case "dark":
		return hue(0, 40) && v >= 55 && v <= 130
	case "ebony":
		return hue(0, 45) && v <= 95
	}
	return false
}

// writeEvalSheet lays the tiles out cols wide in case order, each numbered in its
// top-left corner with a tiny built-in digit font so a reader can find its description.
func writeEvalSheet(t *testing.T, path string, imgs []image.Image, cols int) {
	t.Helper()
	var numbered []image.Image
	for i, img := range imgs {
		m := image.NewRGBA(img.Bounds())
		draw.Draw(m, m.Bounds(), img, img.Bounds().Min, draw.Src)
		drawNumber(m, 3, 3, i+1)
		numbered = append(numbered, m)
	}
	writeSheet(t, path, numbered, cols)
}

// digits is a 3×5 pixel font for 0..9.
var digits = [10][5]string{
	{"###", "#.#", "#.#", "#.#", "###"}, {".#.", "##.", ".#.", ".#.", "###"}, {"###", "..#", "###", "#..", "###"},
	{"###", "..#", "###", "..#", "###"}, {"#.#", "#.#", "###", "..#", "..#"}, {"###", "#..", "###", "..#", "###"},
	{"###", "#..", "###", "#.#", "###"}, {"###", "..#", ".#.", ".#.", ".#."}, {"###", "#.#", "###", "#.#", "###"},
	{"###", "#.#", "###", "..#", "###"},
}

// drawNumber writes n at (x, y) in white 2×-scaled digits on a dark box.
func drawNumber(m *image.RGBA, x, y, n int) {
	s := fmt.Sprint(n)
	draw.Draw(m, image.Rect(x-1, y-1, x+len(s)*8+1, y+11), image.NewUniform(color.RGBA{0x10, 0x10, 0x18, 0xff}), image.Point{}, draw.Src)
	for i, ch := range s {
		g := digits[ch-'0']
		for r, row := range g {
			for col, p := range row {
				if p == '#' {
					draw.Draw(m, image.Rect(x+i*8+col*2, y+r*2, x+i*8+col*2+2, y+r*2+2), image.NewUniform(color.White), image.Point{}, draw.Src)
				}
			}
		}
	}
}
