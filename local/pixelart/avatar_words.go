package pixelart

// Reading colours out of an avatar prompt: which part each colour word describes ("red
// beard", "a long red beard", "pale blue eyes", "in a green cloak") and which colour it
// names, shaded by the words before it ("dark green", "light brown").

// part is what a colour word colours.
type part uint8

// The parts, partCloth (the clothes) first as the default.
const (
	partCloth part = iota
	partHair
	partEyes
	partSkin
	partCape
	partHat
	partApron
	partScarf
	partFeather
	partFlower
	partMetal
	partBackdrop
	partJewel
	partVest
)

// The nouns a colour word can describe: a colour before "hair" colours the hair, before
// "eyes" the eyes, and so on; a colour with no noun after it colours the clothes.
var (
	hairNouns     = []string{"hair", "haired", "beard", "bearded", "moustache", "mustache", "braids", "braid", "braided", "locks", "mane", "curls", "ponytail", "bun", "hairs", "whiskers", "stubble", "goatee", "fringe", "bangs", "plaits", "dreadlocks", "mohawk", "eyebrows", "brows", "sideburns", "tresses", "ringlets"}
	eyeNouns      = []string{"eyes", "eye", "eyed", "irises", "iris", "gaze"}
	skinNouns     = []string{"skin", "skinned", "complexion", "scales", "scaled", "scaly", "fur", "furred", "hide", "flesh"}
	capeNouns     = []string{"cloak", "cloaks", "cape", "capes", "hood", "hooded", "mantle", "cowl", "poncho"}
	hatNouns      = []string{"hat", "cap", "beret", "turban", "bandana", "fez", "hats", "bonnet", "wizard hat"}
	apronNouns    = []string{"apron", "aprons", "smock"}
	scarfNouns    = []string{"scarf", "scarves", "shawl", "muffler", "neckerchief", "kerchief"}
	featherNouns  = []string{"feather", "feathers", "plume", "quill"}
	flowerNouns   = []string{"flower", "flowers", "blossom", "blossoms", "daisy", "lily", "orchid", "lotus", "hibiscus"}
	metalNouns    = []string{"armor", "armour", "armored", "armoured", "plate", "mail", "chainmail", "breastplate", "pauldrons", "pauldron", "helmet", "helm", "gorget", "cuirass", "plates"}
	backdropNouns = []string{"background", "backdrop", "backround"}
	jewelNouns    = []string{"circlet", "crown", "tiara", "diadem", "coronet", "necklace", "necklaces", "amulet", "earring", "earrings", "chain", "pendant", "medallion", "locket", "torc", "choker", "jewellery", "jewelry", "talisman"}
	vestNouns     = []string{"vest", "jerkin", "waistcoat"}
	clothNouns    = []string{"robe", "robes", "tunic", "shirt", "coat", "dress", "gown", "jacket", "clothes", "clothing", "garb", "uniform", "doublet", "attire", "outfit", "tabard", "leathers", "suit", "tunics", "garments", "vestments", "kimono", "sweater", "hoodie", "jumpsuit", "blouse", "clad", "dressed", "garbed", "robed"}
)

// colourStops end the search for a colour's noun: "red and gold", "in blue with a cloak".
var colourStops = []string{"or", "with", "in", "of", "a", "an", "the", "who", "wearing", "but", "has", "is", "at", "on", "holding", "carrying", "and"}

// colourMods shade the colour after them when the pair is not itself a named colour.
var (
	lighterMods = []string{"light", "pale", "bright", "pastel", "soft", "ice", "icy", "sky", "baby", "powder", "glowing", "luminous", "shining", "vivid", "electric", "neon"}
	darkerMods  = []string{"dark", "deep", "rich", "dusky", "midnight", "murky", "dull", "jet", "blood"}
)

// skinWords are the words that, alone, describe skin ("a pale elf", "a tanned sailor").
var skinWords = []string{"pale", "porcelain", "pallid", "tanned", "sun-kissed", "sunburnt", "sunburned", "dusky", "swarthy", "fair-skinned", "light-skinned", "dark-skinned", "olive-skinned", "brown-skinned", "bronze-skinned", "deep-skinned", "pale-skinned", "ebony", "alabaster"}

// colourMention is one colour the prompt names: the part, the word (or two-word phrase
// when it is a named colour, "dark brown") and the modifiers before it.
type colourMention struct {
	part    part
	word    string
	phrase  string // the modifier and word together, tried first
	lighter bool
	darker  bool
	second  bool // a second colour for the same noun ("red and gold robes")
}

// isColourWord reports whether w names a colour of some part.
func isColourWord(w string) bool {
	for _, l := range [][]named{hairColours, clothColours, eyeColours, skinTones, metalColours, jewelColours} {
		if _, ok := lookUpNamed(l, w); ok {
			return true
		}
	}
	return false
}

// isMod reports whether w is a modifier that shades the colour after it.
func isMod(w string) bool { return inList(w, lighterMods) || inList(w, darkerMods) }

