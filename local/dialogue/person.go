package dialogue

import (
	"regexp"
	"strings"
	"unicode"
)

// Lore arrives in the third person or as notes without a subject ("Veteran of the Red
// War; lost two fingers at the Siege of Hollow Gate; keeps a hammer named Widowmaker.").
// firstPerson turns such a clause into the character's own sentence ("I'm a veteran of
// the Red War.", "I lost two fingers…", "I keep a hammer…") only when every step is
// certain; otherwise it reports false and the caller quotes the clause as it is, since a
// lore sentence said as "what I know is…" is always better than a broken one.

// irregularPast are past forms that do not end in -ed.
var irregularPast = map[string]bool{
	"lost": true, "fought": true, "won": true, "was": true, "had": true, "knew": true, "left": true,
	"made": true, "took": true, "came": true, "went": true, "saw": true, "built": true, "sold": true,
	"bought": true, "ran": true, "swore": true, "broke": true, "held": true, "led": true, "met": true,
	"kept": true, "found": true, "gave": true, "grew": true, "spent": true, "taught": true, "wrote": true,
	"rode": true, "stole": true, "hid": true, "became": true, "began": true, "fled": true, "slew": true,
	"forgot": true, "drank": true, "sang": true, "fell": true, "stood": true, "sent": true, "paid": true,
	"lent": true, "owed": true, "won't": false, "killed": true, "lived": true, "struck": true, "bore": true,
	"wore": true, "got": true, "sank": true, "shot": true, "hunted": true, "threw": true, "dug": true,
	"fed": true, "heard": true, "brought": true, "caught": true, "thought": true, "sought": true, "bled": true,
}

// baseVerbs are verbs whose -s form may open a lore clause ("keeps", "runs", "serves").
var baseVerbs = map[string]bool{
	"keep": true, "run": true, "own": true, "serve": true, "work": true, "live": true, "hold": true,
	"hate": true, "love": true, "fear": true, "carry": true, "wear": true, "know": true, "hunt": true,
	"sell": true, "make": true, "forge": true, "brew": true, "collect": true, "guard": true, "trust": true,
	"sing": true, "drink": true, "tell": true, "pray": true, "dream": true, "hide": true, "owe": true,
	"seek": true, "search": true, "train": true, "teach": true, "write": true, "read": true, "tend": true,
	"lead": true, "command": true, "watch": true, "miss": true, "want": true, "refuse": true, "believe": true,
	"speak": true, "remember": true, "mourn": true, "still": false, "distrust": true, "despise": true,
	"protect": true, "sleep": true, "cook": true, "bake": true, "play": true, "grow": true, "raise": true,
	"breed": true, "mend": true, "fix": true, "build": true, "buy": true, "trade": true, "smuggle": true,
	"steal": true, "gamble": true, "drive": true, "sail": true, "ride": true, "study": true, "heal": true,
	"brew's": false, "answer": true, "report": true, "patrol": true, "rule": true, "govern": true,
	"bear": true, "claim": true, "secretly": false, "wish": true, "hope": true, "plan": true, "wait": true,
	"favour": true, "favor": true, "swear": true, "visit": true, "despair": true, "give": true, "take": true,
	"pay": true, "lend": true, "feed": true, "sharpen": true, "repair": true, "shoe": true, "cure": true,
	"treat": true, "help": true, "clean": true, "share": true, "paint": true, "sew": true,
	"fish": true, "smoke": true, "laugh": true, "travel": true, "sweep": true, "count": true,
	"polish": true, "mix": true, "bless": true, "preach": true, "hoard": true, "spy": true,
}

// adverbs may sit between the subject and its verb ("still keeps", "once served").
var adverbs = map[string]bool{
	"still": true, "once": true, "never": true, "always": true, "often": true, "secretly": true,
	"quietly": true, "rarely": true, "sometimes": true, "also": true, "barely": true, "openly": true,
	"privately": true, "briefly": true, "later": true, "now": true, "only": true, "really": true,
}

