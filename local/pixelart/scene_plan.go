package pixelart

import (
	"slices"
	"strings"
)

// The scene plan: what a background prompt asks for, decided from its keywords before
// anything is drawn, and the traits that report what was drawn.

// The interior scenes.
const (
	sceneTavern = "tavern"
	sceneShop   = "shop"
	sceneHall   = "hall"
	sceneCrypt  = "crypt"
	sceneCave   = "cave"
	// sceneLibrary is drawn as a shop without its counter: shelves of books.
	sceneLibrary = "library"
)

// The exterior scenes beyond the six landscapes of background.go.
const (
	sceneStreet  = "street"
	sceneCastle  = "castle"
	sceneRuin    = "ruin"
	sceneHarbour = "harbour"
)

// The weathers an exterior can have.
const (
	weatherRain = "rain"
	weatherSnow = "snow"
	weatherFog  = "fog"
)

// sceneRule is one scene's keywords. except lists longer phrases that contain a keyword
// without meaning the scene ("town hall" is no throne room, a "sand bar" no tavern).
type sceneRule struct {
	scene  string
	words  []string
	except []string
}

// matches reports whether the prompt has one of the rule's words outside its exceptions.
func (r sceneRule) matches(w words) bool {
	return blank(w, r.except...).any(r.words...)
}

// blank returns w with every occurrence of the phrases replaced by a space, so a word
// inside them no longer matches.
func blank(w words, phrases ...string) words {
	for _, p := range phrases {
		w.text = strings.ReplaceAll(w.text, " "+p+" ", " ")
		w.split = strings.ReplaceAll(w.split, " "+p+" ", " ")
	}
	return w
}

// The rules, grouped by how they rank (see planFor). Every group is tried in order and
// the first rule with a keyword in the prompt wins.
var (
	// streetRule comes first: "street" must show a street, even "a street with a tavern"
	// (which gets a tavern front on it).
	streetRule = sceneRule{sceneStreet, []string{"street", "streets", "alley", "alleys", "alleyway", "alleyways",
		"avenue", "avenues", "boulevard", "backstreet", "backstreets", "high street", "main street", "side street",
		"sidewalk", "pavement", "crossroads", "intersection"}, nil}
	// interiorRules are the rooms, most specific first: a tavern cellar is a tavern, a
	// crypt in a cave or under a chapel a crypt, a cave dungeon a cave.
	interiorRules = []sceneRule{
		{sceneTavern, []string{"tavern", "taverns", "inn", "inns", "pub", "pubs", "alehouse", "taproom", "saloon",
			"bar", "barroom", "common room", "beer hall", "mead hall", "brewery", "cantina", "speakeasy"},
			[]string{"sand bar", "iron bar", "bar of", "chocolate bar"}},
		{sceneShop, []string{"shop", "shops", "store", "stores", "emporium", "apothecary", "boutique", "pawnshop",
			"bakery", "bookshop", "bookstore", "general store", "alchemist", "alchemists", "alchemy", "armory",
			"armoury", "shopkeeper", "trading post", "curio", "curiosity shop", "workshop", "smithy", "forge"}, nil},
		{sceneLibrary, []string{"library", "libraries", "archive", "archives", "study", "scriptorium", "bookshelves"},
			[]string{"case study"}},
		{sceneCrypt, []string{"crypt", "crypts", "tomb", "tombs", "catacomb", "catacombs", "mausoleum", "ossuary",
			"sepulchre", "sepulcher", "burial chamber", "undercroft", "sarcophagus", "barrow"}, nil},
		{sceneHall, []string{"throne room", "throne", "great hall", "castle hall", "banquet hall", "banqueting hall",
			"ballroom", "hall", "halls", "audience chamber", "palace interior", "castle interior", "hallway",
			"cathedral", "nave", "chapel", "temple interior", "court room", "courtroom", "royal court"},
			[]string{"town hall", "city hall", "hall of fame", "music hall"}},
		{sceneCave, []string{"cave", "caves", "cavern", "caverns", "grotto", "grottoes", "mine", "mines",
			"mineshaft", "mine shaft", "stalactites", "stalagmites", "burrow", "den", "cave mouth"}, nil},
		{sceneDungeon, []string{"dungeon", "dungeons", "prison", "prisons", "jail", "gaol", "cell", "cells",
			"oubliette", "sewer", "sewers", "vault", "vaults", "cellar", "cellars", "labyrinth", "basement",
			"torture chamber"}, nil},
	}
	// exteriorRules are the outdoor places, settlements before landscapes: a harbour
	// town is a harbour, a castle in the mountains a castle.
	exteriorRules = []sceneRule{
		{sceneHarbour, []string{"harbour", "harbor", "harbours", "harbors", "port", "seaport", "docks", "dock",
			"dockside", "pier", "piers", "wharf", "wharves", "quay", "quayside", "marina", "jetty", "fishing village",
			"boats", "boat", "fishing boats"}, nil},
		{sceneCastle, []string{"castle", "castles", "citadel", "fortress", "stronghold", "palace", "fort",
			"ramparts", "battlements", "keep tower"}, nil},
		{sceneTown, []string{"town", "towns", "village", "villages", "city", "cities", "market", "marketplace",
			"square", "plaza", "houses", "hamlet", "settlement", "rooftops", "skyline", "downtown", "capital",
			"metropolis", "megacity", "slums", "bazaar", "neighborhood", "neighbourhood", "outpost", "colony",
			"cottages", "townsfolk", "skyscrapers", "arcology"}, nil},
		{sceneCoast, []string{"coast", "coastal", "coastline", "sea", "seaside", "ocean", "beach", "shore",
			"shoreline", "bay", "island", "cove", "lighthouse", "lake", "lakeside", "waves", "reef", "sea cliffs",
			"seashore", "lagoon", "gulf", "ship", "ships", "sailing"}, nil},
		{sceneDesert, []string{"desert", "deserts", "dune", "dunes", "sand", "sands", "sandy", "oasis", "wasteland",
			"wastelands", "badlands", "canyon", "mesa", "mesas", "sahara", "arid", "pyramid", "pyramids", "barren",
			"dust"}, nil},
		{sceneForest, []string{"forest", "forests", "woods", "wood", "woodland", "woodlands", "jungle", "grove",
			"trees", "pine", "pines", "taiga", "thicket", "glade", "clearing", "rainforest", "swamp", "marsh",
			"bamboo", "orchard", "wildwood", "treeline"}, nil},
		{sceneMountains, []string{"mountain", "mountains", "mountainside", "peak", "peaks", "summit", "alps", "alpine",
			"range", "glacier", "highlands", "pass", "ridge", "cliff", "cliffs", "volcano", "snowy", "crag", "crags",
			"snow", "tundra", "plateau"}, nil},
	}
	// ruinWords put ruins into a landscape ("a desert ruin", "ruins in the forest"); with
	// no landscape they are the scene.
	ruinWords = []string{"ruin", "ruins", "ruined", "rubble", "remains", "colonnade", "acropolis", "broken columns",
		"fallen columns", "ancient temple", "temple ruins", "crumbling", "abandoned temple", "forgotten temple"}
	// hintRules are the words that suggest a room without naming one; they count only
	// when nothing above matched, so "a torchlit street" stays a street.
	hintRules = []sceneRule{
		{sceneTavern, []string{"candlelit", "candlelight", "candle-lit", "fireside", "fireplace", "hearth",
			"cosy room", "cozy room", "candles"}, nil},
		{sceneDungeon, []string{"torchlit", "torch-lit", "corridor", "corridors", "underground", "passage",
			"passages", "tunnel", "tunnels", "lair", "sanctum", "chamber", "chambers"}, nil},
		{sceneHall, []string{"interior", "indoors", "indoor", "inside", "room"}, nil},
	}
)

