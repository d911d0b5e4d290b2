package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The priorities and insertion orders of a generated world lorebook's entries. Who acts
// (factions) and where people live (settlements) matter most to a character asked about
// its world; old history least. Insertion orders put places before the powers, and the
// powers before their quarrels and the past, which is how a briefing reads.
const (
	worldLoreFactionPriority    = 40
	worldLoreSettlementPriority = 30
	worldLoreRegionPriority     = 25
	worldLoreLandmarkPriority   = 20
	worldLoreTensionPriority    = 20
	worldLoreHistoryPriority    = 10

	worldLoreRegionOrder     = 100
	worldLoreSettlementOrder = 110
	worldLoreLandmarkOrder   = 120
	worldLoreFactionOrder    = 130
	worldLoreTensionOrder    = 140
	worldLoreHistoryOrder    = 150
)

// maxLoreKnowers bounds LoreKnowers.
const maxLoreKnowers = 8

// maxHistoryKeys bounds the keys of a history entry.
const maxHistoryKeys = 6

// WorldLorebook is the lorebook generated from a world's content, so that its characters
// know their world: one enabled entry per region, settlement and landmark (category
// "place"), faction ("faction"), history event ("history") and tension ("tension"), each
// keyed by the names a conversation would use and written as plain sentences an engine can
// quote. It is attached to the world (WorldID) and takes the default scan depth and
// budget, without recursion. Apart from its ids, it is a function of the world's content.
func WorldLorebook(w *World, now time.Time) *Lorebook {
	c := &w.Content
	world := c.Name
	if world == "" {
		world = w.Params.Name
	}
	b := &Lorebook{
		ID: NewID(PrefixLorebook, now), TenantID: w.TenantID, WorldID: w.ID,
		Name:        loreNameOf(world) + " (generated)",
		Description: "What the people of " + loreMid(loreNameOf(world)) + " know of its places, powers, history and troubles, generated from the world.",
		ScanDepth:   DefaultLoreScanDepth, TokenBudget: DefaultLoreTokenBudget,
		Extensions: map[string]any{}, Entries: []LoreEntry{},
		CreatedAt: now, UpdatedAt: now,
	}
	add := func(name, category string, keys []string, content string, priority, order int) {
		b.Entries = append(b.Entries, LoreEntry{
			ID: NewID(PrefixLoreEntry, now), Name: name, Keys: loreKeys(keys...), SecondaryKeys: []string{},
			SelectiveLogic: LogicAndAny, Content: content, Enabled: true,
			InsertionOrder: order, Priority: priority, Position: PositionBeforeChar,
			Category: category, Decorators: []LoreDecorator{}, Extensions: map[string]any{},
		})
	}
	for _, r := range c.Regions {
		add(r.Name, "place", []string{r.Name, loreWithoutThe(r.Name)}, regionLore(r, world), worldLoreRegionPriority, worldLoreRegionOrder)
	}
	for _, r := range c.Regions {
		for _, s := range r.Settlements {
			add(s.Name, "place", []string{s.Name, loreWithoutThe(s.Name)}, settlementLore(s, r.Name), worldLoreSettlementPriority, worldLoreSettlementOrder)
		}
	}
	for _, l := range c.Landmarks {
		add(l.Name, "place", []string{l.Name, loreWithoutThe(l.Name)}, landmarkLore(l), worldLoreLandmarkPriority, worldLoreLandmarkOrder)
	}
	for _, f := range c.Factions {
		add(f.Name, "faction", []string{f.Name, loreWithoutThe(f.Name)}, factionLore(f), worldLoreFactionPriority, worldLoreFactionOrder)
	}
	for _, t := range c.Tensions {
		var keys []string
		for _, f := range t.Factions {
			keys = append(keys, f, loreWithoutThe(f))
		}
		if len(keys) == 0 {
			// A tension nobody is named in is still about its region.
			keys = []string{t.Region, loreWithoutThe(t.Region)}
		}
		add(tensionName(t), "tension", keys, tensionLore(t), worldLoreTensionPriority, worldLoreTensionOrder)
	}
	names := worldNames(c)
	for _, h := range c.History {
		add(h.Title, "history", historyKeys(h.Title, names), historyLore(h), worldLoreHistoryPriority, worldLoreHistoryOrder)
	}
	return b
}

