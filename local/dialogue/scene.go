package dialogue

import (
	"slices"
	"strings"
	"unicode"

	"github.com/troupe-ai/troupe/domain"
)

// moodSynonyms map free-form moods (the API takes any string) onto the pack moods.
var moodSynonyms = map[string]string{
	"happy": "cheerful", "joyful": "cheerful", "glad": "cheerful", "merry": "cheerful", "jolly": "cheerful", "content": "cheerful",
	"mad": "angry", "furious": "angry", "irritated": "angry", "annoyed": "angry", "enraged": "angry", "hostile": "angry",
	"sorrowful": "sad", "grieving": "sad", "melancholy": "sad", "depressed": "sad", "gloomy": "sad", "unhappy": "sad",
	"scared": "fearful", "afraid": "fearful", "frightened": "fearful", "nervous": "fearful", "anxious": "fearful", "terrified": "fearful", "worried": "fearful",
	"wary": "suspicious", "distrustful": "suspicious", "paranoid": "suspicious",
	"eager": "excited", "thrilled": "excited", "enthusiastic": "excited", "elated": "excited",
	"exhausted": "tired", "sleepy": "tired", "weary": "tired", "drowsy": "tired", "fatigued": "tired",
	"neutral": "calm", "relaxed": "calm", "serene": "calm", "peaceful": "calm",
}

// roleSynonyms map common alternative role names onto the default roles.
var roleSynonyms = map[string]string{
	"smith": "blacksmith", "shopkeeper": "merchant", "trader": "merchant", "vendor": "merchant",
	"barkeep": "innkeeper", "bartender": "innkeeper", "tavernkeeper": "innkeeper", "watchman": "guard",
	"soldier": "guard", "medic": "healer", "doctor": "healer", "physician": "healer", "cleric": "priest",
	"sellsword": "mercenary", "mechanic": "engineer", "minstrel": "bard", "rogue": "thief",
}

// resolve maps a sheet value onto a vocabulary, through synonyms, or to the fallback.
func resolve(v string, vocab []string, synonyms map[string]string, fallback string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if slices.Contains(vocab, v) {
		return v
	}
	if s, ok := synonyms[v]; ok {
		return s
	}
	return fallback
}

// genericSpeakers are speaker labels that are not names: a line addressed to "player"
// should say "friend", not "Back again, player?".
var genericSpeakers = map[string]bool{
	"": true, "player": true, "the player": true, "user": true, "you": true, "someone": true,
	"stranger": true, "unknown": true, "narrator": true, "system": true, "anonymous": true,
	"npc": true, "human": true, "assistant": true,
}

// nameStopwords are capitalised words that are not names.
var nameStopwords = map[string]bool{
	"i": true, "i'm": true, "i'll": true, "i've": true, "i'd": true, "the": true, "a": true, "an": true,
	"he": true, "she": true, "they": true, "we": true, "you": true, "it": true, "his": true, "her": true,
	"him": true, "my": true, "our": true, "their": true, "your": true, "its": true, "this": true,
	"that": true, "these": true, "those": true, "there": true, "here": true, "then": true, "when": true,
	"what": true, "who": true, "why": true, "how": true, "where": true, "which": true, "and": true,
	"but": true, "or": true, "if": true, "so": true, "yes": true, "no": true, "not": true, "player": true,
	"someone": true, "everyone": true, "nobody": true, "today": true, "tomorrow": true, "yesterday": true,
	"sir": true, "madam": true, "mr": true, "mrs": true, "ms": true, "lord": true, "lady": true,
	"after": true, "before": true, "once": true, "every": true, "some": true, "all": true, "one": true,
	"owes": true, "promised": true, "said": true, "told": true, "asked": true, "gave": true,
}

// titles are kept as part of the name that follows them.
var titles = map[string]bool{"sir": true, "lady": true, "lord": true, "captain": true, "master": true,
	"mistress": true, "mother": true, "father": true, "brother": true, "sister": true, "old": true}

