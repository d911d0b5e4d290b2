package dialogue

import (
	"fmt"
	"strings"
)

// The grammar is Tracery's core (Kate Compton): a symbol names a list of alternative
// lines, and a line may contain
//
//	#symbol#             replaced by one of the symbol's lines, expanded in turn
//	#@role:symbol#       the same, in the character's own namespace: blacksmith:symbol
//	                     (also @archetype: and @mood:)
//	{placeholder}        filled from the character sheet and the scene
//	#symbol.capitalize#  modifiers: .capitalize upper-cases the first letter, .a adds
//	{role.a}             "a" or "an"
//
// Unlike Tracery, a line whose placeholder has no value (no home, no remembered name) is
// skipped rather than printed with a hole, and so is a line that would say a taboo word;
// the expander then tries the symbol's other lines. Tracery's [key:value] actions are not
// supported: the placeholders already keep names consistent within an answer.

// placeholder is a value taken from the character sheet or the scene.
type placeholder uint8

const (
	phName       placeholder = iota // the character's full name
	phFirst                         // its first name
	phRole                          // its role, lower case
	phTier                          // its skill tier
	phHome                          // its home settlement or region
	phPlace                         // another place of its world, one per answer
	phSpeaker                       // who it is talking to, when that is a name
	phTopic                         // what the line asks about
	phWorld                         // its world's name
	phRemembered                    // a name from its remembered facts
	phWords                         // the speaker's own remembered words, without end punctuation
	phMemory                        // another remembered fact about the speaker
	phSubject                       // what the line is about, safe to echo ("the Red War")
	phKnower                        // someone of the world who might know
	phProvider                      // who provides a service the character does not ("a smith")
	phFact                          // a sentence of the character's knowledge, with its mark
	phFactLow                       // the same sentence, safe to follow "they say"
	numPlaceholders
)

var placeholderNames = [numPlaceholders]string{
	"name", "first", "role", "tier", "home", "place", "speaker", "topic", "world", "remembered",
	"words", "memory", "subject", "knower", "provider", "fact", "factlow",
}

func lookupPlaceholder(name string) (placeholder, bool) {
	for i, n := range placeholderNames {
		if n == name {
			return placeholder(i), true
		}
	}
	return 0, false
}

// dim is a character dimension a symbol reference can be relative to.
type dim uint8

const (
	dimNone dim = iota
	dimRole
	dimArchetype
	dimMood
	numDims
)

var dimNames = [numDims]string{"", "role", "archetype", "mood"}

// modifiers are the Tracery modifiers this grammar knows.
var modifiers = map[string]func(string) string{
	"capitalize": capitalize,
	"a":          withArticle,
}

type tokKind uint8

const (
	tokLit tokKind = iota
	tokSym
	tokPh
)

// tok is one piece of a parsed line.
type tok struct {
	kind tokKind
	// text is the literal text, or the symbol's name; for a relative reference it is the
	// part after the namespace ("wares" in #@role:wares#).
	text string
	dim  dim
	ph   placeholder
	mods []string
}

// alt is one alternative line of a symbol.
type alt struct {
	text string
	toks []tok
	// needs is the set of placeholders the line uses directly (bit i for placeholder i), so
	// lines without values for them are skipped before any work is done.
	needs uint32
	// composite is set when the line uses other symbols, so expanding it twice can give
	// two different sentences.
	composite bool
}

// symbol is a named list of alternatives.
type symbol struct {
	name string
	alts []alt
}

// grammar maps symbol names to symbols. It is only ever read by key, never iterated in an
// order that reaches the output.
type grammar map[string]*symbol

