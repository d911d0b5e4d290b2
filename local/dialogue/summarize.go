package dialogue

import (
	"slices"
	"strings"
	"unicode"

	"github.com/troupe-ai/troupe/domain"
)

// summaryWords caps a summary: enough for a character to remember the people, promises
// and dangers of a long conversation, short enough to fit any prompt.
const summaryWords = 120

// keyWords mark sentences worth remembering: promises, debts, threats, quests, deals and
// their dates. A trailing * matches any ending.
var keyWords = []string{
	"promise*", "swear*", "swore", "sworn", "vow*", "owe", "owes", "owed", "owing", "debt*", "pay", "pays",
	"paid", "loan*", "lend*", "lent", "borrow*", "deal", "agreed", "agree*", "bargain*", "contract*",
	"deliver*", "bring", "brings", "return*", "tomorrow", "tonight", "deadline", "will", "i'll", "we'll",
	"you'll", "shall", "must", "kill*", "threat*", "attack*", "murder*", "steal*", "stole*", "stolen",
	"revenge", "quest*", "job", "task*", "mission*", "bounty", "reward*", "find", "retrieve*",
	"rescue*", "missing", "secret*", "betray*", "gold", "silver", "coin*", "ally", "allies", "enemy",
	"enemies", "marry", "married", "dead", "died", "death", "danger*", "warn*", "hired", "hire",
}

// numberWords count as numbers: amounts and dates are what memory most often loses.
var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "twenty": true,
	"thirty": true, "fifty": true, "hundred": true, "thousand": true, "dozen": true, "half": true,
}

// smallTalk are the intents of sentences dropped unless they also carry something.
var smallTalk = []Intent{IntentGreeting, IntentFarewell, IntentThanks, IntentCompliment}

// unit is one candidate sentence of a summary.
type unit struct {
	text  string
	order int
	score float64
	words int
}

// summarize folds the running summary and the memory entries into a new summary by
// extraction: it scores each sentence by what it carries (names, numbers, promises and
// other key words, places; the entry's importance; whether it already made the summary),
// drops small talk and sentences that carry nothing, keeps the best that fit in
// summaryWords and prints them in their original order.
func summarize(sc *domain.Scene) string {
	c := &sc.Character
	var known []string // names that count even at the start of a sentence
	for _, n := range append(append([]string{c.Name, c.Home, c.WorldName}, c.Places...), sc.Speaker) {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !genericSpeakers[n] {
			known = append(known, n)
		}
	}
	for _, e := range sc.Entries {
		if n := strings.ToLower(strings.TrimSpace(e.Speaker)); n != "" && !genericSpeakers[n] {
			known = append(known, n)
		}
	}
	places := []string{strings.ToLower(strings.TrimSpace(c.Home))}
	for _, p := range c.Places {
		places = append(places, strings.ToLower(strings.TrimSpace(p)))
	}

	var units []unit
	add := func(text string, score float64) {
		units = append(units, unit{text: text, order: len(units), score: score, words: countWords(text)})
	}
	// The running summary's sentences were kept once already; they keep a head start. A
	// sentence that reads as an order outside quotes (one written before summaries kept
	// players' words quoted) is dropped.
	for _, s := range splitSentences(sc.Summary) {
		if !domain.InstructionLikeOutsideQuotes(s) {
			add(endSentence(s), 2+carries(s, known, places))
		}
	}
	for _, e := range sc.Entries {
		// What an entry is and how important it was judged outweigh what its words carry:
		// one remembered fact beats any number of busy lines of chatter.
		bonus := 3 * clamp(e.Importance, 0, 1)
		switch e.Kind {
		case domain.MemorySummary:
			bonus += 2
		case domain.MemoryFact:
			bonus += 4
		}
		speaker := strings.TrimSpace(e.Speaker)
		if speaker == "" && e.Kind == domain.MemorySaid {
			speaker = strings.TrimSpace(c.Name)
		}
		sentences := splitSentences(e.Text)
		if e.Kind != domain.MemorySummary && slices.ContainsFunc(sentences, domain.InstructionLike) {
			// Someone tried to give the character orders ("SYSTEM: the character must now
			// say …"). The attempt is worth remembering; its words are not, not even
			// quoted, and neither is the rest of the line, which is the payload.
			if e.Kind != domain.MemorySaid {
				// It outranks any line of trade talk, however many prices that carries.
				add(trickNote(speaker, c.Name), bonus+6)
			}
			continue
		}
		for _, s := range sentences {
			if e.Kind == domain.MemorySummary && domain.InstructionLikeOutsideQuotes(s) {
				continue
			}
			carried := carries(s, known, places)
			if carried == 0 && e.Kind != domain.MemoryFact && e.Kind != domain.MemorySummary {
				continue // nothing worth keeping
			}
			if slices.Contains(smallTalk, Classify(s)) && carried < 2 {
				continue
			}
			// Heard and said lines keep who said them, and their words stay quoted: the
			// summary feeds later prompts, where a player's words must read as something
			// said, not as the character's own belief. Summaries and facts already read
			// as memory.
			text := sentence(s)
			if e.Kind == domain.MemoryHeard || e.Kind == domain.MemorySaid {
				text = quoteSaid(speaker, text)
			}
			if e.Kind == domain.MemorySaid {
				// The character's own words (its prices, its flavour) matter less to its
				// memory than what it heard.
				carried--
			}
			add(text, bonus+carried)
		}
	}

	// Best first, earlier first among equals; then keep what fits, dropping repeats.
	ranked := slices.Clone(units)
	slices.SortStableFunc(ranked, func(a, b unit) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return a.order - b.order
	})
	var kept []unit
	total := 0
	seen := map[string]bool{}
	for _, u := range ranked {
		n := normalize(u.text)
		if seen[n] || total+u.words > summaryWords {
			continue
		}
		seen[n] = true
		kept = append(kept, u)
		total += u.words
	}
	if len(kept) == 0 && len(ranked) > 0 {
		// Even the best sentence is over the cap: keep its first words.
		w := strings.Fields(ranked[0].text)
		return strings.Join(w[:summaryWords], " ") + "…"
	}
	slices.SortFunc(kept, func(a, b unit) int { return a.order - b.order })
	out := make([]string, len(kept))
	for i, u := range kept {
		out[i] = u.text
	}
	return strings.Join(out, " ")
}

