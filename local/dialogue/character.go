package dialogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// The rules every acting prompt ends with, each in phrasings of decreasing fluency: the
// prompt uses the first one that holds none of the character's taboo words (see
// promptWriter). The taboo words themselves are never listed here: the dialogue prompt
// names them at speaking time, from the character's current list.
var (
	tabooRule = []string{
		"Never say any of your forbidden words; talk around them if they come up.",
		"Never say a forbidden word; if one comes up, talk around it.",
		"Some words are forbidden to you: never say one, and talk around it if it comes up.",
		"Some words are taboo for you: do not say one, and talk around it if it comes up.",
	}
	// stayInCharacter's phrasings take the name the character speaks as.
	stayInCharacter = []string{
		"Stay in character at all times: speak only as %s, in the first person, in a voice " +
			"that fits your role, archetype and mood; never mention being an AI, a model, a prompt or a game, " +
			"and never break the fourth wall.",
		"Stay in character at all times: speak only as %s, in first person, in a voice " +
			"that fits your role, archetype and mood; never mention being an AI, a model, a prompt or a game, " +
			"and never break character.",
		"Always remain %s and speak only in first person, in a voice that fits your role, archetype " +
			"and mood; do not mention being an AI, a model, a prompt or a game.",
		"Always remain %s and speak only in first person; do not mention being an AI, a model, a prompt or a game.",
		"Always remain %s; do not mention being an AI, a model, a prompt or a game.",
	}
	lineRule = []string{
		"Keep your lines short and spoken, the way a character in a game talks, and use what you remember of the people you meet.",
		"Keep your lines short and spoken, as a character in a game talks, and use what you remember of people you meet.",
		"Keep your lines short and spoken.",
	}
)

// characterJSON is TaskCharacter's answer.
type characterJSON struct {
	Personality  string `json:"personality"`
	ActingPrompt string `json:"acting_prompt"`
}

// character composes the character's personality (when the sheet has none) and its
// acting prompt.
func (e *Engine) character(sc *domain.Scene, seed uint64) (string, error) {
	s := newScene(sc, seed)
	c := &sc.Character
	personality := strings.TrimSpace(c.Personality)
	if personality == "" {
		personality = e.personality(s, derive(seed, "traits"))
	}
	return marshal(characterJSON{Personality: personality, ActingPrompt: e.actingPrompt(s, personality)})
}

// personality draws two or three distinct traits: one from the archetype, one from the
// role (or a second archetype trait for a role outside the defaults), and sometimes one
// from the mood.
func (e *Engine) personality(s *scene, r *rng) string {
	sources := []string{s.archetype + ":traits", s.role + ":traits"}
	if s.role == commonRole {
		sources[1] = sources[0]
	}
	if r.Intn(2) == 0 {
		sources = append(sources, s.mood+":traits")
	}
	x := s.expander(e.g, r)
	var traits []string
	for _, src := range sources {
		sym := e.g[src]
		if sym == nil {
			continue
		}
		for _, i := range r.Perm(len(sym.alts)) {
			t, ok := x.expandAlt(&sym.alts[i])
			if ok && !containsFold(traits, t) {
				traits = append(traits, t)
				break
			}
		}
	}
	p := joinAnd(traits)
	if _, bad := s.taboo.find(p); bad || s.taboo.flagged(p) {
		// The traits are clean on their own: the taboo word is the "and" joining them.
		p = strings.Join(traits, ", ")
	}
	return p
}

// actingPrompt writes the second-person prompt that makes a language model play the
// character. Empty sheet fields leave their sentence out rather than leave a hole, and so
// do the sentences of the sheet's text (descriptions, world brief, lore, a given
// personality) that hold a taboo word: the studio's words are quoted as they are, or not
// at all. The engine's own sentences switch to another phrasing instead.
func (e *Engine) actingPrompt(s *scene, personality string) string {
	c := &s.sc.Character
	w := &promptWriter{taboo: s.taboo}
	name := strings.TrimSpace(c.Name)
	role := strings.ToLower(strings.TrimSpace(c.Role))
	if role == "" {
		role = "local"
	}
	who := w.first(withArticle(s.tier+" "+role), withArticle(role), role)
	if name != "" {
		who = name + ", " + who
	}
	var where string
	if h := strings.TrimSpace(c.Home); h != "" && w.clean(" of "+h) {
		where += " of " + h
	}
	if wn := strings.TrimSpace(c.WorldName); wn != "" && w.clean(" in "+wn) {
		where += " in " + wn
	}
	w.required("You are "+who+where+".", "Play "+who+where+".")

	roleDesc := strings.TrimSpace(c.RoleDescription)
	if roleDesc == "" {
		roleDesc = e.firstLine(s.role+":describe", s.taboo)
	}
	w.quote(roleDesc, "Your role: ", "Role: ")
	archDesc := strings.TrimSpace(c.ArchetypeDescription)
	if archDesc == "" {
		archDesc = e.firstLine(s.archetype+":describe", s.taboo)
	}
	arch := strings.ToLower(strings.TrimSpace(c.Archetype))
	if arch == "" {
		arch = s.archetype
	}
	the := w.first("the "+arch, arch)
	if !w.quote(archDesc, "Your archetype, "+the+": ", "Archetype, "+the+": ", "Your archetype: ", "Archetype: ") {
		w.optional("Your archetype: "+the+".", "Archetype: "+the+".")
	}
	w.quote(personality, "Your personality: ", "Personality: ")
	if m := strings.TrimRight(strings.ToLower(strings.TrimSpace(c.Mood)), "."); m != "" {
		w.optional("Right now you feel "+m+".", "Mood right now: "+m+".")
	}
	w.quote(c.WorldBrief, "Your world: ", "World: ")
	w.quote(c.Lore, "Your story: ", "Story: ")
	if len(s.taboo) > 0 {
		w.required(tabooRule...)
	}
	speakAs := name
	if speakAs == "" {
		speakAs = "yourself"
	}
	rules := make([]string, len(stayInCharacter))
	for i, r := range stayInCharacter {
		rules[i] = fmt.Sprintf(r, speakAs)
	}
	w.required(rules...)
	w.optional(lineRule...)
	return w.String()
}

