package pixelart

import "image/color"

// rgb is an opaque colour. The renderers work in rgb and integer weights, never in
// floating point.
type rgb struct{ r, g, b uint8 }

// hex returns the colour 0xRRGGBB.
func hex(v uint32) rgb { return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)} }

func (c rgb) rgba() color.RGBA { return color.RGBA{c.r, c.g, c.b, 0xff} }

// mix returns a lerped towards b by t/256.
func mix(a, b rgb, t int) rgb {
	t = clamp(t, 0, 256)
	return rgb{
		uint8((int(a.r)*(256-t) + int(b.r)*t) >> 8),
		uint8((int(a.g)*(256-t) + int(b.g)*t) >> 8),
		uint8((int(a.b)*(256-t) + int(b.b)*t) >> 8),
	}
}

// scale multiplies each channel by k/256, clamped.
func scale(c rgb, k int) rgb {
	return rgb{
		uint8(clamp(int(c.r)*k>>8, 0, 255)),
		uint8(clamp(int(c.g)*k>>8, 0, 255)),
		uint8(clamp(int(c.b)*k>>8, 0, 255)),
	}
}

// luma is the Rec. 601 brightness of c, 0..255.
func luma(c rgb) int { return (77*int(c.r) + 150*int(c.g) + 29*int(c.b)) >> 8 }

// saturate pushes c away from (k > 256) or towards (k < 256) its own grey.
func saturate(c rgb, k int) rgb {
	l := luma(c)
	f := func(v uint8) uint8 { return uint8(clamp(l+(int(v)-l)*k/256, 0, 255)) }
	return rgb{f(c.r), f(c.g), f(c.b)}
}

// dist is a perceptually weighted distance between two colours (the "redmean"-free
// 2-4-3 weighting), good enough to keep hair, skin and backdrop apart.
func dist(a, b rgb) int {
	dr, dg, db := int(a.r)-int(b.r), int(a.g)-int(b.g), int(a.b)-int(b.b)
	return isqrt(2*dr*dr + 4*dg*dg + 3*db*db)
}

// The tints shading ramps shift towards: shadows go cool and purple, highlights warm,
// the way pixel artists hue-shift rather than just darken.
var (
	shadowTint = hex(0x241a40)
	lightTint  = hex(0xfff2cc)
	skinShadow = hex(0x6a2238)
)

// shades is a material's ramp from deepest shadow to highlight; index 2 is the base.
type shades [5]rgb

// rampOf builds a hue-shifted five-step ramp around base. Dark colours get smaller
// highlight steps, so black hair shines blue-grey instead of turning beige.
func rampOf(base rgb) shades { return rampTo(base, shadowTint) }

// rampTo builds the ramp with shadows leaning towards the given tint (skin leans warm).
func rampTo(base, shadow rgb) shades {
	hi := 30 + luma(base)*50/255
	return shades{
		mix(scale(base, 120), shadow, 70),
		mix(scale(base, 190), shadow, 40),
		base,
		mix(scale(base, 276), lightTint, hi),
		mix(scale(base, 296), lightTint, 2*hi),
	}
}

// at returns the ramp colour for a light level in [0, 4·256]: whole steps pick a shade,
// the remainder blends towards the next (used by the smooth "realistic" rendering).
func (s shades) at(level int) rgb {
	level = clamp(level, 0, 4*256)
	i := level >> 8
	if i >= 4 {
		return s[4]
	}
	return mix(s[i], s[i+1], level&255)
}

// tone is the grading a world tone asks for: a tint every colour leans towards, a
// darkness and a vividness. It is parsed from words (toneFor) and applied to every
// palette colour, so a whole picture shifts together and stays harmonious.
type tone struct {
	name    string
	tint    rgb
	tintAmt int // 0..256
	dark    int // 0 (none) .. 2 (grim)
	vivid   int // -1 (washed out) .. 2 (cheerful)
	// glow is the colour of lit windows, torches and robot eyes.
	glow rgb
	// neon gives sci-fi scenes their cyan and magenta accents.
	neon bool
}

