package pixelart

// The avatar's traits: every choice about the character, made once from the request's
// seed and the keywords in its prompt, before anything is drawn.

type (
	hairStyle int
	headwear  int
	facial    int
	outfit    int
	earShape  int
	brows     int
)

const (
	hairBald hairStyle = iota
	hairShort
	hairLong
	hairSpiky
	hairBraids
)

const (
	wearNone headwear = iota
	wearHood
	wearHelmet
	wearWizard
	wearCrown
	wearCap
)

const (
	faceClean facial = iota
	faceStubble
	faceMoustache
	faceGoatee
	faceBeard
)

const (
	outfitTunic outfit = iota
	outfitVNeck
	outfitRobe
	outfitArmor
	outfitCloak
	outfitNoble
	outfitJerkin
)

const (
	earRound earShape = iota
	earPointed
	earLong
	earNone
)

const (
	browLevel brows = iota
	browAngry
	browWorried
)

// traits is one character's look.
type traits struct {
	// Head: radii and the jaw in fixed-point design units; jaw is the chin's width as a
	// percentage of the head's; square makes the jaw boxier.
	headY, headRX, headRY, jaw int
	square                     bool
	neckHW, shoulderRX         int
	eyeSep                     int // design pixels between the centre line and each eye
	mouthW                     int
	smile                      bool
	brows                      brows
	ears                       earShape
	hair                       hairStyle
	fringe                     int // 0 straight bangs, 1 middle part, 2 swept, 3 receding
	head                       headwear
	face                       facial
	beardLen                   int
	outfit                     outfit
	horns, tusks, antenna      bool
	glasses, eyepatch, scar    bool
	female, old, young, robot  bool
	blush                      bool
	plume                      bool

	skin, hairCol, eyeCol, cloth, trim, hat, metal, gem, bgTop, bgBottom, bgGlow rgb
	// cape is the cloak's colour (and a hood's), when the prompt names one.
	cape    rgb
	capeSet bool
	// metalSkin draws the skin as plated metal (robots, androids, cyborgs).
	metalSkin bool
}

// named is a colour with the words that ask for it.
type named struct {
	words []string
	c     rgb
}

// Skin tones: six human ones, then the fantasy and metal skins.
var (
	skinHuman = []named{
		{[]string{"pale", "porcelain", "pallid", "ivory"}, hex(0xf4d4bc)},
		{[]string{"fair", "fair-skinned", "light-skinned", "rosy"}, hex(0xeab592)},
		{[]string{"tan", "tanned", "sun-kissed", "sunburnt", "sunburned"}, hex(0xd49a68)},
		{[]string{"olive", "olive-skinned", "bronze-skinned"}, hex(0xb57c4e)},
		{[]string{"brown skin", "brown-skinned", "dusky"}, hex(0x8c5a3a)},
		{[]string{"dark skin", "dark-skinned", "black skin", "ebony", "deep-skinned"}, hex(0x5e3b28)},
	}
	skinOrc    = hex(0x79a548)
	skinGoblin = hex(0xa0b23e)
	skinBlue   = hex(0x6c9cd4)
	skinDrow   = hex(0x7f72aa)
	skinDemon  = hex(0xc24a3c)
	skinUndead = hex(0xaab6a0)
	skinMetal  = hex(0xa6b0be)
)

// Hair colours, natural first. Each also answers to its words before a hair noun.
var hairColours = []named{
	{[]string{"black", "raven", "jet", "dark"}, hex(0x2b2531)},
	{[]string{"dark brown", "chestnut", "brunette"}, hex(0x4c3124)},
	{[]string{"brown"}, hex(0x7c4d2b)},
	{[]string{"auburn", "copper"}, hex(0x943c22)},
	{[]string{"red", "ginger", "redhead", "fiery", "crimson", "scarlet", "orange"}, hex(0xc95a27)},
	{[]string{"blond", "blonde", "golden", "gold", "yellow", "fair"}, hex(0xe3bb5c)},
	{[]string{"platinum", "flaxen", "straw"}, hex(0xeae2c0)},
	{[]string{"grey", "gray", "silver", "ash"}, hex(0xa4a3aa)},
	{[]string{"white", "snow", "snowy"}, hex(0xe9ebf0)},
	{[]string{"blue", "azure", "navy"}, hex(0x4a70d2)},
	{[]string{"pink", "rose"}, hex(0xe27db2)},
	{[]string{"purple", "violet", "lilac", "lavender"}, hex(0x7b4cc2)},
	{[]string{"green", "emerald"}, hex(0x4aa262)},
	{[]string{"teal", "cyan", "turquoise"}, hex(0x38a6a6)},
}

