package pixelart

// The avatar's colours: the named colours prompts ask for, the curated sets the seed picks
// from, kept apart from each other and graded by the world tone.

// named is a colour with its trait word and the prompt words that ask for it.
type named struct {
	name  string
	words []string
	c     rgb
}

// Skin tones: six human ones (the seed picks among these), then the fantasy and metal
// skins. A colour word before "skin" looks the skin up here.
var (
	skinHuman = []named{
		{"pale", []string{"pale", "porcelain", "pallid", "ivory", "white", "pale-skinned", "alabaster", "snow"}, hex(0xf4d4bc)},
		{"fair", []string{"fair", "fair-skinned", "light-skinned", "rosy", "light", "peach", "peachy"}, hex(0xeab592)},
		{"tan", []string{"tan", "tanned", "sun-kissed", "sunburnt", "sunburned", "golden", "sand", "bronzed"}, hex(0xd49a68)},
		{"olive", []string{"olive", "olive-skinned", "bronze-skinned", "bronze"}, hex(0xb57c4e)},
		{"brown", []string{"brown", "brown-skinned", "dusky", "caramel", "copper", "swarthy"}, hex(0x8c5a3a)},
		{"dark", []string{"dark", "dark-skinned", "black", "deep-skinned", "deep", "umber"}, hex(0x5e3b28)},
	}
	skinEbony  = hex(0x46291c)
	skinOrc    = hex(0x79a548)
	skinGoblin = hex(0xa0b23e)
	skinBlue   = hex(0x6c9cd4)
	skinDrow   = hex(0x7f72aa)
	skinDemon  = hex(0xc24a3c)
	skinUndead = hex(0xaab6a0)
	skinMetal  = hex(0xa6b0be)
	skinLizard = hex(0x4f9a6a)
	skinBeast  = hex(0x9a7a5a)
	// skinTones is every skin a prompt can name.
	skinTones = append(append([]named{}, skinHuman...), []named{
		{"ebony", []string{"ebony", "onyx", "ebon"}, skinEbony},
		{"green", []string{"green", "emerald", "jade", "moss", "verdant"}, skinOrc},
		{"yellow_green", []string{"yellow-green", "yellow", "lime", "sickly", "chartreuse"}, skinGoblin},
		{"blue", []string{"blue", "azure", "navy", "sapphire", "cobalt"}, skinBlue},
		{"teal", []string{"teal", "cyan", "turquoise", "aqua"}, hex(0x4aa8a0)},
		{"violet", []string{"purple", "violet", "lilac", "lavender", "mauve", "plum"}, skinDrow},
		{"red", []string{"red", "crimson", "scarlet", "ruby", "blood-red"}, skinDemon},
		{"grey", []string{"grey", "gray", "ash", "ashen", "slate", "stone"}, skinUndead},
		{"metal", []string{"steel", "metal", "metallic", "chrome", "iron", "silver", "silvery"}, skinMetal},
		{"pink", []string{"pink", "rose", "rosy-pink"}, hex(0xf0a8a8)},
		{"orange", []string{"orange", "amber", "tangerine"}, hex(0xe08a48)},
		{"gold", []string{"gold", "gilded", "brass"}, hex(0xd8b04a)},
		{"brown", []string{"tawny", "chestnut", "hazel"}, skinBeast},
	}...)
)

