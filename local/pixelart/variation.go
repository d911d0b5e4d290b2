package pixelart

import (
	"math"

	"github.com/troupe-ai/troupe/detrand"
	"github.com/troupe-ai/troupe/domain"
)

// Variations: an avatar made from an existing one (ImageRequest.Source). The character is
// decided three times and merged feature by feature:
//
//   - a, the source: its own prompt and seed (or, for an image Troupe did not make, the
//     request's prompt and a seed hashed from the image's bytes);
//   - b, the request's prompt under the source's seed, read only for the features that
//     prompt names ("with white hair", "wearing a blue hood", "smiling");
//   - c, a re-draw under a seed derived from the request's Seed, for the features the
//     strength lets go.
//
// Identity features (species, skin, eyes, hair, hair style, beard, head, ears, marks) come
// from b when its prompt names them and from a otherwise, whatever the strength. The rest
// come from b when named, else from c once the strength passes their threshold, else from
// a. From 0.9 the re-draw reads only the request's prompt, so the source's own named
// clothes and items go too and only the identity is kept.

// The strength thresholds, in percent, from which a seed-chosen feature is re-drawn.
const (
	redrawFace    = 25 // expression and backdrop
	redrawColours = 50 // clothes, cloak, hat, armour and accessory colours
	redrawOutfit  = 75 // outfit, collar, headwear and worn items
	redrawAll     = 90 // the source prompt's own non-identity choices are dropped
)

// strengthPct turns Strength (0..1) into a whole percentage. The one float operation is a
// single IEEE multiplication, exactly rounded on every platform (there is no addition a
// compiler could fuse with it), so every machine gets the same integer.
func strengthPct(s float64) int {
	switch {
	case !(s > 0): // also NaN
		return 0
	case s >= 1:
		return 100
	}
	return clamp(int(math.Round(s*100)), 0, 100)
}

// sourceSeed is the seed the source was drawn from: its request's hash when Troupe made
// it, else an FNV hash of its bytes. The source's own world tone is used when it has one.
func sourceSeed(req domain.ImageRequest) uint64 {
	src := req.Source
	if src.Prompt != "" {
		tone := src.WorldTone
		if tone == "" {
			tone = req.WorldTone
		}
		return requestSeed(domain.ImageRequest{Kind: domain.ImageAvatar, Seed: src.Seed, Prompt: src.Prompt, WorldTone: tone})
	}
	h := detrand.NewHasher()
	h.Str("troupe/pixelart/v1/imported")
	h.Bytes(src.Data)
	return detrand.Mix(h.Sum())
}

// variationTraits decides a variation's character and returns it with the seed its
// shapes are drawn from (the source's, so hair, beard and clothes keep their edges).
func variationTraits(req domain.ImageRequest, tn tone) (traits, uint64) {
	srcSeed := sourceSeed(req)
	s := strengthPct(req.Strength)
	h := detrand.NewHasher()
	h.Str("troupe/pixelart/v1/variation")
	h.U64(srcSeed)
	h.U64(uint64(req.Seed))
	varSeed := detrand.Mix(h.Sum())

	newWords := wordsOf(req.Prompt)
	srcWords := newWords
	if req.Source.Prompt != "" {
		srcWords = wordsOf(req.Source.Prompt)
	}
	a := decide(srcWords, srcSeed, tn)
	b := a
	if req.Source.Prompt != "" {
		b = decide(newWords, srcSeed, tn)
	}
	redrawWords := srcWords
	if s >= redrawAll {
		redrawWords = newWords
	}
	c := decide(redrawWords, varSeed, tn)
	raw := mergeVariation(&a, &b, &c, s)

	// A re-draw that lands on the source's own clothes colour or backdrop would change
	// nothing: the next seed in line is tried instead (a few times at most).
	ref := a
	ref.finish(srcSeed, srcSeed, tn)
	colourSeed, bgSeed := srcSeed, srcSeed
	var m traits
	for try := range 4 {
		if s >= redrawColours {
			colourSeed = derive(varSeed, "colours").Uint64() + uint64(try)
		}
		if s >= redrawFace {
			bgSeed = derive(varSeed, "backdrop").Uint64() + uint64(try)
		}
		m = raw
		m.finish(colourSeed, bgSeed, tn)
		sameCloth := s >= redrawColours && !m.clothSet && m.clothName == ref.clothName
		sameBg := s >= redrawFace && !m.bgSet && m.bgName == ref.bgName
		if !sameCloth && !sameBg {
			break
		}
	}
	if s >= redrawOutfit {
		m.outfitSeed = varSeed
	}
	return m, srcSeed
}

