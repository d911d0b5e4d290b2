package dialogue

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/troupe-ai/troupe/domain"
)

// What a character knows is mined, per answer, from text the studio wrote: its custom
// lore and card description (about itself), the lorebook entries the conversation
// triggered, its world's brief, and what it remembers of the player. Each sentence (or
// ";"-separated clause of a lore note) becomes a fact with the names it mentions and its
// content words, so a line can be answered by the fact that shares its names or words.

// The sources of a fact, in the order answers prefer them.
const (
	srcLore     = iota // the character's own lore: first person when it can be
	srcLorebook        // a triggered lorebook entry
	srcWorld           // the world's brief
	srcMemory          // the character's facts and summary about the player
)

// fact is one sentence of knowledge.
type fact struct {
	text     string // the sentence as written, with its final mark
	first    string // the sentence in the character's voice, when it is about it and safe
	src      int
	category string // a lorebook category, or one guessed from the names
	entry    string // the lorebook entry's name, if any
	names    []string
	words    []string // stems of its content words
}

// say returns how the character says the fact: in its own voice when it can.
func (f *fact) say() string {
	if f.first != "" {
		return f.first
	}
	return f.text
}

// entity is a name the character's knowledge or world holds.
type entity struct {
	name     string // as written
	low      string
	category string // place, faction, person, history, item, or ""
	knower   bool   // from Scene.Knowers
}

// knowledge is everything a character can draw on for one answer.
type knowledge struct {
	facts    []fact
	entities []entity
}

// categoryWords guess what a capitalised name is from the words in it.
var categoryWords = map[string]string{
	"war": "history", "siege": "history", "battle": "history", "fall": "history", "burning": "history",
	"rebellion": "history", "uprising": "history", "plague": "history", "massacre": "history",
	"revolt": "history", "sack": "history", "flood": "history", "famine": "history", "conquest": "history",
	"crusade": "history", "treaty": "history", "founding": "history", "reckoning": "history",
	"guild": "faction", "order": "faction", "circle": "faction", "brotherhood": "faction",
	"sisterhood": "faction", "company": "faction", "lords": "faction", "council": "faction",
	"church": "faction", "clan": "faction", "house": "faction", "watch": "faction", "legion": "faction",
	"league": "faction", "cult": "faction", "band": "faction", "syndicate": "faction", "crown": "faction",
	"court": "faction", "knights": "faction", "society": "faction", "brethren": "faction", "hand": "faction",
	"gate": "place", "keep": "place", "town": "place", "city": "place", "village": "place", "river": "place",
	"forest": "place", "wood": "place", "woods": "place", "mountain": "place", "mountains": "place",
	"hill": "place", "hills": "place", "vale": "place", "port": "place", "bridge": "place", "tower": "place",
	"castle": "place", "hold": "place", "marsh": "place", "lake": "place", "sea": "place", "road": "place",
	"pass": "place", "mine": "place", "mines": "place", "abbey": "place", "fort": "place", "mill": "place",
	"market": "place", "square": "place", "inn": "place", "tavern": "place", "harbour": "place",
	"harbor": "place", "isle": "place", "island": "place", "bay": "place", "ford": "place", "ruins": "place",
	"crossing": "place", "peak": "place", "falls": "place", "moor": "place", "fen": "place", "quarter": "place",
	"street": "place", "temple": "place", "shrine": "place", "library": "place", "citadel": "place",
	"sir": "person", "lady": "person", "lord": "person", "captain": "person", "master": "person",
	"mistress": "person", "mother": "person", "father": "person", "brother": "person", "sister": "person",
	"old": "person", "king": "person", "queen": "person", "prince": "person", "princess": "person",
	"duke": "person", "baron": "person", "count": "person", "magister": "person", "elder": "person",
}

