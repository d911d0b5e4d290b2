package pixelart

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
)

// chooseTraits decides the character of a plain request (no Source): keywords in the
// prompt first, the seed for everything they leave open, then the colours.
func chooseTraits(req domain.ImageRequest, seed uint64, tn tone) traits {
	t := decide(wordsOf(req.Prompt), seed, tn)
	t.finish(seed, seed, tn)
	return t
}

// decide makes every choice about the character but the colours finish picks. Each
// decision draws from its own stream, so a keyword that settles one trait leaves the
// others as they were; every decision the prompt settles is recorded in t.named.
func decide(w words, seed uint64, tn tone) traits {
	ws := w.list()
	var t traits

	// Who: gender, age, kind.
	r := derive(seed, "who")
	fem, male := w.any(kwFemale...), w.any(kwMale...)
	switch {
	case fem && !male:
		t.female = true
		t.name(fGender)
	case male && !fem:
		t.name(fGender)
	default:
		// A bearded character, or a dwarf, is a man unless the prompt says otherwise.
		t.female = r.chance(50) && !w.any(kwBeard...) && !w.any(kwMoust...) && !w.any(kwGoatee...) && !w.any(kwDwarf...)
	}
	t.old = w.any(kwOld...)
	t.young = !t.old && w.any(kwYoung...)
	ageRoll := r.pick(72, 16, 12)
	if t.old || t.young {
		t.name(fAge)
	} else {
		t.old, t.young = ageRoll == 1, ageRoll == 2
	}
	t.species = "human"
	switch {
	case w.any(kwMetal...):
		t.species = "android"
		if w.has("cyborg") {
			t.species = "cyborg"
		}
		if w.any("robot", "automaton", "droid", "mech", "bot", "golem", "construct", "clockwork") {
			t.species, t.robot = "robot", true
		}
	case w.any(kwOrc...):
		t.species = "orc"
	case w.any(kwGoblin...):
		t.species = "goblin"
	case w.any(kwDemon...):
		t.species = "demon"
	case w.any(kwUndead...):
		t.species = "undead"
	case w.any(kwLizard...):
		t.species = "lizardfolk"
	case w.any(kwBeast...):
		t.species = "beastfolk"
	case w.any("drow", "dark elf", "dark-elf"):
		t.species = "drow"
	case w.any(kwElf...):
		t.species = "elf"
	case w.any(kwDwarf...):
		t.species = "dwarf"
	}
	if t.species != "human" || w.any("human", "humans") {
		t.name(fSpecies)
	}
	metal := t.species == "robot" || t.species == "android" || t.species == "cyborg"

	// Explicit colours: "red beard", "green eyes", "blue skin", "in black".
	var hairSet, skinSet bool
	for _, m := range colourMentions(ws) {
		switch m.part {
		case partHair:
			if n, ok := m.resolve(hairColours); ok && !hairSet {
				t.hairCol, t.hairName, hairSet = n.c, n.name, true
			}
		case partEyes:
			if n, ok := m.resolve(eyeColours); ok && !t.eyeSet {
				t.eyeCol, t.eyeName, t.eyeSet = n.c, n.name, true
			}
		case partSkin:
			if n, ok := m.resolve(skinTones); ok && !skinSet {
				t.skin, t.skinName, skinSet = n.c, n.name, true
			}
		case partCape:
			if n, ok := m.resolve(clothColours); ok && !t.capeSet {
				t.cape, t.capeName, t.capeSet = n.c, n.name, true
			}
		case partHat:
			if n, ok := m.resolve(clothColours); ok && !t.hatSet {
				t.hat, t.hatName, t.hatSet = n.c, n.name, true
			}
		case partApron:
			if n, ok := m.resolve(clothColours); ok && !t.apronSet {
				t.apronCol, t.apronName, t.apronSet = n.c, n.name, true
			}
		case partScarf:
			if n, ok := m.resolve(clothColours); ok && !t.scarfSet {
				t.scarfCol, t.scarfName, t.scarfSet = n.c, n.name, true
			}
		case partFeather:
			if n, ok := m.resolve(clothColours); ok && !t.featherSet {
				t.featherCol, t.featherName, t.featherSet = n.c, n.name, true
			}
		case partFlower:
			if n, ok := m.resolve(clothColours); ok && !t.flowerSet {
				t.flowerCol, t.flowerName, t.flowerSet = n.c, n.name, true
			}
		case partMetal:
			if t.metalSet {
				continue
			}
			if n, ok := lookUpNamed(metalColours, m.word); ok {
				t.metal, t.metalName, t.metalSet = n.c, n.name, true
			} else if n, ok := m.resolve(clothColours); ok {
				// Painted armour: the steel takes the colour.
				t.metal, t.metalName, t.metalSet = mix(hex(0xa8b0bc), n.c, 170), n.name, true
			}
		case partJewel:
			if n, ok := lookUpNamed(jewelColours, m.word); ok {
				if !t.jewelSet {
					t.jewel, t.jewelName, t.jewelSet = n.c, n.name, true
				}
			} else if n, ok := m.resolve(clothColours); ok && !t.gemSet {
				// "a ruby amulet", "a green pendant": the colour is the stone's.
				t.gem, t.gemSet = n.c, true
			}
		case partVest:
			// A vest's colour is its panels', which are drawn in the cape's colour.
			if n, ok := m.resolve(clothColours); ok && !t.capeSet {
				t.cape, t.capeName, t.capeSet = n.c, n.name, true
			}
		case partBackdrop:
			if n, ok := m.resolve(clothColours); ok && !t.bgSet {
				t.bgTop, t.bgBottom, t.bgName, t.bgSet = mix(n.c, hex(0xffffff), 60), scale(n.c, 120), n.name, true
			}
		default:
			// A lone "dark" or "fair" says little about clothes; only real colour words do.
			if inList(m.word, []string{"dark", "fair", "pale", "light", "deep", "bright"}) {
				continue
			}
			n, ok := m.resolve(clothColours)
			switch {
			case !ok:
			case !t.clothSet:
				t.cloth, t.clothName, t.clothSet = n.c, n.name, true
			case m.second && !t.trimSet:
				// "red and gold robes": the second colour edges the first.
				t.trim, t.trimSet = n.c, true
			}
		}
	}
	if !t.jewelSet && w.any("pearls", "pearl") {
		t.jewel, t.jewelName, t.jewelSet = mustColourNamed(jewelColours, "pearl"), "pearl", true
	}
	if !hairSet && w.has("salt and pepper") {
		t.hairCol, t.hairName, hairSet = mustColour(hairColours, "grey"), "grey", true
	}
	for _, n := range [][2]string{{"redhead", "ginger"}, {"ginger", "ginger"}, {"blonde", "blonde"}, {"blond", "blonde"}, {"brunette", "dark_brown"}, {"raven-haired", "black"}, {"platinum", "platinum"}} {
		if !hairSet && w.has(n[0]) {
			t.hairCol, t.hairName, hairSet = mustColourNamed(hairColours, n[1]), n[1], true
		}
	}
	if hairSet {
		t.name(fHairCol)
	}
	if t.eyeSet {
		t.name(fEyes)
	}
	if t.clothSet {
		t.name(fCloth)
	}
	if t.capeSet {
		t.name(fCape)
	}
	if t.hatSet {
		t.name(fHat)
	}
	if t.metalSet {
		t.name(fMetal)
	}
	if t.bgSet {
		t.name(fBackdrop)
	}
	if t.jewelSet || t.gemSet {
		t.name(fJewel)
	}

	// Skin.
	r = derive(seed, "skin")
	orcShade := r.Intn(120)
	human := r.pick(14, 20, 18, 16, 14, 12)
	elfHuman := r.pick(30, 30, 14, 12, 8, 6)
	if skinSet {
		t.name(fSkin)
		t.metalSkin = metal
	} else {
		switch t.species {
		case "robot", "android", "cyborg":
			t.skin, t.skinName, t.metalSkin = skinMetal, "metal", true
		case "orc":
			t.skin, t.skinName = mix(skinOrc, hex(0x4a7a3a), orcShade), "green"
		case "goblin":
			t.skin, t.skinName = skinGoblin, "yellow_green"
		case "demon":
			t.skin, t.skinName = skinDemon, "red"
		case "undead":
			t.skin, t.skinName = skinUndead, "grey"
		case "drow":
			t.skin, t.skinName = skinDrow, "violet"
		case "lizardfolk":
			t.skin, t.skinName = skinLizard, "green"
		case "beastfolk":
			t.skin, t.skinName = skinBeast, "brown"
		case "elf":
			t.skin, t.skinName = skinHuman[elfHuman].c, skinHuman[elfHuman].name
		default:
			t.skin, t.skinName = skinHuman[human].c, skinHuman[human].name
		}
	}

	// Head and body proportions, in fixed-point design units.
	r = derive(seed, "shape")
	t.headY = 27*q + r.between(-4, 4)
	t.headRX = r.between(10*q+8, 12*q)
	t.headRY = r.between(13*q+8, 14*q+8)
	t.jaw = r.between(62, 90)
	t.square = r.chance(35)
	t.neckHW = r.between(4*q, 5*q)
	t.shoulderRX = r.between(22*q, 26*q)
	t.eyeSep = 2
	if r.chance(30) {
		t.eyeSep = 3
	}
	t.mouthW = r.between(2, 3)
	if t.female {
		t.headRX -= q / 2
		t.jaw -= 8
		t.square = false
		t.shoulderRX -= 2 * q
		t.neckHW -= q / 2
		t.mouthW = 2
	}
	if t.young {
		t.headRY -= q / 2
		t.jaw -= 4
	}
	switch t.species {
	case "dwarf":
		t.headRX += q + q/2
		t.jaw = 96
		t.square = true
		t.shoulderRX = 27 * q
		t.neckHW = 5*q + q/2
	case "orc":
		t.headRX += q
		t.jaw = 98
		t.square = true
		t.shoulderRX = min(t.shoulderRX+2*q, 27*q)
	case "elf", "drow":
		t.headRX -= q / 2
		t.jaw = min(t.jaw, 70)
	case "goblin":
		t.headRY -= q
		t.jaw = 60
	case "lizardfolk":
		t.jaw = 70
	}
	switch {
	case w.any("square jaw", "square-jawed", "square face", "square-faced", "lantern jaw", "lantern-jawed", "strong jaw"):
		t.square, t.jaw = true, max(t.jaw, 88)
		t.name(fHead)
	case w.any("round face", "round-faced", "moon face", "chubby", "plump", "pudgy"):
		t.square, t.headRX = false, t.headRX+q/2
		t.name(fHead)
	case w.any("long face", "long-faced", "narrow face", "gaunt", "thin face", "hollow-cheeked"):
		t.square, t.headRX, t.jaw = false, t.headRX-q/2, min(t.jaw, 66)
		t.name(fHead)
	}
	switch {
	case t.square && t.headRX >= 12*q:
		t.headName = "broad"
	case t.square:
		t.headName = "square"
	case t.headRY*100/t.headRX >= 125:
		t.headName = "oval"
	default:
		t.headName = "round"
	}

	// Expression: the prompt's mood words, else the seed (Emotion overrides both later).
	r = derive(seed, "expression")
	t.emotion = seededEmotion(r)
	if e, ok := emotionOf(w); ok {
		t.emotion = e
		t.name(fEmotion)
	}

	// Face and species features.
	r = derive(seed, "face")
	t.ears = earRound
	switch t.species {
	case "elf", "drow", "beastfolk":
		t.ears = earPointed
	case "goblin":
		t.ears = earLong
	case "robot", "android", "cyborg":
		t.ears = earNone
	case "lizardfolk":
		t.ears = earHidden
	}
	if w.any("pointed ears", "pointy ears", "pointed-eared", "elfin", "elvish ears") {
		t.ears = earPointed
		t.name(fEars)
	} else if w.any("long ears", "long-eared", "big ears") {
		t.ears = earLong
		t.name(fEars)
	} else if w.any("round ears", "human ears") {
		t.ears = earRound
		t.name(fEars)
	}
	feat := func(on bool, f feature, kw []string, deny ...string) bool {
		switch {
		case w.any(kw...):
			t.name(f)
			return true
		case len(deny) > 0 && w.denies(deny...):
			t.name(f)
			return false
		}
		return on
	}
	glassesRoll, scarRoll, blushRoll := r.chance(4), r.chance(6), r.chance(60)
	t.tusks = feat(t.species == "orc", fTusks, kwTusks, "tusks")
	t.horns = feat(t.species == "demon", fHorns, kwHorns, "horns")
	t.fangs = feat(t.species == "beastfolk", fFangs, kwFangs, "fangs")
	t.fur = feat(t.species == "beastfolk", fFur, nil, "fur")
	if furSkin(ws) {
		t.fur = true
		t.name(fFur)
	}
	t.scales = feat(t.species == "lizardfolk", fScales, kwScales, "scales")
	t.glasses = feat(!t.robot && glassesRoll, fGlasses, kwGlasses, "glasses", "spectacles")
	t.eyepatch = feat(false, fEyepatch, kwPatch, "eyepatch", "eye patch")
	t.scar = feat(!t.robot && scarRoll, fScar, kwScar, "scar", "scars")
	t.tattoo = feat(false, fTattoo, kwTattoo, "tattoo", "tattoos")
	t.freckles = feat(false, fFreckles, kwFreckle, "freckles")
	t.blush = !t.metalSkin && (t.female || t.young) && blushRoll
	t.antenna = t.robot
	t.glowEyes = metal || glowingEyes(ws)
	if t.glowEyes && !metal {
		t.name(fGlow)
	}

	// Eyes: the species' own colour, else a seeded natural one.
	r = derive(seed, "eyes")
	if !t.eyeSet {
		e := eyeSeeded[r.pick(40, 20, 15, 15, 10)]
		t.eyeCol, t.eyeName = e.c, e.name
		switch t.species {
		case "demon", "undead":
			t.eyeCol, t.eyeName = hex(0xe8402a), "red"
		case "drow":
			t.eyeCol, t.eyeName = hex(0xd04040), "red"
		case "orc", "goblin", "lizardfolk":
			t.eyeCol, t.eyeName = hex(0xe8b830), "gold"
		case "beastfolk":
			t.eyeCol, t.eyeName = hex(0xd08a1e), "amber"
		case "robot":
			t.eyeCol, t.eyeName = hex(0x50e8ff), "cyan"
			if tn.name == "dusk" || tn.name == "rust" {
				t.eyeCol, t.eyeName = hex(0xff5a3a), "orange"
			}
		}
	}

	// Hair.
	r = derive(seed, "hair")
	switch {
	case hairSet:
	case t.old && !t.young:
		if r.Intn(2) == 0 {
			t.hairCol, t.hairName = hairGrey, "grey"
		} else {
			t.hairCol, t.hairName = hairWhite, "white"
		}
	default:
		fantasy := 7
		if tn.neon {
			fantasy = 30
		}
		pickHair := func() {
			if r.chance(fantasy) {
				n := hairFantasy[r.Intn(len(hairFantasy))]
				t.hairCol, t.hairName = mustColourNamed(hairColours, n), n
				return
			}
			weights := make([]int, len(hairNatural))
			for i, h := range hairNatural {
				weights[i] = h.weight
			}
			n := hairNatural[r.pick(weights...)].name
			t.hairCol, t.hairName = mustColourNamed(hairColours, n), n
		}
		pickHair()
		// Hair must not melt into the skin: the seed picks again when they are close.
		for range 4 {
			if dist(t.hairCol, t.skin) >= 90 {
				break
			}
			pickHair()
		}
	}
	hairStyleSet := true
	switch {
	case t.robot:
		t.hair = hairBald
	case hairNear(ws, "long", "flowing", "waist-length", "shoulder-length", "lustrous"):
		t.hair = hairLong
	case hairNear(ws, "short", "cropped", "close-cropped", "buzzed"):
		t.hair = hairShort
	case hairNear(ws, "spiky", "spiked", "messy", "wild", "tousled", "unkempt", "shaggy"):
		t.hair = hairSpiky
	case hairNear(ws, "braided", "plaited"):
		t.hair = hairBraids
	case w.any(kwBald...):
		t.hair = hairBald
	case w.any(kwBraids...):
		t.hair = hairBraids
	case w.any(kwSpiky...):
		t.hair = hairSpiky
	case w.any(kwLong...):
		t.hair = hairLong
	case w.any(kwShort...):
		t.hair = hairShort
	default:
		hairStyleSet = false
	}
	femaleStyle := []hairStyle{hairLong, hairBraids, hairShort, hairSpiky}[r.pick(48, 20, 24, 8)]
	oldStyle := []hairStyle{hairBald, hairShort, hairLong}[r.pick(35, 40, 25)]
	otherStyle := []hairStyle{hairShort, hairBald, hairLong, hairSpiky, hairBraids}[r.pick(44, 10, 18, 18, 10)]
	switch {
	case hairStyleSet:
		t.name(fHairStyle)
	case t.female:
		t.hair = femaleStyle
	case t.old:
		t.hair = oldStyle
	default:
		t.hair = otherStyle
	}
	if !hairStyleSet && t.hair == hairBald && hairSet && !w.any(kwBeard...) && !w.any(kwMoust...) && !w.any(kwGoatee...) {
		// "brown hair" names hair to show: the seed may not shave it off.
		t.hair = hairShort
	}
	t.fringe = r.pick(30, 30, 25, 15)
	if t.female && t.fringe == 3 {
		t.fringe = 1
	}

	// Facial hair: what the prompt names wins, even on the young.
	r = derive(seed, "beard")
	t.beardLen = r.between(2, 6)
	longLen := r.between(7, 10)
	seeded := facial(r.pick(38, 16, 12, 10, 24))
	beardNamed := true
	switch {
	case w.any(kwShaven...) || w.denies("beard", "facial hair"):
		t.face = faceClean
	case t.robot:
		t.face, beardNamed = faceClean, false
	case w.any(kwBeard...) || t.species == "dwarf" && !t.female:
		t.face = faceBeard
		beardNamed = w.any(kwBeard...)
		if t.species == "dwarf" || longBeard(ws) || t.old {
			t.beardLen = longLen
		}
	case w.any(kwGoatee...):
		t.face = faceGoatee
	case w.any(kwMoust...):
		t.face = faceMoustache
	case w.any(kwStubble...):
		t.face = faceStubble
	default:
		beardNamed = false
		switch {
		case t.female || t.young:
			t.face = faceClean
		case t.species == "elf" || t.species == "drow" || t.species == "undead" || metal || t.species == "lizardfolk" || t.species == "beastfolk":
			t.face = faceClean
		case w.any(kwWizard...) && t.old:
			t.face = faceBeard
			t.beardLen = longLen
		default:
			t.face = seeded
		}
	}
	if beardNamed {
		t.name(fBeard)
	}

	// Headwear: a named item wins, then a role, then the seed.
	r = derive(seed, "headwear")
	seededHead := []headwear{wearNone, wearHood, wearCap, wearHelmet, wearWizard}[r.pick(70, 12, 12, 3, 3)]
	t.helmGuards = r.chance(50)
	headNamed := true
	switch {
	case w.any(kwWreath...):
		t.head = wearFlowers
	case w.any("crown", "crowned"):
		t.head = wearCrown
	case w.any(kwCirclet...):
		t.head = wearCirclet
	case w.any("helmet", "helm", "helmeted"):
		t.head = wearHelmet
	case w.any("wizard hat", "pointed hat", "witch hat", "witch's hat"):
		t.head = wearWizard
	case w.any("hood", "hooded", "cowl", "cowled"):
		t.head = wearHood
	case w.any("cap", "beret") || w.has("hat") && !w.any(kwWizard...):
		t.head = wearCap
	case w.any(kwWizard...):
		t.head = wearWizard
	case w.any(kwRoyal...):
		t.head = wearCrown
	case w.any(kwKnight...):
		t.head = wearHelmet
	case w.any(kwHood...):
		t.head = wearHood
	case w.any(kwCap...):
		t.head = wearCap
	case t.robot:
		t.head, headNamed = wearNone, false
	default:
		t.head, headNamed = seededHead, false
		// A hood, helmet or hat the seed chose must not hide what the prompt names: the
		// hair, the ears, earrings or a flower in the hair.
		hides := hairSet || hairStyleSet || t.named.has(fEars) || w.any(kwEarring...) || w.any(kwFlower...) ||
			w.any(kwNeck...) || w.any(kwAmulet...)
		if hides && t.head != wearCap {
			t.head = wearNone
		}
	}
	// What the prompt explicitly denies stays off, whatever the role would bring.
	for _, d := range []struct {
		h     headwear
		words []string
	}{
		{wearHelmet, []string{"helmet", "helm"}},
		{wearHood, []string{"hood"}},
		{wearWizard, []string{"hat", "wizard hat"}},
		{wearCrown, []string{"crown"}},
		{wearCap, []string{"cap", "hat"}},
		{wearCirclet, []string{"circlet", "tiara"}},
	} {
		if t.head == d.h && w.denies(d.words...) {
			t.head, headNamed = wearNone, true
		}
	}
	if w.any("bareheaded", "bare-headed", "bare head") {
		t.head, headNamed = wearNone, true
	}
	if t.hair == hairBald && t.named.has(fHairStyle) && t.head == wearHood && !w.any("hood", "hooded", "cowl", "cowled") {
		// "a bald monk": the bald head is what the prompt asks to see, not a hood.
		t.head = wearNone
	}
	if headNamed {
		t.name(fHeadwear)
	}
	if hairSet || t.scar {
		// A named hair colour or scar must show: no cheek guards over them.
		t.helmGuards = false
	}
	plumeRoll := r.chance(60)
	t.plume = t.head == wearHelmet && (w.any(kwPlume...) || w.any("knight", "paladin", "templar", "crusader", "centurion") && plumeRoll)
	if w.any(kwPlume...) {
		t.name(fPlume)
	}

	// Clothes.
	r = derive(seed, "outfit")
	seededOutfit := []outfit{outfitTunic, outfitVNeck, outfitCloak, outfitJerkin}[r.pick(30, 30, 20, 20)]
	outfitNamed := true
	switch {
	case w.any(kwArmor...):
		t.outfit = outfitArmor
	case w.any(kwRobe...) || t.head == wearWizard:
		t.outfit = outfitRobe
		outfitNamed = w.any(kwRobe...) || w.any(kwWizard...)
	case w.any(kwNoble...):
		t.outfit = outfitNoble
	case w.any(kwTunic...):
		t.outfit = outfitTunic
	case w.any(kwCloak...):
		t.outfit = outfitCloak
	case w.any(kwVNeck...):
		t.outfit = outfitVNeck
	case w.any(kwJerkin...):
		t.outfit = outfitJerkin
	// Headwear brings its outfit, but only a role names it ("a thief" is cloaked; "a
	// blue hood" on a knight is a hood over his armour).
	case t.head == wearHood:
		t.outfit, outfitNamed = outfitCloak, w.any(roles(kwHood, "hood", "hooded", "cowl", "cowled")...)
	case t.head == wearHelmet:
		t.outfit, outfitNamed = outfitArmor, w.any(roles(kwKnight, "helmet", "helm", "helmeted")...)
	case t.head == wearCrown:
		t.outfit, outfitNamed = outfitNoble, w.any(roles(kwRoyal, "crown", "crowned")...)
	default:
		t.outfit, outfitNamed = seededOutfit, false
	}
	if outfitNamed {
		t.name(fOutfit)
	}
	armour := t.outfit == outfitArmor
	t.cloak = feat(false, fCloak, []string{"cloak", "cloaked", "cape", "caped", "mantle", "cloaks", "capes"}, "cloak", "cape")
	t.apron = feat(false, fApron, kwApron, "apron")
	t.scarf = feat(false, fScarf, kwScarf, "scarf")
	t.necklace = feat(false, fNecklace, kwNeck, "necklace")
	t.amulet = feat(false, fAmulet, kwAmulet, "amulet", "pendant")
	t.earrings = feat(false, fEarrings, kwEarring, "earrings", "earring")
	t.feather = feat(false, fFeather, kwFeather, "feather", "feathers")
	t.flower = feat(t.head == wearFlowers, fFlower, kwFlower, "flower", "flowers")
	t.collar = feat(false, fCollar, kwCollar, "collar")
	t.pauldrons = feat(armour, fPauldrons, kwPauldr, "pauldrons")
	t.breastplate = feat(armour, fBreastplate, kwBreast, "breastplate")
	t.gorget = feat(armour, fGorget, kwGorget, "gorget")
	if t.apron && !t.apronSet && w.any("leather apron", "smith", "blacksmith", "butcher", "tanner") {
		t.apronCol, t.apronName, t.apronSet = hex(0x8a5a34), "brown", true
	}
	return t
}

