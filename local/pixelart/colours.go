package pixelart

// The avatar's colours: curated sets the seed picks from, kept apart from each other and
// graded by the world tone.

// Curated colour sets the seed picks from when the prompt names none.
var (
	clothSeed = []rgb{hex(0xb23a30), hex(0x3464aa), hex(0x417e3c), hex(0x6e4098), hex(0x6f4a2e),
		hex(0x2a3a72), hex(0x8a1e32), hex(0x2e8d8d), hex(0xcf742a), hex(0x7a7b86), hex(0xb38c5c), hex(0x1f8c5a)}
	clothNeon = []rgb{hex(0x2e2c36), hex(0x2e8d8d), hex(0xc03aa0), hex(0x3a3aa0), hex(0x20b0c8), hex(0x6e4098)}
	clothRust = []rgb{hex(0x6f4a2e), hex(0x8a6a3a), hex(0x6b7232), hex(0x7a4030), hex(0x5a5a50), hex(0xa05a2a)}
	trims     = []rgb{hex(0xe2b84a), hex(0xc8ccd4), hex(0xe8e0cc), hex(0x9a2a2a), hex(0x2a4a8a), hex(0x2e2c36)}
	gems      = []rgb{hex(0xd8283a), hex(0x2a7ae0), hex(0x2ab860), hex(0xa040e0)}
	// Backdrops: top and bottom of a portrait's gradient.
	backdrops = [][2]rgb{
		{hex(0x6a5a9a), hex(0x2a2046)}, // dusk purple
		{hex(0x4a8a9a), hex(0x1e3a4c)}, // teal
		{hex(0xd8a868), hex(0x8a5434)}, // ochre
		{hex(0x6a9a5a), hex(0x2a4a32)}, // forest
		{hex(0x8cc0e8), hex(0x3a6aac)}, // sky
		{hex(0xe0a0a8), hex(0x8a4a66)}, // rose
		{hex(0x7a8aa4), hex(0x333c52)}, // slate
		{hex(0xb04a4a), hex(0x461a26)}, // crimson
		{hex(0xe8cc78), hex(0xa87a3a)}, // gold
		{hex(0xa0d8c0), hex(0x3a8a7a)}, // mint
	}
	backdropNeon = [][2]rgb{{hex(0xd040b0), hex(0x2a1060)}, {hex(0x30d0e8), hex(0x1a2a70)}, {hex(0x8040e0), hex(0x120a30)}}
	backdropRust = [][2]rgb{{hex(0xd09050), hex(0x6a3a20)}, {hex(0xb0a070), hex(0x5a4a30)}, {hex(0xa05a3a), hex(0x3a2018)}}
)

// pickColours chooses the cloth, trim, hat, metal, eye and backdrop colours, keeps
// neighbours apart (hair from skin, figure from backdrop) and grades them all by tone.
func (t *traits) pickColours(w words, seed uint64, tn tone, clothSet, eyeSet bool, kind string) {
	r := derive(seed, "colours")
	seedCloth := clothSeed
	switch tn.name {
	case "neon":
		seedCloth = clothNeon
	case "rust":
		seedCloth = clothRust
	}
	if !clothSet {
		t.cloth = seedCloth[r.Intn(len(seedCloth))]
		if t.capeSet {
			t.cloth = []rgb{hex(0x6f4a2e), hex(0xb38c5c), hex(0x7a7b86), hex(0xe2ddd0)}[r.Intn(4)]
		}
		for range 4 {
			if dist(t.cloth, t.skin) > 90 && dist(t.cloth, t.hairCol) > 60 {
				break
			}
			t.cloth = seedCloth[r.Intn(len(seedCloth))]
		}
	}
	t.trim = trims[r.Intn(len(trims))]
	if dist(t.trim, t.cloth) < 90 {
		t.trim = trims[0]
		if dist(t.trim, t.cloth) < 90 {
			t.trim = trims[2]
		}
	}
	t.gem = gems[r.Intn(len(gems))]
	t.metal = []rgb{hex(0xa8b0bc), hex(0x8a929e), hex(0xb89050)}[r.pick(60, 30, 10)]
	if w.any("gold armor", "golden armor", "gold armour", "golden armour") {
		t.metal = hex(0xd8a840)
	} else if w.any("black armor", "black armour", "dark armor", "dark armour") {
		t.metal = hex(0x4a4a58)
	}
	switch t.head {
	case wearWizard:
		t.hat = []rgb{hex(0x3a4aa0), hex(0x6a3a9a), hex(0x2a2a3a), hex(0x8a2a3a), t.cloth}[r.Intn(5)]
	case wearHood:
		t.hat = scale(t.cloth, 200)
		if t.outfit == outfitCloak || r.chance(50) {
			t.hat = []rgb{hex(0x3a3440), hex(0x4a3a2a), hex(0x2e4a34), scale(t.cloth, 190)}[r.Intn(4)]
		}
		if t.capeSet {
			t.hat = t.cape
		}
	case wearCap:
		t.hat = []rgb{hex(0x6f4a2e), hex(0x2a3a72), hex(0x8a1e32), hex(0x417e3c), hex(0x3a3a44)}[r.Intn(5)]
	default:
		t.hat = t.cloth
	}
	if !eyeSet {
		t.eyeCol = []rgb{hex(0x4a2e1e), hex(0x3f7fd8), hex(0x3d9a4a), hex(0x7a4a26), hex(0x6a7a8a)}[r.pick(40, 20, 15, 15, 10)]
		switch kind {
		case "demon", "undead":
			t.eyeCol = hex(0xe8402a)
		case "drow":
			t.eyeCol = hex(0xd04040)
		case "orc", "goblin":
			t.eyeCol = hex(0xe8b830)
		}
	}
	// Hair must not melt into the skin: darken it a step when they are close.
	if dist(t.hairCol, t.skin) < 90 {
		t.hairCol = scale(t.hairCol, 150)
	}

	// The backdrop: the first of a seeded order that stands apart from hair, skin and
	// clothes, from the tone's own set when it has one.
	set := backdrops
	switch tn.name {
	case "neon":
		set = append(append([][2]rgb{}, backdropNeon...), backdrops[6])
	case "rust":
		set = append(append([][2]rgb{}, backdropRust...), backdrops[6])
	}
	order := make([]int, len(set))
	for i := range order {
		order[i] = i
	}
	for i := len(order) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	best := order[0]
	for _, i := range order {
		mid := mix(set[i][0], set[i][1], 128)
		if dist(mid, t.hairCol) > 80 && dist(mid, t.cloth) > 80 && dist(mid, t.skin) > 80 && dist(mid, t.hat) > 60 {
			best = i
			break
		}
	}
	t.bgTop, t.bgBottom = set[best][0], set[best][1]

	// Grade everything by the tone. Skin takes half of it, so a dark world's people stay
	// people-coloured rather than purple.
	g := tn.grade
	t.skin = mix(t.skin, g(t.skin), 128)
	if !t.capeSet {
		t.cape = scale(t.cloth, 170)
		if t.head == wearHood {
			t.cape = t.hat
		} else if t.outfit == outfitJerkin {
			t.cape = hex(0x6a4428)
			if dist(t.cape, t.cloth) < 50 {
				t.cape = hex(0x3a2a22)
			}
		}
	}
	t.hairCol, t.cloth, t.trim, t.hat, t.metal, t.cape = g(t.hairCol), g(t.cloth), g(t.trim), g(t.hat), g(t.metal), g(t.cape)
	t.bgTop, t.bgBottom = g(t.bgTop), g(t.bgBottom)
	t.bgGlow = mix(t.bgTop, hex(0xfff0d8), 70)
}