// itemNouns name things a lore note may call by name ("a hammer named Widowmaker").
var itemNouns = map[string]bool{
	"hammer": true, "sword": true, "blade": true, "axe": true, "bow": true, "spear": true, "dagger": true,
	"knife": true, "ring": true, "amulet": true, "crown": true, "staff": true, "book": true, "shield": true,
	"helm": true, "cloak": true, "lute": true, "ship": true, "boat": true, "anvil": true, "mace": true,
	"pendant": true, "locket": true, "tome": true, "map": true, "key": true, "horn": true, "flail": true,
	"compass": true, "lantern": true, "cart": true, "wagon": true, "bell": true, "banner": true, "pipe": true,
}

// personNouns call someone by name ("a daughter named Lysa").
var personNouns = map[string]bool{
	"daughter": true, "son": true, "wife": true, "husband": true, "brother": true, "sister": true,
	"friend": true, "mother": true, "father": true, "apprentice": true, "child": true, "man": true,
	"woman": true, "boy": true, "girl": true, "rival": true, "lover": true, "partner": true, "captain": true,
	"dog": true, "horse": true, "cat": true, "hound": true, "mare": true, "stallion": true, "crow": true,
}

// buildKnowledge gathers what the character of sc knows.
func buildKnowledge(sc *domain.Scene, s *scene) *knowledge {
	k := &knowledge{}
	c := &sc.Character
	self := selfNames(c.Name)
	ps := lorePronouns(c.Lore + " " + c.Profile.Description)

	// A lorebook entry's category is the studio's word and overrides a guess.
	authoritative := false
	addEntity := func(name, category string, knower bool) {
		name = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(name), ".,;:"))
		if rest, ok := strings.CutPrefix(name, "The "); ok {
			// Echoed mid-sentence it is "the Whispering Fen"; .capitalize restores the
			// capital at the start.
			name = "the " + rest
		}
		low := strings.ToLower(name)
		if len(low) < 3 || nameStopwords[low] || slices.Contains(self, low) {
			return
		}
		if _, bad := s.taboo.find(name); bad {
			return
		}
		for i := range k.entities {
			if k.entities[i].low == low {
				if k.entities[i].category == "" || authoritative {
					k.entities[i].category = category
				}
				k.entities[i].knower = k.entities[i].knower || knower
				return
			}
		}
		k.entities = append(k.entities, entity{name: name, low: low, category: category, knower: knower})
	}

	addText := func(text string, src int, category, entry string, aboutSelf bool) {
		m := mineText(text, src, category, entry, aboutSelf, self, ps, s.taboo)
		for _, n := range m.ents {
			addEntity(n.name, n.category, false)
		}
		for _, f := range m.facts {
			// The cached facts are shared: each answer gets its own copy of the names.
			f.names = slices.Clone(f.names)
			k.facts = append(k.facts, f)
		}
	}

	addEntity(c.Home, "place", false)
	for _, p := range c.Places {
		addEntity(p, "place", false)
	}
	addEntity(c.WorldName, "world", false)
	for _, kn := range sc.Knowers {
		cat := guessCategory(kn, "")
		if cat == "" {
			cat = "person"
		}
		addEntity(knowerName(kn), cat, true)
	}
	for _, l := range sc.Lore {
		cat := strings.ToLower(strings.TrimSpace(l.Category))
		authoritative = cat != ""
		addEntity(l.Name, cat, false)
		for _, key := range l.Keys {
			addEntity(key, cat, false)
		}
		authoritative = false
	}

	// Card text names the character and the player by macro: {{char}} is the character,
	// and a sentence about {{user}} is not the character's to tell.
	cardText := func(t string) string {
		if !strings.Contains(t, "{{") && !strings.Contains(t, "<BOT>") {
			return t
		}
		return strings.NewReplacer("{{char}}", c.Name, "{{Char}}", c.Name, "<BOT>", c.Name,
			"{{user}}", "the traveller", "{{User}}", "the traveller", "<USER>", "the traveller").Replace(t)
	}
	addText(cardText(c.Lore), srcLore, "", "", true)
	addText(cardText(c.Profile.Description), srcLore, "", "", true)
	for _, l := range sc.Lore {
		aboutSelf := strings.EqualFold(strings.TrimSpace(l.Name), strings.TrimSpace(c.Name))
		start := len(k.facts)
		addText(l.Content, srcLorebook, strings.ToLower(strings.TrimSpace(l.Category)), l.Name, aboutSelf)
		// An entry's facts carry its name and keys, so a question naming any key finds them
		// even when the content does not repeat it.
		for i := start; i < len(k.facts); i++ {
			k.facts[i].names = append(k.facts[i].names, l.Name)
			k.facts[i].names = append(k.facts[i].names, l.Keys...)
		}
	}
	addText(c.WorldBrief, srcWorld, "", "", false)
	addText(cardText(c.Profile.Scenario), srcWorld, "", "", false)
	for _, f := range sc.Facts {
		// Memory facts are the domain's own sentences about the player: kept whole.
		if countWords(f) < 3 {
			continue
		}
		if _, bad := s.taboo.findWord(f); bad {
			continue
		}
		k.facts = append(k.facts, fact{text: strings.TrimSpace(f), src: srcMemory, names: loreNames(f), words: contentStems(f)})
	}
	return k
}