// roles returns the keywords of list that are roles rather than the named items.
func roles(list []string, items ...string) []string {
	var out []string
	for _, w := range list {
		if !inList(w, items) {
			out = append(out, w)
		}
	}
	return out
}

// hairNear reports whether one of the style words comes just before a hair noun ("long
// blonde hair", "short red hair").
func hairNear(ws []string, style ...string) bool {
	for i, w := range ws {
		if !inList(w, []string{"hair", "haired", "locks", "tresses", "curls"}) {
			continue
		}
		for j := max(0, i-3); j < i; j++ {
			if inList(ws[j], style) {
				return true
			}
		}
	}
	return false
}

// longBeard reports whether "long" comes just before a beard ("a long beard", "a long
// red beard", "a long, braided beard").
func longBeard(ws []string) bool {
	for i, w := range ws {
		if w != "beard" && w != "bearded" {
			continue
		}
		for j := max(0, i-3); j < i; j++ {
			if inList(ws[j], []string{"long", "flowing", "great", "huge", "waist-length", "enormous", "magnificent"}) {
				return true
			}
		}
	}
	return false
}

// mustColourNamed returns the colour whose trait word is name.
func mustColourNamed(list []named, name string) rgb {
	for _, n := range list {
		if n.name == name {
			return n.c
		}
	}
	return rgb{}
}