// Hair colours, natural first. Each also answers to its words before a hair noun.
var hairColours = []named{
	{"black", []string{"black", "raven", "jet", "ebony", "dark", "jet-black", "inky"}, hex(0x2b2531)},
	{"dark_brown", []string{"dark brown", "chestnut", "brunette", "mahogany", "coffee"}, hex(0x4c3124)},
	{"brown", []string{"brown", "mousy", "light brown", "hazel", "nut-brown", "tawny"}, hex(0x7c4d2b)},
	{"auburn", []string{"auburn", "russet", "burgundy"}, hex(0x943c22)},
	{"copper", []string{"copper", "coppery", "bronze"}, hex(0xb4562a)},
	{"red", []string{"red", "crimson", "scarlet", "fiery", "cherry", "blood-red", "ruby", "flame", "flaming"}, hex(0xc0362a)},
	{"ginger", []string{"ginger", "redhead", "strawberry", "carrot", "red-orange"}, hex(0xd0682c)},
	{"orange", []string{"orange", "tangerine"}, hex(0xe8801e)},
	{"blonde", []string{"blond", "blonde", "fair", "flaxen", "straw", "honey", "sandy", "butter"}, hex(0xe3bb5c)},
	{"gold", []string{"gold", "golden"}, hex(0xe0a830)},
	{"yellow", []string{"yellow", "lemon"}, hex(0xe8d040)},
	{"platinum", []string{"platinum", "platinum blonde", "ash blonde", "white-blonde"}, hex(0xeae2c0)},
	{"grey", []string{"grey", "gray", "ash", "ashen", "greying", "graying", "grizzled", "salt and pepper", "steel"}, hex(0xa4a3aa)},
	{"silver", []string{"silver", "silvery", "silvered"}, hex(0xc8ccd8)},
	{"white", []string{"white", "snow", "snowy", "snow-white", "milky"}, hex(0xe9ebf0)},
	{"blue", []string{"blue", "azure", "navy", "cobalt", "sapphire"}, hex(0x4a70d2)},
	{"pink", []string{"pink", "rose", "bubblegum", "magenta"}, hex(0xe27db2)},
	{"purple", []string{"purple", "violet", "lilac", "lavender", "plum", "amethyst"}, hex(0x7b4cc2)},
	{"green", []string{"green", "emerald", "jade", "mossy"}, hex(0x4aa262)},
	{"teal", []string{"teal", "cyan", "turquoise", "aqua"}, hex(0x38a6a6)},
}

// The hair the seed picks from: natural colours with their weights, and the fantasy ones
// it sometimes (in a neon world, often) picks instead.
var (
	hairNatural = []struct {
		name   string
		weight int
	}{{"black", 20}, {"dark_brown", 22}, {"brown", 18}, {"auburn", 8}, {"ginger", 8}, {"blonde", 12}, {"platinum", 4}}
	hairFantasy = []string{"blue", "pink", "purple", "green", "teal"}
)

// hairGrey and hairWhite are what age turns hair to.
var (
	hairGrey  = mustColour(hairColours, "grey")
	hairWhite = mustColour(hairColours, "white")
)

// Cloth colours by name, for "a red cloak", "in blue", "green robes".
var clothColours = []named{
	{"red", []string{"red", "scarlet", "cherry", "vermilion"}, hex(0xb23a30)},
	{"crimson", []string{"crimson", "blood-red", "maroon", "burgundy", "wine", "ruby"}, hex(0x8a1e32)},
	{"blue", []string{"blue", "azure", "cobalt", "sapphire", "royal blue"}, hex(0x3464aa)},
	{"navy", []string{"navy", "indigo", "midnight"}, hex(0x2a3a72)},
	{"green", []string{"green", "verdant", "forest"}, hex(0x417e3c)},
	{"emerald", []string{"emerald", "jade"}, hex(0x1f8c5a)},
	{"olive", []string{"olive", "khaki", "moss", "drab"}, hex(0x6b7232)},
	{"purple", []string{"purple", "violet", "plum", "lilac", "lavender", "amethyst", "mauve"}, hex(0x6e4098)},
	{"black", []string{"black", "ebony", "jet", "dark", "onyx", "sable", "obsidian"}, hex(0x2e2c36)},
	{"white", []string{"white", "ivory", "pale", "snow", "cream", "snowy", "linen", "off-white"}, hex(0xe2ddd0)},
	{"grey", []string{"grey", "gray", "ash", "slate", "charcoal", "ashen"}, hex(0x7a7b86)},
	{"silver", []string{"silver", "silvery", "steel", "pewter"}, hex(0xb8bdc6)},
	{"brown", []string{"brown", "leather", "umber", "tawny", "chestnut", "chocolate", "coffee", "mahogany"}, hex(0x6f4a2e)},
	{"tan", []string{"tan", "beige", "sand", "buff", "sandy", "fawn", "camel"}, hex(0xb38c5c)},
	{"gold", []string{"gold", "golden", "gilded"}, hex(0xd8a83e)},
	{"yellow", []string{"yellow", "mustard", "lemon", "saffron"}, hex(0xd6bc3e)},
	{"orange", []string{"orange", "amber", "rust", "copper", "ochre", "tangerine", "ginger"}, hex(0xcf742a)},
	{"teal", []string{"teal", "turquoise", "cyan", "aqua"}, hex(0x2e8d8d)},
	{"pink", []string{"pink", "rose", "magenta", "fuchsia", "salmon"}, hex(0xd6709e)},
}