// mined is what one text yields: its facts and, in order, the names it adds.
type mined struct {
	facts []fact
	ents  []namedThing
}

// mineCache holds mined texts by everything that shapes them, so a character's lore is
// parsed once rather than on every line; it is emptied when it grows past mineCacheMax
// entries, which bounds its memory. The cache never changes an answer: a text mines to
// the same facts every time.
var (
	mineCache    sync.Map
	mineCacheLen atomic.Int64
)

const mineCacheMax = 4096

// mineText splits text into facts, in the first person when aboutSelf and safe.
func mineText(text string, src int, category, entry string, aboutSelf bool, self []string, ps *pronounSet, taboo taboos) *mined {
	if strings.TrimSpace(text) == "" {
		return &mined{}
	}
	pron := ""
	if ps != nil {
		pron = ps.subj
	}
	key := strings.Join([]string{strconv.Itoa(src), category, entry, strconv.FormatBool(aboutSelf), pron,
		strings.Join(self, "|"), strings.Join(taboo, "|"), text}, "\x00")
	if m, ok := mineCache.Load(key); ok {
		return m.(*mined)
	}
	m := &mined{}
	for _, sentence := range splitSentences(text) {
		clauses := []string{sentence}
		if src == srcLore {
			clauses = strings.Split(sentence, ";")
		}
		for _, cl := range clauses {
			cl = strings.TrimSpace(cl)
			if countWords(cl) < 3 {
				continue
			}
			if _, bad := taboo.findWord(cl); bad {
				// A studio's taboo word is never said, so a sentence holding one is left
				// out rather than blanked.
				continue
			}
			f := fact{text: sentenceCase(cl), src: src, category: category, entry: entry}
			if aboutSelf {
				if fp, ok := firstPerson(cl, self, ps); ok {
					f.first = fp
				} else if subjectless(cl, self, ps) {
					// A note with no subject ("Keeps a compass…") is no sentence, and said in
					// the third person it would be about someone else: left unsaid.
					continue
				}
			}
			// "A compass named Old Faithful" says what Old Faithful is better than its words
			// do, so the named things come first.
			for _, n := range namedThings(cl) {
				m.ents = append(m.ents, n)
			}
			f.names = loreNames(cl)
			for _, n := range f.names {
				m.ents = append(m.ents, namedThing{n, guessCategory(n, category)})
			}
			for _, n := range namedThings(cl) {
				if !slices.Contains(f.names, n.name) {
					f.names = append(f.names, n.name)
				}
			}
			f.words = contentStems(cl)
			m.facts = append(m.facts, f)
		}
	}
	if mineCacheLen.Add(1) > mineCacheMax {
		mineCache.Clear()
		mineCacheLen.Store(0)
	}
	mineCache.Store(key, m)
	return m
}

