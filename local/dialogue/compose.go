package dialogue

import (
	"slices"
	"strings"
	"unicode"
)

// legacyIntent maps a kind onto the intent of the Valve-style rules, which still answer
// the kinds they always did (greetings, farewells, trade, work, insults…) and anything
// the kind-specific lines cannot.
var legacyIntent = map[Kind]Intent{
	KindGreeting: IntentGreeting, KindFarewell: IntentFarewell, KindThanks: IntentThanks,
	KindCompliment: IntentCompliment, KindTrade: IntentTrade, KindBargain: IntentTrade,
	KindService: IntentTrade, KindQuest: IntentQuest, KindRumor: IntentRumor, KindInsult: IntentInsult,
	KindThreat: IntentThreat, KindAccusation: IntentInsult, KindGift: IntentThanks,
	KindSmallTalk: IntentGreeting, KindWeather: IntentGreeting, KindHelp: IntentQuest,
}

// ruleKinds are answered by the rules first: their lines were written for them.
var ruleKinds = map[Kind]bool{
	KindFarewell: true, KindThanks: true, KindCompliment: true, KindTrade: true, KindQuest: true,
	KindInsult: true, KindThreat: true,
}

// reply is the main line and, for longer answers, the sentences that best continue it.
type reply struct {
	main part
	more []string
}

// symbolsFor returns the symbols that may word name for this character, most specific
// first: a captain's own, its role's, its archetype's, then the common one.
func (s *scene) symbolsFor(g grammar, name string) []string {
	var out []string
	cands := []string{s.role + ":" + name, s.archetype + ":" + name, "talk:" + name}
	if s.captain {
		cands = append([]string{"captain:" + name}, cands...)
	}
	for _, c := range cands {
		if g[c] != nil {
			out = append(out, c)
		}
	}
	return out
}