// furSkin reports whether the prompt gives the character fur ("furry", "covered in fur",
// "grey fur") rather than a fur garment ("a fur cloak", "fur-trimmed").
func furSkin(ws []string) bool {
	for i, w := range ws {
		switch w {
		case "furry", "furred":
			return true
		case "fur":
			if i+1 < len(ws) && (inList(ws[i+1], clothNouns) || inList(ws[i+1], capeNouns) || inList(ws[i+1], hatNouns) ||
				inList(ws[i+1], []string{"trim", "trimmed", "lined", "collar", "coat", "boots", "hat", "scarf"})) {
				continue
			}
			if i > 0 && inList(ws[i-1], []string{"no", "without"}) {
				continue
			}
			return true
		}
	}
	return false
}

// glowingEyes reports whether the prompt makes the eyes glow: "glowing eyes", "glowing
// blue eyes", "eyes that glow", "eyes glowing red".
func glowingEyes(ws []string) bool {
	for i, w := range ws {
		if !inList(w, eyeNouns) {
			continue
		}
		for j := max(0, i-3); j < i; j++ {
			if inList(ws[j], kwGlowing) {
				return true
			}
		}
		for j := i + 1; j < len(ws) && j <= i+3; j++ {
			if inList(ws[j], kwGlowing) || ws[j] == "glowed" {
				return true
			}
		}
	}
	return false
}