// validSymbolName reports whether s is "name" or "namespace:name" in lower-case letters,
// digits and hyphens.
func validSymbolName(s string) bool {
	parts := strings.Split(s, ":")
	if len(parts) > 2 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// parseRef parses the inside of #…# (ph false) or {…} (ph true).
func parseRef(body string, ph bool) (tok, error) {
	parts := strings.Split(body, ".")
	name, mods := parts[0], parts[1:]
	for _, m := range mods {
		if _, ok := modifiers[m]; !ok {
			return tok{}, fmt.Errorf("unknown modifier %q", m)
		}
	}
	if ph {
		p, ok := lookupPlaceholder(name)
		if !ok {
			return tok{}, fmt.Errorf("unknown placeholder {%s}", name)
		}
		return tok{kind: tokPh, ph: p, mods: mods}, nil
	}
	t := tok{kind: tokSym, text: name, mods: mods}
	if rest, ok := strings.CutPrefix(name, "@"); ok {
		d, sym, found := strings.Cut(rest, ":")
		if !found {
			return tok{}, fmt.Errorf("relative reference #%s# needs @dimension:symbol", body)
		}
		t.dim = dimNone
		for i, n := range dimNames {
			if i > 0 && n == d {
				t.dim = dim(i)
			}
		}
		if t.dim == dimNone {
			return tok{}, fmt.Errorf("unknown dimension %q in #%s#", d, body)
		}
		t.text = sym
		if !validSymbolName(sym) || strings.Contains(sym, ":") {
			return tok{}, fmt.Errorf("bad symbol name in #%s#", body)
		}
		return t, nil
	}
	if !validSymbolName(name) {
		return tok{}, fmt.Errorf("bad symbol name in #%s#", body)
	}
	return t, nil
}

// parseLine parses one alternative line.
func parseLine(s string) (alt, error) {
	a := alt{text: s}
	rest := s
	for rest != "" {
		i := strings.IndexAny(rest, "#{}")
		if i < 0 {
			a.toks = append(a.toks, tok{kind: tokLit, text: rest})
			break
		}
		if i > 0 {
			a.toks = append(a.toks, tok{kind: tokLit, text: rest[:i]})
		}
		open := rest[i]
		if open == '}' {
			return alt{}, fmt.Errorf("stray } in %q", s)
		}
		closer := byte('#')
		if open == '{' {
			closer = '}'
		}
		j := strings.IndexByte(rest[i+1:], closer)
		if j < 0 {
			return alt{}, fmt.Errorf("unterminated %c in %q", open, s)
		}
		body := rest[i+1 : i+1+j]
		if body == "" || strings.ContainsAny(body, "#{} ") {
			return alt{}, fmt.Errorf("bad reference %c%s%c in %q", open, body, closer, s)
		}
		t, err := parseRef(body, open == '{')
		if err != nil {
			return alt{}, fmt.Errorf("%v in %q", err, s)
		}
		if t.kind == tokPh {
			a.needs |= 1 << t.ph
		} else {
			a.composite = true
		}
		a.toks = append(a.toks, t)
		rest = rest[i+1+j+1:]
	}
	return a, nil
}

// values are the placeholder values of one answer; have has bit i set when placeholder i
// has a value.
type values struct {
	v    [numPlaceholders]string
	have uint32
}

func (v *values) set(p placeholder, s string) {
	if s = strings.TrimSpace(s); s != "" {
		v.v[p] = s
		v.have |= 1 << p
	}
}

// expander expands symbols for one answer.
type expander struct {
	g     grammar
	r     *rng
	vals  *values
	ns    [numDims]string // the character's namespace in each dimension
	taboo taboos
	// budget bounds the alternatives tried, so a pack where nearly every line is ruled out
	// (a taboo word in the character's own name, say) still answers quickly.
	budget int
}

// resolve returns the symbol a reference names for this character.
func (x *expander) resolve(t *tok) string {
	if t.dim != dimNone {
		return x.ns[t.dim] + ":" + t.text
	}
	return t.text
}

// usable reports whether every placeholder a line needs has a value.
func (x *expander) usable(a *alt) bool { return a.needs&^x.vals.have == 0 }

// expandSymbol expands one of the symbol's lines, chosen at random among those that can
// be expanded without a missing value or a taboo word.
func (x *expander) expandSymbol(name string, mods []string) (string, bool) {
	s := x.g[name]
	if s == nil {
		return "", false
	}
	for _, i := range x.r.Perm(len(s.alts)) {
		a := &s.alts[i]
		if !x.usable(a) {
			continue
		}
		out, ok := x.expandAlt(a)
		if !ok {
			continue
		}
		for _, m := range mods {
			out = modifiers[m](out)
		}
		return out, true
	}
	return "", false
}

// expandAlt expands one line, or fails when a symbol in it cannot be expanded, the budget
// runs out or the result contains a taboo word.
func (x *expander) expandAlt(a *alt) (string, bool) {
	if x.budget <= 0 {
		return "", false
	}
	x.budget--
	var b strings.Builder
	for i := range a.toks {
		t := &a.toks[i]
		switch t.kind {
		case tokLit:
			b.WriteString(t.text)
		case tokPh:
			s := x.vals.v[t.ph]
			for _, m := range t.mods {
				s = modifiers[m](s)
			}
			b.WriteString(s)
		case tokSym:
			s, ok := x.expandSymbol(x.resolve(t), t.mods)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
	}
	out := b.String()
	if _, bad := x.taboo.find(out); bad {
		return "", false
	}
	return out, true
}