// modals and auxiliaries may open a note too ("Will not fight for the Duke").
var modals = map[string]bool{
	"will": true, "would": true, "can": true, "could": true, "must": true, "cannot": true, "won't": true,
	"can't": true, "does": true, "did": true, "doesn't": true, "didn't": true, "is": true, "was": true,
	"has": true, "had": true, "should": true, "may": true, "might": true,
}

// participles open subject-less lore in the passive ("Born in Greywater", "Exiled from…").
var participles = map[string]bool{
	"born": true, "raised": true, "trained": true, "exiled": true, "known": true, "sworn": true,
	"driven": true, "taken": true, "orphaned": true, "widowed": true, "wounded": true, "banished": true,
	"apprenticed": true, "feared": true, "loved": true, "hated": true, "blinded": true, "cursed": true,
	"married": true, "betrothed": true, "haunted": true, "scarred": true, "marked": true, "named": true,
	"called": true, "forced": true, "promoted": true, "demoted": true, "stripped": true, "spared": true,
}

// selfNouns are nouns that open a note about who the character is ("Veteran of…").
var selfNouns = map[string]bool{
	"veteran": true, "former": true, "retired": true, "onetime": true, "widow": true, "widower": true,
	"orphan": true, "exile": true, "survivor": true, "apprentice": true, "master": true, "son": true,
	"daughter": true, "heir": true, "descendant": true, "member": true, "friend": true, "rival": true,
	"servant": true, "keeper": true, "owner": true, "founder": true, "leader": true, "captain": true,
	"commander": true, "sergeant": true, "head": true, "mother": true, "father": true, "brother": true,
	"sister": true, "champion": true, "hero": true, "deserter": true, "ex-soldier": true, "ex-thief": true,
	"last": true, "third": true, "second": true, "eldest": true, "youngest": true, "only": true,
}

// theNouns take "the" rather than "a" when they open a note ("Captain of the watch").
var theNouns = map[string]bool{
	"head": true, "leader": true, "founder": true, "captain": true, "commander": true, "keeper": true,
	"owner": true, "last": true, "third": true, "second": true, "eldest": true, "youngest": true,
	"only": true, "heir": true, "son": true, "daughter": true,
}

// pronounSet is the third-person pronouns the lore uses for its character.
type pronounSet struct{ subj, obj, poss, refl string }

var (
	heSet  = pronounSet{"he", "him", "his", "himself"}
	sheSet = pronounSet{"she", "her", "her", "herself"}
)

// lorePronouns guesses which pronouns a character's lore uses for it: the more frequent
// of he/him/his and she/her, or none.
func lorePronouns(text string) *pronounSet {
	he, she := 0, 0
	for _, t := range tokenize(text) {
		switch t.word {
		case "he", "him", "his", "himself", "he's", "he'd":
			he++
		case "she", "her", "herself", "she's", "she'd":
			she++
		}
	}
	switch {
	case he > she:
		return &heSet
	case she > he:
		return &sheSet
	}
	return nil
}

