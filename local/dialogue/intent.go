package dialogue

import (
	"slices"
	"strings"
	"unicode"
)

// Intent is what a line is trying to do, as far as keyword rules can tell.
type Intent string

// The intents Classify recognises.
const (
	IntentGreeting   Intent = "greeting"
	IntentFarewell   Intent = "farewell"
	IntentTrade      Intent = "trade" // buying, selling, prices, paid services
	IntentQuest      Intent = "quest" // work, jobs, help, rewards
	IntentQuestion   Intent = "question"
	IntentInsult     Intent = "insult"
	IntentThanks     Intent = "thanks"
	IntentThreat     Intent = "threat"
	IntentCompliment Intent = "compliment"
	IntentRumor      Intent = "rumor" // news, gossip, what is going on
	IntentUnknown    Intent = "unknown"
)

// Intents lists every intent, in the order Classify prefers them when a line carries
// several: "Hello, do you sell rope?" is trade, not a greeting, and "Thanks, goodbye" is a
// farewell. Unknown comes last.
var Intents = []Intent{
	IntentThreat, IntentInsult, IntentTrade, IntentQuest, IntentRumor, IntentQuestion,
	IntentFarewell, IntentThanks, IntentCompliment, IntentGreeting, IntentUnknown,
}

// maxClassify bounds the bytes Classify reads: players type lines, not essays, and the
// bound keeps a hostile request cheap.
const maxClassify = 4096

// intentPhrases are the keyword rules. Each phrase is one or more words; a word ending in
// * matches any word it starts ("sell*" matches "seller", "selling"). At each position the
// longest phrase wins and consumes its words, so "nice to meet you" is a greeting and its
// "nice" is not also a compliment. Phrases under "" are neutral: they only consume words
// ("kind of", "pretty sure") that would otherwise be misread.
//
// Only English words are listed, and none that is also a common word in another
// language ("die", "yo", "ty"), so a line in another language comes out unknown rather
// than wrongly read.
var intentPhrases = []struct {
	intent  Intent
	phrases string // separated by commas
}{
	{"", "kind of, sort of, pretty much, pretty sure, what kind, you're welcome, no thanks"},
	{IntentThreat, "kill you, kill ya, i'll kill, gonna kill, going to kill, you'll die, you will die, " +
		"you die, prepare to die, going to die, you're dead, you are dead, dead man, hurt you, or else, " +
		"burn this, burn your, burn you, watch your back, cut you, gut you, make you pay, last warning, " +
		"threaten*, end you, hand over, give me your money, give me everything, your money or, drop your weapon, break your, slit your, rob you, " +
		"you'll regret, you will regret, i'll find you, i will find you"},
	{IntentInsult, "idiot*, fool, fools, foolish, stupid*, moron*, ugly, coward*, liar*, cheater*, scum*, " +
		"pathetic, worthless, useless, dumb*, imbecile*, shut up, stink*, smelly, bastard*, crook*, " +
		"fraud*, loser*, clown*, oaf, halfwit*, dimwit*, buffoon*, incompetent, disgusting, hate you, " +
		"screw you, get lost, swindler*, you suck, rip off, ripoff, cretin*, weakling*, you rat, you pig"},
	{IntentTrade, "buy*, bought, sell*, sold, sale, for sale, trade, trades, trading, trader*, barter*, " +
		"price*, pricey, cost*, how much, wares, goods, shop*, store, purchase*, merchandise, haggl*, " +
		"discount*, in stock, what do you have, what have you got, what've you got, what do you sell, " +
		"afford*, a deal, good deal, make a deal, repair*, mend*, fix my, forge me, craft me, make me a, " +
		"a room, a bed, rent*, drink, drinks, ale, beer, wine, meal*, food, eat, potion*, remed*, " +
		"medicine*, heal me, cure*, supplies, gear, equipment, ammo, ammunition, weapon*, armor*, armour*"},
	{IntentQuest, "quest*, job, jobs, task*, mission*, help, helping, contract*, bounty, " +
		"bounties, errand*, hire, hiring, hired, employ*, reward*, adventure*, odd jobs, favor, favour, " +
		"a hand, assist*, need anything, can i do, trouble, problem*, any work, need work, some work, " +
		"looking for work, find work, for work, work for you, work for me"},
	{IntentRumor, "rumor*, rumour*, news, gossip*, what's new, whats new, what is new, anything new, " +
		"latest, word on the street, hear anything, heard anything, going on, happening, tidings, " +
		"talk of the town, heard any, any word, stories"},
	{IntentQuestion, "tell me, do you know, know anything, what about, heard of, explain*, wonder*, " +
		"curious, information, info, directions, where, where's, who, who's, whom, whose, why, how, " +
		"what's, which"},
	{IntentFarewell, "bye, goodbye, good bye, farewell, see ya, take care, so long, good night, " +
		"goodnight, be seeing you, see you later, see you soon, see you around, see you tomorrow, i must go, i have to go, i should go, i'll be going, gotta go, " +
		"got to go, leaving, until next time, till next time, safe travels, later then"},
	{IntentThanks, "thank*, thx, grateful, appreciate*, much obliged, obliged, cheers, owe you one, " +
		"for the help, for your help, for helping"},
	{IntentCompliment, "nice, beautiful, impressive, amazing, awesome, wonderful, excellent, great work, " +
		"great job, good job, good work, nice work, nice job, well done, fine work, love your, like your, admire*, talented, " +
		"skilled, brave, clever, wise, handsome, pretty, lovely, kind, the best, you're good, you are good, " +
		"brilliant, fantastic, incredible, respect"},
	{IntentGreeting, "hello, hi, hey, hiya, howdy, greetings, good morning, good afternoon, good evening, " +
		"morning, evening, well met, hail, nice to meet you, pleased to meet you, how are you, " +
		"how's it going, how are things, how do you do, what's up, sup, salutations, ahoy, g'day"},
}

