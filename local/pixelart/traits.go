package pixelart

import "github.com/troupe-ai/troupe/domain"

// The avatar's traits: every choice about the character, made once from the request's
// seed and the keywords in its prompt, before anything is drawn.

type (
	hairStyle int
	headwear  int
	facial    int
	outfit    int
	earShape  int
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
	wearCirclet
	wearFlowers
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
	// earNone is a robot's: a bolt where the ear would be.
	earNone
	// earHidden draws nothing (lizardfolk have ear holes, not ears).
	earHidden
)

// feature names one decision about the character, so a variation can tell which ones its
// prompt named (see traits.named and variation.go).
type feature uint8

// The features. Those up to fMark (the marks) are identity (they make the character who they are);
// the rest are what a character wears, holds or feels.
const (
	fSpecies feature = iota
	fGender
	fAge
	fSkin
	fEyes
	fGlow
	fHairCol
	fHairStyle
	fBeard
	fHead
	fEars
	fTusks
	fHorns
	fFangs
	fFur
	fScales
	fScar
	fEyepatch
	fTattoo
	fFreckles

	fEmotion
	fHeadwear
	fPlume
	fOutfit
	fCloth
	fCape
	fHat
	fMetal
	fJewel
	fBackdrop
	fGlasses
	fApron
	fScarf
	fNecklace
	fAmulet
	fEarrings
	fFeather
	fFlower
	fCollar
	fCloak
	fPauldrons
	fBreastplate
	fGorget
	featureCount
)

// fMark is the last identity feature.
const fMark = fFreckles

// featureSet is a set of features, one bit each.
type featureSet uint64

// has reports whether f is in the set.
func (s featureSet) has(f feature) bool { return s&(1<<f) != 0 }

// traits is one character's look.
type traits struct {
	// species is the trait word for the kind of being: human, elf, drow, dwarf, orc,
	// goblin, demon, undead, lizardfolk, beastfolk, robot, android or cyborg.
	species string
	// Head: radii and the jaw in fixed-point design units; jaw is the chin's width as a
	// percentage of the head's; square makes the jaw boxier.
	headY, headRX, headRY, jaw int
	square                     bool
	// headName is the head's shape as a trait word: round, oval, square or broad.
	headName           string
	neckHW, shoulderRX int
	eyeSep             int // design pixels between the centre line and each eye
	mouthW             int
	// emotion is the face's expression; it is always one of the nine.
	emotion                   domain.Emotion
	ears                      earShape
	hair                      hairStyle
	fringe                    int // 0 straight bangs, 1 middle part, 2 swept, 3 receding
	head                      headwear
	face                      facial
	beardLen                  int
	outfit                    outfit
	horns, tusks, antenna     bool
	fangs, fur, scales        bool
	glasses, eyepatch, scar   bool
	tattoo, freckles          bool
	female, old, young, robot bool
	blush                     bool
	plume                     bool
	// glowEyes draws bright irises with a halo pixel beside each eye.
	glowEyes bool
	// helmGuards gives a helmet cheek guards (left off when the hair colour is named,
	// so the hair shows).
	helmGuards bool
	// The worn items: each is drawn when set, over whatever outfit is worn.
	apron, scarf, necklace, amulet, earrings, feather, flower, collar, cloak bool
	pauldrons, breastplate, gorget                                           bool

	skin, hairCol, eyeCol, cloth, trim, hat, metal, gem, bgTop, bgBottom, bgGlow rgb
	// cape is the cloak's colour (and a hood's), when the prompt names one.
	cape                                      rgb
	apronCol, scarfCol, featherCol, flowerCol rgb
	// jewel is the metal of crowns, circlets, chains and earrings (gold unless named).
	jewel rgb
	// The colours' trait words, decided with the colours (before the tone grades them).
	skinName, eyeName, hairName, clothName, capeName, hatName, metalName string
	apronName, scarfName, featherName, flowerName, bgName, jewelName     string
	// Which colours the prompt named; the rest are chosen by finish.
	clothSet, capeSet, hatSet, metalSet, bgSet, trimSet bool
	apronSet, scarfSet, featherSet, flowerSet, eyeSet   bool
	jewelSet, gemSet                                    bool
	// metalSkin draws the skin as plated metal (robots, androids, cyborgs).
	metalSkin bool
	// outfitSeed, when not zero, is the seed the outfit's details (buttons, the depth of
	// a neckline) are drawn from instead of the mask's: a strong variation re-draws them.
	outfitSeed uint64
	// named is the set of features the prompt settled (by a keyword or a denial); the
	// seed settled the rest.
	named featureSet
}