// firstPerson renders a lore clause about the character in its own voice, or reports
// false. names are the lower-case ways the lore may name the character.
func firstPerson(clause string, names []string, ps *pronounSet) (string, bool) {
	clause = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(clause), ".;,"))
	f := strings.Fields(clause)
	if len(f) < 2 {
		return "", false
	}
	low := func(i int) string { return strings.ToLower(strings.Trim(f[i], ",.;:!?\"")) }
	var out []string
	rest := 0
	switch w0 := low(0); {
	case matchName(f, names) > 0:
		n := matchName(f, names)
		last := strings.ToLower(f[n-1])
		if strings.HasSuffix(last, "'s") || strings.HasSuffix(last, "\u2019s") {
			out, rest = []string{"My"}, n
			break
		}
		v, k, ok := subjectVerb(f, n)
		if !ok {
			return "", false
		}
		out, rest = append([]string{"I"}, v...), k
	case ps != nil && w0 == ps.subj:
		v, k, ok := subjectVerb(f, 1)
		if !ok {
			return "", false
		}
		out, rest = append([]string{"I"}, v...), k
	case ps != nil && w0 == ps.poss:
		// At the head of a clause "her" is a possessive ("Her father was…").
		out, rest = []string{"My"}, 1
	case participles[w0]:
		out, rest = []string{"I", "was", w0}, 1
	case w0 == "once" && (low(1) == "a" || low(1) == "an" || low(1) == "the"):
		out, rest = []string{"I", "was", "once"}, 1
	case w0 == "a" || w0 == "an" || w0 == "the":
		out, rest = []string{"I'm", w0}, 1
	case selfNouns[w0] || (len(f) > 1 && (low(1) == "of" || low(1) == "who" || low(1) == "turned") && !isCapitalised(f[0], true)):
		art := withArticle(w0)
		if theNouns[w0] {
			art = "the " + w0
		}
		out, rest = []string{"I'm", art}, 1
	case isCapitalised(f[0], false) && !selfNouns[w0] && !verbLike(w0):
		return "", false
	default:
		v, k, ok := subjectVerb(f, 0)
		if !ok {
			return "", false
		}
		out, rest = append([]string{"I"}, v...), k
	}
	if rest == 1 && (out[0] == "I'm") && hasFiniteVerb(f[1:]) {
		// "The river lords burned Greywater" has a subject of its own: it is no note about
		// the character.
		return "", false
	}
	for i := rest; i < len(f); i++ {
		w := f[i]
		if ps != nil && strings.ToLower(w) == ps.subj && i+1 < len(f) {
			// "…that he claims belonged…": the character again, as "I" with its verb.
			v, k, ok := subjectVerb(f, i+1)
			if !ok {
				return "", false
			}
			out = append(out, "I")
			out = append(out, v...)
			i = k - 1
			continue
		}
		if i > rest && i > 0 && (strings.EqualFold(f[i-1], "and") || strings.EqualFold(f[i-1], "but") || strings.EqualFold(f[i-1], "or")) {
			// "…behind my house and treats fishers" shares the subject: "and treat", and
			// "and still has it" is "and still have it".
			j := i
			for j < len(f) && adverbs[strings.ToLower(f[j])] {
				j++
			}
			if j < len(f) {
				lw := strings.ToLower(f[j])
				base, ok := baseOf(lw)
				switch {
				case lw == "has":
					base, ok = "have", true
				case lw == "is":
					base, ok = "am", true
				case lw == "does":
					base, ok = "do", true
				case !strings.HasSuffix(lw, "s"):
					ok = false
				}
				if ok {
					for _, a := range f[i:j] {
						out = append(out, a)
					}
					out = append(out, base)
					i = j
					continue
				}
			}
		}
		if ps == &sheSet && strings.EqualFold(strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) }), "her") && i > 0 &&
			ditransitive[strings.ToLower(strings.Trim(f[i-1], ",.;:!?\""))] {
			// "taught her herbs" gives to her: "taught me herbs".
			out = append(out, strings.Replace(w, "her", "me", 1))
			continue
		}
		next := ""
		if i+1 < len(f) {
			next = strings.ToLower(strings.Trim(f[i+1], ",.;:!?\""))
		} else {
			next = "."
		}
		out = append(out, swapPronoun(w, next, ps))
	}
	if out[0] == "I'm" && strings.Contains(clause, " for ") && forYears.MatchString(clause) {
		// "Captain of the watch for nine years" is "I've been", not "I'm".
		out[0] = "I've been"
	}
	s := strings.Join(out, " ")
	if ps != nil && containsAnyWord(strings.ToLower(s), ps.subj, ps.obj, ps.poss, ps.refl) {
		// A pronoun left over may be the character or someone else: not certain.
		return "", false
	}
	s = capitalize(s) + "."
	if len(GrammarProblems(s)) > 0 {
		return "", false
	}
	return s, true
}

