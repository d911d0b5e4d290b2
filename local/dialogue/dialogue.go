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
	if !calmKind(u.kind) {
		// After grave news, a wound or a threat, only the character's mood and temper.
		sources = []string{s.archetype + ":flavour", s.mood + ":flavour"}
	}
	order := r.Perm(len(sources))
	if s.mood != defaultMood && opener.text == "" && !strings.HasPrefix(main.from, s.mood+":") && len(sources) > 1 {
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
		if pass == 1 && (len(parts) > 1 || len(sc.Said) < 2*recentTurns) {
			// An old sentence again only when the answer would otherwise be its main line
			// alone, and only once the conversation is long.
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