// subjectless reports whether a lore clause is a note about the character with no
// subject of its own, or names it in the third person: one the engine cannot say
// unless it turns it into the first person.
func subjectless(cl string, self []string, ps *pronounSet) bool {
	f := strings.Fields(cl)
	if len(f) == 0 {
		return false
	}
	if matchName(f, self) > 0 {
		return true
	}
	w := strings.ToLower(strings.Trim(f[0], ",.;:!?\""))
	if ps != nil && (w == ps.subj || w == ps.poss) {
		return true
	}
	r, _ := firstRune(f[0])
	return unicode.IsLower(r) || verbLike(w) || selfNouns[w] || participles[w]
}

// selfNames are the lower-case ways lore may name the character: its full name, its
// first name and its last name.
func selfNames(name string) []string {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil
	}
	out := []string{name}
	f := strings.Fields(name)
	if len(f) > 1 {
		for _, w := range f {
			if !titles[w] && len(w) > 2 && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// knowerName is the name part of a knower ("Old Maren the ferrywoman" → "Old Maren").
func knowerName(k string) string {
	k = strings.TrimSpace(k)
	for _, sep := range []string{", ", " the "} {
		if i := strings.Index(k, sep); i > 0 && !strings.HasPrefix(strings.ToLower(k), "the ") {
			return k[:i]
		}
	}
	return k
}

// sentenceCase capitalises a clause and gives it a final mark.
func sentenceCase(s string) string {
	s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ",;:"))
	if s == "" {
		return s
	}
	s = capitalize(s)
	if !strings.ContainsAny(s[len(s)-1:], ".!?\"'") {
		s += "."
	}
	return s
}

// guessCategory guesses what a name is from its words, or keeps the given category.
func guessCategory(name, given string) string {
	if given != "" {
		return given
	}
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if c, ok := categoryWords[strings.Trim(w, ",.'")]; ok {
			return c
		}
	}
	return ""
}

// loreNames finds the names a sentence mentions: runs of capitalised words, joined across
// "of" ("Siege of Hollow Gate") and across "the" after "of" when a capital follows. A
// sentence's first word counts only as part of a longer run or when it is not a common
// word.
func loreNames(sentence string) []string {
	f := strings.Fields(sentence)
	var out []string
	var run []string
	flush := func() {
		for len(run) > 0 && (run[len(run)-1] == "of" || run[len(run)-1] == "the") {
			run = run[:len(run)-1]
		}
		if len(run) > 0 {
			n := strings.Join(run, " ")
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
			// "Siege of Hollow Gate" also names "Hollow Gate".
			if i := slices.Index(run, "of"); i > 0 && i+1 < len(run) {
				tail := strings.Join(run[i+1:], " ")
				tail = strings.TrimPrefix(tail, "the ")
				if !slices.Contains(out, tail) {
					out = append(out, tail)
				}
			}
		}
		run = nil
	}
	for i, w := range f {
		core := strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
		core = strings.TrimSuffix(strings.TrimSuffix(core, "'s"), "\u2019s")
		r, _ := firstRune(core)
		low := strings.ToLower(core)
		capital := core != "" && unicode.IsUpper(r) && len(core) > 1 && (!nameStopwords[low] || titles[low])
		if capital && i == 0 && len(f) > 1 {
			// A sentence opener is a name only if the next word is capitalised too, or it
			// is not an ordinary word.
			next := strings.TrimFunc(f[1], func(r rune) bool { return !isWordRune(r) })
			nr, _ := firstRune(next)
			if !unicode.IsUpper(nr) && (commonOpeners[low] || selfNouns[low] || participles[low] || verbLike(low) || adverbs[low]) {
				capital = false
			}
		}
		switch {
		case capital:
			run = append(run, core)
		case len(run) > 0 && (low == "of" || (low == "the" && run[len(run)-1] == "of")) && core == w:
			run = append(run, low)
		default:
			flush()
		}
		if len(run) > 0 && strings.ContainsAny(w[len(w)-1:], ",.;:!?") {
			flush()
		}
	}
	flush()
	return out
}