// hairGrey and hairWhite are what age turns hair to.
var (
	hairGrey  = hairColours[7].c
	hairWhite = hairColours[8].c
)

// Cloth colours by name, for "a red cloak", "in blue", "green robes".
var clothColours = []named{
	{[]string{"red", "scarlet"}, hex(0xb23a30)},
	{[]string{"crimson", "blood-red", "maroon", "burgundy", "wine"}, hex(0x8a1e32)},
	{[]string{"blue", "azure", "cobalt"}, hex(0x3464aa)},
	{[]string{"navy", "indigo"}, hex(0x2a3a72)},
	{[]string{"green", "verdant"}, hex(0x417e3c)},
	{[]string{"emerald", "jade"}, hex(0x1f8c5a)},
	{[]string{"olive", "khaki", "moss"}, hex(0x6b7232)},
	{[]string{"purple", "violet", "plum", "lilac", "lavender"}, hex(0x6e4098)},
	{[]string{"black", "ebony", "jet", "dark"}, hex(0x2e2c36)},
	{[]string{"white", "ivory", "pale", "snow"}, hex(0xe2ddd0)},
	{[]string{"grey", "gray", "ash", "slate"}, hex(0x7a7b86)},
	{[]string{"silver"}, hex(0xb8bdc6)},
	{[]string{"brown", "leather", "umber", "tawny"}, hex(0x6f4a2e)},
	{[]string{"tan", "beige", "sand", "buff"}, hex(0xb38c5c)},
	{[]string{"gold", "golden"}, hex(0xd8a83e)},
	{[]string{"yellow", "mustard"}, hex(0xd6bc3e)},
	{[]string{"orange", "amber", "rust"}, hex(0xcf742a)},
	{[]string{"teal", "turquoise", "cyan"}, hex(0x2e8d8d)},
	{[]string{"pink", "rose", "magenta"}, hex(0xd6709e)},
}

// Eye colours; eyes default to a dark brown or a seeded natural colour.
var eyeColours = []named{
	{[]string{"blue", "azure", "ice", "icy"}, hex(0x3f7fd8)},
	{[]string{"green", "emerald", "jade"}, hex(0x3d9a4a)},
	{[]string{"brown", "hazel", "amber"}, hex(0x7a4a26)},
	{[]string{"grey", "gray", "silver", "steel"}, hex(0x8a94a2)},
	{[]string{"red", "crimson", "scarlet", "blood-red"}, hex(0xe03a2a)},
	{[]string{"gold", "golden", "yellow"}, hex(0xe8b830)},
	{[]string{"violet", "purple"}, hex(0x9050d0)},
	{[]string{"black", "dark"}, hex(0x241c24)},
}

// The nouns a colour word can describe: a colour before "hair" colours the hair, before
// "eyes" the eyes, and so on; a colour with no noun after it colours the clothes.
var (
	hairNouns  = []string{"hair", "haired", "beard", "bearded", "moustache", "mustache", "braids", "braid", "braided", "locks", "mane", "curls", "ponytail", "bun", "hairs", "whiskers", "stubble"}
	eyeNouns   = []string{"eyes", "eye", "eyed"}
	skinNouns  = []string{"skin", "skinned", "complexion", "scales"}
	clothNouns = []string{"cloak", "cloaks", "robe", "robes", "tunic", "shirt", "coat", "dress", "gown", "jacket", "cape", "hood", "hooded", "armor", "armour", "armored", "armoured", "clothes", "clothing", "garb", "vest", "scarf", "uniform", "jerkin", "doublet", "attire", "outfit", "tabard", "mantle", "plate", "mail", "leathers", "hat", "cap", "shawl", "suit", "tunics", "garments", "vestments", "kimono", "sweater", "hoodie", "jumpsuit"}
)

// capeNouns are the cloth nouns that colour a cloak or hood rather than the tunic.
var capeNouns = []string{"cloak", "cloaks", "cape", "hood", "hooded", "mantle", "shawl", "cowl"}