// talk composes the main line for the kind of the line, or returns an empty part when
// the rules should answer.
func (e *Engine) talk(s *scene, u *understanding, k *knowledge, r *rng, avoid *avoidSet) reply {
	sc := s.sc
	v := &s.vals
	if u.subject != "" {
		v.set(phSubject, u.subject)
	}
	v.set(phKnower, s.knower(u, r))
	pick := func(names ...string) part {
		var syms []string
		for _, n := range names {
			syms = append(syms, s.symbolsFor(e.g, n)...)
		}
		return e.pick(s, r, syms, avoid)
	}
	follow := func(rp reply) reply {
		if f := pick("follow-" + string(u.kind)); f.text != "" {
			rp.more = append(rp.more, f.text)
		}
		return rp
	}

	switch u.kind {
	case KindGreeting:
		if len(sc.History) == 0 && len(sc.Said) == 0 {
			if fm := firstMessage(s); fm != "" {
				return reply{main: part{fm, "first-message"}}
			}
		}
		return reply{}
	case KindPlace, KindFaction, KindPerson, KindHistory, KindItem, KindTopic, KindSelf, KindSecret:
		return e.loreReply(s, u, k, r, avoid, pick)
	case KindRumor:
		if f := rumorFact(k, r); f != nil {
			setFact(v, f)
			return follow(reply{main: pick("rumor-fact")})
		}
		return reply{}
	case KindDirections:
		main := e.directions(s, u, k, pick)
		if !strings.HasSuffix(main.from, ":directions") && !strings.HasSuffix(main.from, ":directions-unknown") {
			// "Watch for bandits on the way" fits a road, not a street in town.
			return reply{main: main}
		}
		return follow(reply{main: main})
	case KindService:
		sv := u.service
		if provides(sv, s.role) {
			// "A new breastplate" and "shoe my horse" are forge work of their own.
			low := strings.ToLower(sc.Line)
			if sv.name == "forge" && containsAnyWord(low, "breastplate", "armour", "armor", "mail", "chainmail", "plate", "helm", "helmet", "gauntlets", "greaves", "hauberk") {
				return follow(reply{main: pick("svc-forge-armour", "svc-forge")})
			}
			if sv.name == "forge" && (containsAnyWord(low, "shoe", "shod", "horseshoe", "horseshoes") && containsAnyWord(low, "horse", "mare", "pony", "mule", "horseshoe", "horseshoes")) {
				return follow(reply{main: pick("svc-forge-shoe", "svc-forge")})
			}
			return follow(reply{main: pick("svc-" + sv.name)})
		}
		v.set(phProvider, sv.provider)
		return reply{main: pick("not-my-trade")}
	case KindYes, KindNo:
		return reply{main: e.rejoinder(s, u.kind, pick)}
	case KindConfide:
		// The player's secret gets a reaction to it, never the character's own.
		if playerOwn.MatchString(strings.ToLower(sc.Line)) {
			return follow(reply{main: pick("confide")})
		}
		return reply{main: pick("confide-ask")}
	case KindOpinion:
		return follow(e.opinion(s, u, k, avoid, pick))
	case KindRuler:
		rp := e.ruler(s, u, k, avoid, pick)
		if rp.main.from == "" || strings.HasSuffix(rp.main.from, "ruler-own") {
			// "I'm the captain of the watch" needs no "stay on their good side".
			return rp
		}
		return follow(rp)
	case KindDanger:
		if f := factWith(s, u, k, avoid, dangerWords, false); f != nil {
			setFact(v, f)
			return follow(reply{main: pick("danger-fact")})
		}
		return follow(reply{main: pick("danger")})
	case KindTime:
		low := strings.ToLower(sc.Line)
		if containsAnyWord(low, "morning", "dawn", "early", "sunrise", "breakfast") {
			return reply{main: pick("time-morning", "time")}
		}
		return reply{main: pick("time")}
	case KindCrime, KindSell:
		return follow(reply{main: pick(string(u.kind))})
	case KindSense:
		if containsAnyWord(strings.ToLower(sc.Line), "noise", "sound", "racket", "banging", "clanging", "shouting", "singing", "music") {
			return reply{main: pick("sense-noise", "sense")}
		}
		return reply{main: pick("sense")}
	case KindUnknown:
		// A statement the character cannot place gets an acknowledgement that invites
		// more, not "I don't follow": the player said something, and it listens.
		if !u.question && countWords(sc.Line) >= 3 {
			if p := pick("acknowledge"); p.text != "" {
				return reply{main: p}
			}
		}
		return reply{}
	case KindMemory:
		return reply{}
	case KindQuest:
		// Work is offered by what the character does, not by its temperament.
		return reply{main: e.pick(s, r, []string{s.role + ":quest", "common:quest"}, avoid)}
	case KindTaboo:
		return reply{main: pick("taboo")}
	case KindIntro:
		// The name is the player's own words: said back only when it reads as a name.
		if _, bad := s.taboo.find(u.subject); !bad {
			v.set(phSpeaker, u.subject)
		}
		return reply{main: pick("intro")}
	}
	if ruleKinds[u.kind] {
		return reply{}
	}
	main := pick(string(u.kind))
	if main.text == "" {
		return reply{}
	}
	rp := follow(reply{main: main})
	if u.kind == KindBadNews || u.kind == KindGoodNews {
		// News that touches what the character knows gets what it knows.
		if len(u.matches) > 0 && u.matches[0].score >= 10 {
			rp.more = append([]string{u.matches[0].fact.say()}, rp.more...)
		}
	}
	return rp
}