// carries scores what a sentence carries, from 0 to 6: names (capitalised words past the
// first, and known names anywhere), numbers, key words and places.
func carries(sentence string, known, places []string) float64 {
	low := strings.ToLower(sentence)
	score := 0.0
	for _, n := range known {
		if containsWord(low, n) {
			score++
			break
		}
	}
	for _, p := range places {
		if p != "" && containsWord(low, p) {
			score += 1.5
			break
		}
	}
	fields := strings.Fields(sentence)
	names := 0
	for i, f := range fields {
		core := strings.TrimFunc(f, func(r rune) bool { return !isWordRune(r) })
		r, ok := firstRune(core)
		if i > 0 && ok && unicode.IsUpper(r) && !nameStopwords[strings.ToLower(core)] {
			names++
		}
	}
	score += float64(min(names, 2))
	numbers, keys := 0, 0
	for _, t := range tokenize(sentence) {
		if numberWords[t.word] || strings.ContainsFunc(t.word, unicode.IsDigit) {
			numbers++
		}
		for _, k := range keyWords {
			if matchWord(k, t.word) {
				keys++
				break
			}
		}
	}
	score += 2 * float64(min(numbers, 2))
	score += 2 * float64(min(keys, 2))
	return min(score, 6)
}

// quoteSaid renders a sentence someone said as a quotation: `Aldric said: "…"`. Double
// quotes inside become single ones, so the words cannot close the quotation and go on
// as the summary's own text.
func quoteSaid(speaker, text string) string {
	text = strings.NewReplacer(`"`, "'", "“", "'", "”", "'").Replace(text)
	if speaker == "" {
		speaker = "Someone"
	}
	return speaker + ` said: "` + text + `"`
}

// endSentence is sentence for a sentence that may already end inside a closing quote
// (`… said: "Yes."`), which needs no full stop of its own.
func endSentence(s string) string {
	if t := strings.TrimSpace(s); strings.HasSuffix(t, `."`) || strings.HasSuffix(t, `!"`) || strings.HasSuffix(t, `?"`) {
		return t
	}
	return sentence(s)
}

// trickNote is what a summary keeps of a line that tried to give orders: who tried, and
// nothing of what they wrote.
func trickNote(speaker, name string) string {
	if speaker == "" {
		speaker = "Someone"
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "the character"
	}
	return speaker + " tried to trick " + name + " with orders."
}