// properNames extracts names from texts in order of appearance: runs of capitalised words
// that are not common capitalised words. A sentence's first word counts only when it does
// not look like an ordinary word (ending in -ed, -ing or -ly), which keeps "Aldric owes me"
// and drops "Promised to return".
func properNames(texts []string, exclude []string) []string {
	var out []string
	add := func(run []string) {
		// A title alone ("Lady") is no name; before one ("Lady Sefa") it belongs to it.
		if len(run) == 0 || (len(run) == 1 && titles[strings.ToLower(run[0])]) {
			return
		}
		name := strings.Join(run, " ")
		low := strings.ToLower(name)
		for _, x := range exclude {
			if x != "" && (low == x || containsWord(x, low) || containsWord(low, x)) {
				return
			}
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, text := range texts {
		for _, sentence := range splitSentences(text) {
			var run []string
			fields := strings.Fields(sentence)
			for i, w := range fields {
				core := strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
				core = strings.TrimSuffix(strings.TrimSuffix(core, "'s"), "\u2019s")
				first, _ := firstRune(core)
				low := strings.ToLower(core)
				isName := core != "" && unicode.IsUpper(first) && len(core) > 1 && (!nameStopwords[low] || titles[low])
				// A quoted line ("player said: "Hand over…") starts a sentence of its own.
				start := i == 0 || strings.HasSuffix(fields[i-1], ":") || strings.IndexAny(w, "\"'\u201c\u2018") == 0
				if isName && start && (strings.HasSuffix(low, "ed") || strings.HasSuffix(low, "ing") || strings.HasSuffix(low, "ly")) {
					isName = false
				}
				if isName && start && len(run) == 0 && imperative(low, fields[i+1:], w) {
					isName = false
				}
				if isName {
					run = append(run, core)
				} else {
					add(run)
					run = nil
				}
				// A name run ends at punctuation: "Aldric, Brom" is two names.
				if len(run) > 0 && strings.ContainsAny(w[len(w)-1:], ",.;:!?") {
					add(run)
					run = nil
				}
			}
			add(run)
		}
	}
	return out
}

// imperativeVerbs are verbs that open orders and requests: "Hand over your gold" and
// "Bring me the ore" name no one called Hand or Bring.
var imperativeVerbs = map[string]bool{
	"hand": true, "bring": true, "give": true, "take": true, "get": true, "go": true, "come": true,
	"tell": true, "show": true, "let": true, "put": true, "keep": true, "leave": true, "stop": true,
	"look": true, "listen": true, "wait": true, "follow": true, "help": true, "find": true, "make": true,
	"meet": true, "open": true, "run": true, "sell": true, "buy": true, "kill": true, "pay": true,
	"drop": true, "stay": true, "watch": true, "fetch": true, "send": true, "move": true, "hold": true,
	"remember": true, "forget": true, "call": true, "ask": true, "try": true, "see": true, "hear": true,
	"be": true, "do": true, "don't": true, "never": true, "please": true, "just": true, "now": true,
	"well": true, "oh": true, "ah": true, "okay": true, "ok": true, "maybe": true, "perhaps": true,
	"sure": true, "thanks": true, "thank": true, "hello": true, "hi": true, "hey": true, "good": true,
	"nice": true, "great": true, "yeah": true, "shut": true, "mind": true, "sit": true, "stand": true,
	"carry": true, "lend": true, "spare": true, "check": true, "grab": true, "throw": true, "fix": true,
	"forge": true, "craft": true, "mend": true, "sharpen": true, "hurry": true, "quick": true,
}

// objectWords follow an imperative verb far more often than a name: "Bring me", "Hand
// over", "Give it".
var objectWords = map[string]bool{
	"me": true, "us": true, "him": true, "them": true, "it": true, "your": true, "my": true,
	"this": true, "that": true, "these": true, "those": true, "over": true, "out": true, "up": true,
	"down": true, "away": true, "off": true,
}

// imperative reports whether the sentence-opening capitalised word low (written w) reads
// as an order: a common imperative verb, or any word directly followed by an object
// ("Fetch me", "Hand over"). A name followed by punctuation ("Aldric, bring me…") is none.
func imperative(low string, rest []string, w string) bool {
	if imperativeVerbs[low] {
		return true
	}
	if len(rest) == 0 || strings.ContainsAny(w[len(w)-1:], ",.;:!?") {
		return false
	}
	next := strings.ToLower(strings.TrimFunc(rest[0], func(r rune) bool { return !isWordRune(r) }))
	return objectWords[next]
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// topic is what a line asks about.
type topic struct {
	kind string
	text string
}

// selfPhrases ask the character about itself.
var selfPhrases = []string{
	"who are you", "who're you", "your name", "yourself", "what do you do", "about you",
	"what are you", "what's your job", "who might you be", "introduce",
}

// topicMarkers are the words after which a line names its topic.
var topicMarkers = [][]string{
	{"about"}, {"regarding"}, {"concerning"}, {"heard", "of"}, {"know", "of"},
	{"where", "is"}, {"where's"}, {"where", "are"}, {"who", "is"}, {"who's"}, {"what", "is"},
	{"who", "are"}, {"what", "are"}, {"happened", "to"}, {"became", "of"}, {"looking", "for"},
	{"think", "of"}, {"think", "about"}, {"make", "of"}, {"opinion", "of"}, {"opinion", "on"}, {"feel", "about"},
	{"thoughts", "on"}, {"view", "of"}, {"view", "on"}, {"take", "on"}, {"you", "trust"},
}

// topicFiller are words dropped from the end of a topic phrase ("the mill lately").
var topicFiller = map[string]bool{
	"here": true, "there": true, "now": true, "lately": true, "anyway": true, "then": true,
	"please": true, "like": true, "today": true, "again": true,
}

// findTopic works out what line asks about: the character itself, its home, a place of
// its world, a remembered name, or the words after "about".
func findTopic(line string, s *scene) topic {
	low := strings.ToLower(line)
	for _, p := range selfPhrases {
		if strings.Contains(low, p) {
			return topic{kind: topicSelf}
		}
	}
	c := &s.sc.Character
	if h := strings.TrimSpace(c.Home); h != "" && containsWord(low, strings.ToLower(h)) {
		return topic{kind: topicHome, text: h}
	}
	for _, p := range append(slices.Clone(c.Places), c.WorldName) {
		if p = strings.TrimSpace(p); p != "" && containsWord(low, strings.ToLower(p)) {
			return topic{kind: topicPlace, text: p}
		}
	}
	for _, n := range s.factNames {
		if containsWord(low, strings.ToLower(n)) {
			return topic{kind: topicFact, text: n}
		}
	}
	if t := phraseAfterMarker(line); t != "" {
		tl := strings.ToLower(t)
		if tl == "you" || strings.HasPrefix(tl, "you ") || strings.HasPrefix(tl, "yourself") {
			return topic{kind: topicSelf}
		}
		return topic{kind: topicWord, text: t}
	}
	if s.firstName != "" && containsWord(low, strings.ToLower(s.firstName)) && strings.Contains(line, "?") {
		return topic{kind: topicSelf}
	}
	return topic{kind: topicNone}
}

// phraseAfterMarker returns up to four words after the first topic marker of line, in
// their original case, stopping at the end of the clause.
func phraseAfterMarker(line string) string {
	if len(line) > maxClassify {
		line = line[:maxClassify]
	}
	fields := strings.Fields(line)
	clean := func(w string) string {
		return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) }))
	}
	for i := range fields {
		for _, m := range topicMarkers {
			if i+len(m) > len(fields) {
				continue
			}
			ok := true
			for k, w := range m {
				// The marker's own words must not end a clause ("What is it. Rope" is no topic).
				if clean(fields[i+k]) != w || (k < len(m)-1 && strings.ContainsAny(fields[i+k], ",.;:!?")) {
					ok = false
					break
				}
			}
			if !ok || strings.ContainsAny(fields[i+len(m)-1], ",.;:!?") {
				continue
			}
			var words []string
			for _, w := range fields[i+len(m):] {
				core := strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
				if core != "" {
					words = append(words, core)
				}
				if len(words) == 4 || strings.ContainsAny(w, ",.;:!?") {
					break
				}
			}
			for len(words) > 0 && topicFiller[strings.ToLower(words[len(words)-1])] {
				words = words[:len(words)-1]
			}
			if t := strings.Join(words, " "); len(t) <= 60 {
				return t
			}
			return ""
		}
	}
	return ""
}