// loreReply answers a question about a name, the past, the character itself or a
// secret from the facts that match it, or names who might know.
func (e *Engine) loreReply(s *scene, u *understanding, k *knowledge, r *rng, avoid *avoidSet, pick func(...string) part) reply {
	v := &s.vals
	var usable, said []*fact
	for _, m := range u.matches {
		if m.fact.src == srcMemory {
			continue
		}
		if u.kind == KindSelf && m.fact.src != srcLore {
			continue
		}
		if avoid.has(m.fact.say()) {
			said = append(said, m.fact)
			continue
		}
		usable = append(usable, m.fact)
	}
	if len(u.matches) > 0 && len(said) > 0 && said[0] == u.matches[0].fact && (len(usable) == 0 || bestScore(u.matches, usable[0]) < u.matches[0].score-2) {
		// Asked again about what it already told, the character tells it again rather
		// than answer with something beside the point.
		usable = append([]*fact{said[0]}, usable...)
	}
	if u.kind == KindSelf {
		// A plain "who are you?" gets the introduction and the first thing its lore says.
		introSyms := []string{"self-intro"}
		if s.tier == "master" {
			introSyms = []string{"self-intro-master", "self-intro"}
		}
		intro := e.pick(s, r, introSyms, avoid)
		var selfFacts []*fact
		for i := range k.facts {
			if f := &k.facts[i]; f.src == srcLore && f.first != "" {
				selfFacts = append(selfFacts, f)
			}
		}
		low := strings.ToLower(s.sc.Line)
		if jobAsk(low) {
			if p := pick("self-job"); p.text != "" {
				return reply{main: p}
			}
		}
		if len(usable) > 0 && len(u.matches) > 0 && u.matches[0].score >= 3 && !slices.ContainsFunc(nameAsks, func(a string) bool { return strings.Contains(low, a) }) {
			setFact(v, usable[0])
			// A question gets "Fair question."; a remark ("your knee looks painful") does not.
			rp := reply{main: pick(map[bool]string{true: "self-fact", false: "self-remark"}[u.question], "self-fact")}
			for _, f := range usable[1:] {
				rp.more = append(rp.more, f.say())
			}
			return rp
		}
		if p := e.selfLack(s, u, low, pick); p.text != "" {
			return reply{main: p}
		}
		rp := reply{main: intro}
		for _, f := range selfFacts {
			if !avoid.has(f.say()) {
				if rp.main.text == "" {
					rp.main = part{f.say(), "lore"}
				} else {
					rp.main.text += " " + f.say()
				}
				break
			}
		}
		return rp
	}
	if u.kind == KindSecret {
		// A secret is what the character's knowledge marks as hidden, feared or owed,
		// whatever the line's words matched.
		var hidden []*fact
		for i := range k.facts {
			f := &k.facts[i]
			if f.src == srcMemory || avoid.has(f.say()) {
				continue
			}
			if f.category == "tension" || containsAnyWord(strings.ToLower(f.text), secretWords...) {
				hidden = append(hidden, f)
			}
		}
		if len(hidden) == 0 {
			// Told before is still better than nothing: the character repeats its confidence.
			for i := range k.facts {
				f := &k.facts[i]
				if f.src != srcMemory && (f.category == "tension" || containsAnyWord(strings.ToLower(f.text), secretWords...)) {
					hidden = append(hidden, f)
				}
			}
		}
		if len(hidden) == 0 {
			return reply{main: pick("secret")}
		}
		usable = hidden
	}
	if u.kind != KindSecret {
		// A fact sharing one ordinary word with the line is no answer to it: "who rules
		// Myrren?" is not answered by who rules Saltmere.
		// Without a name in the line, one shared word of substance ("the king") is enough.
		least := 5
		if len(u.ents) == 0 && strings.ToLower(u.subject) == u.subject {
			least = 3
		}
		usable = slices.DeleteFunc(usable, func(f *fact) bool { return bestScore(u.matches, f) < least })
	}
	if u.askWho && (len(usable) == 0 || bestScore(u.matches, usable[0]) < 8) {
		usable = nil
	}
	if len(usable) == 0 {
		return reply{main: e.unknownTopic(s, u, k, pick)}
	}
	best := usable[0]
	setFact(v, best)
	var main part
	switch {
	case u.kind == KindSecret:
		main = pick("secret-fact")
	case u.subject != "" && best.first != "":
		main = pick("lore-own", "lore")
	case u.subject != "":
		main = pick("lore-heard", "lore")
	default:
		main = pick("lore-plain")
	}
	rp := reply{main: main}
	for _, f := range usable[1:] {
		if f != best && len(rp.more) < 2 {
			rp.more = append(rp.more, f.say())
		}
	}
	if f := pick("follow-" + string(u.kind)); f.text != "" {
		rp.more = append(rp.more, f.text)
	}
	return rp
}

// dangerWords mark a fact as news of danger on the roads or about.
var dangerWords = []string{"bandit", "bandits", "wolves", "wolf", "monster", "monsters", "pirates", "pirate", "raid", "raids",
	"raiders", "missing", "vanished", "attack", "attacked", "attacks", "beast", "beasts", "haunted", "danger", "dangerous",
	"thieves", "trolls", "undead", "ambush", "ambushed", "wreckers", "brigands", "outlaws"}

// newsWords mark a fact as something that happened, fit to pass on as news: "the council
// has doubled the tax", not "the vale is a river valley".
var newsWords = append([]string{"doubled", "raised", "blame", "blames", "at odds", "refusing", "refuse", "arrived",
	"seized", "arrested", "hanged", "fled", "burned", "sank", "signed", "ended", "began", "banned", "disappeared",
	"talk of", "rumour", "rumor", "whisper", "whispers", "feud", "quarrel", "marching", "strike", "shortage",
	"plague", "fever", "sick"}, dangerWords...)