// commonOpeners are capitalised sentence openers that are no names.
var commonOpeners = map[string]bool{
	"once": true, "after": true, "before": true, "during": true, "since": true, "now": true, "today": true,
	"everyone": true, "nobody": true, "people": true, "some": true, "many": true, "most": true, "few": true,
	"legend": true, "rumour": true, "rumor": true, "word": true, "long": true, "years": true, "last": true,
	"in": true, "on": true, "at": true, "from": true, "with": true, "by": true, "for": true, "as": true,
	"although": true, "though": true, "while": true, "because": true, "only": true, "even": true,
}

// namedThing is a thing lore calls by name.
type namedThing struct{ name, category string }

// namedThings finds "a hammer named Widowmaker", "a daughter called Lysa".
func namedThings(sentence string) []namedThing {
	f := strings.Fields(sentence)
	var out []namedThing
	for i := 1; i+1 < len(f); i++ {
		w := strings.ToLower(f[i])
		if w != "named" && w != "called" {
			continue
		}
		// The name is the run of capitalised words after "named": "Old Faithful".
		var run []string
		for j := i + 1; j < len(f) && len(run) < 3; j++ {
			w := strings.TrimFunc(f[j], func(r rune) bool { return !isWordRune(r) })
			if r, _ := firstRune(w); w == "" || !unicode.IsUpper(r) {
				break
			}
			run = append(run, w)
			if strings.ContainsAny(f[j][len(f[j])-1:], ",.;:!?") {
				break
			}
		}
		if len(run) == 0 {
			continue
		}
		name := strings.Join(run, " ")
		noun := strings.ToLower(strings.TrimFunc(f[i-1], func(r rune) bool { return !isWordRune(r) }))
		cat := ""
		switch {
		case itemNouns[noun]:
			cat = "item"
		case personNouns[noun]:
			cat = "person"
		}
		out = append(out, namedThing{name, cat})
	}
	return out
}