// The tone families: the hue a world leans towards. Darkness and vividness are added on
// top by their own words, so "grim neon" is dark and cyan-magenta at once.
var toneFamilies = []struct {
	words []string
	t     tone
}{
	{[]string{"sci-fi", "scifi", "science fiction", "cyberpunk", "neon", "futuristic", "space", "synthwave", "cyber", "high-tech", "space opera"},
		tone{name: "neon", tint: hex(0x1c1050), tintAmt: 45, vivid: 1, glow: hex(0x4ff4ff), neon: true}},
	{[]string{"post-apocalyptic", "postapocalyptic", "apocalyptic", "apocalypse", "wasteland", "dystopian", "fallout", "ruined", "rust", "dust bowl"},
		tone{name: "rust", tint: hex(0x9a5a28), tintAmt: 70, vivid: -1, glow: hex(0xffb040)}},
	{[]string{"mysterious", "mystery", "eerie", "arcane", "haunted", "misty", "ethereal", "otherworldly", "mystic", "occult"},
		tone{name: "mystic", tint: hex(0x2a4a6a), tintAmt: 50, glow: hex(0x9ff0d0)}},
	{[]string{"heroic", "epic", "noble", "legendary", "glorious", "golden age"},
		tone{name: "heroic", tint: hex(0xffc060), tintAmt: 24, vivid: 1, glow: hex(0xffd860)}},
	{[]string{"cheerful", "bright", "whimsical", "happy", "sunny", "colorful", "colourful", "vibrant", "cozy", "cosy", "playful", "cute", "lighthearted", "light-hearted", "fairy", "fairytale", "cartoon"},
		tone{name: "bright", vivid: 2, glow: hex(0xffe070)}},
	{[]string{"dark fantasy", "gothic", "horror", "grimdark", "dark"},
		tone{name: "dusk", tint: hex(0x3a2658), tintAmt: 55, glow: hex(0xffa040)}},
}

// The words that darken a tone or make it vivid, whatever its family.
var (
	darkWords  = []string{"dark", "grim", "gothic", "horror", "bleak", "noir", "sinister", "grimdark", "dread", "cursed", "brooding", "somber", "sombre", "gloomy", "macabre", "night"}
	vividWords = []string{"cheerful", "bright", "vibrant", "colorful", "colourful", "happy", "sunny", "saturated"}
)

// toneFor parses a world tone. Families are tried in order, so "dark sci-fi" is neon
// (and dark), not dusk.
func toneFor(worldTone string) tone {
	w := wordsOf(worldTone)
	t := tone{name: "neutral", glow: hex(0xffc850)}
	for _, f := range toneFamilies {
		if w.any(f.words...) {
			t = f.t
			break
		}
	}
	for _, d := range darkWords {
		if w.has(d) {
			t.dark++
		}
	}
	for _, v := range vividWords {
		if w.has(v) {
			t.vivid++
		}
	}
	t.dark, t.vivid = clamp(t.dark, 0, 2), clamp(t.vivid, -1, 2)
	if t.dark > 0 && t.vivid > 0 {
		t.vivid-- // "dark but vibrant": let the two pull against each other
	}
	return t
}

// grade applies the tone to one colour: lean towards the tint, darken and desaturate
// for darkness, saturate and lift for vividness.
func (t tone) grade(c rgb) rgb {
	if t.tintAmt > 0 {
		// Tint in the colour's own brightness, so a purple tint makes a yellow house
		// dusky rather than purple.
		l := luma(c)
		tl := luma(t.tint)
		tinted := t.tint
		if tl > 0 {
			tinted = scale(t.tint, clamp(l*256/tl, 0, 1024))
		}
		c = mix(c, mix(tinted, t.tint, 64), t.tintAmt)
	}
	if t.dark > 0 {
		c = saturate(mix(c, hex(0x140e1e), 38*t.dark), 256-28*t.dark)
	}
	switch {
	case t.vivid > 0:
		c = saturate(c, 256+45*t.vivid)
		c = mix(c, hex(0xffffff), 10*t.vivid)
	case t.vivid < 0:
		c = saturate(c, 200)
	}
	return c
}