// rulerWords mark a fact as saying who rules or keeps order.
var rulerWords = []string{"rule", "rules", "ruled", "ruler", "govern", "governs", "governor", "lord", "lords", "king", "queen",
	"council", "mayor", "baron", "duke", "magistrate", "in charge", "command", "commands", "reeve", "elder", "elders",
	"captain", "prince", "princess", "regent", "law"}

// ownRulerWords mark the character's own lore as saying it keeps order itself.
var ownRulerWords = []string{"captain", "commander", "command", "commands", "in charge", "mayor", "magistrate", "reeve",
	"governor", "sheriff", "marshal", "warden", "rule", "rules", "govern", "governs", "lord of", "lady of"}

// factWith returns the best fact of the line's matches, else of all the character's
// knowledge, that holds one of words; nil when none does.
func factWith(s *scene, u *understanding, k *knowledge, avoid *avoidSet, words []string, own bool) *fact {
	has := func(f *fact) bool {
		return f.src != srcMemory && (f.src != srcLore || own) && !avoid.has(f.say()) && containsAnyWord(strings.ToLower(f.text), words...)
	}
	for _, m := range u.matches {
		if m.score >= 3 && has(m.fact) {
			return m.fact
		}
	}
	if len(u.ents) > 0 {
		// A question about a named place is answered about that place or not at all.
		return nil
	}
	for _, src := range []int{srcLorebook, srcWorld, srcLore} {
		for i := range k.facts {
			// Beyond what the line named, the character's own lore answers only when it is
			// about itself and asked for (the captain keeps order); "I hunted pirates" is no
			// news of monsters in the hills.
			if f := &k.facts[i]; f.src == src && has(f) && (src != srcLore || (own && f.first != "")) {
				return f
			}
		}
	}
	return nil
}

// opinion answers "what do you think of X?": what the character knows of X said as its
// view, else a view coloured by its role, else honest ignorance naming who might know.
func (e *Engine) opinion(s *scene, u *understanding, k *knowledge, avoid *avoidSet, pick func(...string) part) reply {
	least := 5
	if len(u.ents) == 0 {
		least = 3
	}
	for _, m := range u.matches {
		if m.fact.src == srcMemory || m.score < least || avoid.has(m.fact.say()) {
			continue
		}
		setFact(&s.vals, m.fact)
		if u.subject != "" {
			return reply{main: pick("opinion-fact")}
		}
		return reply{main: pick("opinion-fact-bare")}
	}
	if u.subject != "" {
		return reply{main: pick("opinion-none")}
	}
	return reply{main: pick("opinion-bare")}
}

// ruler answers who rules or keeps order: what the world or lore says, else the watch.
func (e *Engine) ruler(s *scene, u *understanding, k *knowledge, avoid *avoidSet, pick func(...string) part) reply {
	home := strings.TrimSpace(s.sc.Character.Home)
	if len(u.ents) == 0 && u.subject != "" && hasCapital(u.subject) && !strings.EqualFold(strings.TrimPrefix(u.subject, "the "), home) {
		// "Who governs Myrren?" of a place the character has never heard of.
		return reply{main: pick("ruler-elsewhere")}
	}
	if len(u.ents) > 0 && u.ents[0].category == "place" && !strings.EqualFold(u.ents[0].name, home) &&
		!slices.ContainsFunc(u.matches, func(m match) bool {
			return m.score >= 5 && containsAnyWord(strings.ToLower(m.fact.text), rulerWords...)
		}) {
		return reply{main: pick("ruler-elsewhere")}
	}
	for i := range k.facts {
		// The character's own lore says it keeps order: "I'm the captain of the watch."
		if f := &k.facts[i]; f.src == srcLore && f.first != "" && !avoid.has(f.say()) && containsAnyWord(strings.ToLower(f.text), ownRulerWords...) {
			setFact(&s.vals, f)
			return reply{main: pick("ruler-own", "ruler-fact")}
		}
	}
	wide := *u
	if len(u.ents) > 0 && strings.EqualFold(u.ents[0].name, home) {
		// "Who holds power in Kettlebrook?" of home: whatever the world says of who rules.
		wide.ents = nil
	}
	if f := factWith(s, &wide, k, avoid, rulerWords, false); f != nil {
		setFact(&s.vals, f)
		low := strings.ToLower(f.text)
		if home == "" || containsWord(low, strings.ToLower(home)) || len(u.ents) > 0 && containsWord(low, u.ents[0].low) {
			return reply{main: pick("ruler-fact")}
		}
		// The world says who rules somewhere else: the watch keeps order here, and the
		// world's word follows.
		if p := pick("ruler"); p.text != "" {
			return reply{main: p, more: []string{f.say()}}
		}
		return reply{main: pick("ruler-fact")}
	}
	return reply{main: pick("ruler")}
}

