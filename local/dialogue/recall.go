package dialogue

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/internal/litfilter"
)

// Recall answers the questions a player asks about themselves ("what is my name?", "do
// you remember me?", "what did I promise you?") from the character's remembered facts.
// The domain stores an introduction as "<speaker> is called <Name>." and a promise as
// `<speaker> said: "<line>"`; a fact belongs to the one speaking when its subject is
// their label, case-insensitively, or a name they were introduced by.

// recallAsk is which memory question a line asks, if any.
type recallAsk uint8

const (
	askNone  recallAsk = iota
	askName            // what is my name, who am I
	askMe              // do you remember me
	askWords           // what did I promise you, what did I tell you
)

// The questions, tried in this order on the lower-cased line: "do you remember what I
// promised?" asks for the words, "do you remember my name?" for the name.
var recallQuestions = []struct {
	ask recallAsk
	re  *regexp.Regexp
	// filter skips re on lines that cannot match it (set at init): most lines ask
	// none of these, and every reaction and line of a turn is asked.
	filter *litfilter.Filter
}{
	{ask: askWords, re: regexp.MustCompile(`\bwhat (?:did|have|had) i (?:just )?(?:promise|promised|tell|told|say|said|swear|swore|offer|offered)\b|\bremember what i (?:promised|said|told|swore)\b|\bremember my (?:promise|words)\b|\bwhat i (?:promised|told you|said to you)\b`)},
	{ask: askName, re: regexp.MustCompile(`\bwhat(?:'s| is| was) my name\b|\bwho am i\b|\b(?:know|remember|recall|forgot|forgotten) my name\b|\bknow who i am\b|\bmy name again\b`)},
	{ask: askMe, re: regexp.MustCompile(`\bremember me\b|\bdo you know me\b|\brecogni[sz]e me\b|\bhave we met\b|\bwhat do you (?:remember|know|recall) about me\b|\bforgotten me\b|\bforget me\b`)},
}

// askOf returns the memory question line asks.
func askOf(line string) recallAsk {
	if len(line) > maxClassify {
		line = line[:maxClassify]
	}
	low := strings.ToLower(strings.NewReplacer("\u2019", "'", "\u2018", "'").Replace(line))
	folded := litfilter.Fold(low)
	for _, q := range recallQuestions {
		if q.filter.May(folded) && q.re.MatchString(low) {
			return q.ask
		}
	}
	return askNone
}

func init() {
	for i := range recallQuestions {
		recallQuestions[i].filter = litfilter.New(recallQuestions[i].re)
	}
}

// recall is what a character's facts hold about the one speaking to it.
type recall struct {
	// ids are the lower-case labels and names the speaker goes by.
	ids []string
	// name is the name they gave, newest introduction first; "" when they never did.
	name string
	// words are their own remembered lines, newest first, without end punctuation.
	words []string
	// others are other facts that name them, without end punctuation.
	others []string
}

// known reports whether the character remembers anything of the speaker.
func (r *recall) known() bool { return r.name != "" || len(r.words) > 0 || len(r.others) > 0 }

// isID reports whether s (any case) is a label or name of the speaker.
func (r *recall) isID(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, id := range r.ids {
		if s == id {
			return true
		}
	}
	return false
}

// recallFor gathers the facts of sc about its speaker. Facts arrive newest first (pinned
// ones before), so the first introduction found is the name to use.
func recallFor(sc *domain.Scene) recall {
	var r recall
	spk := strings.TrimSpace(sc.Speaker)
	if spk == "" {
		return r
	}
	r.ids = []string{strings.ToLower(spk)}
	addID := func(s string) {
		if !r.isID(s) {
			r.ids = append(r.ids, strings.ToLower(strings.TrimSpace(s)))
		}
	}
	// One step each way, not a closure: "player is called Kestrel" makes speaker
	// "Kestrel" the player, but should not pull in every other player called "player".
	for _, f := range sc.Facts {
		subject, name, ok := calledFact(f)
		if !ok {
			continue
		}
		switch {
		case strings.EqualFold(subject, spk):
			if r.name == "" {
				r.name = name
			}
			addID(name)
		case strings.EqualFold(name, spk):
			if r.name == "" {
				r.name = name
			}
			addID(subject)
		}
	}
	for _, f := range sc.Facts {
		if _, _, ok := calledFact(f); ok {
			continue
		}
		if subject, quote, ok := saidFact(f); ok {
			// A question ("What did I promise you?") is not words to hold anyone to.
			if r.isID(subject) && !strings.HasSuffix(strings.TrimSpace(quote), "?") {
				if q := trimEnd(quote); q != "" {
					r.words = append(r.words, q)
				}
			}
			continue
		}
		low := strings.ToLower(f)
		for _, id := range r.ids {
			if !genericSpeakers[id] && containsWord(low, id) {
				if m := trimEnd(f); m != "" {
					r.others = append(r.others, m)
				}
				break
			}
		}
	}
	return r
}

// calledFact parses "<subject> is called <Name>.".
func calledFact(f string) (subject, name string, ok bool) {
	subject, rest, ok := strings.Cut(f, " is called ")
	subject, name = strings.TrimSpace(subject), trimEnd(rest)
	return subject, name, ok && subject != "" && name != ""
}

