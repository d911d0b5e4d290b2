// Package litfilter tells, from a regular expression alone, strings one of which every
// match must contain, so a text holding none of them is known not to match without
// running the expression. Go's regexp runs every pattern over the whole text; a filter's
// few substring searches cost a fraction of that, and patterns tried on every sentence a
// character hears or says mostly meet sentences holding none of their words. The strings
// are derived from the pattern itself, so a filter never disagrees with it.
package litfilter

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// maxLiterals bounds how many strings a filter may hold before it gives up (and lets every
// text through).
const maxLiterals = 64

// Filter is the prefilter of one pattern; a nil Filter lets every text through.
type Filter struct {
	// any are case-folded (see foldRunes): a match contains at least one of them.
	any []string
}

// New returns the filter of re, or nil when no literal every match holds can be told (re
// can match without any: it can be empty, or is made of wide classes).
func New(re *regexp.Regexp) *Filter {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	lits, ok := contained(tree.Simplify())
	if !ok || len(lits) == 0 || len(lits) > maxLiterals {
		return nil
	}
	for _, l := range lits {
		if l == "" {
			return nil
		}
	}
	return &Filter{any: lits}
}

// May reports whether a text, folded by Fold, can match. Fold a text once to try it
// against many filters.
func (f *Filter) May(folded string) bool {
	if f == nil {
		return true
	}
	for _, l := range f.any {
		if strings.Contains(folded, l) {
			return true
		}
	}
	return false
}

// contained returns strings one of which every match of re contains; ok is false when
// none can be told.
func contained(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return contained(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return contained(re.Sub[0])
	case syntax.OpAlternate:
		return eachOf(re.Sub, contained)
	case syntax.OpConcat:
		// Any part's literals will do; the most selective is kept. A literal part also
		// runs on into what follows it ("i'll kill" rather than "i'll ").
		var best []string
		for i, sub := range re.Sub {
			lits, ok := contained(sub)
			if !ok {
				continue
			}
			if sub.Op == syntax.OpLiteral && i+1 < len(re.Sub) {
				if next, ok := starts(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[i+1:]}); ok && len(next)*len(lits) <= maxLiterals {
					lits = cross(lits, next)
				}
			}
			if better(lits, best) {
				best = lits
			}
		}
		return best, best != nil
	}
	return starts(re)
}

// starts returns strings one of which every match of re begins with; ok is false when
// none can be told.
func starts(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{foldRunes(re.Rune)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return starts(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return starts(re.Sub[0])
	case syntax.OpCharClass:
		// A few runes ([sz], a letter in either case) are each a start; a wider class
		// is not worth filtering on.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 8 {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if out = union(out, []string{foldRunes([]rune{r})}); len(out) > 8 {
					return nil, false
				}
			}
		}
		return out, len(out) > 0
	case syntax.OpAlternate:
		return eachOf(re.Sub, starts)
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return nil, false
		}
		first, ok := starts(re.Sub[0])
		if !ok {
			return nil, false
		}
		if re.Sub[0].Op == syntax.OpLiteral && len(re.Sub) > 1 {
			if next, ok := starts(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1:]}); ok && len(next)*len(first) <= maxLiterals {
				return cross(first, next), true
			}
		}
		return first, true
	}
	return nil, false
}

// eachOf is the literals of an alternation: every alternative must have some (of) and
// the alternation has all of theirs.
func eachOf(alternatives []*syntax.Regexp, of func(*syntax.Regexp) ([]string, bool)) ([]string, bool) {
	var out []string
	for _, sub := range alternatives {
		lits, ok := of(sub)
		if !ok {
			return nil, false
		}
		out = union(out, lits)
	}
	return out, len(out) <= maxLiterals
}

// better reports whether a is a more selective set than b: its shortest string is longer,
// or as long with fewer strings.
func better(a, b []string) bool {
	if b == nil {
		return true
	}
	shortest := func(l []string) int {
		n := len(l[0])
		for _, s := range l {
			n = min(n, len(s))
		}
		return n
	}
	if sa, sb := shortest(a), shortest(b); sa != sb {
		return sa > sb
	}
	return len(a) < len(b)
}

func union(list, more []string) []string {
	for _, s := range more {
		found := false
		for _, have := range list {
			if have == s {
				found = true
				break
			}
		}
		if !found {
			list = append(list, s)
		}
	}
	return list
}

func cross(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = union(out, []string{x + y})
		}
	}
	return out
}

// foldRunes maps every rune to the smallest rune of its case-folding orbit, as (?i)
// matching treats the orbit as one letter: "K", "k" and the Kelvin sign all become "K".
// Folding both the pattern's literals and the text keeps the filter exact for (?i)
// patterns and conservative for the rest.
func foldRunes(rs []rune) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// Literals returns the strings one of which a match contains, case-folded; nil for a nil
// Filter.
func (f *Filter) Literals() []string {
	if f == nil {
		return nil
	}
	return append([]string(nil), f.any...)
}

// Fold case-folds a text for May: every rune becomes the least of its case-folding
// orbit, ASCII without a detour through runes (an ASCII letter's orbit's least rune is
// its upper case).
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return foldRunes([]rune(s))
		}
	}
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
