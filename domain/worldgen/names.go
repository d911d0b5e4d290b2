package worldgen

import "strings"

// maxNameTries bounds the redraws when a name is already taken, before falling back to a
// numbered name.
const maxNameTries = 40

// nameKey is how names are compared for uniqueness: case and a leading "the" are ignored,
// so "The Ashen Wood" and "Ashen Wood" cannot both exist.
func nameKey(name string) string {
	k := strings.ToLower(strings.TrimSpace(name))
	return strings.TrimPrefix(k, "the ")
}

// claim reserves name in the world, reporting false if it is taken.
func (w *world) claim(name string) bool {
	k := nameKey(name)
	if w.used[k] {
		return false
	}
	w.used[k] = true
	return true
}

// uniqueName draws names from patterns until one is free. terms fill {term}.
func (w *world) uniqueName(r *rng, patterns, terms []string) string {
	var name string
	for range maxNameTries {
		name = w.name(r, pick(r, patterns), terms)
		if w.claim(name) {
			return name
		}
	}
	// Practically unreachable with the tables' sizes, but it keeps names unique whatever
	// the tables hold.
	for i := 2; ; i++ {
		if n := name + " " + roman(i); w.claim(n) {
			return n
		}
	}
}

// name expands one name pattern.
func (w *world) name(r *rng, pattern string, terms []string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		j := strings.IndexByte(pattern, '}')
		if i < 0 || j < i {
			break
		}
		b.WriteString(pattern[:i])
		switch key := pattern[i+1 : j]; key {
		case "proper":
			b.WriteString(w.properName(r, false))
		case "long":
			b.WriteString(w.properName(r, true))
		case "term":
			b.WriteString(pick(r, terms))
		default:
			b.WriteString(pick(r, w.g.Names.Words[key]))
		}
		pattern = pattern[j+1:]
	}
	b.WriteString(pattern)
	return b.String()
}

// properName joins syllables into a name such as "Calderyn": a start, a middle (always
// when long, else one time in three) and an end.
func (w *world) properName(r *rng, long bool) string {
	s := w.g.Names.Syllables
	name := pick(r, s.Start)
	if long || r.Intn(3) == 0 {
		name += pick(r, s.Middle)
	}
	name += pick(r, s.End)
	return upperFirst(smoothJoins(strings.ToLower(name)))
}

// smoothJoins tidies where syllables meet: a run of three identical letters becomes two
// ("Elllor" → "Ellor"), and a doubled a, i or u becomes single ("Feniia" → "Fenia").
func smoothJoins(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		n := len(b)
		if n >= 2 && b[n-1] == c && b[n-2] == c {
			continue
		}
		if n >= 1 && b[n-1] == c && strings.IndexByte("aiu", c) >= 0 {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// roman returns n (≥ 1) in Roman numerals.
func roman(n int) string {
	numerals := []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
		{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
	var b strings.Builder
	for _, x := range numerals {
		for n >= x.v {
			b.WriteString(x.s)
			n -= x.v
		}
	}
	return b.String()
}