// forYears finds a span of time that makes a state a perfect: "for nine years".
var forYears = regexp.MustCompile(`(?i)\bfor (?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|many|some|a few) (?:years|months|winters|seasons|decades)\b`)

// hasFiniteVerb reports whether words, up to the first relative word or comma, hold a
// verb: then they are a sentence with its own subject, not a noun phrase.
func hasFiniteVerb(words []string) bool {
	for _, w := range words {
		low := strings.ToLower(strings.Trim(w, ",.;:!?\""))
		if low == "who" || low == "which" || low == "that" || low == "whose" || low == "where" || low == "in" || strings.HasSuffix(w, ",") {
			return false
		}
		if low == "is" || low == "are" || low == "was" || low == "were" || low == "has" || low == "have" || irregularPast[low] || (strings.HasSuffix(low, "ed") && len(low) > 4 && !participles[low]) {
			return true
		}
		if _, ok := baseOf(low); ok && strings.HasSuffix(low, "s") {
			return true
		}
	}
	return false
}

// matchName returns how many leading fields of f are one of the character's names.
func matchName(f []string, names []string) int {
	best := 0
	for _, n := range names {
		nf := strings.Fields(n)
		if len(nf) == 0 || len(nf) > len(f) {
			continue
		}
		ok := true
		for i, w := range nf {
			got := strings.ToLower(strings.Trim(f[i], ",.;:!?\""))
			got = strings.TrimSuffix(strings.TrimSuffix(got, "'s"), "\u2019s")
			if got != w {
				ok = false
				break
			}
		}
		if ok && len(nf) > best {
			best = len(nf)
		}
	}
	return best
}

// subjectVerb converts the verb at f[i] (after optional adverbs) to agree with "I" and
// returns the words and the index after them; false when no verb is found there.
func subjectVerb(f []string, i int) ([]string, int, bool) {
	explicit := i > 0
	var out []string
	for i < len(f) && adverbs[strings.ToLower(f[i])] {
		out = append(out, strings.ToLower(f[i]))
		i++
	}
	if i >= len(f) {
		return nil, 0, false
	}
	raw := f[i]
	trail := ""
	if j := strings.IndexAny(raw, ",;:"); j > 0 {
		raw, trail = raw[:j], raw[j:]
	}
	w := strings.ToLower(raw)
	var v string
	switch {
	case w == "is":
		v = "am"
	case w == "has":
		v = "have"
	case w == "does":
		v = "do"
	case w == "goes":
		v = "go"
	case w == "doesn't":
		v = "don't"
	case w == "was" || w == "had" || w == "will" || w == "would" || w == "can" || w == "could" ||
		w == "did" || w == "must" || w == "might" || w == "should" || w == "may" || w == "cannot" ||
		w == "won't" || w == "can't" || w == "didn't":
		v = w
	case irregularPast[w] || (strings.HasSuffix(w, "ed") && len(w) > 4):
		v = w
	default:
		base, ok := baseOf(w)
		if !ok && explicit {
			// After "he" or the character's name, a word ending in -s is its verb even
			// when the list does not know it: "suspects" is "suspect".
			base, ok = anyBase(w)
		}
		if !ok {
			return nil, 0, false
		}
		v = base
	}
	return append(out, v+trail), i + 1, true
}

// anyBase undoes the -s of any verb by the spelling rules.
func anyBase(w string) (string, bool) {
	if len(w) < 4 || !strings.HasSuffix(w, "s") || strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || !isLowerWord(w) {
		return "", false
	}
	for _, c := range []struct{ suf, rep string }{{"ies", "y"}, {"shes", "sh"}, {"ches", "ch"}, {"sses", "ss"}, {"xes", "x"}, {"zes", "z"}, {"oes", "o"}} {
		if b, ok := strings.CutSuffix(w, c.suf); ok {
			return b + c.rep, true
		}
	}
	return w[:len(w)-1], true
}