// colourMentions finds every colour in the words, in order.
func colourMentions(ws []string) []colourMention {
	var out []colourMention
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if !isColourWord(w) && !(isMod(w) && i+1 < len(ws) && isColourWord(ws[i+1])) {
			continue
		}
		// A run of modifiers and colour words ("pale blue", "dark brown"): the last
		// colour word is the colour, the words before it shade it.
		j := i
		for j+1 < len(ws) && (isColourWord(ws[j+1]) || isMod(ws[j+1]) && j+2 < len(ws) && isColourWord(ws[j+2])) && !isNounWord(ws[j+1]) {
			j++
		}
		m := colourMention{word: ws[j]}
		if j > i {
			m.phrase = ws[j-1] + " " + ws[j]
			for _, mod := range ws[i:j] {
				m.lighter = m.lighter || inList(mod, lighterMods)
				m.darker = m.darker || inList(mod, darkerMods)
			}
		}
		m.part = colourPart(ws, i, j)
		out = append(out, m)
		i = j
	}
	// A second colour for the same part, right after "and", is that part's second colour.
	for k := 1; k < len(out); k++ {
		if out[k].part == out[k-1].part {
			out[k].second = true
		}
	}
	return out
}

// isNounWord reports whether w is a noun a colour describes (so "gold" in "gold armour"
// is not taken for a modifier of the word after it).
func isNounWord(w string) bool {
	for _, l := range [][]string{hairNouns, eyeNouns, skinNouns, capeNouns, hatNouns, apronNouns, scarfNouns, featherNouns, flowerNouns, metalNouns, backdropNouns, jewelNouns, vestNouns, clothNouns} {
		if inList(w, l) {
			return true
		}
	}
	return false
}

// colourPart says what the colour run ws[i..j] describes, looking a few words ahead
// ("red beard", "a long red beard", "red-haired", "blue glowing eyes") and, failing
// that, behind ("eyes of blue", "dressed in red").
func colourPart(ws []string, i, j int) part {
	for k := j + 1; k < len(ws) && k <= j+3; k++ {
		if p, ok := nounPart(ws[k]); ok {
			return p
		}
		if k+1 < len(ws) {
			if p, ok := nounPart(ws[k] + " " + ws[k+1]); ok {
				return p
			}
		}
		if ws[k] == "and" && k+1 < len(ws) && (isColourWord(ws[k+1]) || isMod(ws[k+1])) {
			continue // "red and gold robes": look past the second colour
		}
		if isColourWord(ws[k]) {
			continue
		}
		if inList(ws[k], colourStops) {
			break
		}
	}
	// Behind: "eyes of blue", "a beard of red".
	if i >= 2 && ws[i-1] == "of" {
		if p, ok := nounPart(ws[i-2]); ok {
			return p
		}
	}
	if i >= 1 && inList(ws[i-1], []string{"in", "wearing", "dressed", "clad", "garbed", "robed"}) {
		return partCloth
	}
	// "a fair maiden", "a pale elf", "a tanned sailor": alone, these describe skin.
	if i == j && (inList(ws[j], skinWords) || inList(ws[j], []string{"fair", "tan", "olive"})) {
		return partSkin
	}
	return partCloth
}

// nounPart returns the part the noun w names.
func nounPart(w string) (part, bool) {
	switch {
	case inList(w, hairNouns):
		return partHair, true
	case inList(w, eyeNouns):
		return partEyes, true
	case inList(w, skinNouns):
		return partSkin, true
	case inList(w, capeNouns):
		return partCape, true
	case inList(w, hatNouns):
		return partHat, true
	case inList(w, apronNouns):
		return partApron, true
	case inList(w, scarfNouns):
		return partScarf, true
	case inList(w, featherNouns):
		return partFeather, true
	case inList(w, flowerNouns):
		return partFlower, true
	case inList(w, metalNouns):
		return partMetal, true
	case inList(w, backdropNouns):
		return partBackdrop, true
	case inList(w, jewelNouns):
		return partJewel, true
	case inList(w, vestNouns):
		return partVest, true
	case inList(w, clothNouns):
		return partCloth, true
	}
	return 0, false
}

// resolve looks the mention up in list: the two-word phrase first, then the word, then
// the cloth colours (so "maroon hair" still reads); modifiers shade what the phrase did
// not name. ok is false when nothing names it.
func (m colourMention) resolve(list []named) (named, bool) {
	if m.phrase != "" {
		if n, ok := lookUpNamed(list, m.phrase); ok {
			return n, true
		}
	}
	n, ok := lookUpNamed(list, m.word)
	if !ok {
		if n, ok = lookUpNamed(clothColours, m.word); !ok {
			return named{}, false
		}
	}
	switch {
	case m.darker:
		n.c = scale(n.c, 175)
	case m.lighter:
		n.c = mix(n.c, hex(0xffffff), 70)
	}
	return n, true
}

// inList reports whether w is one of list.
func inList(w string, list []string) bool {
	for _, l := range list {
		if w == l {
			return true
		}
	}
	return false
}