// saidFact parses `<subject> said: "<line>"`, the line quoted as Go quotes it.
func saidFact(f string) (subject, quote string, ok bool) {
	subject, rest, ok := strings.Cut(f, " said: ")
	if !ok || strings.TrimSpace(subject) == "" {
		return "", "", false
	}
	rest = strings.TrimSpace(rest)
	if q, err := strconv.Unquote(rest); err == nil {
		return strings.TrimSpace(subject), q, true
	}
	return strings.TrimSpace(subject), strings.Trim(rest, "\"\u201c\u201d "), true
}

// trimEnd drops surrounding space and the sentence's end punctuation, so a remembered
// line can sit inside one of the character's own sentences; it is clipped to keep the
// answer a line, not a recital.
func trimEnd(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".!?;:, ")
	if r := []rune(s); len(r) > 120 {
		s = strings.TrimSpace(string(r[:119])) + "…"
	}
	return s
}

// recallSymbols are the response groups of a memory answer, in the order to try them:
// a line needing a value the scene lacks (or whose value is taboo) is skipped, so the
// next group speaks instead.
func recallSymbols(ask recallAsk, r *recall) []string {
	switch ask {
	case askName:
		if r.name != "" {
			return []string{"recall:name", "recall:withheld"}
		}
		return []string{"recall:name-none"}
	case askMe:
		if !r.known() {
			return []string{"recall:me-none"}
		}
		var out []string
		if len(r.words) > 0 {
			out = append(out, "recall:me-words", "recall:me-words-nameless")
		}
		if len(r.others) > 0 {
			out = append(out, "recall:me-memory", "recall:me-memory-nameless")
		}
		return append(out, "recall:me", "recall:withheld")
	case askWords:
		if len(r.words) > 0 {
			return []string{"recall:words", "recall:withheld"}
		}
		if r.name != "" {
			return []string{"recall:words-name", "recall:words-none"}
		}
		return []string{"recall:words-none"}
	}
	return nil
}

// recallGrammar is the wording of memory answers. It is part of the engine rather than a
// pack so that every pack set answers these questions; a pack may still define any of
// these symbols to reword them. Lines use only placeholders and the mood's address, which
// every pack set has.
var recallGrammar = map[string][]string{
	"recall:name": {
		"You're {speaker}, if memory serves.",
		"{speaker}, unless you've changed it since we last spoke.",
		"You told me you're {speaker}, and I don't forget a name.",
		"{speaker}, of course, did you think I'd forgotten?",
		"If I'm not mistaken, you're {speaker}.",
	},
	"recall:name-none": {
		"You never told me your name.",
		"You never gave me your name, #@mood:address#, so I couldn't say.",
		"Your name is one thing you never said, and I didn't like to pry.",
		"We've not been introduced, so you tell me.",
	},
	"recall:withheld": {
		"I remember you well enough, #@mood:address#, but some things I'd rather not say aloud.",
		"Oh, I remember, but I'll keep it to myself.",
	},
	"recall:me": {
		"Of course I remember you, {speaker}.",
		"{speaker}, how could I forget?",
		"I remember you, {speaker}, you're hard to forget.",
		"Ah, {speaker}, I wondered when you'd be back.",
	},
	"recall:me-words": {
		"Of course I remember you, {speaker}, you told me \"{words}\".",
		"{speaker}, how could I forget, you said \"{words}\" and I've held on to it.",
		"I remember you, {speaker}, the one who said \"{words}\".",
	},
	"recall:me-words-nameless": {
		"I remember you, #@mood:address#, you told me \"{words}\".",
		"Your face I know, and your words too: \"{words}\".",
	},
	"recall:me-memory": {
		"Of course I remember you, {speaker}, and I remember that {memory}.",
		"{speaker}, how could I forget, not when {memory}.",
	},
	"recall:me-memory-nameless": {
		"I remember you, #@mood:address#, and I remember that {memory}.",
	},
	"recall:me-none": {
		"I can't say I do, #@mood:address#.",
		"I don't think we've met, should I remember you?",
		"Sorry, your face doesn't ring a bell.",
		"I meet a lot of people, and I don't remember you among them.",
	},
	"recall:words": {
		"You said \"{words}\", and I'm holding you to it.",
		"Your words were \"{words}\", I remember them well.",
		"You told me \"{words}\", or near enough.",
		"\"{words}\", that's what you told me, #@mood:address#.",
	},
	"recall:words-name": {
		"You told me your name is {speaker}, and nothing more that I recall.",
		"Only that you're {speaker}, and you've promised me nothing.",
	},
	"recall:words-none": {
		"You haven't promised me anything, not that I recall.",
		"Nothing I can remember, #@mood:address#.",
		"If you told me something, it's slipped my mind.",
	},
}

// addRecallGrammar adds the memory answers' symbols a pack does not define itself.
func addRecallGrammar(g grammar) error {
	for _, name := range slices.Sorted(maps.Keys(recallGrammar)) {
		if g[name] != nil {
			continue
		}
		sym := &symbol{name: name}
		for _, l := range recallGrammar[name] {
			a, err := parseLine(l)
			if err != nil {
				return err
			}
			sym.alts = append(sym.alts, a)
		}
		g[name] = sym
	}
	return nil
}