// colourTarget says what a colour word at word position i describes, looking a few
// words ahead: "red beard", "a long red beard", "red-haired". It returns "hair", "eyes",
// "skin", "cape" or "cloth"; a colour with no noun after it colours the clothes.
func colourTarget(ws []string, i int) string {
	for j := i + 1; j < len(ws) && j <= i+3; j++ {
		switch {
		case inList(ws[j], hairNouns):
			return "hair"
		case inList(ws[j], eyeNouns):
			return "eyes"
		case inList(ws[j], skinNouns):
			return "skin"
		case inList(ws[j], capeNouns):
			return "cape"
		case inList(ws[j], clothNouns):
			return "cloth"
		case inList(ws[j], []string{"and", "or", "with", "in", "of", "a", "an", "the", "who", "wearing", "but"}):
			return "cloth"
		}
	}
	return "cloth"
}

func inList(w string, list []string) bool {
	for _, l := range list {
		if w == l {
			return true
		}
	}
	return false
}

// lookUp returns the first named colour one of whose single words is w.
func lookUp(list []named, w string) (rgb, bool) {
	for _, n := range list {
		for _, nw := range n.words {
			if nw == w {
				return n.c, true
			}
		}
	}
	return rgb{}, false
}

// isColourWord reports whether w may colour hair, cloth or eyes.
func isColourWord(w string) bool {
	_, h := lookUp(hairColours, w)
	_, c := lookUp(clothColours, w)
	_, e := lookUp(eyeColours, w)
	return h || c || e
}

