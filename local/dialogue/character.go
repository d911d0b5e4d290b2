package dialogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// The taboo clause of an acting prompt is written between these two markers, and
// validation skips it: the prompt must name the words to forbid them, and naming them
// there is not saying them.
const (
	tabooStart = "Never say these words: "
	tabooEnd   = "; talk around them if they come up."
)

// stayInCharacter is the rule every acting prompt ends with.
const stayInCharacter = "Stay in character at all times: speak only as %s, in the first person, in a voice " +
	"that fits your role, archetype and mood; never mention being an AI, a model, a prompt or a game, " +
	"and never break the fourth wall."

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
	return joinAnd(traits)
}

// actingPrompt writes the second-person prompt that makes a language model play the
// character. Empty sheet fields leave their sentence out rather than leave a hole.
func (e *Engine) actingPrompt(s *scene, personality string) string {
	c := &s.sc.Character
	name := strings.TrimSpace(c.Name)
	role := strings.ToLower(strings.TrimSpace(c.Role))
	if role == "" {
		role = "local"
	}
	var b strings.Builder
	who := withArticle(s.tier + " " + role)
	if name != "" {
		who = name + ", " + who
	}
	b.WriteString("You are " + who)
	if h := strings.TrimSpace(c.Home); h != "" {
		b.WriteString(" of " + h)
	}
	if w := strings.TrimSpace(c.WorldName); w != "" {
		b.WriteString(" in " + w)
	}
	b.WriteString(".")

	// The sheet's descriptions are the studio's words and kept as they are; the packs'
	// stand-ins are left out when they hold a taboo word, so validation passes.
	roleDesc := strings.TrimSpace(c.RoleDescription)
	if roleDesc == "" {
		roleDesc = e.firstLine(s.role+":describe", s.taboo)
	}
	if roleDesc != "" {
		b.WriteString(" Your role: " + sentence(roleDesc))
	}
	archDesc := strings.TrimSpace(c.ArchetypeDescription)
	if archDesc == "" {
		archDesc = e.firstLine(s.archetype+":describe", s.taboo)
	}
	arch := strings.ToLower(strings.TrimSpace(c.Archetype))
	if arch == "" {
		arch = s.archetype
	}
	if archDesc != "" {
		fmt.Fprintf(&b, " Your archetype, the %s: %s", arch, sentence(archDesc))
	} else {
		fmt.Fprintf(&b, " Your archetype: the %s.", arch)
	}
	if personality != "" {
		b.WriteString(" Your personality: " + sentence(personality))
	}
	if m := strings.ToLower(strings.TrimSpace(c.Mood)); m != "" {
		b.WriteString(" Right now you feel " + strings.TrimRight(m, ".") + ".")
	}
	if w := strings.TrimSpace(c.WorldBrief); w != "" {
		b.WriteString(" Your world: " + sentence(w))
	}
	if l := strings.TrimSpace(c.Lore); l != "" {
		b.WriteString(" Your story: " + sentence(l))
	}
	if len(s.taboo) > 0 {
		b.WriteString(" " + tabooStart + strings.Join(s.taboo, ", ") + tabooEnd)
	}
	speakAs := name
	if speakAs == "" {
		speakAs = "yourself"
	}
	b.WriteString(" " + fmt.Sprintf(stayInCharacter, speakAs))
	b.WriteString(" Keep your lines short and spoken, the way a character in a game talks, and use what you remember of the people you meet.")
	return b.String()
}

// firstLine returns the first line of a symbol, unexpanded, or "" when there is none or
// it holds a taboo word.
func (e *Engine) firstLine(name string, taboo taboos) string {
	if s := e.g[name]; s != nil && len(s.alts) > 0 {
		if _, bad := taboo.find(s.alts[0].text); !bad {
			return s.alts[0].text
		}
	}
	return ""
}

// validateJSON is TaskValidate's answer.
type validateJSON struct {
	Approved bool   `json:"approved"`
	Reason   string `json:"reason"`
}

// validate approves a draft unless it is empty or uses a taboo word (at the start of a
// word; see taboos.findWord) outside the acting prompt's own taboo clause.
func validate(sc *domain.Scene) (string, error) {
	draft := strings.TrimSpace(sc.Draft)
	if draft == "" {
		return marshal(validateJSON{Approved: false, Reason: "the draft is empty"})
	}
	if w, bad := newTaboos(sc.Character.TabooWords).findWord(withoutTabooClause(draft)); bad {
		return marshal(validateJSON{Approved: false, Reason: fmt.Sprintf("the draft uses the taboo word %q", w)})
	}
	return marshal(validateJSON{Approved: true, Reason: "local engine drafts are composed from vetted packs"})
}

// withoutTabooClause removes every taboo clause the engine writes into acting prompts.
func withoutTabooClause(s string) string {
	for {
		i := strings.Index(s, tabooStart)
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], tabooEnd)
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+len(tabooEnd):]
	}
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