// LoreKnowers names who in the world might know what a character does not: the factions
// and people of the books (enabled entries of category "faction" or "person", by name or
// else first key), in book then entry order, each once whatever its case, at most eight.
func LoreKnowers(books []Lorebook) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range books {
		for _, e := range b.Entries {
			if !e.Enabled || (e.Category != "faction" && e.Category != "person") {
				continue
			}
			name := strings.TrimSpace(e.Name)
			if name == "" && len(e.Keys) > 0 {
				name = strings.TrimSpace(e.Keys[0])
			}
			if name == "" || seen[strings.ToLower(name)] {
				continue
			}
			seen[strings.ToLower(name)] = true
			out = append(out, name)
			if len(out) == maxLoreKnowers {
				return out
			}
		}
	}
	return out
}

func regionLore(r Region, world string) string {
	var b strings.Builder
	b.WriteString(r.Name + " is ")
	if r.Biome != "" {
		b.WriteString(loreArticle(r.Biome) + " " + r.Biome)
	} else {
		b.WriteString("a region")
	}
	if world != "" {
		b.WriteString(" in " + loreMid(world))
	}
	b.WriteString(".")
	loreSentence(&b, r.Description)
	var towns []string
	for _, s := range r.Settlements {
		t := s.Name
		if s.Kind != "" {
			t += " (" + loreArticle(s.Kind) + " " + s.Kind + ")"
		}
		towns = append(towns, t)
	}
	switch len(towns) {
	case 0:
	case 1:
		loreSentence(&b, "Its one settlement is "+towns[0]+".")
	default:
		loreSentence(&b, "Its settlements are "+loreJoinAnd(towns)+".")
	}
	return b.String()
}

func settlementLore(s Settlement, region string) string {
	what := "a settlement"
	if s.Kind != "" {
		what = loreArticle(s.Kind) + " " + s.Kind
	}
	switch {
	case s.Population >= 1000:
		what += " of about " + loreThousands(s.Population) + " people"
	case s.Population == 1:
		what += " of one soul"
	case s.Population > 0:
		what += " of " + strconv.Itoa(s.Population) + " people"
	}
	if region != "" {
		what += " in " + loreMid(region)
	}
	return loreLeadWith(s.Name, what, s.Description)
}

func landmarkLore(l Landmark) string {
	what := "a landmark"
	if l.Kind != "" {
		what = loreArticle(l.Kind) + " " + l.Kind
	}
	if l.Region != "" {
		what += " in " + loreMid(l.Region)
	}
	return loreLeadWith(l.Name, what, l.Description)
}

func factionLore(f Faction) string {
	var b strings.Builder
	b.WriteString(f.Name + " is ")
	if f.Kind != "" {
		b.WriteString(loreArticle(f.Kind) + " " + f.Kind)
	} else {
		b.WriteString("a faction")
	}
	if f.HomeRegion != "" {
		b.WriteString(" based in " + loreMid(f.HomeRegion))
	}
	b.WriteString(".")
	loreSentence(&b, f.Description)
	if g := strings.TrimSpace(f.Goal); g != "" {
		// The goal is quoted as written, so a client can find it in the entry.
		loreSentence(&b, "Its goal: "+loreStop(g))
	}
	if rel := relationWords(f.Relations); rel != "" {
		loreSentence(&b, "It is "+rel+".")
	}
	return b.String()
}