// mergeRule copies one feature's fields; th is the strength from which the re-draw takes
// it (0 for identity features, which are never re-drawn).
type mergeRule struct {
	f    feature
	th   int
	copy func(dst, src *traits)
}

// mergeRules lists every feature in a fixed order (species first, since naming a new
// species brings its skin, ears and tusks, which a named feature after it may override).
var mergeRules = []mergeRule{
	{fSpecies, 0, func(d, s *traits) {
		d.species, d.robot, d.metalSkin, d.antenna = s.species, s.robot, s.metalSkin, s.antenna
		d.ears, d.tusks, d.horns, d.fangs, d.fur, d.scales = s.ears, s.tusks, s.horns, s.fangs, s.fur, s.scales
		d.skin, d.skinName = s.skin, s.skinName
		d.headRX, d.headRY, d.jaw, d.square, d.shoulderRX, d.neckHW, d.headName = s.headRX, s.headRY, s.jaw, s.square, s.shoulderRX, s.neckHW, s.headName
		d.glowEyes = s.glowEyes
		if !d.eyeSet {
			d.eyeCol, d.eyeName = s.eyeCol, s.eyeName
		}
	}},
	{fGender, 0, func(d, s *traits) { d.female = s.female }},
	{fAge, 0, func(d, s *traits) { d.old, d.young = s.old, s.young }},
	{fSkin, 0, func(d, s *traits) { d.skin, d.skinName, d.metalSkin = s.skin, s.skinName, s.metalSkin }},
	{fEyes, 0, func(d, s *traits) { d.eyeCol, d.eyeName, d.eyeSet = s.eyeCol, s.eyeName, s.eyeSet }},
	{fGlow, 0, func(d, s *traits) { d.glowEyes = s.glowEyes }},
	{fHairCol, 0, func(d, s *traits) { d.hairCol, d.hairName = s.hairCol, s.hairName }},
	{fHairStyle, 0, func(d, s *traits) { d.hair, d.fringe = s.hair, s.fringe }},
	{fBeard, 0, func(d, s *traits) { d.face, d.beardLen = s.face, s.beardLen }},
	{fHead, 0, func(d, s *traits) { d.square, d.headRX, d.jaw, d.headName = s.square, s.headRX, s.jaw, s.headName }},
	{fEars, 0, func(d, s *traits) { d.ears = s.ears }},
	{fTusks, 0, func(d, s *traits) { d.tusks = s.tusks }},
	{fHorns, 0, func(d, s *traits) { d.horns = s.horns }},
	{fFangs, 0, func(d, s *traits) { d.fangs = s.fangs }},
	{fFur, 0, func(d, s *traits) { d.fur = s.fur }},
	{fScales, 0, func(d, s *traits) { d.scales = s.scales }},
	{fScar, 0, func(d, s *traits) { d.scar = s.scar }},
	{fEyepatch, 0, func(d, s *traits) { d.eyepatch = s.eyepatch }},
	{fTattoo, 0, func(d, s *traits) { d.tattoo = s.tattoo }},
	{fFreckles, 0, func(d, s *traits) { d.freckles = s.freckles }},

	{fEmotion, redrawFace, func(d, s *traits) { d.emotion = s.emotion }},
	{fBackdrop, redrawFace, func(d, s *traits) { d.bgTop, d.bgBottom, d.bgName, d.bgSet = s.bgTop, s.bgBottom, s.bgName, s.bgSet }},
	{fCloth, redrawColours, func(d, s *traits) {
		d.cloth, d.clothName, d.clothSet, d.trim, d.trimSet = s.cloth, s.clothName, s.clothSet, s.trim, s.trimSet
	}},
	{fCape, redrawColours, func(d, s *traits) { d.cape, d.capeName, d.capeSet = s.cape, s.capeName, s.capeSet }},
	{fHat, redrawColours, func(d, s *traits) { d.hat, d.hatName, d.hatSet = s.hat, s.hatName, s.hatSet }},
	{fMetal, redrawColours, func(d, s *traits) { d.metal, d.metalName, d.metalSet = s.metal, s.metalName, s.metalSet }},
	{fJewel, redrawColours, func(d, s *traits) {
		d.jewel, d.jewelName, d.jewelSet, d.gem, d.gemSet = s.jewel, s.jewelName, s.jewelSet, s.gem, s.gemSet
	}},
	{fHeadwear, redrawOutfit, func(d, s *traits) { d.head, d.helmGuards = s.head, s.helmGuards }},
	{fPlume, redrawOutfit, func(d, s *traits) { d.plume = s.plume }},
	{fOutfit, redrawOutfit, func(d, s *traits) { d.outfit = s.outfit }},
	{fGlasses, redrawOutfit, func(d, s *traits) { d.glasses = s.glasses }},
	{fApron, redrawOutfit, func(d, s *traits) {
		d.apron, d.apronCol, d.apronName, d.apronSet = s.apron, s.apronCol, s.apronName, s.apronSet
	}},
	{fScarf, redrawOutfit, func(d, s *traits) {
		d.scarf, d.scarfCol, d.scarfName, d.scarfSet = s.scarf, s.scarfCol, s.scarfName, s.scarfSet
	}},
	{fNecklace, redrawOutfit, func(d, s *traits) { d.necklace = s.necklace }},
	{fAmulet, redrawOutfit, func(d, s *traits) { d.amulet = s.amulet }},
	{fEarrings, redrawOutfit, func(d, s *traits) { d.earrings = s.earrings }},
	{fFeather, redrawOutfit, func(d, s *traits) {
		d.feather, d.featherCol, d.featherName, d.featherSet = s.feather, s.featherCol, s.featherName, s.featherSet
	}},
	{fFlower, redrawOutfit, func(d, s *traits) {
		d.flower, d.flowerCol, d.flowerName, d.flowerSet = s.flower, s.flowerCol, s.flowerName, s.flowerSet
	}},
	{fCollar, redrawOutfit, func(d, s *traits) { d.collar = s.collar }},
	{fCloak, redrawOutfit, func(d, s *traits) { d.cloak = s.cloak }},
	{fPauldrons, redrawOutfit, func(d, s *traits) { d.pauldrons = s.pauldrons }},
	{fBreastplate, redrawOutfit, func(d, s *traits) { d.breastplate = s.breastplate }},
	{fGorget, redrawOutfit, func(d, s *traits) { d.gorget = s.gorget }},
}

// mergeVariation merges the source a, the named changes b and the re-draw c at strength
// s (percent); see the comment at the top of this file.
func mergeVariation(a, b, c *traits, s int) traits {
	m := *a
	from := make([]*traits, featureCount)
	for _, r := range mergeRules {
		src := a
		switch {
		case b.named.has(r.f):
			src = b
		case r.th > 0 && s >= r.th:
			src = c
		}
		from[r.f] = src
		if src != a {
			r.copy(&m, src)
		}
	}
	m.named = a.named | b.named
	// Armour pieces no prompt named come with the armour: a knight varied into a robe
	// loses his pauldrons with his armour.
	for _, p := range []struct {
		f  feature
		on *bool
	}{{fPauldrons, &m.pauldrons}, {fBreastplate, &m.breastplate}, {fGorget, &m.gorget}} {
		if !from[p.f].named.has(p.f) {
			*p.on = m.outfit == outfitArmor
		}
	}
	if b.named.has(fHairCol) || m.scar {
		m.helmGuards = false
	}
	return m
}