// Eye colours; eyes default to a dark brown or a seeded natural colour.
var eyeColours = []named{
	{"blue", []string{"blue", "azure", "sapphire", "ice", "icy", "cobalt", "sky"}, hex(0x3f7fd8)},
	{"green", []string{"green", "emerald", "jade", "verdant"}, hex(0x3d9a4a)},
	{"brown", []string{"brown", "chocolate", "chestnut", "umber"}, hex(0x7a4a26)},
	{"hazel", []string{"hazel"}, hex(0x8e6e34)},
	{"amber", []string{"amber", "honey", "tawny", "copper"}, hex(0xd08a1e)},
	{"gold", []string{"gold", "golden", "gilded"}, hex(0xe8b830)},
	{"yellow", []string{"yellow", "lemon"}, hex(0xe6d43a)},
	{"orange", []string{"orange", "fiery", "tangerine"}, hex(0xf07a20)},
	{"red", []string{"red", "crimson", "scarlet", "blood-red", "ruby", "bloodshot"}, hex(0xe03a2a)},
	{"pink", []string{"pink", "rose", "magenta"}, hex(0xe870b0)},
	{"violet", []string{"violet", "purple", "amethyst", "lilac", "lavender"}, hex(0x9050d0)},
	{"teal", []string{"teal", "turquoise"}, hex(0x20a898)},
	{"cyan", []string{"cyan", "aqua"}, hex(0x40d0f0)},
	{"grey", []string{"grey", "gray", "steel", "stormy", "slate", "ashen"}, hex(0x8a94a2)},
	{"silver", []string{"silver", "silvery", "mercury"}, hex(0xbcc4d0)},
	{"white", []string{"white", "pale", "milky", "blind", "pearl"}, hex(0xe4ecf4)},
	{"black", []string{"black", "dark", "onyx", "obsidian", "jet", "inky"}, hex(0x241c24)},
}

// The eyes the seed picks from, with their weights.
var eyeSeeded = []struct {
	name   string
	c      rgb
	weight int
}{{"brown", hex(0x4a2e1e), 40}, {"blue", hex(0x3f7fd8), 20}, {"green", hex(0x3d9a4a), 15}, {"brown", hex(0x7a4a26), 15}, {"grey", hex(0x6a7a8a), 10}}

// Armour metals by name; any other colour word paints the steel ("blue armour").
var metalColours = []named{
	{"steel", []string{"steel", "silver", "iron", "grey", "gray", "white", "shining", "polished", "chrome", "metal"}, hex(0xa8b0bc)},
	{"bronze", []string{"bronze", "brass", "copper"}, hex(0xb89050)},
	{"gold", []string{"gold", "golden", "gilded"}, hex(0xd8a840)},
	{"black", []string{"black", "dark", "obsidian", "onyx", "blackened", "jet"}, hex(0x4a4a58)},
}

// The metals of jewellery by name: crowns, circlets, chains and earrings.
var jewelColours = []named{
	{"gold", []string{"gold", "golden", "gilded", "gilt"}, hex(0xe0b040)},
	{"silver", []string{"silver", "silvery", "white", "steel", "platinum", "mithril", "pewter"}, hex(0xc4cad6)},
	{"pearl", []string{"pearl", "pearls", "ivory", "bone"}, hex(0xf0e8dc)},
	{"bronze", []string{"bronze", "brass", "copper"}, hex(0xb87a40)},
	{"black", []string{"black", "iron", "obsidian", "jet", "dark"}, hex(0x4a4650)},
}