// The words that settle which side of a wall a prompt stands on.
var (
	insideWords  = []string{"inside", "interior", "indoors", "indoor", "within"}
	outsideWords = []string{"outside", "exterior", "facade", "façade", "storefront", "shopfront", "in front of",
		"outdoors", "outdoor"}
	// castleWords inside ("inside the castle") make a castle hall.
	castleWords = []string{"castle", "castles", "palace", "fortress", "citadel", "stronghold"}
)

// The modifier words.
var (
	rainWords = []string{"rain", "rainy", "raining", "rainfall", "rainstorm", "downpour", "drizzle", "drizzling",
		"storm", "stormy", "thunderstorm", "monsoon", "showers", "wet", "pouring"}
	snowWords = []string{"snow", "snowy", "snowing", "snowfall", "snowstorm", "snowflakes", "blizzard", "winter",
		"wintry", "wintertime", "frost", "frosty", "frozen", "icy", "snow-covered", "snowbound"}
	heavySnowWords = []string{"snowing", "snowfall", "snowstorm", "blizzard", "snowflakes", "falling snow"}
	fogWords       = []string{"fog", "foggy", "mist", "misty", "mists", "haze", "hazy", "murky", "smog", "fogbound",
		"low clouds", "vapour", "vapor"}
	neonWords = []string{"cyberpunk", "neon", "futuristic", "sci-fi", "scifi", "synthwave", "cyber", "dystopian city",
		"blade runner", "hologram", "holograms", "holographic"}
	// lampWords light a scene from within; with no time of day named they make it evening.
	lampWords = []string{"candlelight", "candlelit", "candle-lit", "candles", "candle", "lamplight", "lamplit",
		"firelight", "torchlight", "torchlit", "torch-lit", "lantern-lit", "lanterns"}
	candleWords = []string{"candlelight", "candlelit", "candle-lit", "candles", "candle", "candelabra", "chandelier"}
	torchWords  = []string{"torchlight", "torchlit", "torch-lit", "torches", "torch"}
	hearthWords = []string{"hearth", "fireplace", "fireside", "firelight", "fire", "roaring fire", "cosy", "cozy",
		"warm", "winter", "snowy"}
	mountainBackdrop = []string{"mountain", "mountains", "mountainside", "peaks", "alps", "alpine", "highlands",
		"hills"}
	forestBackdrop = []string{"forest", "forests", "woods", "woodland", "pines", "trees", "jungle"}
)

