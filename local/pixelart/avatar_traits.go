package pixelart

// The avatar's traits as ImageResult.Traits reports them: what the engine chose and drew,
// in a fixed order and a stable vocabulary (documented in the package doc).

// The trait words of the enumerated choices.
var (
	hairStyleNames = [...]string{hairBald: "bald", hairShort: "short", hairLong: "long", hairSpiky: "spiky", hairBraids: "braids"}
	headwearNames  = [...]string{wearNone: "none", wearHood: "hood", wearHelmet: "helmet", wearWizard: "wizard_hat",
		wearCrown: "crown", wearCap: "cap", wearCirclet: "circlet", wearFlowers: "flower_crown"}
	outfitNames = [...]string{outfitTunic: "tunic", outfitVNeck: "shirt", outfitRobe: "robe", outfitArmor: "armour",
		outfitCloak: "cloak", outfitNoble: "noble", outfitJerkin: "vest"}
	earNames = [...]string{earRound: "round", earPointed: "pointed", earLong: "long", earNone: "none", earHidden: "none"}
)

// beardName is the facial hair's trait word.
func (t *traits) beardName() string {
	switch t.face {
	case faceStubble:
		return "stubble"
	case faceMoustache:
		return "moustache"
	case faceGoatee:
		return "goatee"
	case faceBeard:
		if t.beardLen >= 7 {
			return "long"
		}
		return "full"
	}
	return "none"
}

// traitList returns the traits: the identity categories first, in the order of
// domain.IdentityTraitCategories, then the rest.
func (t *traits) traitList(transparent bool) []string {
	hairStyle := hairStyleNames[t.hair]
	if t.robot {
		hairStyle = "none"
	}
	hair := t.hairName
	if t.hair == hairBald && t.face == faceClean || t.robot {
		hair = "none"
	}
	out := []string{
		"species:" + t.species,
		"skin:" + t.skinName,
		"eyes:" + t.eyeName,
		"hair:" + hair,
		"hair_style:" + hairStyle,
		"beard:" + t.beardName(),
		"head:" + t.headName,
		"ears:" + earNames[t.ears],
	}
	marks := len(out)
	for _, m := range []struct {
		on   bool
		name string
	}{{t.scar, "scar"}, {t.eyepatch, "eyepatch"}, {t.tattoo, "tattoo"}, {t.freckles, "freckles"}} {
		if m.on {
			out = append(out, "mark:"+m.name)
		}
	}
	if len(out) == marks {
		out = append(out, "mark:none")
	}
	age := "adult"
	switch {
	case t.old:
		age = "old"
	case t.young:
		age = "young"
	}
	out = append(out, "age:"+age, "emotion:"+string(t.emotion), "headwear:"+headwearNames[t.head], "outfit:"+outfitNames[t.outfit],
		"clothes_colour:"+t.clothName)
	cloak := t.outfit == outfitCloak || t.cloak
	if cloak {
		out = append(out, "cloak_colour:"+t.capeName)
	}
	switch t.head {
	case wearHood, wearCap, wearWizard:
		out = append(out, "headwear_colour:"+t.hatName)
	case wearHelmet:
		out = append(out, "headwear_colour:"+t.metalName)
	case wearCrown, wearCirclet:
		out = append(out, "headwear_colour:"+t.jewelName)
	}
	if t.outfit == outfitJerkin {
		out = append(out, "vest_colour:"+t.capeName)
	}
	if t.outfit == outfitArmor || t.pauldrons || t.breastplate || t.gorget || t.head == wearHelmet {
		out = append(out, "armour_colour:"+t.metalName)
	}
	for _, it := range []struct {
		on   bool
		name string
	}{
		{cloak, "cloak"}, {t.apron, "apron"}, {t.scarf, "scarf"}, {t.collar, "collar"}, {t.necklace, "necklace"},
		{t.amulet, "amulet"}, {t.pauldrons, "pauldrons"}, {t.breastplate, "breastplate"}, {t.gorget, "gorget"},
		{t.earrings, "earring"}, {t.glasses, "glasses"}, {t.plume, "plume"}, {t.feather, "feather"}, {t.flower, "flower"},
		{t.tusks, "tusks"}, {t.horns, "horns"}, {t.fangs, "fangs"}, {t.fur, "fur"}, {t.scales, "scales"},
		{t.antenna, "antenna"},
	} {
		if it.on {
			out = append(out, it.name)
		}
	}
	for _, c := range []struct {
		on         bool
		cat, value string
	}{
		{t.apron, "apron_colour", t.apronName}, {t.scarf, "scarf_colour", t.scarfName},
		{t.feather, "feather_colour", t.featherName}, {t.flower, "flower_colour", t.flowerName},
	} {
		if c.on {
			out = append(out, c.cat+":"+c.value)
		}
	}
	if t.head == wearCrown || t.head == wearCirclet || t.necklace || t.amulet || t.earrings || t.outfit == outfitNoble {
		out = append(out, "jewellery_colour:"+t.jewelName)
	}
	if t.glowEyes {
		out = append(out, "glow:eyes")
	}
	if transparent {
		out = append(out, "backdrop:none")
	} else {
		out = append(out, "backdrop:"+t.bgName)
	}
	return out
}