// Curated colour sets the seed picks from when the prompt names none.
var (
	clothSeed = []rgb{hex(0xb23a30), hex(0x3464aa), hex(0x417e3c), hex(0x6e4098), hex(0x6f4a2e),
		hex(0x2a3a72), hex(0x8a1e32), hex(0x2e8d8d), hex(0xcf742a), hex(0x7a7b86), hex(0xb38c5c), hex(0x1f8c5a)}
	clothNeon = []rgb{hex(0x2e2c36), hex(0x2e8d8d), hex(0xc03aa0), hex(0x3a3aa0), hex(0x20b0c8), hex(0x6e4098)}
	clothRust = []rgb{hex(0x6f4a2e), hex(0x8a6a3a), hex(0x6b7232), hex(0x7a4030), hex(0x5a5a50), hex(0xa05a2a)}
	trims     = []rgb{hex(0xe2b84a), hex(0xc8ccd4), hex(0xe8e0cc), hex(0x9a2a2a), hex(0x2a4a8a), hex(0x2e2c36)}
	gems      = []rgb{hex(0xd8283a), hex(0x2a7ae0), hex(0x2ab860), hex(0xa040e0)}
	// Accessory colours: scarves, feathers and flowers the seed picks when unnamed.
	scarfSeed   = []rgb{hex(0xb23a30), hex(0xd6bc3e), hex(0x3464aa), hex(0xe2ddd0), hex(0x2e8d8d)}
	featherSeed = []rgb{hex(0xb23a30), hex(0xe2ddd0), hex(0x1f8c5a), hex(0xd8a83e)}
	flowerSeed  = []rgb{hex(0xe86aa0), hex(0xf0f0f0), hex(0xd83a3a), hex(0xf0d040)}
)

// A backdrop is the top and bottom of a portrait's gradient, with its trait word.
type backdrop struct {
	name        string
	top, bottom rgb
}

var (
	backdrops = []backdrop{
		{"purple", hex(0x6a5a9a), hex(0x2a2046)},
		{"teal", hex(0x4a8a9a), hex(0x1e3a4c)},
		{"ochre", hex(0xd8a868), hex(0x8a5434)},
		{"green", hex(0x6a9a5a), hex(0x2a4a32)},
		{"sky", hex(0x8cc0e8), hex(0x3a6aac)},
		{"rose", hex(0xe0a0a8), hex(0x8a4a66)},
		{"slate", hex(0x7a8aa4), hex(0x333c52)},
		{"crimson", hex(0xb04a4a), hex(0x461a26)},
		{"gold", hex(0xe8cc78), hex(0xa87a3a)},
		{"mint", hex(0xa0d8c0), hex(0x3a8a7a)},
	}
	backdropNeon = []backdrop{{"magenta", hex(0xd040b0), hex(0x2a1060)}, {"cyan", hex(0x30d0e8), hex(0x1a2a70)}, {"violet", hex(0x8040e0), hex(0x120a30)}}
	backdropRust = []backdrop{{"amber", hex(0xd09050), hex(0x6a3a20)}, {"khaki", hex(0xb0a070), hex(0x5a4a30)}, {"rust", hex(0xa05a3a), hex(0x3a2018)}}
)

// mustColour returns the colour one of whose words is w (zero if none).
func mustColour(list []named, w string) rgb {
	c, _ := lookUp(list, w)
	return c
}

// lookUp returns the first named colour one of whose words is w.
func lookUp(list []named, w string) (rgb, bool) {
	n, ok := lookUpNamed(list, w)
	return n.c, ok
}

// lookUpNamed returns the first named colour one of whose words is w.
func lookUpNamed(list []named, w string) (named, bool) {
	for _, n := range list {
		for _, nw := range n.words {
			if nw == w {
				return n, true
			}
		}
	}
	return named{}, false
}