// jobAsk reports "do you like your job?": a question about how the character feels
// about its work, which its lore rarely answers and its role always can.
func jobAsk(low string) bool {
	for _, c := range []string{"like your job", "like your work", "enjoy your work", "enjoy your job", "like being a", "enjoy being",
		"love your job", "love your work", "like what you do", "happy in your work", "happy with your work"} {
		if strings.Contains(low, c) {
			return true
		}
	}
	return false
}

// spouseWords and kinWords are the family a line may ask the character about.
var (
	spouseWords = []string{"husband", "wife", "children", "kids", "son", "daughter", "sweetheart", "spouse", "wives", "sons", "daughters", "child"}
	kinWords    = []string{"father", "mother", "brother", "sister", "parents", "brothers", "sisters", "da", "ma", "pa", "grandfather", "grandmother"}
)

// selfLack answers a question about the character that its lore says nothing of: a
// husband it has not got, its age, where it is from, its family, "your scar". It is
// honest rather than a name card; "" when the line asks nothing of the kind.
func (e *Engine) selfLack(s *scene, u *understanding, low string, pick func(...string) part) part {
	if slices.ContainsFunc(nameAsks, func(a string) bool { return strings.Contains(low, a) }) {
		return part{}
	}
	v := &s.vals
	setSubject := func(w string) {
		v.v[phSubject], v.have = "", v.have&^(1<<phSubject)
		v.set(phSubject, w)
	}
	if containsWord(low, "your") || containsWord(low, "you") {
		for _, w := range spouseWords {
			if containsWord(low, w) {
				if w == "child" {
					w = "children"
				}
				setSubject(w)
				return pick("self-none")
			}
		}
		for _, w := range kinWords {
			if containsWord(low, w) {
				setSubject(w)
				return pick("self-kin")
			}
		}
	}
	switch {
	case containsWord(low, "married") || containsWord(low, "wed") || containsWord(low, "betrothed"):
		return pick("self-unwed")
	case jobAsk(low):
		return pick("self-job")
	case strings.Contains(low, "lived here") || strings.Contains(low, "live here") || strings.Contains(low, "been here long") ||
		strings.Contains(low, "have you lived") || strings.Contains(low, "you lived in") || strings.Contains(low, "in these parts") ||
		strings.Contains(low, "been here") && strings.Contains(low, "how long"):
		return pick("self-origin")
	case containsWord(low, "family") || containsWord(low, "relatives") || containsWord(low, "kin"):
		return pick("self-family")
	case strings.Contains(low, "how old") || strings.Contains(low, "your age"):
		return pick("self-age")
	case strings.Contains(low, "where are you from") || strings.Contains(low, "where do you come from") ||
		strings.Contains(low, "where were you born") || strings.Contains(low, "grew up") || strings.Contains(low, "grow up") ||
		strings.Contains(low, "are you from") || strings.Contains(low, "were you raised") || strings.Contains(low, "your hometown"):
		return pick("self-origin")
	case u.subject != "" && strings.HasPrefix(strings.ToLower(u.subject), "my "):
		return pick("self-lack")
	}
	return part{}
}

// secretWords mark a fact as something told in confidence.
var secretWords = []string{"secret", "secretly", "hidden", "hides", "nobody knows", "no one knows", "suspect",
	"suspects", "worries", "fears", "owe", "owes", "debt", "smuggler", "smuggling", "stole", "never told"}

// bestScore returns the score of f among ms.
func bestScore(ms []match, f *fact) int {
	for _, m := range ms {
		if m.fact == f {
			return m.score
		}
	}
	return 0
}