// phrase is one parsed keyword rule.
type phrase struct {
	words  []string
	intent Intent
}

// phrases are intentPhrases parsed, longest first so the first match at a position is the
// longest; equal lengths keep table order.
var phrases = parsePhrases()

// byFirstWord lists, for each exact first word, the phrases starting with it, and
// separately the phrases whose first word is a * pattern; both in the order of phrases.
// It saves classify from trying every phrase at every word.
var byFirstWord, byPattern = indexFirstWords(phrases, func(p phrase) string { return p.words[0] })

// indexFirstWords indexes phrase tables (intents and concepts) by their first word:
// for each exact first word, the phrases starting with it, and separately those whose
// first word is a * pattern, both in the table's order.
func indexFirstWords[P any](ps []P, first func(P) string) (map[string][]int, []int) {
	exact := map[string][]int{}
	var pattern []int
	for i, p := range ps {
		if w := first(p); strings.HasSuffix(w, "*") {
			pattern = append(pattern, i)
		} else {
			exact[w] = append(exact[w], i)
		}
	}
	return exact, pattern
}

func parsePhrases() []phrase {
	var out []phrase
	for _, g := range intentPhrases {
		for _, p := range strings.Split(g.phrases, ",") {
			if w := strings.Fields(p); len(w) > 0 {
				out = append(out, phrase{words: w, intent: g.intent})
			}
		}
	}
	// Longest phrases first; ties keep the table's order.
	slices.SortStableFunc(out, func(a, b phrase) int { return len(b.words) - len(a.words) })
	return out
}

// questionStarts are words that make a question when they open a clause of a line with a
// question mark ("Is the road safe?", "Can you read this?").
var questionStarts = map[string]bool{
	"what": true, "when": true, "is": true, "are": true, "do": true, "does": true, "did": true,
	"can": true, "could": true, "will": true, "would": true, "should": true, "have": true,
	"has": true, "may": true, "might": true, "shall": true,
}

// token is one word of a line, lower-cased, and whether it opens a clause.
type token struct {
	word        string
	clauseStart bool
}

// tokenize lower-cases line and splits it into words. Curly apostrophes become straight
// ones; anything that is not a letter, digit or apostrophe separates words, and
// punctuation that ends a clause marks the next word as a clause start.
func tokenize(line string) []token {
	var toks []token
	var b strings.Builder
	start := true
	flush := func() {
		if w := strings.Trim(b.String(), "'"); w != "" {
			toks = append(toks, token{word: w, clauseStart: start})
			start = false
		}
		b.Reset()
	}
	for _, r := range line {
		switch {
		case r == '\u2019' || r == '\u2018':
			b.WriteByte('\'')
		case isWordRune(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
			if strings.ContainsRune(".,!?;:\u2014-\"()", r) {
				start = true
			}
		}
	}
	flush()
	return toks
}

// matchWord reports whether a token matches a phrase word, which may end in *.
func matchWord(pattern, word string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(word, p)
	}
	return pattern == word
}

// matchAt reports whether the phrase words match the start of toks.
func matchAt(words []string, toks []token) bool {
	if len(words) > len(toks) {
		return false
	}
	for k, w := range words {
		if !matchWord(w, toks[k].word) {
			return false
		}
	}
	return true
}

// Classify returns the intent of line. It is a pure function of line, safe for any input
// (empty, huge, invalid UTF-8) and cheap: it reads at most the first 4 KiB.
func Classify(line string) Intent {
	if len(line) > maxClassify {
		line = line[:maxClassify]
	}
	toks := tokenize(line)
	hits := map[Intent]int{}
	for i := 0; i < len(toks); {
		// The first match in each list is its longest; of the two, the longer wins, and
		// the earlier in the table among equals.
		best := -1
		for _, list := range [][]int{byFirstWord[toks[i].word], byPattern} {
			for _, k := range list {
				if matchAt(phrases[k].words, toks[i:]) {
					if best < 0 || len(phrases[k].words) > len(phrases[best].words) ||
						(len(phrases[k].words) == len(phrases[best].words) && k < best) {
						best = k
					}
					break
				}
			}
		}
		n := 0
		if best >= 0 {
			if in := phrases[best].intent; in != "" {
				hits[in]++
			}
			n = len(phrases[best].words)
		}
		if n == 0 {
			// An unmatched clause opener like "is" or "can" makes a question only when the
			// line also asks one, so statements ("Can't complain.") stay what they are.
			if toks[i].clauseStart && questionStarts[toks[i].word] && strings.Contains(line, "?") {
				hits[IntentQuestion]++
			}
			n = 1
		}
		i += n
	}
	for _, in := range Intents {
		if hits[in] > 0 {
			return in
		}
	}
	return IntentUnknown
}