// relationWords says a faction's stances in words, grouped by stance from the warmest:
// "allied with the Red Hand, a rival of the Ashen Order and hostile to the Crows".
func relationWords(rels []FactionRelation) string {
	var parts []string
	for _, st := range []struct {
		stance Stance
		words  string
	}{
		{StanceAllied, "allied with "}, {StanceFriendly, "on good terms with "},
		{StanceNeutral, "neutral towards "}, {StanceRival, "a rival of "}, {StanceHostile, "hostile to "},
	} {
		var names []string
		for _, r := range rels {
			if r.Stance == st.stance && r.Faction != "" {
				names = append(names, loreMid(r.Faction))
			}
		}
		if len(names) > 0 {
			parts = append(parts, st.words+loreJoinAnd(names))
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + ", and " + parts[len(parts)-1]
}

func tensionName(t Tension) string {
	switch len(t.Factions) {
	case 0:
		if t.Region != "" {
			return "Trouble in " + loreMid(t.Region)
		}
		return "Trouble"
	case 1:
		return "The troubles of " + loreMid(t.Factions[0])
	}
	names := make([]string, len(t.Factions))
	for i, f := range t.Factions {
		names[i] = loreMid(f)
	}
	return "Tension between " + loreJoinAnd(names)
}

func tensionLore(t Tension) string {
	var b strings.Builder
	b.WriteString(loreStop(strings.TrimSpace(t.Summary)))
	if t.Region != "" {
		loreSentence(&b, "It plays out in "+loreMid(t.Region)+".")
	}
	return strings.TrimSpace(b.String())
}

func historyLore(h HistoryEvent) string {
	var when string
	switch {
	case h.YearsAgo <= 0:
		when = "This year"
	case h.YearsAgo == 1:
		when = "A year ago"
	default:
		when = loreThousands(h.YearsAgo) + " years ago"
	}
	s := when + ": " + loreStop(strings.TrimSpace(h.Title))
	if sum := strings.TrimSpace(h.Summary); sum != "" {
		s += " " + loreStop(sum)
	}
	return s
}

// historyNoise are title words too common to key a history entry on their own: a
// conversation about "the first thing" or "last night" is not about "The First Plague".
var historyNoise = map[string]bool{
	"the": true, "of": true, "and": true, "at": true, "in": true, "on": true, "from": true,
	"beneath": true, "under": true, "over": true, "to": true, "for": true, "with": true,
	"first": true, "last": true, "great": true, "grand": true, "old": true, "new": true,
	"long": true, "black": true, "grey": true, "gray": true, "red": true, "green": true,
	"white": true, "dark": true, "empty": true, "broken": true, "burning": true, "quiet": true,
	"poisoned": true, "mad": true, "holy": true, "elder": true, "fall": true, "rise": true,
	"coming": true, "return": true, "founding": true, "breaking": true, "dimming": true,
	"death": true, "siege": true, "sack": true, "massacre": true, "betrayal": true,
	"breach": true, "hanging": true, "exodus": true, "arrival": true, "war": true,
	"wars": true, "day": true, "days": true, "night": true, "year": true, "years": true,
	"winter": true, "summer": true, "age": true, "time": true, "light": true, "lights": true,
	"fire": true, "bell": true, "reign": true, "pact": true, "charter": true, "truce": true,
	"treaty": true, "raid": true, "strike": true, "crash": true, "shift": true, "fair": true,
	"feast": true, "festival": true, "race": true, "rain": true, "voice": true, "doors": true,
	"gate": true, "gates": true, "ship": true, "ships": true, "king": true, "kings": true,
	"queen": true, "lord": true, "lords": true, "city": true, "cities": true, "town": true,
	"towns": true, "villages": true, "road": true, "river": true, "star": true, "stars": true,
	"blood": true, "iron": true, "stone": true, "lanes": true, "carts": true, "quarter": true,
	"tide": true, "deck": true, "storm": true, "dust": true, "harvest": true, "masks": true,
}

// historyKeys keys a history event on its title, the title without its "The", the names of
// the world's places and powers the title holds, and the title's other distinctive
// capitalised words ("Empire", "Plague", "Dragon"), at most maxHistoryKeys in all.
func historyKeys(title string, names []string) []string {
	keys := []string{title, loreWithoutThe(title)}
	rest := title
	for _, n := range names {
		if n == "" {
			continue
		}
		if i := strings.Index(strings.ToLower(rest), strings.ToLower(n)); i >= 0 {
			keys = append(keys, loreWithoutThe(n))
			rest = rest[:i] + " " + rest[i+len(n):]
		}
	}
	words := strings.FieldsFunc(rest, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '\u2019' && r != '-'
	})
	// A one-word title ("The Schism") is already a key without its "The".
	if len(words) > 1 {
		for _, w := range words {
			w = strings.TrimRight(w, "'\u2019")
			if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "\u2019s") {
				w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "\u2019s")
			}
			r, _ := utf8.DecodeRuneInString(w)
			if utf8.RuneCountInString(w) >= 4 && unicode.IsUpper(r) && !historyNoise[strings.ToLower(w)] {
				keys = append(keys, w)
			}
		}
	}
	keys = loreKeys(keys...)
	if len(keys) > maxHistoryKeys {
		keys = keys[:maxHistoryKeys]
	}
	return keys
}

