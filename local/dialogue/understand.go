package dialogue

import (
	"regexp"
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// understanding is what a line is, what it is about, and what the character knows that
// answers it.
type understanding struct {
	kind     Kind
	ents     []entity // the names it mentions, longest first
	subject  string   // what to echo back ("the Red War"), "" when nothing is safe to echo
	matches  []match  // the facts that answer it, best first
	service  *service // the service it asks for, if any
	question bool
	emotion  string // the mood the answer is said in
	// recalled is set when the names came from earlier lines ("tell me more about it").
	recalled bool
	// askWho is set when the line asks who would know ("do you know anyone who…").
	askWho bool
}

// Analysis is what the engine made of a line, for evaluations and tests.
type Analysis struct {
	// Kind is what the line is (greeting, place, threat…).
	Kind Kind
	// Subject is what the line is about, as the character would echo it; "" if nothing.
	Subject string
	// Emotion is the mood the character answers in: one of the pack moods.
	Emotion string
	// Facts are the sentences of knowledge that answer the line, best first.
	Facts []string
}

// Analyze returns what the engine makes of sc.Line: its kind, subject, the emotion of the
// answer and the facts it would draw on.
func (e *Engine) Analyze(sc *domain.Scene) Analysis {
	s := newScene(sc, requestSeed(domain.TaskDialogue, sc))
	k := buildKnowledge(sc, s)
	u := understand(s, k)
	a := Analysis{Kind: u.kind, Subject: u.subject, Emotion: u.emotion}
	for _, m := range u.matches {
		a.Facts = append(a.Facts, m.fact.say())
	}
	return a
}

// whoKnows ask for someone who would know.
var whoKnows = []string{"know anyone who", "anyone who could", "anyone who would", "who could tell me", "who would know",
	"who might know", "who knows about", "who can tell me", "someone who knows"}

// dangerCues mark a call for help as danger rather than a favour.
var dangerCues = []string{"after me", "chasing", "chased", "hide me", "following me", "followed", "save me", "save us",
	"scared", "afraid", "they're coming", "trouble", "hunting me", "kill me", "attack", "!"}

// homeWords point at where the character lives.
var homeWords = []string{"this town", "this place", "this city", "this village", "around here", "your town",
	"your village", "your city", "this port", "this harbour"}

// introPattern finds a player giving their name: "my name is Arin", "call me Arin",
// "I'm Arin" (a capitalised word, so "I'm tired" gives none).
var introPattern = regexp.MustCompile(`(?:\b[Mm]y name is|\b[Cc]all me|\b[Nn]ame's|^I'm|^I am|[.!,] I'm|[.!,] I am)\s+([A-Z][a-z'\-]+(?:\s[A-Z][a-z'\-]+)?)`)

// introducedName returns the name a line introduces, or "".
func introducedName(line string) string {
	if !strings.Contains(line, "name") && !strings.Contains(line, "I'm") && !strings.Contains(line, "I am") && !strings.Contains(line, "all me") {
		return ""
	}
	m := introPattern.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	n := m[1]
	if nameStopwords[strings.ToLower(strings.Fields(n)[0])] || titles[strings.ToLower(n)] {
		return ""
	}
	return n
}

// commandCues ask who commands.
var commandCues = []string{"in charge", "who commands", "who leads", "who's the boss", "who is the boss", "who runs the watch"}

// nameAsks ask the character's name.
var nameAsks = []string{"your name", "who are you", "who're you", "call you", "who might you be", "introduce yourself"}

// anaphora are words that point back at what was said before.
var anaphora = map[string]bool{
	"it": true, "that": true, "them": true, "him": true, "her": true, "more": true, "then": true,
	"there": true, "they": true, "he": true, "she": true, "this": true, "those": true,
}

// selfCues ask the character about itself.
var selfCues = []string{
	"who are you", "who're you", "your name", "yourself", "what do you do", "about you", "what are you",
	"your job", "who might you be", "introduce", "where are you from", "where do you come from",
	"how long have you", "your family", "your past", "your story", "your life", "have you ever",
	"did you ever", "were you", "are you from", "do you have", "how did you", "why did you", "your wife",
	"your husband", "your children", "your kids", "your father", "your mother", "your hammer",
	"your sword", "your scar", "your hand", "your fingers", "grew up", "born",
}

// understand reads the line of s against what the character knows.
func understand(s *scene, k *knowledge) understanding {
	sc := s.sc
	line := sc.Line
	if len(line) > maxClassify {
		line = line[:maxClassify]
	}
	low := strings.ToLower(strings.NewReplacer("\u2019", "'", "\u2018", "'").Replace(line))
	toks := tokenize(line)
	u := understanding{question: isQuestion(line, toks)}
	u.ents = k.mentioned(low)
	introName := introducedName(line)
	// The words of a name are no concept: "the Drowned Abbey" brings no bad news.
	hits := conceptHits(maskNames(toks, u.ents))
	if len(u.ents) == 0 && len(hits) == 0 && slices.ContainsFunc(homeWords, func(w string) bool { return containsWord(low, w) }) {
		// "What's this town like?" asks about home; "what's new around here?" does not.
		if h := strings.TrimSpace(sc.Character.Home); h != "" {
			u.ents = []entity{{name: h, low: strings.ToLower(h), category: "place"}}
		}
	}
	if len(u.ents) == 0 && len(sc.History) > 0 {
		for _, t := range toks {
			if anaphora[t.word] {
				u.ents, u.recalled = recentEntities(sc.History, k), true
				break
			}
		}
	}
	var names []string
	for _, e := range u.ents {
		names = append(names, e.name)
	}
	var stems []string
	for _, w := range contentStems(line) {
		if !slices.Contains(selfNames(sc.Character.Name), w) {
			stems = append(stems, w)
		}
	}
	u.matches = k.find(names, stems, nil)
	u.service = findService(toks, s.role)
	// A name counts only when this line says it: "tell me more" after talk of the carts
	// still wants orders, not the carts again.
	named := len(u.matches) > 0 && u.matches[0].name != "" && !u.recalled
	selfAsk := false
	for _, c := range selfCues {
		if strings.Contains(low, c) {
			selfAsk = true
		}
	}
	// Any question put to "you" is about the character unless something else claims it.
	selfQuestion := u.question && (containsWord(low, "you") || containsWord(low, "your") || containsWord(low, "yours"))
	loreFit := len(u.matches) > 0 && u.matches[0].fact.src != srcMemory
	strongLore := loreFit && u.matches[0].score >= 5

	u.subject = subjectOf(u, line, low, s)
	if len(u.ents) > 0 && u.subject != "" && (!strings.Contains(strings.ToLower(u.subject), u.ents[0].low) ||
		strings.Contains(strings.ToLower(u.subject), " of "+u.ents[0].low)) {
		// The line asks about something beyond the name it mentions: "the king of Aldera"
		// is no question about Aldera.
		u.ents, u.matches = nil, nil
	}
	u.askWho = slices.ContainsFunc(whoKnows, func(c string) bool { return strings.Contains(low, c) })
	first := Kind("")
	for _, kd := range kindPriority {
		if hits[kd] > 0 {
			first = kd
			break
		}
	}
	// Good and bad news in one line: the more of them wins, and "good news" says which.
	if hits[KindGoodNews] > 0 && hits[KindBadNews] > 0 {
		first = KindBadNews
		if hits[KindGoodNews] > hits[KindBadNews] || strings.Contains(low, "good news") || strings.Contains(low, "great news") {
			first = KindGoodNews
		}
	}
	// A bare sum ("I'll give you 5 gold") is haggling.
	if money.MatchString(line) && (first == "" || first == KindTrade || first == KindService) {
		first = KindBargain
	}
	_, tabooLine := s.taboo.findWord(line)
	switch {
	case s.ask != askNone:
		u.kind = KindMemory
	case strings.TrimSpace(line) == "":
		u.kind = KindGreeting
	case introName != "" && !strong(first):
		u.kind, u.subject = KindIntro, introName
	case tabooLine:
		u.kind = KindTaboo
	case first == "" && len(u.ents) == 0 && !strongLore && nonsense(line, toks):
		u.kind = KindNonsense
	case hits[KindSell] > 0 && hits[KindThreat] == 0 && hits[KindInjury] == 0 && hits[KindAccusation] == 0 && hits[KindInjection] == 0,
		hits[KindTrade] > 0 && strings.Contains(low, "to sell") && playerSells.MatchString(low):
		// "Will you buy this sword I found?" offers a sale; finding it is no news.
		u.kind = KindSell
	case first == KindSense && len(u.ents) == 0:
		u.kind = KindSense
	case first == KindTime && hits[KindService] == 0 && hits[KindTrade] == 0:
		// "Quiet morning at the gate?" passes the time; it asks no entry.
		u.kind = KindTime
	case confides(low, hits):
		// "Can you keep a secret? I'm the lost prince." tells a secret; it asks for none.
		u.kind = KindConfide
	case first == KindCrime && hits[KindThreat] == 0 && hits[KindInjury] == 0:
		u.kind = KindCrime
	case first == "" && u.question && safeAsk.MatchString(low):
		// "Is the Howling Pass safe this time of year?"
		u.kind = KindDanger
	case first == KindDanger && named && len(u.ents) > 0 && u.ents[0].category != "place" && u.matches[0].score >= 5:
		// "Is the Ashen Circle dangerous?" is answered by what the character knows of them.
		u.kind = entityKind(u.ents, u.matches)
	case first == KindOpinion || first == KindRuler || first == KindSell || first == KindDanger:
		u.kind = first
	case strong(first):
		u.kind = first
	case first == KindBargain || first == KindDirections:
		u.kind = first
	case !u.question && hits[KindFarewell] > 0:
		// "Goodnight, and thanks for the stew" takes leave; it does not order stew.
		u.kind = KindFarewell
	case !u.question && (hits[KindThanks] > 0 || hits[KindCompliment] > 0) && hits[KindYes] == 0:
		u.kind = KindThanks
		if hits[KindCompliment] > hits[KindThanks] {
			u.kind = KindCompliment
		}
	case roleQuestion(low, s.role):
		u.kind = KindSelf
	case u.question && (aboutMe(u.subject) || containsWord(low, "your")) && strongLore && u.matches[0].fact.src == srcLore &&
		(selfAsk || selfQuestion) && !named:
		// "Tell me about your ale" asks what the character knows, not for a mug.
		u.kind = KindSelf
	case u.service != nil && provides(u.service, s.role) && !named:
		u.kind = KindService
	case len(u.ents) > 0 && !u.recalled || named:
		u.kind = entityKind(u.ents, u.matches)
	case first == KindSecret:
		u.kind = KindSecret
	case s.captain && slices.ContainsFunc(commandCues, func(c string) bool { return strings.Contains(low, c) }):
		// "Who's in charge here?" asked of the captain: the captain is.
		u.kind = KindSelf
	case first == "" && !u.question && containsWord(low, "your") && strongLore:
		// "Your knee looks painful" remarks on what the lore knows.
		u.kind = KindSelf
	case u.askWho && !named:
		u.kind = KindTopic
	case selfAsk && !(u.service != nil && (first == KindService || first == KindTrade)):
		// "Do you have a bed free?" asks for a bed, not about the character.
		u.kind = KindSelf
	case u.recalled && len(u.ents) > 0 && first != KindService && first != KindQuest:
		u.kind = entityKind(u.ents, u.matches)
	case u.service != nil && (first == KindService || first == KindTrade || first == "") && !(u.question && u.subject != "" && !provides(u.service, s.role)):
		u.kind = KindService
	case u.question && loreFit && ((first == "" && u.matches[0].score >= 7) ||
		((first == KindRumor || first == KindSmallTalk) && u.matches[0].score >= 8)):
		u.kind = entityKind(nil, u.matches)
	case first != "":
		u.kind = first
	case u.question && u.subject != "" && !aboutMe(u.subject):
		// "Do you know anything about the Pale Tower?" asks about the tower, not the
		// character.
		u.kind = KindTopic
	case selfQuestion:
		u.kind = KindSelf
	case u.question:
		u.kind = KindTopic
	default:
		u.kind = KindUnknown
	}
	if u.kind == KindInjury && u.question && u.service != nil && u.service.name == "heal" && provides(u.service, s.role) {
		// "Do you have something for a fever?" asks the healer for a remedy.
		u.kind = KindService
	}
	if u.kind == KindService && u.service == nil {
		u.kind = KindTrade
	}
	if u.kind == KindService && !provides(u.service, s.role) && u.question && u.subject != "" {
		// "Tell me about the Sunken Library" asks about a thing, not for a scholar.
		u.kind = KindTopic
	}
	if u.kind == KindOpinion {
		u.reaim(opinionRest(line, low), s, k)
	}
	u.emotion = emotionFor(u.kind, s)
	if u.kind == KindHelp && !slices.ContainsFunc(dangerCues, func(c string) bool { return strings.Contains(low, c) }) {
		// "Can you help me?" asks a favour; only danger changes the mood.
		u.emotion = s.mood
	}
	return u
}

// confideCues open a confidence; asksSecret ask for the character's own.
var (
	confideCues = []string{"keep a secret", "between you and me", "between us", "don't tell anyone", "tell no one",
		"promise not to tell", "i have a secret", "i've a secret", "my secret", "i never told", "i've never told",
		"no one knows", "nobody knows", "confess", "a confession", "off the record", "just between"}
	asksSecret = []string{"tell me a secret", "tell me your", "your secret", "know any secret", "any secrets",
		"what are you hiding", "you hiding", "aren't you telling", "not telling me", "tell me something", "share a secret",
		"got a secret", "have a secret?", "you have any secret", "what secret"}
	playerOwn = regexp.MustCompile(`(?:^|[\s.,!?;])(?:i'm|i am|i was|i have|i've|i did|i stole|i killed|i lied|i took|i love|i saw|i'm not|my real|my name|i work|i serve|i belong)\b`)
)

// safeAsk asks whether somewhere is safe.
var safeAsk = regexp.MustCompile(`^(?:is|are|will|would)\b[^.?!]*\b(?:safe|dangerous|risky)\b`)

// playerSells finds the player offering goods: "I've got some venison to sell".
var playerSells = regexp.MustCompile(`\b(?:i've got|i have got|i have|i've|i got|i'm|i am)\b[^.?!]*\bto sell\b`)

// confides reports whether a line tells the character the player's own secret.
func confides(low string, hits map[Kind]int) bool {
	if hits[KindThreat] > 0 || hits[KindInjection] > 0 {
		return false
	}
	if !slices.ContainsFunc(confideCues, func(c string) bool { return strings.Contains(low, c) }) {
		return false
	}
	if slices.ContainsFunc(asksSecret, func(c string) bool { return strings.Contains(low, c) }) {
		return false
	}
	return playerOwn.MatchString(low) || strings.Contains(low, "can you keep") || strings.Contains(low, "i have a secret") ||
		strings.Contains(low, "i've a secret") || strings.Contains(low, "confess")
}

// opinionCues introduce what an opinion is asked of, longest first.
var opinionCues = []string{"what is your opinion of", "what's your opinion of", "what is your opinion on", "what's your opinion on",
	"what are your thoughts on", "what do you think about", "what do you think of", "what d'you think of", "what do you make of",
	"how do you feel about", "what is your take on", "what's your take on", "your opinion of", "your opinion on",
	"your thoughts on", "your view of", "your view on", "do you trust", "opinion of", "think of", "think about", "make of"}

// opinionRest returns what follows the line's opinion cue ("the king" of "what do you
// think of the king?"), or the line itself.
func opinionRest(line, low string) string {
	for _, c := range opinionCues {
		if i := strings.Index(low, c); i >= 0 && len(low) == len(line) {
			return strings.TrimSpace(line[i+len(c):])
		}
	}
	return line
}

// reaim points the understanding at rest, the part of the line that names what is asked
// about: its names, the facts that match them and the subject to echo.
func (u *understanding) reaim(rest string, s *scene, k *knowledge) {
	if rest == "" {
		return
	}
	lowRest := strings.ToLower(rest)
	v := *u
	v.ents, v.recalled = k.mentioned(lowRest), false
	var names []string
	for _, e := range v.ents {
		names = append(names, e.name)
	}
	v.matches = k.find(names, contentStems(rest), nil)
	v.subject = subjectOf(v, "Tell me about "+rest, "tell me about "+lowRest, s)
	if len(v.ents) == 0 && v.subject == "" {
		// "What do you think of them?" names nothing: the line as a whole says more.
		return
	}
	*u = v
}

// roleQuestion reports "are you the healer?": a line asking whether the character is
// what it is.
func roleQuestion(low, role string) bool {
	for _, a := range []string{"are you the ", "are you a ", "are you an ", "you the "} {
		if i := strings.Index(low, a); i >= 0 {
			rest := low[i+len(a):]
			if strings.HasPrefix(rest, role) || (role == "blacksmith" && strings.HasPrefix(rest, "smith")) {
				return true
			}
		}
	}
	return false
}

// aboutMe reports whether an echoed subject is the character's own ("my hammer", "that
// hammer of mine").
func aboutMe(subject string) bool {
	low := strings.ToLower(subject)
	return strings.HasPrefix(low, "my ") || containsWord(low, "mine") || containsWord(low, "myself")
}

// maskNames returns toks with the words of the mentioned names blanked.
func maskNames(toks []token, ents []entity) []token {
	if len(ents) == 0 {
		return toks
	}
	out := slices.Clone(toks)
	for _, e := range ents {
		words := tokenize(e.low)
		for i := 0; i+len(words) <= len(out); i++ {
			ok := len(words) > 0
			for j, w := range words {
				if out[i+j].word != w.word {
					ok = false
					break
				}
			}
			if ok {
				for j := range words {
					out[i+j].word = "_"
				}
			}
		}
	}
	return out
}

// strong kinds win over anything else a line also says: a wounded player asking for a
// room is answered as wounded.
func strong(k Kind) bool {
	switch k {
	case KindInjection, KindThreat, KindInjury, KindHelp, KindAccusation, KindBadNews, KindGoodNews,
		KindGift, KindRecruit, KindFlirt, KindInsult:
		return true
	}
	return false
}

// entityKind names the kind of a question about the first entity or fact.
func entityKind(ents []entity, ms []match) Kind {
	cat := ""
	if len(ents) > 0 {
		cat = ents[0].category
	}
	if cat == "" && len(ms) > 0 {
		cat = ms[0].fact.category
		if cat == "" && ms[0].fact.src == srcLore {
			return KindSelf
		}
	}
	switch cat {
	case "place":
		return KindPlace
	case "faction":
		return KindFaction
	case "person":
		return KindPerson
	case "history", "event":
		return KindHistory
	case "item":
		return KindItem
	case "tension":
		return KindRumor
	}
	if len(ms) > 0 && ms[0].fact.src == srcLore {
		return KindSelf
	}
	return KindTopic
}

// recentEntities returns the names the last few lines of history mention, newest first.
func recentEntities(h []domain.Line, k *knowledge) []entity {
	for i := len(h) - 1; i >= 0 && i >= len(h)-4; i-- {
		if es := k.mentioned(strings.ToLower(h[i].Text)); len(es) > 0 {
			return es
		}
	}
	return nil
}

// subjectOf is what the answer may echo: a known name as the line wrote it (with "the"
// when the line has it), or a short noun phrase after "about", in the character's view.
// Anything else is not echoed, which is how a phrase never lands in a slot it breaks.
func subjectOf(u understanding, line, low string, s *scene) string {
	if len(u.ents) > 0 {
		e := u.ents[0]
		name := e.name
		text := low
		if u.recalled {
			var b strings.Builder
			for _, l := range s.sc.History {
				b.WriteString(strings.ToLower(l.Text) + " ")
			}
			text = b.String()
		}
		if !strings.HasPrefix(e.low, "the ") && containsWord(text, "the "+e.low) {
			name = "the " + name
		}
		// "Who is the king of Aldera?" asks about the king, not Aldera: the longer phrase
		// is the subject when the character knows nothing of its head.
		if p := phraseAfterMarker(line); p != "" && countWords(p) <= 4 && countWords(p) > countWords(name) &&
			strings.HasPrefix(strings.ToLower(p), strings.ToLower(name)+" ") && !strings.ContainsAny(p, ",;") {
			// "the Ravenmoor witches" says more than "the Ravenmoor".
			if _, bad := s.taboo.find(p); !bad {
				return p
			}
		}
		if p := phraseAfterMarker(line); p != "" && strings.Contains(strings.ToLower(p), " of "+e.low) {
			head := strings.Fields(strings.TrimPrefix(strings.ToLower(p), "the "))[0]
			if !slices.ContainsFunc(u.matches, func(m match) bool { return slices.Contains(m.fact.words, stem(head)) }) {
				if _, bad := s.taboo.find(p); !bad && countWords(p) <= 6 {
					return p
				}
			}
		}
		if _, bad := s.taboo.find(name); !bad {
			return name
		}
		return ""
	}
	p := phraseAfterMarker(line)
	if p == "" {
		// A name the character has never heard of ("Who rules Myrren?") is still echoed.
		for _, n := range lineNames(line) {
			nl := strings.ToLower(n)
			if !slices.Contains(selfNames(s.sc.Character.Name), nl) && !genericSpeakers[nl] && !titles[nl] && !nameStopwords[nl] {
				if _, bad := s.taboo.find(n); !bad {
					if containsWord(low, "the "+nl) {
						return "the " + n
					}
					return n
				}
			}
		}
		return ""
	}
	p = secondPerson(p)
	f := strings.Fields(p)
	if len(f) > 0 && leadingPrepositions[strings.ToLower(f[0])] {
		// "Who's behind it?" names no "behind".
		return ""
	}
	// Cut at the first word that cannot be inside a noun phrase, then trim trailing
	// function words: "the old mine to" becomes "the old mine".
	for i, w := range f {
		if breaksNoun[strings.ToLower(w)] {
			f = f[:i]
			break
		}
	}
	for len(f) > 0 && stopwords[strings.ToLower(f[len(f)-1])] && !nounOK[strings.ToLower(f[len(f)-1])] {
		f = f[:len(f)-1]
	}
	if len(f) == 0 || len(f) > 4 {
		return ""
	}
	for _, w := range f {
		for _, r := range w {
			if !isWordRune(r) && r != '-' {
				return ""
			}
		}
	}
	out := strings.Join(f, " ")
	lowOut := strings.ToLower(out)
	if lowOut == "me" || lowOut == "you" || lowOut == "it" || lowOut == "that" || lowOut == "this" || lowOut == "myself" {
		return ""
	}
	if _, bad := s.taboo.find(out); bad {
		return ""
	}
	return out
}

// lineNames finds the names of a player's line: every sentence of it starts with a
// capital, so a sentence's first word counts only as part of a longer name.
func lineNames(line string) []string {
	var out []string
	for _, sentence := range splitSentences(line) {
		f := strings.Fields(sentence)
		if len(f) < 2 {
			continue
		}
		for _, n := range loreNames(strings.Join(f[1:], " ")) {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// breaksNoun are words that end a noun phrase.
var breaksNoun = map[string]bool{
	"to": true, "is": true, "are": true, "was": true, "were": true, "for": true, "and": true, "or": true,
	"but": true, "with": true, "from": true, "that": true, "which": true, "who": true, "if": true,
	"because": true, "so": true, "do": true, "does": true, "did": true, "can": true, "will": true,
	"would": true, "should": true, "could": true, "has": true, "have": true, "had": true, "at": true,
	"in": true, "on": true, "by": true, "when": true, "where": true, "why": true, "how": true, "than": true,
	"then": true, "please": true, "again": true, "lately": true, "now": true, "here": true, "there": true,
}

// leadingPrepositions cannot open a noun phrase.
var leadingPrepositions = map[string]bool{
	"behind": true, "beyond": true, "under": true, "over": true, "into": true, "through": true, "near": true,
	"around": true, "after": true, "before": true, "up": true, "down": true, "out": true, "off": true,
	"like": true, "with": true, "without": true, "against": true, "between": true, "among": true,
	"going": true, "doing": true, "happening": true, "wrong": true, "new": true, "up?": true,
}

// nounOK are stopwords that can end a noun phrase.
var nounOK = map[string]bool{"way": true, "thing": true, "things": true, "one": true}

// emotionFor infers the mood an answer is said in from the line's kind and the
// character's own mood and archetype. A neutral character is moved by what it hears:
// pleasant news and gifts cheer it, insults anger it, grave news saddens it. A character
// already in a mood mostly stays in it (an angry smith thanked is still gruff), but a
// threat angers the bold and frightens the cheerful, and grave news saddens the cheerful.
func emotionFor(k Kind, s *scene) string {
	base := s.mood
	bold := slices.Contains([]string{"guard", "mercenary", "hunter", "noble", "blacksmith"}, s.role) ||
		slices.Contains([]string{"hero", "ruler", "outlaw", "zealot", "skeptic"}, s.archetype)
	positive := base == "calm" || base == "cheerful" || base == "excited"
	jester := s.archetype == "jester" || s.archetype == "trickster"
	switch k {
	case KindThreat:
		switch {
		case bold && base != "fearful":
			return "angry"
		case positive:
			return "fearful"
		}
	case KindInsult:
		switch {
		case base == "calm" && jester:
			return "cheerful"
		case base == "calm" || base == "suspicious" || base == "tired":
			return "angry"
		}
	case KindAccusation:
		if base == "calm" {
			if jester || s.archetype == "outlaw" || s.role == "thief" {
				return "suspicious"
			}
			return "angry"
		}
	case KindBadNews:
		// Grave news saddens anyone not already angry or afraid.
		if base != "angry" && base != "fearful" {
			return "sad"
		}
	case KindGoodNews:
		if base == "calm" || base == "suspicious" || base == "tired" {
			return "cheerful"
		}
	case KindGift, KindCompliment, KindThanks:
		if base == "calm" {
			return "cheerful"
		}
	case KindFlirt:
		if base == "calm" {
			if s.archetype == "skeptic" || s.archetype == "ruler" {
				return "suspicious"
			}
			return "cheerful"
		}
	case KindSecret, KindInjection:
		if base == "calm" {
			return "suspicious"
		}
	case KindInjury, KindHelp:
		if positive && !(bold || s.role == "healer" || s.archetype == "caregiver" || s.archetype == "mentor") {
			return "fearful"
		}
		if positive {
			return "calm"
		}
	}
	return base
}