// plan is a background's recipe: the scene, its setting and its modifiers.
type plan struct {
	scene    string
	interior bool
	// rain, snow and fog are the weather; snow and fog can fall together, rain excludes
	// snow. Interiors show weather only through a window.
	rain, snow, fog bool
	// heavy snow is falling, not just lying.
	heavySnow bool
	// neon is a cyberpunk night: neon signs, indigo facades, a magenta horizon.
	neon bool
	// ruin puts ruins into the landscape (or ruins a castle).
	ruin bool
	// front is a business whose front a street shows ("a street with a tavern"): "",
	// sceneTavern or sceneShop.
	front string
	// castle, mountains and forest are asked-for backdrop elements of a settlement.
	castle, mountains, forest bool
	// candles, torches and hearth are the lights an interior is asked for; a hearth is
	// also asked for by cosy, warm and wintry words.
	candles, torches, hearth bool
}

// planFor decides the plan for a prompt. Scenes rank: a street first (unless the prompt
// says it is inside), then rooms, then outdoor places, then the hints; ruins with no
// other landscape are a scene of their own, and anything else is rolling plains.
func planFor(w words, neonTone bool) plan {
	p := plan{scene: scenePlains}
	inside, outside := w.any(insideWords...), w.any(outsideWords...)
	var front string
	for _, r := range interiorRules[:2] {
		if r.matches(w) {
			front = r.scene
			break
		}
	}
	switch {
	case !inside && streetRule.matches(w):
		p.scene, p.front = sceneStreet, front
	case outside && front != "":
		p.scene, p.front = sceneStreet, front
	default:
		p.scene = firstRule(w, interiorRules)
		if p.scene == "" && inside && w.any(castleWords...) {
			p.scene = sceneHall
		}
		if p.scene == "" && streetRule.matches(w) {
			p.scene = sceneStreet
		}
		if p.scene == "" {
			p.scene = firstRule(w, exteriorRules)
		}
		if p.scene == "" {
			p.scene = firstRule(w, hintRules)
		}
		if p.scene == "" {
			p.scene = scenePlains
		}
	}
	p.interior = slices.Contains([]string{sceneTavern, sceneShop, sceneLibrary, sceneHall, sceneCrypt, sceneCave, sceneDungeon}, p.scene)
	p.ruin = w.any(ruinWords...)
	if p.ruin && (p.scene == scenePlains || p.scene == sceneTown) {
		p.scene = sceneRuin
	}
	if p.interior {
		p.ruin = false
	}
	p.rain = w.any(rainWords...)
	p.snow = !p.rain && w.any(snowWords...)
	p.heavySnow = p.snow && w.any(heavySnowWords...)
	p.fog = w.any(fogWords...)
	p.neon = neonTone || w.any(neonWords...)
	p.castle = w.any(castleWords...) && p.scene != sceneCastle
	p.mountains = w.any(mountainBackdrop...)
	p.forest = w.any(forestBackdrop...)
	p.candles = w.any(candleWords...)
	p.torches = w.any(torchWords...)
	p.hearth = w.any(hearthWords...)
	return p
}

// firstRule returns the scene of the first rule that matches, or "".
func firstRule(w words, rules []sceneRule) string {
	for _, r := range rules {
		if r.matches(w) {
			return r.scene
		}
	}
	return ""
}

// timeWith picks the time of day: a time named in the prompt, else evening for a scene
// lit by candles or lamps, else the tone's (a neon prompt leans to night), else the seed.
func timeWith(w words, tn tone, neon bool, r *rng) timeOfDay {
	for _, k := range timeKeywords {
		if w.any(k.words...) {
			return k.t
		}
	}
	if w.any(lampWords...) {
		return []timeOfDay{night, dusk}[r.pick(70, 30)]
	}
	if neon {
		tn.name = "neon"
	}
	return timeFor(w, tn, r)
}

// timeNames are the time-of-day trait values.
var timeNames = [...]string{day: "day", dawn: "dawn", dusk: "dusk", night: "night"}

// mark records elements the scene drew, for its traits.
func (s *scene) mark(elems ...string) { s.elems = append(s.elems, elems...) }

// traits lists what the scene chose and drew: "scene:", "setting:", "time:" and
// "weather:" (rain or snow, then fog) first, then the elements drawn, sorted and
// without repeats so the list is the same however the drawing code is ordered.
func (s *scene) traits() []string {
	setting := "exterior"
	if s.pl.interior {
		setting = "interior"
	}
	out := []string{"scene:" + s.pl.scene, "setting:" + setting, "time:" + timeNames[s.tod]}
	if s.weatherShown {
		switch {
		case s.pl.rain:
			out = append(out, "weather:"+weatherRain)
		case s.pl.snow:
			out = append(out, "weather:"+weatherSnow)
		}
		if s.pl.fog && !s.pl.interior {
			out = append(out, "weather:"+weatherFog)
		}
	}
	el := slices.Clone(s.elems)
	slices.Sort(el)
	return append(out, slices.Compact(el)...)
}
