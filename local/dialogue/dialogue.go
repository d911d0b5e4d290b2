package dialogue

import (
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// Lengths are how many sentences an answer has: the main line alone (short), the main
// line and one more sentence (medium), or three or four sentences, sometimes opening with
// a mood interjection (long).
const (
	lengthShort  = "short"
	lengthMedium = "medium"
	lengthLong   = "long"
)

// silence is the answer when every line a character could say is ruled out by its taboo
// words: it has no letters, so it cannot contain one.
const silence = "..."

// avoidSet holds lines not to repeat: what the character already said to the speaker, and
// what it has said so far in this answer.
type avoidSet struct{ said []string }

func newAvoidSet(said []string) *avoidSet {
	a := &avoidSet{}
	for _, s := range said {
		if n := normalize(s); n != "" {
			a.said = append(a.said, n)
		}
	}
	return a
}

// has reports whether line was already said, on its own or within a longer answer.
func (a *avoidSet) has(line string) bool {
	n := normalize(line)
	for _, s := range a.said {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

func (a *avoidSet) add(line string) { a.said = append(a.said, normalize(line)) }

// part is one sentence of an answer and the symbol it came from.
type part struct {
	text, from string
}

// dialogue composes a character's answer to sc.Line as its sentences.
func (e *Engine) dialogue(sc *domain.Scene, seed uint64) []part {
	s := newScene(sc, seed)
	k := buildKnowledge(sc, s)
	u := understand(s, k)
	s.feel(&u)
	avoid := newAvoidSet(sc.Said)
	var parts []part
	keep := func(p part) {
		if p.text != "" && len(GrammarProblems(p.text)) == 0 {
			parts = append(parts, p)
			avoid.add(p.text)
		}
	}

	length := strings.ToLower(strings.TrimSpace(sc.Length))
	if length != lengthShort && length != lengthLong {
		length = lengthMedium
	}
	r := derive(seed, "extra")
	total, opener := 1, part{}
	switch length {
	case lengthMedium:
		total = 2
	case lengthLong:
		total = 3 + r.Intn(2)
		if r.Intn(2) == 0 && calmKind(u.kind) {
			opener = e.pick(s, r, []string{s.mood + ":opener"}, avoid)
		}
	}
	keep(opener)
	var main part
	var more []string
	if s.ask != askNone {
		// A question about the speaker is answered from memory, or honestly not.
		main = e.pick(s, derive(seed, "recall"), recallSymbols(s.ask, &s.recall), avoid)
	}
	if main.text == "" {
		rp := e.talk(s, &u, k, derive(seed, "talk"), avoid)
		main, more = rp.main, rp.more
	}
	if main.text == "" || len(GrammarProblems(main.text)) > 0 {
		main = e.mainLine(s, derive(seed, "main"), avoid)
	}
	keep(main)
	for _, m := range more {
		if len(parts) < total && !avoid.has(m) {
			keep(part{m, "more"})
		}
	}

	// The other sentences come, at most one each, from the flavour of the character's
	// archetype, mood and role and a follow-up to the intent, in a seeded order. A farewell
	// skips the role's flavour: shop talk after "goodbye" reads oddly, and so does any
	// flavour after grave news, a wound or a threat.
	sources := []string{s.archetype + ":flavour", s.mood + ":flavour"}
	if s.topic.kind != topicSelf && s.ask == askNone && ruleKinds[u.kind] {
		// "That's all I know" after introducing oneself would be odd.
		sources = append(sources, "after:"+string(s.intent))
	}
	if s.intent != IntentFarewell && calmKind(u.kind) {
		sources = append(sources, s.role+":flavour")
	}
	positive := s.mood == "cheerful" || s.mood == "calm" || s.mood == "excited"
	switch {
	case grave(&u, sc.Line):
		// After grave news, a wound, a threat or an accusation, only the character's
		// temper, and never a cheerful or easy-going one: no "life is sweet" after an
		// accusation.
		sources = []string{s.archetype + ":flavour"}
		if !positive {
			sources = append(sources, s.mood+":flavour")
		}
	case !calmKind(u.kind) && positive && u.kind == KindInsult:
		// A cheerful character shrugs an insult off in its main line; "what a day, I can't
		// stop smiling" after it reads as not having heard.
		sources = []string{s.archetype + ":flavour", "talk:follow-insult"}
	case !calmKind(u.kind):
		sources = []string{s.archetype + ":flavour", s.mood + ":flavour"}
	case infoKind(u.kind):
		// After an answer of substance, a word on what was said and the character's trade;
		// its mood's filler only when the answer is no serious one.
		sources = []string{s.role + ":flavour", s.mood + ":flavour"}
		serious := fromFact(main.from) || seriousKind(u.kind) || containsAnyWord(strings.ToLower(main.text), griefWords...)
		if serious && positive {
			// A cheerful aside after grim news reads as not listening: the character's
			// trade, temper and a word on the news instead.
			sources = []string{s.role + ":flavour", s.archetype + ":flavour", "talk:follow-" + string(u.kind)}
		}
		if fromFact(main.from) && loreKind(u.kind) && !containsAnyWord(strings.ToLower(main.text), griefWords...) {
			sources = append(sources, "talk:after-lore")
		}
	}
	order := r.Perm(len(sources))
	if s.mood != defaultMood && opener.text == "" && sources[min(1, len(sources)-1)] == s.mood+":flavour" && !strings.HasPrefix(main.from, s.mood+":") && len(sources) > 1 {
		// A strong mood shows in every answer longer than a line: when neither the opener
		// nor the main line came from it, its flavour goes first.
		order = append([]int{1}, slices.DeleteFunc(order, func(i int) bool { return i == 1 })...)
	}
	x := s.expander(e.g, r)
	// Fresh sentences from any source first; repeats only when every source is spent, and
	// only in a conversation's first answer: later, a shorter answer beats a repeated one.
	recent := newAvoidSet(sc.Said[max(0, len(sc.Said)-recentTurns):])
	for _, p := range parts {
		recent.add(p.text)
	}
	for pass := range 3 {
		// Pass 0 takes only sentences never said; pass 1 allows one said long ago; pass 2,
		// in a conversation's first answer only, any.
		if pass == 2 && len(sc.Said) > 0 {
			break
		}
		if pass == 1 {
			// A flavour sentence is never said twice to the same speaker: a shorter answer
			// beats a repeated filler.
			continue
		}
		fresh, against := pass == 0, avoid
		if pass == 1 {
			fresh, against = true, recent
		}
		for k, i := range order {
			if len(parts) >= total || i < 0 {
				continue
			}
			if out, ok := say(x, sources[i], against, fresh); ok && len(GrammarProblems(out)) == 0 && !avoidsPart(parts, out) {
				recent.add(out)
				keep(part{out, sources[i]})
				order[k] = -1
			}
		}
	}
	if len(parts) == 0 {
		return []part{{silence, ""}}
	}
	return parts
}

// recentTurns is how many of the last answers a flavour sentence may not repeat.
const recentTurns = 8

// avoidsPart reports whether out is already one of parts: one answer never says a
// sentence twice.
func avoidsPart(parts []part, out string) bool {
	for _, p := range parts {
		if normalize(p.text) == normalize(out) {
			return true
		}
	}
	return false
}

// calmKind reports whether a line leaves room for small talk after the answer: not a
// threat, a wound, grave news or an accusation.
func calmKind(k Kind) bool {
	switch k {
	case KindThreat, KindInjury, KindHelp, KindBadNews, KindAccusation, KindInjection, KindInsult:
		return false
	}
	return true
}

// infoKind reports whether a line asks for something of substance (lore, news, the way,
// an opinion, who rules), after which mood filler reads as beside the point.
func infoKind(k Kind) bool {
	switch k {
	case KindPlace, KindFaction, KindPerson, KindHistory, KindItem, KindTopic, KindSecret, KindRumor, KindDirections,
		KindOpinion, KindRuler, KindDanger, KindConfide, KindCrime, KindSelf, KindNonsense, KindUnknown:
		return true
	}
	return false
}

// grave reports whether a line leaves no room for a light word: a threat, a wound, grave
// news, an accusation, an attempt to break character, or a call for help in danger.
func grave(u *understanding, line string) bool {
	switch u.kind {
	case KindThreat, KindInjury, KindBadNews, KindAccusation, KindInjection:
		return true
	case KindHelp:
		low := strings.ToLower(line)
		return slices.ContainsFunc(dangerCues, func(c string) bool { return strings.Contains(low, c) })
	}
	return false
}

// griefWords mark an answer as grave: a loss, a death, a war.
var griefWords = []string{"i lost", "lost my", "lost his", "lost her", "lost their", "lost our", "was lost", "were lost", "died", "dead", "death", "killed", "never returned", "never came back", "burned", "war",
	"drowned", "murdered", "grave", "buried", "mourn", "widow", "orphan", "collapse", "siege"}

// loreKind reports kinds asking about a name or a thing, after which "that's what I know
// of it" fits.
func loreKind(k Kind) bool {
	switch k {
	case KindPlace, KindFaction, KindPerson, KindItem, KindTopic, KindHistory:
		return true
	}
	return false
}

// seriousKind reports kinds whose answers are no place for a cheerful aside.
func seriousKind(k Kind) bool {
	switch k {
	case KindHistory, KindSecret, KindConfide, KindCrime, KindDanger, KindRumor:
		return true
	}
	return false
}

// fromFact reports whether a main line was built from a fact of knowledge, after which
// "that's what I know of it" fits.
func fromFact(sym string) bool {
	return strings.Contains(sym, "lore") || strings.HasSuffix(sym, "-fact")
}

// feel sets the answer's mood to the emotion the line stirs, and the rules' intent to
// the kind's nearest, so the rules, the mood's lines and its address follow the line.
func (s *scene) feel(u *understanding) {
	if slices.Contains(moods, u.emotion) {
		s.mood = u.emotion
		s.q[keyMood] = u.emotion
	}
	if in, ok := legacyIntent[u.kind]; ok {
		s.intent = in
	} else if u.kind == KindUnknown || u.kind == KindNonsense {
		s.intent = IntentUnknown
	} else if u.kind != KindMemory {
		s.intent = IntentQuestion
	}
	s.q[keyIntent] = string(s.intent)
	// The rules' lines may echo the topic: only what understanding found safe to echo.
	s.vals.v[phTopic], s.vals.have = "", s.vals.have&^(1<<phTopic)
	s.vals.set(phTopic, u.subject)
}

// mainLine answers the line itself: the most specific matching rule's response group, a
// line from it not said before. When every line of the most specific rules has been said,
// it widens to less specific rules before it repeats itself.
func (e *Engine) mainLine(s *scene, r *rng, avoid *avoidSet) part {
	x := s.expander(e.g, r)
	tiers := matchTiers(e.rules, &s.q)
	for _, fresh := range []bool{true, false} {
		for _, tier := range tiers {
			for _, k := range r.Perm(len(tier)) {
				name := x.resolve(&e.rules[tier[k]].say)
				if out, ok := say(x, name, avoid, fresh); ok {
					return part{out, name}
				}
			}
		}
	}
	return part{}
}

// pick returns a line from the first of symbols that has one: fresh lines first, then
// repeats; "" when taboo words or missing values rule out every line.
func (e *Engine) pick(s *scene, r *rng, symbols []string, avoid *avoidSet) part {
	x := s.expander(e.g, r)
	for _, fresh := range []bool{true, false} {
		for _, name := range symbols {
			if out, ok := say(x, name, avoid, fresh); ok {
				return part{out, name}
			}
		}
	}
	return part{}
}

// say expands one line of the named symbol, trying its lines in a seeded order. With
// fresh set it skips lines already said; a line built from other symbols gets a few
// expansions to find an unsaid variant.
func say(x *expander, name string, avoid *avoidSet, fresh bool) (string, bool) {
	sym := x.g[name]
	if sym == nil {
		return "", false
	}
	for _, i := range x.r.Perm(len(sym.alts)) {
		a := &sym.alts[i]
		if !x.usable(a) {
			continue
		}
		tries := 1
		if a.composite {
			tries = 3
		}
		for range tries {
			out, ok := x.expandAlt(a)
			if !ok {
				continue
			}
			out = tidy(out)
			if fresh && avoid.has(out) {
				continue
			}
			return out, true
		}
	}
	return "", false
}