// worldNames are the names of a world's places and powers, longest first so that a title
// naming "The Hold of Ildond" is not taken for one naming "Ildond".
func worldNames(c *WorldContent) []string {
	var names []string
	for _, r := range c.Regions {
		names = append(names, r.Name)
		for _, s := range r.Settlements {
			names = append(names, s.Name)
		}
	}
	for _, l := range c.Landmarks {
		names = append(names, l.Name)
	}
	for _, f := range c.Factions {
		names = append(names, f.Name)
	}
	for i := range names {
		names[i] = loreWithoutThe(names[i])
	}
	// Insertion sort keeps equal lengths in world order, so the result is deterministic.
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && len(names[j]) > len(names[j-1]); j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
	return names
}

// loreKeys trims keys and drops the empty ones and those repeated (whatever their case).
func loreKeys(keys ...string) []string {
	out := make([]string, 0, len(keys))
	seen := map[string]bool{}
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || seen[strings.ToLower(k)] {
			continue
		}
		seen[strings.ToLower(k)] = true
		out = append(out, k)
	}
	return out
}

// loreLeadWith introduces name as what: "Ashstead is a hamlet of 17 people in X.
// <description>", or, when the description already starts with the name, the description
// and then "It is a hamlet of 17 people in X.", so the name is not said twice in a row.
func loreLeadWith(name, what, description string) string {
	description = strings.TrimSpace(description)
	var b strings.Builder
	if description != "" && strings.HasPrefix(strings.ToLower(description), strings.ToLower(name)) {
		b.WriteString(loreStop(description))
		loreSentence(&b, "It is "+what+".")
		return b.String()
	}
	b.WriteString(name + " is " + what + ".")
	loreSentence(&b, description)
	return b.String()
}

// loreSentence appends a sentence, with a space and a full stop as needed.
func loreSentence(b *strings.Builder, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(loreStop(s))
}

// loreStop ends s with a full stop unless it already ends a sentence.
func loreStop(s string) string {
	if s == "" || strings.ContainsRune(".!?…\"'”’)", loreLastRune(s)) {
		return s
	}
	return s + "."
}

func loreLastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// loreNameOf is a world's name for a sentence's start, "The world" when it has none.
func loreNameOf(world string) string {
	if world == "" {
		return "The world"
	}
	return world
}

// loreMid is a name as written in the middle of a sentence: "The Ashen Order" becomes
// "the Ashen Order", as the generator writes it.
func loreMid(name string) string {
	if strings.HasPrefix(name, "The ") {
		return "the " + name[4:]
	}
	return name
}

// loreWithoutThe is a name without a leading "The", for the keys people use when they drop
// it ("the Ashen Order's men" still matches "The Ashen Order", "Ashen Order" alone does
// not).
func loreWithoutThe(name string) string {
	if len(name) > 4 && strings.EqualFold(name[:4], "the ") {
		return strings.TrimSpace(name[4:])
	}
	return name
}

// loreArticle is "an" before a vowel sound (as far as spelling tells) and "a" otherwise.
func loreArticle(word string) string {
	w := strings.ToLower(word)
	for _, p := range []string{"uni", "use", "usu", "one", "eu"} {
		if strings.HasPrefix(w, p) {
			return "a"
		}
	}
	for _, p := range []string{"hour", "honest", "heir"} {
		if strings.HasPrefix(w, p) {
			return "an"
		}
	}
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an"
	}
	return "a"
}

// loreJoinAnd is "a", "a and b", "a, b and c".
func loreJoinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// loreThousands writes n with thousands separators: 22800 → "22,800".
func loreThousands(n int) string {
	if n < 0 {
		return "-" + loreThousands(-n)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