// baseOf undoes a third-person -s for a known verb: keeps → keep, carries → carry.
func baseOf(w string) (string, bool) {
	for _, c := range []struct{ suf, rep string }{{"ies", "y"}, {"shes", "sh"}, {"ches", "ch"}, {"sses", "ss"}, {"xes", "x"}, {"s", ""}} {
		if b, ok := strings.CutSuffix(w, c.suf); ok && baseVerbs[b+c.rep] {
			return b + c.rep, true
		}
	}
	return "", false
}

// verbLike reports whether w reads as a verb that could open a subject-less note.
func verbLike(w string) bool {
	if irregularPast[w] || (strings.HasSuffix(w, "ed") && len(w) > 4) || adverbs[w] || modals[w] {
		return true
	}
	_, ok := baseOf(w)
	return ok
}

// swapPronoun turns the character's third-person pronoun into the first person.
func swapPronoun(w, next string, ps *pronounSet) string {
	core := strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
	if core == "" || ps == nil {
		return w
	}
	lowCore := strings.ToLower(core)
	if strings.ContainsAny(w[len(w)-1:], ",.;:!?") {
		next = "."
	}
	var rep string
	switch {
	case lowCore == "her" && ps == &sheSet && next != "":
		// "with her own hands" is a possessive, "which worries her" an object.
		rep = "me"
		if !objectFollowers[next] {
			rep = "my"
		}
	case lowCore == ps.poss && ps == &heSet:
		rep = "my"
	case lowCore == ps.obj && ps == &heSet:
		rep = "me"
	case lowCore == ps.refl:
		rep = "myself"
	default:
		return w
	}
	return strings.Replace(w, core, rep, 1)
}

// ditransitive verbs take "her" as the one given to, not as a possessive.
var ditransitive = map[string]bool{
	"taught": true, "teaches": true, "gave": true, "gives": true, "told": true, "tells": true, "showed": true,
	"shows": true, "lent": true, "lends": true, "offered": true, "offers": true, "promised": true,
	"promises": true, "handed": true, "hands": true, "paid": true, "pays": true, "owes": true, "owed": true,
}

// objectFollowers are words after which "her" is an object, not a possessive.
var objectFollowers = map[string]bool{
	".": true, "the": true, "a": true, "an": true, "to": true, "for": true, "with": true, "from": true,
	"and": true, "but": true, "or": true, "in": true, "on": true, "at": true, "by": true, "of": true,
	"as": true, "that": true, "when": true, "if": true, "because": true, "since": true, "so": true,
	"again": true, "back": true, "away": true, "up": true, "down": true, "out": true, "off": true,
}

// containsAnyWord reports whether low holds one of words as a whole word.
func containsAnyWord(low string, words ...string) bool {
	for _, w := range words {
		if containsWord(low, w) {
			return true
		}
	}
	return false
}

// isCapitalised reports whether w starts with an upper-case letter; with rest set, some
// later letter must be upper case too (an all-capitals word or a CamelCase name).
func isCapitalised(w string, rest bool) bool {
	r, ok := firstRune(w)
	if !ok || !unicode.IsUpper(r) {
		return false
	}
	if !rest {
		return true
	}
	for i, c := range w {
		if i > 0 && unicode.IsUpper(c) {
			return true
		}
	}
	return false
}

// personSwap maps a player's words about "you" and "me" to the character's: what the
// player calls "your hammer" the character calls "my hammer", and the other way round.
var personSwap = map[string]string{
	"your": "my", "yours": "mine", "you": "me", "yourself": "myself",
	"my": "your", "mine": "yours", "me": "you", "myself": "yourself",
	"i": "you", "our": "your",
}

// secondPerson turns what a player said about "you" and "me" into the character's view,
// for echoing a phrase: "your hammer" is "my hammer", "my brother" is "your brother".
func secondPerson(phrase string) string {
	f := strings.Fields(phrase)
	for i, w := range f {
		if to, ok := personSwap[strings.ToLower(w)]; ok {
			f[i] = to
		}
	}
	return strings.Join(f, " ")
}