// unknownTopic is the honest answer to a question the character has nothing on: it says
// so and names who might know.
func (e *Engine) unknownTopic(s *scene, u *understanding, k *knowledge, pick func(...string) part) part {
	if len(u.ents) > 0 {
		en := u.ents[0]
		switch {
		case strings.EqualFold(en.name, strings.TrimSpace(s.sc.Character.Home)):
			return pick("home")
		case en.knower:
			return pick("knower-bare")
		case en.category == "world":
			return pick("world-bare")
		case en.category == "place":
			return pick("place-bare")
		}
	}
	if u.subject != "" {
		return pick("unknown-topic")
	}
	return pick("unknown-any")
}

// directions answers the way to a place: a place of the world by the road out of home, a
// place in town by the square, an unknown one by who might know.
func (e *Engine) directions(s *scene, u *understanding, k *knowledge, pick func(...string) part) part {
	if len(u.ents) > 0 && u.ents[0].category == "place" {
		if strings.EqualFold(u.ents[0].name, strings.TrimSpace(s.sc.Character.Home)) {
			return pick("directions-home")
		}
		return pick("directions")
	}
	low := strings.ToLower(s.sc.Line)
	if u.subject != "" && knownPerson(s, u.subject) {
		// "Where can I find the Reeve?" of someone the character knows of: where such
		// people are found, not "I don't know the way".
		return pick("directions-person")
	}
	if u.subject != "" && len(u.ents) == 0 && hasCapital(strings.TrimPrefix(u.subject, "the ")) {
		// "Where is the Temple of Ash?": a name the character has never heard of gets no
		// invented street, only who might know.
		return pick("directions-unknown")
	}
	for _, w := range townWords {
		if containsWord(low, w) || containsWord(low, w+"s") {
			if u.subject == "" || !strings.Contains(strings.ToLower(u.subject), w) {
				s.vals.v[phSubject], s.vals.have = "", s.vals.have&^(1<<phSubject)
				s.vals.set(phSubject, "the "+w)
			}
			return pick("directions-town")
		}
	}
	if u.subject != "" {
		return pick("directions-unknown")
	}
	return pick("directions-vague")
}