// stopwords are left out of a fact's content words.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if of in on at to for from by with about into over after
	before under than then this that these those there here it its is are was were be been being am do does did
	have has had i me my mine you your yours he him his she her they them their we us our what who whom whose
	which where when why how not no yes so as can could will would should shall may might must just very too
	also any some all every each much many more most other such only own same tell know knew think say said
	like one two three anything something nothing everything anyone someone please ever never again still
	well now today really thing things way lot bit get got go went come came make made let see saw want told
	heard hear ask asked give gave take took up down out off around through don't i'm you're it's that's
	what's who's where's there's i've i'd i'll you've you'd they're we're can't won't isn't aren't wasn't
	story tales tale stories happened happen happens name named names called`) {
		stopwords[w] = true
	}
}

// stem reduces a word to a crude stem: lower case, no possessive, no plural -s, no
// -ing or -ed, no final e, so "learned" meets "learn" and "forged" meets "forge".
func stem(w string) string {
	w = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "\u2019s"))
	if w == "news" {
		return w
	}
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:len(w)-1]
	}
	switch {
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return w
}

// contentStems returns the stems of the content words of text, in order, once each.
func contentStems(text string) []string {
	var out []string
	for _, t := range tokenize(text) {
		if stopwords[t.word] || len(t.word) < 3 {
			continue
		}
		if s := stem(t.word); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// related expand a player's word to the words lore uses for the same thing, so "your
// family" finds "lost his wife" and "the war" finds "veteran".
var related = map[string][]string{
	"family":   {"wife", "husband", "son", "daughter", "child", "children", "brother", "sister", "father", "mother", "kin", "widow", "widower"},
	"war":      {"fought", "veteran", "soldier", "battle", "siege", "army", "campaign"},
	"fight":    {"fought", "veteran", "soldier", "battle", "siege", "war"},
	"weapon":   {"hammer", "sword", "blade", "axe", "bow", "spear", "dagger"},
	"past":     {"veteran", "former", "once", "born", "fought", "served", "used"},
	"finger":   {"hand", "lost"},
	"hand":     {"finger"},
	"scar":     {"lost", "wound", "finger", "burn"},
	"born":     {"raised", "grew", "home"},
	"from":     {"born", "raised"},
	"secret":   {"secretly", "hidden", "nobody", "hide", "hides", "truth"},
	"dog":      {"hound", "hounds", "cur", "mutt"},
	"grow":     {"grew", "raised", "born"},
	"pet":      {"dog", "cat", "hound", "horse", "crow"},
	"wife":     {"husband", "widow", "widower", "married"},
	"husband":  {"wife", "widow", "married"},
	"children": {"son", "daughter", "child"},
	"kid":      {"son", "daughter", "child"},
	"job":      {"work", "serve", "served", "trade"},
	"afraid":   {"fear", "fears"},
	"married":  {"wife", "husband", "widow", "widower"},
	"limp":     {"knee", "leg", "wound"},
	"wound":    {"scar", "knee", "lost"},
	"knee":     {"wound", "leg"},
	"leg":      {"knee", "wound"},
	"money":    {"owe", "owes", "debt", "crowns", "silver", "gold"},
	"debt":     {"owe", "owes", "ledger"},
	"before":   {"former", "once", "used"},
	"fear":     {"afraid", "fears"},
}

// relatedByStem is related keyed by the stems of its words, as line words are stemmed.
var relatedByStem = func() map[string][]string {
	out := map[string][]string{}
	for k, v := range related {
		out[stem(k)] = append(out[stem(k)], v...)
	}
	return out
}()

// match is a fact chosen for a line and how well it fits.
type match struct {
	fact  *fact
	score int
	name  string // the name the line and the fact share, if any
}

// find returns the facts that answer a line, best first: a shared name weighs most, a
// shared content word (or a related one) less; memory facts only count for lines about
// the player. sources limits the sources searched (nil for all).
func (k *knowledge) find(lineNames []string, lineStems []string, allow func(*fact) bool) []match {
	var out []match
	for i := range k.facts {
		f := &k.facts[i]
		if allow != nil && !allow(f) {
			continue
		}
		m := match{fact: f}
		for _, n := range lineNames {
			nl := strings.TrimPrefix(strings.ToLower(n), "the ")
			for _, fn := range f.names {
				fl := strings.TrimPrefix(strings.ToLower(fn), "the ")
				if nl == fl || containsWord(fl, nl) {
					m.score += 10
					if m.name == "" {
						m.name = n
					}
					break
				}
			}
		}
		for _, w := range lineStems {
			if slices.Contains(f.words, w) {
				m.score += 3
				continue
			}
			if len(w) >= 5 && slices.ContainsFunc(f.words, func(fw string) bool { return len(fw) > len(w) && strings.HasSuffix(fw, w) }) {
				// "craft" in "herbcraft", "smith" in "blacksmith".
				m.score += 2
				continue
			}
			for _, r := range relatedByStem[w] {
				if slices.Contains(f.words, stem(r)) {
					m.score += 2
					break
				}
			}
		}
		if m.score > 0 {
			// Own lore first, then lorebook, then world: the character speaks of itself.
			m.score += 2 - min(f.src, 2)
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b match) int { return b.score - a.score })
	return out
}

// mentioned returns the entities line names, longest first.
func (k *knowledge) mentioned(low string) []entity {
	var out []entity
	for _, e := range k.entities {
		if containsWord(low, e.low) || (strings.HasPrefix(e.low, "the ") && containsWord(low, e.low[4:])) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b entity) int { return len(b.low) - len(a.low) })
	// A shorter name inside a longer one mentioned ("Gate" in "Hollow Gate") is the same.
	var kept []entity
	for _, e := range out {
		dup := false
		for _, x := range kept {
			if containsWord(x.low, e.low) {
				dup = true
			}
		}
		if !dup {
			kept = append(kept, e)
		}
	}
	return kept
}
