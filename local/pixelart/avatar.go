package pixelart

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
)

// chooseTraits decides the character: keywords in the prompt first, the seed for
// everything they leave open. Each decision draws from its own stream, so a keyword that
// settles one trait leaves the others as they were.
func chooseTraits(req domain.ImageRequest, seed uint64, tn tone) traits {
	w := wordsOf(req.Prompt)
	ws := w.list()
	var t traits

	// Who: gender, age, kind.
	r := derive(seed, "who")
	fem, male := w.any(kwFemale...), w.any(kwMale...)
	switch {
	case fem && !male:
		t.female = true
	case male && !fem:
	default:
		// A bearded character, or a dwarf, is a man unless the prompt says otherwise.
		t.female = r.chance(50) && !w.any(kwBeard...) && !w.any(kwMoust...) && !w.any(kwGoatee...) && !w.any(kwDwarf...)
	}
	t.old = w.any(kwOld...)
	t.young = !t.old && w.any(kwYoung...)
	if !t.old && !t.young {
		switch r.pick(72, 16, 12) {
		case 1:
			t.old = true
		case 2:
			t.young = true
		}
	}
	kind := "human"
	switch {
	case w.any(kwMetal...):
		kind = "metal"
	case w.any(kwOrc...):
		kind = "orc"
	case w.any(kwGoblin...):
		kind = "goblin"
	case w.any(kwDemon...):
		kind = "demon"
	case w.any(kwUndead...):
		kind = "undead"
	case w.any("drow", "dark elf", "dark-elf"):
		kind = "drow"
	case w.any(kwElf...):
		kind = "elf"
	case w.any(kwDwarf...):
		kind = "dwarf"
	}
	t.robot = kind == "metal" && w.any("robot", "automaton", "droid", "mech", "bot", "golem", "construct", "clockwork")

	// Explicit colours: "red beard", "green eyes", "blue skin", "in black".
	var hairSet, eyeSet, skinSet, clothSet bool
	for i, word := range ws {
		if !isColourWord(word) {
			continue
		}
		switch colourTarget(ws, i) {
		case "hair":
			if c, ok := lookUp(hairColours, word); ok && !hairSet {
				t.hairCol, hairSet = c, true
			}
		case "eyes":
			if c, ok := lookUp(eyeColours, word); ok && !eyeSet {
				t.eyeCol, eyeSet = c, true
			}
		case "skin":
			if c, ok := skinColour(word); ok && !skinSet {
				t.skin, skinSet = c, true
			}
		case "cape":
			if c, ok := lookUp(clothColours, word); ok && !t.capeSet {
				t.cape, t.capeSet = c, true
			}
		default:
			// A lone "dark" or "fair" says little about clothes; only real colour words do.
			if word == "dark" || word == "fair" || word == "pale" {
				continue
			}
			if c, ok := lookUp(clothColours, word); ok && !clothSet {
				t.cloth, clothSet = c, true
			}
		}
	}
	for _, n := range [][2]string{{"redhead", "red"}, {"ginger", "red"}, {"blonde", "blond"}, {"blond", "blond"}, {"brunette", "chestnut"}, {"raven-haired", "raven"}, {"platinum", "platinum"}} {
		if !hairSet && w.has(n[0]) {
			t.hairCol, hairSet = mustColour(hairColours, n[1]), true
		}
	}

	// Skin.
	r = derive(seed, "skin")
	if !skinSet {
		for _, s := range skinHuman {
			if w.any(s.words...) {
				t.skin, skinSet = s.c, true
				break
			}
		}
	}
	if !skinSet {
		switch kind {
		case "metal":
			t.skin, t.metalSkin = skinMetal, true
		case "orc":
			t.skin = mix(skinOrc, hex(0x4a7a3a), r.Intn(120))
		case "goblin":
			t.skin = skinGoblin
		case "demon":
			t.skin = skinDemon
		case "undead":
			t.skin = skinUndead
		case "drow":
			t.skin = skinDrow
		default:
			weights := []int{14, 20, 18, 16, 14, 12}
			if kind == "elf" {
				weights = []int{30, 30, 14, 12, 8, 6}
			}
			t.skin = skinHuman[r.pick(weights...)].c
		}
	} else if kind == "metal" {
		t.metalSkin = true
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
	switch kind {
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
	}

	// Face.
	r = derive(seed, "face")
	t.smile = r.chance(40)
	t.brows = brows(r.pick(50, 30, 20))
	switch {
	case w.any(kwSmile...):
		t.smile, t.brows = true, browLevel
	case w.any(kwAngry...):
		t.smile, t.brows = false, browAngry
	case w.any(kwWorried...):
		t.smile, t.brows = false, browWorried
	}
	t.ears = earRound
	switch kind {
	case "elf", "drow":
		t.ears = earPointed
	case "goblin":
		t.ears = earLong
	case "metal":
		t.ears = earNone
	}
	if w.any("pointed ears", "pointy ears") {
		t.ears = earPointed
	}
	t.tusks = kind == "orc" || w.any(kwTusks...)
	t.horns = kind == "demon" || w.any("horned", "horns")
	t.glasses = w.any(kwGlasses...) || (!t.robot && r.chance(4))
	t.eyepatch = w.any(kwPatch...)
	t.scar = w.any(kwScar...) || (!t.robot && r.chance(6))
	t.blush = !t.metalSkin && (t.female || t.young) && r.chance(60)
	t.antenna = t.robot

	// Hair.
	r = derive(seed, "hair")
	switch {
	case hairSet:
	case t.old && !t.young:
		t.hairCol = []rgb{hairGrey, hairWhite}[r.Intn(2)]
	default:
		natural := []int{20, 22, 18, 8, 8, 12, 4, 0, 0}
		fantasy := 7
		if tn.neon {
			fantasy = 30
		}
		if r.chance(fantasy) {
			t.hairCol = hairColours[9+r.Intn(5)].c
		} else {
			t.hairCol = hairColours[r.pick(natural...)].c
		}
	}
	switch {
	case t.robot:
		t.hair = hairBald
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
	case t.female:
		t.hair = []hairStyle{hairLong, hairBraids, hairShort, hairSpiky}[r.pick(48, 20, 24, 8)]
	case t.old:
		t.hair = []hairStyle{hairBald, hairShort, hairLong}[r.pick(35, 40, 25)]
	default:
		t.hair = []hairStyle{hairShort, hairBald, hairLong, hairSpiky, hairBraids}[r.pick(44, 10, 18, 18, 10)]
	}
	t.fringe = r.pick(30, 30, 25, 15)
	if t.female && t.fringe == 3 {
		t.fringe = 1
	}

	// Facial hair: what the prompt names wins, even on the young.
	r = derive(seed, "beard")
	t.beardLen = r.between(2, 6)
	switch {
	case w.any(kwShaven...) || t.robot || w.denies("beard", "facial hair"):
		t.face = faceClean
	case w.any(kwBeard...) || kind == "dwarf" && !t.female:
		t.face = faceBeard
		if kind == "dwarf" || w.any("long beard") || t.old {
			t.beardLen = r.between(7, 10)
		}
	case w.any(kwGoatee...):
		t.face = faceGoatee
	case w.any(kwMoust...):
		t.face = faceMoustache
	case w.any(kwStubble...):
		t.face = faceStubble
	case t.female || t.young:
		t.face = faceClean
	case kind == "elf" || kind == "drow" || kind == "undead" || kind == "metal":
		t.face = faceClean
	case w.any(kwWizard...) && t.old:
		t.face = faceBeard
		t.beardLen = r.between(7, 10)
	default:
		t.face = facial(r.pick(38, 16, 12, 10, 24))
	}

	// Headwear: a named item wins, then a role, then the seed.
	r = derive(seed, "headwear")
	switch {
	case w.any("crown", "crowned", "tiara", "circlet"):
		t.head = wearCrown
	case w.any("helmet", "helm", "helmeted"):
		t.head = wearHelmet
	case w.any("wizard hat", "pointed hat", "witch hat", "witch's hat"):
		t.head = wearWizard
	case w.any("hood", "hooded", "cowl", "cowled"):
		t.head = wearHood
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
		t.head = wearNone
	default:
		t.head = []headwear{wearNone, wearHood, wearCap, wearHelmet, wearWizard}[r.pick(70, 12, 12, 3, 3)]
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
	} {
		if t.head == d.h && w.denies(d.words...) {
			t.head = wearNone
		}
	}
	t.plume = t.head == wearHelmet && (w.any(kwPlume...) || w.any("knight", "paladin", "templar", "crusader", "centurion") && r.chance(60))

	// Clothes.
	r = derive(seed, "outfit")
	switch {
	case w.any(kwArmor...):
		t.outfit = outfitArmor
	case w.any(kwRobe...) || t.head == wearWizard:
		t.outfit = outfitRobe
	case w.any(kwNoble...):
		t.outfit = outfitNoble
	case w.any(kwCloak...) || t.head == wearHood:
		t.outfit = outfitCloak
	case w.any(kwJerkin...):
		t.outfit = outfitJerkin
	case t.head == wearHelmet:
		t.outfit = outfitArmor
	case t.head == wearCrown:
		t.outfit = outfitNoble
	default:
		t.outfit = []outfit{outfitTunic, outfitVNeck, outfitCloak, outfitJerkin}[r.pick(30, 30, 20, 20)]
	}

	// Colours.
	t.pickColours(w, seed, tn, clothSet, eyeSet, kind)
	return t
}

// skinColour maps a colour word before "skin" to a skin tone.
func skinColour(word string) (rgb, bool) {
	switch word {
	case "green", "emerald", "olive":
		if word == "olive" {
			return skinHuman[3].c, true
		}
		return skinOrc, true
	case "blue", "azure", "navy", "teal", "cyan":
		return skinBlue, true
	case "red", "crimson", "scarlet":
		return skinDemon, true
	case "grey", "gray", "ash", "silver":
		return skinUndead, true
	case "purple", "violet", "lilac", "lavender":
		return skinDrow, true
	case "pale", "white", "ivory", "snow":
		return skinHuman[0].c, true
	case "fair":
		return skinHuman[1].c, true
	case "tan", "golden", "gold", "sand":
		return skinHuman[2].c, true
	case "brown":
		return skinHuman[4].c, true
	case "dark", "black", "ebony":
		return skinHuman[5].c, true
	case "yellow":
		return skinGoblin, true
	case "steel", "metal":
		return skinMetal, true
	}
	return rgb{}, false
}

func mustColour(list []named, w string) rgb {
	c, _ := lookUp(list, w)
	return c
}

// renderAvatar draws the portrait on a native canvas whose short side holds the bust.
func renderAvatar(ctx context.Context, req domain.ImageRequest, lk look) (*canvas, int, error) {
	seed := requestSeed(req)
	tn := toneFor(req.WorldTone)
	tn.vivid = clamp(tn.vivid+lk.vivid, -1, 2)
	tr := chooseTraits(req, seed, tn)
	if lk.bigEyes && !tr.metalSkin && tr.face == faceClean {
		tr.blush = true
	}
	k, cw, ch := fitScale(req.Width, req.Height, lk.avatarGrid)
	sp := drawMask(&tr, lk.avatarGrid, lk.bigEyes, seed)
	if lk.outline {
		sp.outline()
	}
	decorate(sp, &tr, lk.bigEyes)
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	c := newCanvas(cw, ch)
	ox, oy := (cw-sp.n)/2, ch-sp.n
	paintBackdrop(c, &tr, lk, ox+sp.n/2, oy+(tr.headY*sp.s)/q, sp.s)
	shadeSprite(c, sp, &tr, lk, tn, ox, oy)
	return c, k, nil
}