// nearestName returns the trait word of the colour in list nearest to c: how a colour
// the seed chose (or a shade of one) is reported.
func nearestName(list []named, c rgb) string {
	best, bestD := "", -1
	for _, n := range list {
		if d := dist(n.c, c); bestD < 0 || d < bestD {
			best, bestD = n.name, d
		}
	}
	return best
}

// finish chooses the colours the prompt left open (clothes, trim, hat, metal, the
// accessories, the backdrop), keeps neighbours apart (clothes from skin and hair, figure
// from backdrop) and grades them all by the tone. Clothes colours draw from colourSeed,
// the backdrop from bgSeed: a variation re-draws them separately (see variation.go).
// Each colour draws from its own stream, so a variation that names one (a blue hood)
// leaves the others as the source had them.
func (t *traits) finish(colourSeed, bgSeed uint64, tn tone) {
	seedCloth := clothSeed
	switch tn.name {
	case "neon":
		seedCloth = clothNeon
	case "rust":
		seedCloth = clothRust
	}
	if !t.clothSet {
		r := derive(colourSeed, "cloth")
		t.cloth = seedCloth[r.Intn(len(seedCloth))]
		for range 4 {
			if dist(t.cloth, t.skin) > 90 && dist(t.cloth, t.hairCol) > 60 && (!t.capeSet || dist(t.cloth, t.cape) > 60) &&
				(!t.apron || !t.apronSet || dist(t.cloth, t.apronCol) > 70) {
				break
			}
			t.cloth = seedCloth[r.Intn(len(seedCloth))]
		}
		if t.capeSet && dist(t.cloth, t.cape) <= 60 {
			// Under a cloak of the same colour, plain undyed cloth.
			t.cloth = []rgb{hex(0x6f4a2e), hex(0xb38c5c), hex(0x7a7b86), hex(0xe2ddd0)}[r.Intn(4)]
		}
		t.clothName = nearestName(clothColours, t.cloth)
	}
	// The trim must stand out from the clothes: collars, lapels and edges are drawn in it.
	trim := trims[derive(colourSeed, "trim").Intn(len(trims))]
	for _, alt := range []rgb{trims[0], trims[2], trims[5]} {
		if dist(trim, t.cloth) >= 90 {
			break
		}
		trim = alt
	}
	if !t.trimSet {
		t.trim = trim
	}
	gem := gems[derive(colourSeed, "gem").Intn(len(gems))]
	if !t.gemSet {
		t.gem = gem
	}
	if !t.jewelSet {
		t.jewel, t.jewelName = hex(0xe0b040), "gold"
	}
	metal := []rgb{hex(0xa8b0bc), hex(0x8a929e), hex(0xb89050)}[derive(colourSeed, "metal").pick(60, 30, 10)]
	if !t.metalSet {
		t.metal = metal
		t.metalName = nearestName(metalColours, t.metal)
	}
	hat := t.cloth
	r := derive(colourSeed, "hat")
	switch t.head {
	case wearWizard:
		hat = []rgb{hex(0x3a4aa0), hex(0x6a3a9a), hex(0x2a2a3a), hex(0x8a2a3a), t.cloth}[r.Intn(5)]
	case wearHood:
		hat = scale(t.cloth, 200)
		if t.outfit == outfitCloak || r.chance(50) {
			hat = []rgb{hex(0x3a3440), hex(0x4a3a2a), hex(0x2e4a34), scale(t.cloth, 190)}[r.Intn(4)]
		}
		if t.capeSet && !t.hatSet {
			// "a blue hood", "a green hooded cloak": the hood is the cloak's colour.
			t.hat, t.hatSet, t.hatName = t.cape, true, t.capeName
		}
	case wearFlowers:
		hat = hex(0x4a8a3a) // the wreath's leaves
	case wearCap:
		hat = []rgb{hex(0x6f4a2e), hex(0x2a3a72), hex(0x8a1e32), hex(0x417e3c), hex(0x3a3a44)}[r.Intn(5)]
	}
	if !t.hatSet {
		t.hat = hat
		t.hatName = nearestName(clothColours, t.hat)
	}
	// A hood is the cloak's: a named hood colour is the cloak's too.
	if t.head == wearHood && t.hatSet && !t.capeSet {
		t.cape, t.capeSet, t.capeName = t.hat, true, t.hatName
	}
	pickApart := func(label string, set []rgb, avoid rgb) rgb {
		c := set[derive(colourSeed, label).Intn(len(set))]
		for _, alt := range set {
			if dist(c, avoid) >= 80 {
				break
			}
			c = alt
		}
		return c
	}
	if !t.scarfSet {
		t.scarfCol = pickApart("scarf", scarfSeed, t.cloth)
		t.scarfName = nearestName(clothColours, t.scarfCol)
	}
	if !t.featherSet {
		t.featherCol = pickApart("feather", featherSeed, t.hairCol)
		t.featherName = nearestName(clothColours, t.featherCol)
	}
	if !t.flowerSet {
		t.flowerCol = pickApart("flower", flowerSeed, t.hairCol)
		t.flowerName = nearestName(clothColours, t.flowerCol)
	}
	if !t.apronSet {
		// A cream apron, or a leather one on what is already pale.
		t.apronCol, t.apronName = hex(0xe8e0cc), "white"
		if dist(t.apronCol, t.cloth) < 70 {
			t.apronCol, t.apronName = hex(0x8a5a34), "brown"
		}
	}

	// The backdrop: the first of a seeded order that stands apart from hair, skin and
	// clothes, from the tone's own set when it has one.
	if !t.bgSet {
		rb := derive(bgSeed, "backdrop")
		set := backdrops
		switch tn.name {
		case "neon":
			set = append(append([]backdrop{}, backdropNeon...), backdrops[6])
		case "rust":
			set = append(append([]backdrop{}, backdropRust...), backdrops[6])
		}
		order := make([]int, len(set))
		for i := range order {
			order[i] = i
		}
		for i := len(order) - 1; i > 0; i-- {
			j := rb.Intn(i + 1)
			order[i], order[j] = order[j], order[i]
		}
		best := order[0]
		for _, i := range order {
			mid := mix(set[i].top, set[i].bottom, 128)
			if dist(mid, t.hairCol) > 80 && dist(mid, t.cloth) > 80 && dist(mid, t.skin) > 80 && dist(mid, t.hat) > 60 {
				best = i
				break
			}
		}
		t.bgTop, t.bgBottom, t.bgName = set[best].top, set[best].bottom, set[best].name
	}

	// Grade everything by the tone. Skin takes half of it, so a dark world's people stay
	// people-coloured rather than purple.
	g := tn.grade
	t.skin = mix(t.skin, g(t.skin), 128)
	if !t.capeSet {
		t.cape = scale(t.cloth, 170)
		t.capeName = t.clothName
		if t.head == wearHood {
			t.cape, t.capeName = t.hat, t.hatName
		} else if t.outfit == outfitJerkin {
			t.cape = hex(0x6a4428)
			if dist(t.cape, t.cloth) < 50 || t.apron && dist(t.cape, t.apronCol) < 70 {
				t.cape = hex(0x3a2a22)
			}
			t.capeName = nearestName(clothColours, t.cape)
		}
	}
	// A colour the prompt named takes half the grading too: "a brown apron" must still
	// read as brown in a dusky world.
	grade := func(c *rgb, named bool) {
		if named {
			*c = mix(*c, g(*c), 128)
		} else {
			*c = g(*c)
		}
	}
	grade(&t.hairCol, t.named.has(fHairCol))
	grade(&t.cloth, t.clothSet)
	grade(&t.trim, t.trimSet)
	grade(&t.hat, t.hatSet)
	grade(&t.metal, t.metalSet)
	grade(&t.cape, t.capeSet)
	grade(&t.apronCol, t.apronSet)
	grade(&t.scarfCol, t.scarfSet)
	grade(&t.featherCol, t.featherSet)
	grade(&t.flowerCol, t.flowerSet)
	grade(&t.jewel, t.jewelSet)
	t.bgTop, t.bgBottom = g(t.bgTop), g(t.bgBottom)
	t.bgGlow = mix(t.bgTop, hex(0xfff0d8), 70)
}