// scene is a request's scene worked out into the facts rules test and the values lines
// fill in.
type scene struct {
	sc        *domain.Scene
	role      string // a default role or "common"
	archetype string
	mood      string
	tier      string
	firstName string
	speaker   string // the speaker's name, or "" when it is a generic label
	known     bool   // the facts mention the speaker
	factNames []string
	recall    recall    // what the facts hold about the speaker
	ask       recallAsk // the memory question the line asks, if any
	intent    Intent
	topic     topic
	taboo     taboos
	vals      values
	q         query
	// captain is set for a guard or mercenary who commands: it gives orders and never
	// sends anyone to "the captain".
	captain bool
}

// newScene works out sc for one answer; seed picks the place and the remembered name.
func newScene(sc *domain.Scene, seed uint64) *scene {
	c := &sc.Character
	s := &scene{
		sc:        sc,
		role:      resolve(c.Role, roles, roleSynonyms, commonRole),
		archetype: resolve(c.Archetype, archetypes, nil, defaultArchetype),
		mood:      resolve(c.Mood, moods, moodSynonyms, defaultMood),
		tier:      resolve(c.SkillTier, tiers, nil, defaultTier),
		taboo:     newTaboos(c.TabooWords),
	}
	name := strings.TrimSpace(c.Name)
	s.captain = isCaptain(s.role, name+" "+c.Lore+" "+c.Personality+" "+c.Profile.Description)
	if f := strings.Fields(name); len(f) > 0 {
		s.firstName = f[0]
		// "Captain Hale Dorn" is Hale, "Brother Tavi" is Tavi: a title is no first name.
		for _, w := range f {
			if !titles[strings.ToLower(w)] {
				s.firstName = w
				break
			}
		}
	}
	spk := strings.TrimSpace(sc.Speaker)
	spkLow := strings.ToLower(spk)
	generic := genericSpeakers[spkLow] || strings.HasPrefix(spkLow, "player") ||
		(name != "" && spkLow == strings.ToLower(name))
	if !generic {
		s.speaker = spk
	}
	if spkLow != "" {
		for _, f := range sc.Facts {
			if containsWord(strings.ToLower(f), spkLow) {
				s.known = true
			}
		}
	}
	s.recall = recallFor(sc)
	s.ask = askOf(sc.Line)
	if s.recall.name != "" {
		// Someone who gave their name is addressed by it, and is known.
		s.speaker, s.known = s.recall.name, true
	}
	// The speaker is no third party: their own names are never gossip.
	exclude := append([]string{strings.ToLower(name), spkLow}, s.recall.ids...)
	s.factNames = properNames(sc.Facts, exclude)

	s.intent = Classify(sc.Line)
	if strings.TrimSpace(sc.Line) == "" {
		// Nothing was said: the character speaks first, so it greets.
		s.intent = IntentGreeting
	}
	s.topic = findTopic(sc.Line, s)

	r := derive(seed, "values")
	v := &s.vals
	v.set(phName, name)
	v.set(phFirst, s.firstName)
	v.set(phRole, strings.ToLower(strings.TrimSpace(c.Role)))
	v.set(phTier, s.tier)
	v.set(phHome, c.Home)
	v.set(phWorld, c.WorldName)
	v.set(phSpeaker, s.speaker)
	if len(s.recall.words) > 0 {
		v.set(phWords, s.recall.words[0])
	}
	if len(s.recall.others) > 0 {
		v.set(phMemory, selfAsMe(s.recall.others[0], name, s.firstName))
	}
	if s.topic.kind != topicNone && s.topic.kind != topicSelf {
		v.set(phTopic, s.topic.text)
	}
	var places []string
	for _, p := range c.Places {
		if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, strings.TrimSpace(c.Home)) {
			if _, bad := s.taboo.find(p); !bad {
				places = append(places, p)
			}
		}
	}
	if len(places) > 0 {
		v.set(phPlace, places[r.Intn(len(places))])
	}
	var remembered []string
	for _, n := range s.factNames {
		if _, bad := s.taboo.find(n); !bad && len(remembered) < 3 {
			remembered = append(remembered, n)
		}
	}
	if len(remembered) > 0 {
		v.set(phRemembered, remembered[r.Intn(len(remembered))])
	}
	// A value holding a taboo word is dropped, so lines needing it are skipped up front
	// rather than expanded and rejected.
	for p := range numPlaceholders {
		if _, bad := s.taboo.find(v.v[p]); bad && v.have&(1<<p) != 0 {
			v.v[p], v.have = "", v.have&^(1<<p)
		}
	}

	s.q[keyIntent] = string(s.intent)
	s.q[keyRole] = s.role
	s.q[keyArchetype] = s.archetype
	s.q[keyMood] = s.mood
	s.q[keyTier] = s.tier
	s.q[keySpeaker] = pickString(s.known, "known", "stranger")
	if s.known && s.speaker != "" {
		s.q[keySpeaker] = "named"
	}
	s.q[keyRemembered] = pickString(v.have&(1<<phRemembered) != 0, "yes", "no")
	s.q[keyTopic] = s.topic.kind
	return s
}

// selfAsMe turns the character's own name in a remembered fact into "me": the domain
// writes "Sela bought a compass from Jory", and Jory says "from me".
func selfAsMe(fact, name, first string) string {
	for _, n := range []string{name, first} {
		if n == "" {
			continue
		}
		f := strings.Fields(fact)
		nf := strings.Fields(n)
		for i := 1; i+len(nf) <= len(f); i++ {
			ok := true
			for j, w := range nf {
				if strings.TrimRight(f[i+j], ".,;:!?") != w {
					ok = false
					break
				}
			}
			if ok {
				tail := f[i+len(nf)-1][len(strings.TrimRight(f[i+len(nf)-1], ".,;:!?")):]
				f = append(append(f[:i:i], "me"+tail), f[i+len(nf):]...)
				return strings.Join(f, " ")
			}
		}
	}
	return fact
}

// expander returns an expander for this scene drawing from r.
func (s *scene) expander(g grammar, r *rng) *expander {
	x := &expander{g: g, r: r, vals: &s.vals, taboo: s.taboo, budget: 4000}
	x.ns[dimRole] = s.role
	x.ns[dimArchetype] = s.archetype
	x.ns[dimMood] = s.mood
	return x
}

// pickString returns yes when cond holds, else no.
func pickString(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}