// name marks the features as settled by the prompt.
func (t *traits) name(fs ...feature) {
	for _, f := range fs {
		t.named |= 1 << f
	}
}

// Keyword lists for the character. Each list is matched as whole words.
var (
	kwFemale  = []string{"woman", "women", "girl", "lady", "female", "she", "her", "queen", "princess", "witch", "sorceress", "priestess", "empress", "duchess", "maiden", "mother", "grandmother", "matriarch", "heroine", "huntress", "enchantress", "nun", "baroness", "countess", "wife", "daughter", "sister", "crone", "hag", "lass", "mistress", "barmaid", "shieldmaiden", "noblewoman", "waitress", "actress", "goddess", "duchess", "abbess", "seamstress", "laundress", "widow", "girlfriend", "aunt", "niece", "granddaughter", "queenly", "ladies"}
	kwMale    = []string{"man", "men", "boy", "male", "he", "his", "him", "king", "prince", "lord", "sir", "emperor", "duke", "father", "grandfather", "patriarch", "monk", "priest", "baron", "count", "husband", "son", "brother", "lad", "gentleman", "fellow", "guy"}
	kwOld     = []string{"old", "elderly", "aged", "ancient", "grey-haired", "gray-haired", "white-haired", "venerable", "grandfather", "grandmother", "crone", "hag", "elder", "wrinkled", "wizened", "greybeard", "graybeard", "senior", "aging", "ageing"}
	kwYoung   = []string{"young", "child", "kid", "boy", "girl", "youth", "teen", "teenage", "teenager", "apprentice", "squire", "youthful", "lad", "lass", "little", "novice", "maiden", "urchin"}
	kwElf     = []string{"elf", "elves", "elven", "elvish", "eladrin", "half-elf", "drow", "fae", "fairy", "faerie", "sylvan"}
	kwDwarf   = []string{"dwarf", "dwarves", "dwarven", "dwarfish", "stout"}
	kwOrc     = []string{"orc", "orcs", "orcish", "half-orc", "ogre", "troll", "uruk", "brute"}
	kwGoblin  = []string{"goblin", "goblins", "gremlin", "kobold", "hobgoblin"}
	kwDemon   = []string{"demon", "devil", "tiefling", "fiend", "imp", "infernal", "demonic"}
	kwUndead  = []string{"undead", "zombie", "ghoul", "lich", "vampire", "ghost", "wraith", "revenant", "corpse", "necromancer"}
	kwLizard  = []string{"lizardfolk", "lizardman", "lizardmen", "lizard", "reptilian", "dragonborn", "saurian", "naga"}
	kwBeast   = []string{"beastfolk", "beastman", "werewolf", "wolfman", "catfolk", "tabaxi", "wolf-man", "cat-man", "beast", "lycanthrope", "gnoll"}
	kwMetal   = []string{"robot", "android", "cyborg", "automaton", "mech", "droid", "synthetic", "machine", "golem", "construct", "mechanical", "clockwork", "bot"}
	kwKnight  = []string{"knight", "paladin", "soldier", "guard", "warrior", "templar", "crusader", "legionnaire", "sentinel", "centurion", "gladiator", "viking", "warlord", "champion", "sergeant", "mercenary", "fighter", "berserker", "helmet", "helm", "helmeted"}
	kwArmor   = []string{"armor", "armour", "armored", "armoured", "plate", "chainmail", "mail", "knight", "paladin", "templar", "crusader", "warrior", "soldier", "guard", "gladiator", "sentinel"}
	kwWizard  = []string{"wizard", "mage", "sorcerer", "sorceress", "warlock", "witch", "magician", "enchanter", "enchantress", "archmage", "magus", "conjurer", "wizard hat", "pointed hat", "necromancer", "druid", "shaman", "astrologer", "alchemist", "lich"}
	kwRoyal   = []string{"king", "queen", "prince", "princess", "royal", "emperor", "empress", "monarch", "crown", "crowned", "regent", "sultan", "pharaoh", "duke", "duchess"}
	kwHood    = []string{"hood", "hooded", "thief", "rogue", "assassin", "ranger", "cowl", "cowled", "bandit", "outlaw", "spy", "poacher", "hunter", "huntress", "cultist", "monk", "nun", "pilgrim", "hermit"}
	kwCap     = []string{"cap", "hat", "beret", "merchant", "sailor", "pilot", "mechanic", "farmer", "worker", "engineer", "officer", "courier", "baker", "cook", "chef", "captain"}
	kwWreath  = []string{"flower crown", "crown of flowers", "floral crown", "flower wreath", "wreath", "garland", "wreath of flowers"}
	kwCirclet = []string{"circlet", "tiara", "diadem", "headband", "coronet"}
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
	kwRobe    = []string{"robe", "robes", "priest", "priestess", "monk", "cleric", "scholar", "sage", "vestments", "acolyte", "oracle", "seer", "mystic"}
	kwNoble   = []string{"noble", "noblewoman", "nobleman", "aristocrat", "lord", "lady", "courtier", "duke", "duchess", "baron", "baroness", "count", "countess", "diplomat", "ambassador", "merchant prince", "royal", "king", "queen", "prince", "princess", "emperor", "empress"}
	kwCloak   = []string{"cloak", "cloaked", "cape", "caped", "mantle", "traveler", "traveller", "wanderer", "ranger", "adventurer"}
	kwJerkin  = []string{"leather", "jerkin", "vest", "waistcoat", "tavern", "innkeeper", "barkeep", "bartender", "blacksmith", "smith", "peasant", "farmer", "hunter", "pirate", "sailor"}
	kwTunic   = []string{"tunic", "tunics", "smock"}
	kwVNeck   = []string{"shirt", "v-neck", "blouse"}
	kwGlasses = []string{"glasses", "spectacles", "monocle", "goggles", "bespectacled", "specs", "eyeglasses"}
	kwPatch   = []string{"eyepatch", "eye patch", "eye-patch", "one-eyed", "pirate"}
	kwScar    = []string{"scar", "scarred", "scars", "battle-scarred", "scarface"}
	kwTusks   = []string{"tusks", "tusked", "tusk"}
	kwFangs   = []string{"fangs", "fanged", "fang", "vampire", "vampiric", "sharp teeth"}
	kwHorns   = []string{"horned", "horns", "horn", "satyr", "minotaur", "tiefling"}
	kwFur     = []string{"furry", "furred", "fur-covered", "covered in fur", "fur", "fuzzy"}
	kwScales  = []string{"scales", "scaly", "scaled", "scale-covered"}
	kwTattoo  = []string{"tattoo", "tattoos", "tattooed", "war paint", "warpaint", "face paint", "tribal markings", "facial markings"}
	kwFreckle = []string{"freckles", "freckled", "freckly", "freckle"}
	kwPlume   = []string{"plume", "plumed", "crest", "crested"}
	kwApron   = []string{"apron", "aprons", "aproned"}
	kwScarf   = []string{"scarf", "scarves", "muffler", "neckerchief", "kerchief", "shawl"}
	kwNeck    = []string{"necklace", "necklaces", "chain", "beads", "choker", "pearls", "torc"}
	kwAmulet  = []string{"amulet", "talisman", "medallion", "locket", "pendant"}
	kwEarring = []string{"earring", "earrings", "ear ring", "ear rings", "pierced ears", "hoops"}
	kwFeather = []string{"feather", "feathers", "feathered", "quill"}
	kwFlower  = []string{"flower", "flowers", "blossom", "blossoms", "daisy", "lily", "orchid", "lotus", "hibiscus", "flower crown"}
	kwCollar  = []string{"collar", "collared", "ruff", "high collar"}
	kwPauldr  = []string{"pauldron", "pauldrons", "spaulders", "shoulder plates", "shoulder armor", "shoulder armour", "shoulder guards", "epaulettes"}
	kwBreast  = []string{"breastplate", "cuirass", "chestplate", "chest plate"}
	kwGorget  = []string{"gorget", "neck guard"}
	kwGlowing = []string{"glowing", "glow", "glows", "luminous", "shining", "burning", "blazing", "radiant", "gleaming", "lit"}
)