// Keyword lists for the character. Each list is matched as whole words.
var (
	kwFemale  = []string{"woman", "women", "girl", "lady", "female", "she", "her", "queen", "princess", "witch", "sorceress", "priestess", "empress", "duchess", "maiden", "mother", "grandmother", "matriarch", "heroine", "huntress", "enchantress", "nun", "baroness", "countess", "wife", "daughter", "sister", "crone", "hag", "lass", "mistress", "barmaid", "shieldmaiden"}
	kwMale    = []string{"man", "men", "boy", "male", "he", "his", "him", "king", "prince", "lord", "sir", "emperor", "duke", "father", "grandfather", "patriarch", "monk", "priest", "baron", "count", "husband", "son", "brother", "lad", "gentleman", "fellow", "guy"}
	kwOld     = []string{"old", "elderly", "aged", "ancient", "grey-haired", "gray-haired", "white-haired", "venerable", "grandfather", "grandmother", "crone", "hag", "elder", "wrinkled", "wizened", "greybeard", "graybeard", "senior", "aging", "ageing"}
	kwYoung   = []string{"young", "child", "kid", "boy", "girl", "youth", "teen", "teenage", "teenager", "apprentice", "squire", "youthful", "lad", "lass", "little", "novice", "maiden", "urchin"}
	kwElf     = []string{"elf", "elves", "elven", "elvish", "eladrin", "half-elf", "drow", "fae", "fairy", "faerie", "pointed ears", "pointy ears", "sylvan"}
	kwDwarf   = []string{"dwarf", "dwarves", "dwarven", "dwarfish", "stout"}
	kwOrc     = []string{"orc", "orcs", "orcish", "half-orc", "ogre", "troll", "uruk", "brute"}
	kwGoblin  = []string{"goblin", "goblins", "gremlin", "kobold", "hobgoblin"}
	kwDemon   = []string{"demon", "devil", "tiefling", "fiend", "imp", "infernal", "demonic", "horned", "horns", "satyr", "minotaur"}
	kwUndead  = []string{"undead", "zombie", "ghoul", "lich", "vampire", "ghost", "wraith", "revenant", "corpse", "necromancer"}
	kwMetal   = []string{"robot", "android", "cyborg", "automaton", "mech", "droid", "synthetic", "machine", "golem", "construct", "mechanical", "clockwork", "bot"}
	kwKnight  = []string{"knight", "paladin", "soldier", "guard", "warrior", "templar", "crusader", "legionnaire", "sentinel", "centurion", "gladiator", "viking", "warlord", "champion", "sergeant", "mercenary", "fighter", "berserker", "helmet", "helm", "helmeted"}
	kwArmor   = []string{"armor", "armour", "armored", "armoured", "plate", "chainmail", "mail", "knight", "paladin", "templar", "crusader", "warrior", "soldier", "guard", "gladiator", "sentinel"}
	kwWizard  = []string{"wizard", "mage", "sorcerer", "sorceress", "warlock", "witch", "magician", "enchanter", "enchantress", "archmage", "magus", "conjurer", "wizard hat", "pointed hat", "necromancer", "druid", "shaman", "astrologer", "alchemist", "lich"}
	kwRoyal   = []string{"king", "queen", "prince", "princess", "royal", "emperor", "empress", "monarch", "crown", "crowned", "tiara", "circlet", "regent", "sultan", "pharaoh", "duke", "duchess"}
	kwHood    = []string{"hood", "hooded", "thief", "rogue", "assassin", "ranger", "cloaked", "cowl", "cowled", "bandit", "outlaw", "spy", "poacher", "hunter", "huntress", "cultist", "monk", "nun", "pilgrim", "hermit"}
	kwCap     = []string{"cap", "hat", "beret", "merchant", "sailor", "pilot", "mechanic", "farmer", "worker", "engineer", "officer", "courier", "baker", "cook", "chef", "captain"}
	kwBald    = []string{"bald", "shaved head", "shaven head", "hairless", "bald-headed", "shaved"}
	kwLong    = []string{"long hair", "long-haired", "flowing hair", "ponytail", "mane", "flowing", "long locks", "shoulder-length"}
	kwShort   = []string{"short hair", "short-haired", "cropped", "crew cut", "buzz cut", "neat hair"}
	kwSpiky   = []string{"spiky", "spiked", "mohawk", "punk", "wild hair", "messy hair", "unkempt", "shaggy", "tousled", "spiky hair"}
	kwBraids  = []string{"braids", "braid", "braided", "plaits", "plaited", "pigtails", "dreadlocks", "dreads"}
	kwBeard   = []string{"beard", "bearded", "full beard", "long beard", "greybeard", "graybeard", "whiskered"}
	kwMoust   = []string{"moustache", "mustache", "moustached", "mustached", "handlebar"}
	kwGoatee  = []string{"goatee", "chin beard"}
	kwStubble = []string{"stubble", "stubbly", "unshaven", "five o'clock shadow", "scruffy"}
	kwShaven  = []string{"clean-shaven", "beardless", "clean shaven", "smooth-faced"}
	kwSmile   = []string{"smiling", "smile", "smiles", "cheerful", "happy", "friendly", "kind", "jolly", "grinning", "grin", "warm", "merry", "laughing", "kindly", "gentle", "cheery"}
	kwAngry   = []string{"angry", "grumpy", "stern", "fierce", "scowling", "scowl", "menacing", "furious", "cruel", "mean", "brooding", "serious", "hardened", "gruff", "surly", "severe", "sinister", "evil"}
	kwWorried = []string{"sad", "worried", "nervous", "timid", "shy", "anxious", "melancholy", "weary", "tired", "frightened", "scared", "sorrowful"}
	kwRobe    = []string{"robe", "robes", "priest", "priestess", "monk", "cleric", "scholar", "sage", "vestments", "acolyte", "oracle", "seer", "mystic"}
	kwNoble   = []string{"noble", "noblewoman", "nobleman", "aristocrat", "lord", "lady", "courtier", "duke", "duchess", "baron", "baroness", "count", "countess", "diplomat", "ambassador", "merchant prince", "royal", "king", "queen", "prince", "princess", "emperor", "empress"}
	kwCloak   = []string{"cloak", "cloaked", "cape", "caped", "mantle", "traveler", "traveller", "wanderer", "ranger", "adventurer"}
	kwJerkin  = []string{"leather", "jerkin", "vest", "tavern", "innkeeper", "barkeep", "bartender", "blacksmith", "smith", "peasant", "farmer", "hunter", "pirate", "sailor"}
	kwGlasses = []string{"glasses", "spectacles", "monocle", "goggles", "bespectacled", "specs"}
	kwPatch   = []string{"eyepatch", "eye patch", "eye-patch", "one-eyed", "pirate"}
	kwScar    = []string{"scar", "scarred", "scars", "battle-scarred", "scarface"}
	kwTusks   = []string{"tusks", "tusked", "fangs", "fanged"}
	kwPlume   = []string{"plume", "plumed", "feather", "feathered", "crest"}
)