// promptWriter writes an acting prompt sentence by sentence, keeping out the character's
// taboo words. It judges with the moderation filter, which sees through case, accents and
// other disguises and is what the character service checks drafts with, and also with the
// engine's stricter matchers: taboos.find (a taboo word anywhere, even inside a longer
// word) for the engine's own phrasings, taboos.findWord (a word starting with it, such as
// "dragons") for the sentences it quotes from the sheet.
type promptWriter struct {
	taboo taboos
	parts []string
}

// clean reports whether s holds none of the taboo words.
func (w *promptWriter) clean(s string) bool {
	_, bad := w.taboo.find(s)
	return !bad && !w.taboo.flagged(s)
}

// first returns the first clean phrasing, or the first phrasing when none is.
func (w *promptWriter) first(phrasings ...string) string {
	for _, p := range phrasings {
		if w.clean(p) {
			return p
		}
	}
	return phrasings[0]
}

// optional writes the first clean phrasing, or nothing when none is.
func (w *promptWriter) optional(phrasings ...string) {
	for _, p := range phrasings {
		if w.clean(p) {
			w.parts = append(w.parts, p)
			return
		}
	}
}

// required writes the first clean phrasing; when every phrasing holds a taboo word (a
// list of taboo words that rules out every way of saying it), the first one with the words
// redacted, since a rule the character must follow cannot be left out.
func (w *promptWriter) required(phrasings ...string) {
	for _, p := range phrasings {
		if w.clean(p) {
			w.parts = append(w.parts, p)
			return
		}
	}
	w.parts = append(w.parts, w.taboo.redact(phrasings[0]))
}

// quote writes the sentences of the sheet's text that hold no taboo word after the first
// clean label, and reports whether it wrote anything: nothing when no sentence or no label
// is left.
func (w *promptWriter) quote(text string, labels ...string) bool {
	var keep []string
	for _, s := range splitSentences(text) {
		if _, bad := w.taboo.findWord(s); !bad && !w.taboo.flagged(s) {
			// Each fragment ends a sentence; only the first is capitalised, so text that
			// split at an abbreviation ("e.g. hammers") reads as it was written.
			if !strings.ContainsAny(s[len(s)-1:], ".!?") {
				s += "."
			}
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return false
	}
	for _, l := range labels {
		if w.clean(l) {
			w.parts = append(w.parts, l+capitalize(strings.Join(keep, " ")))
			return true
		}
	}
	return false
}

// String is the prompt written so far.
func (w *promptWriter) String() string { return strings.Join(w.parts, " ") }

// firstLine returns the first line of a symbol that holds no taboo word, unexpanded, or ""
// when there is none.
func (e *Engine) firstLine(name string, taboo taboos) string {
	if s := e.g[name]; s != nil {
		for _, a := range s.alts {
			if _, bad := taboo.find(a.text); !bad {
				return a.text
			}
		}
	}
	return ""
}

// validateJSON is TaskValidate's answer.
type validateJSON struct {
	Approved bool   `json:"approved"`
	Reason   string `json:"reason"`
}

// validate approves a draft unless it is empty or the text it generated holds a taboo word,
// as the moderation filter matches them (whole words, seeing through disguises). A
// personality the sheet gave is the studio's own and is not judged.
func validate(sc *domain.Scene) (string, error) {
	draft := strings.TrimSpace(sc.Draft)
	if draft == "" {
		return marshal(validateJSON{Approved: false, Reason: "the draft is empty"})
	}
	judged := []string{draft}
	var d characterJSON
	if json.Unmarshal([]byte(draft), &d) == nil {
		if strings.TrimSpace(d.ActingPrompt) == "" {
			return marshal(validateJSON{Approved: false, Reason: "the acting prompt is empty"})
		}
		judged = []string{d.ActingPrompt}
		if strings.TrimSpace(d.Personality) != strings.TrimSpace(sc.Character.Personality) {
			judged = append(judged, d.Personality)
		}
	}
	t := newTaboos(sc.Character.TabooWords)
	for _, text := range judged {
		if m, bad := t.match(text); bad {
			return marshal(validateJSON{Approved: false, Reason: fmt.Sprintf("the draft uses the taboo word %q", m.Term)})
		}
	}
	return marshal(validateJSON{Approved: true, Reason: "local engine drafts are composed from vetted packs"})
}

// marshal encodes v as compact JSON without HTML escaping, so an apostrophe or an
// ampersand in a line reads as itself.
func marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// sentence capitalises s and ends it with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = capitalize(strings.TrimSpace(s))
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

// joinAnd joins items as "a", "a and b" or "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