// avatarDraw is one avatar, decided and drawn as a mask: what the renderer paints and
// what a test can inspect.
type avatarDraw struct {
	tr     traits
	sp     *sprite
	k      int
	cw, ch int
	ox, oy int
	seed   uint64
	tn     tone
}

// buildAvatar decides the character (plain or a variation), applies the request's
// emotion, and draws its mask.
func buildAvatar(req domain.ImageRequest, lk look) *avatarDraw {
	tn := toneFor(req.WorldTone)
	tn.vivid = clamp(tn.vivid+lk.vivid, -1, 2)
	var (
		tr   traits
		seed uint64
	)
	if req.Source != nil {
		tr, seed = variationTraits(req, tn)
	} else {
		seed = requestSeed(req)
		tr = chooseTraits(req, seed, tn)
	}
	if knownEmotion(req.Emotion) {
		tr.emotion = req.Emotion
	}
	if lk.bigEyes && !tr.metalSkin && tr.face == faceClean {
		tr.blush = true
	}
	k, cw, ch := fitScale(req.Width, req.Height, lk.avatarGrid)
	sp := drawMask(&tr, lk.avatarGrid, lk.bigEyes, seed)
	accessorize(sp, &tr)
	if lk.outline {
		sp.outline()
	}
	decorate(sp, &tr, lk.bigEyes, seed)
	return &avatarDraw{tr: tr, sp: sp, k: k, cw: cw, ch: ch, ox: (cw - sp.n) / 2, oy: ch - sp.n, seed: seed, tn: tn}
}

// renderAvatar draws the portrait on a native canvas whose short side holds the bust,
// over its backdrop or, when the request asks, over nothing (transparent).
func renderAvatar(ctx context.Context, req domain.ImageRequest, lk look) (*canvas, int, []string, error) {
	a := buildAvatar(req, lk)
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	c := newCanvas(a.cw, a.ch)
	if req.Transparent {
		c.alpha = make([]uint8, len(c.px))
	} else {
		paintBackdrop(c, &a.tr, lk, a.ox+a.sp.n/2, a.oy+(a.tr.headY*a.sp.s)/q, a.sp.s)
	}
	shadeSprite(c, a.sp, &a.tr, lk, a.tn, a.ox, a.oy)
	return c, a.k, a.tr.traitList(req.Transparent), nil
}