// knownPerson reports whether subject names one of the scene's knowers or a person of
// the character's lore ("the Reeve" of "Reeve Osric").
func knownPerson(s *scene, subject string) bool {
	sub := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(subject, "the "), "The "))
	if sub == "" {
		return false
	}
	names := slices.Clone(s.sc.Knowers)
	for _, n := range loreNames(s.sc.Character.Lore) {
		names = append(names, n)
	}
	for _, n := range names {
		if containsWord(strings.ToLower(n), sub) && !strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(s.sc.Character.Home)) {
			for _, p := range s.sc.Character.Places {
				if strings.EqualFold(strings.TrimSpace(p), n) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// hasCapital reports whether s holds a capitalised word: a name.
func hasCapital(s string) bool {
	for _, w := range strings.Fields(s) {
		if r := []rune(w); len(r) > 0 && unicode.IsUpper(r[0]) {
			return true
		}
	}
	return false
}

// townWords are places found in any town, which a character can point to without lore.
var townWords = []string{"customs house", "watch house", "guild hall", "town hall", "inn", "tavern", "smith",
	"blacksmith", "smithy", "forge", "temple", "market", "healer", "barracks", "garrison", "gate", "square",
	"shop", "stable", "docks", "harbour", "harbor", "well", "mill", "church", "chapel", "guard post",
	"apothecary", "bakery", "baker", "butcher", "tailor", "library", "graveyard", "cemetery", "bridge",
	"lighthouse", "shrine", "hall", "stall", "jail", "prison", "house"}

// rejoinder answers "yes" or "no" against the character's last line, as AIML's <that>:
// agreeing to a room the innkeeper offered gets the key.
func (e *Engine) rejoinder(s *scene, k Kind, pick func(...string) part) part {
	h := s.sc.History
	name := strings.ToLower(strings.TrimSpace(s.sc.Character.Name))
	for i := len(h) - 1; i >= 0 && i >= len(h)-3; i-- {
		if strings.ToLower(strings.TrimSpace(h[i].Speaker)) != name {
			continue
		}
		if sv := findService(tokenize(h[i].Text), s.role); sv != nil && provides(sv, s.role) {
			if k == KindYes {
				if p := pick("svc-" + sv.name + "-yes"); p.text != "" {
					return p
				}
			}
		}
		break
	}
	return pick(string(k))
}

// knower picks who might know what the character does not: a knower of the world that
// is not what was asked about, else someone of its home, else a role.
func (s *scene) knower(u *understanding, r *rng) string {
	var cands []string
	for _, kn := range s.sc.Knowers {
		kn = strings.TrimSpace(kn)
		if kn == "" {
			continue
		}
		if _, bad := s.taboo.find(kn); bad {
			continue
		}
		if u.subject != "" && strings.Contains(strings.ToLower(kn), strings.ToLower(strings.TrimPrefix(u.subject, "the "))) {
			continue
		}
		cands = append(cands, kn)
	}
	if len(cands) > 0 {
		return cands[r.Intn(len(cands))]
	}
	home := strings.TrimSpace(s.sc.Character.Home)
	if _, bad := s.taboo.find(home); bad {
		home = ""
	}
	var out []string
	if home != "" {
		for _, who := range []string{"the scribes in ", "the old-timers in ", "the carters who pass through "} {
			out = append(out, who+home)
		}
	}
	if s.role != "scholar" {
		out = append(out, "a scholar")
	}
	out = append(out, "a well-travelled merchant")
	return out[r.Intn(len(out))]
}

// setFact fills the fact placeholders from f.
func setFact(v *values, f *fact) {
	v.v[phFact], v.have = "", v.have&^(1<<phFact|1<<phFactLow)
	v.set(phFact, f.say())
	if f.first == "" {
		if lowered, ok := lowerFirst(f.text); ok {
			v.set(phFactLow, lowered)
		}
	}
}

// lowerFirst lower-cases the first word of a sentence when it is an ordinary word, so the
// sentence can follow "they say"; names and "I" keep their capital.
func lowerFirst(s string) (string, bool) {
	f := strings.SplitN(s, " ", 2)
	if len(f) < 2 {
		return "", false
	}
	w := strings.ToLower(strings.Trim(f[0], ",;:"))
	if w == "i" || !(stopwords[w] || commonOpeners[w]) {
		return "", false
	}
	r := []rune(f[0])
	r[0] = unicode.ToLower(r[0])
	return string(r) + " " + f[1], true
}

// rumorFact picks something to pass on as news: a lorebook tension first, then any
// lorebook or world fact.
func rumorFact(k *knowledge, r *rng) *fact {
	var tension, other []*fact
	for i := range k.facts {
		f := &k.facts[i]
		switch {
		case f.category == "tension":
			tension = append(tension, f)
		case (f.src == srcLorebook || f.src == srcWorld) && containsAnyWord(strings.ToLower(f.text), newsWords...):
			other = append(other, f)
		}
	}
	for _, list := range [][]*fact{tension, other} {
		if len(list) > 0 {
			return list[r.Intn(len(list))]
		}
	}
	return nil
}

// firstMessage is the card's first message as the greeting, when it reads as dialogue:
// {{user}} and {{char}} filled in, no other macro, no taboo word, no grammar problem.
func firstMessage(s *scene) string {
	fm := strings.TrimSpace(s.sc.Character.Profile.FirstMessage)
	if fm == "" || len(fm) > 600 {
		return ""
	}
	user := s.speaker
	if user == "" {
		user = "friend"
	}
	fm = strings.NewReplacer("{{user}}", user, "{{User}}", user, "{{char}}", s.sc.Character.Name, "{{Char}}", s.sc.Character.Name, "<USER>", user, "<BOT>", s.sc.Character.Name).Replace(fm)
	fm = strings.Join(strings.Fields(fm), " ")
	if strings.ContainsAny(fm, "{}*<>") {
		// Actions in asterisks and unknown macros are for a chat window, not a game.
		return ""
	}
	if _, bad := s.taboo.find(fm); bad || len(GrammarProblems(fm)) > 0 {
		return ""
	}
	return fm
}

// isCaptain reports whether a character commands the watch: a guard whose name, lore or
// personality says captain, commander, sergeant, warden or marshal.
func isCaptain(role, text string) bool {
	// Only the watch has "my watch" and "my walls": a mercenary sergeant commands no gate.
	if role != "guard" {
		return false
	}
	low := strings.ToLower(text)
	return slices.ContainsFunc([]string{"captain", "commander", "sergeant", "warden", "marshal"}, func(w string) bool {
		return containsWord(low, w)
	})
}
