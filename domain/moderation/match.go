package moderation

import "unicode/utf8"

// MaxTermRunes is the longest taboo term Check accepts, in runes; longer terms are
// ignored. Taboo words are words and short phrases, and the bound keeps the matcher's
// work linear in the text with a small constant.
const MaxTermRunes = 64

// run is one letter of a term with how many times it repeats there ("ass" is a, s×2).
type run struct {
	r     rune
	count int
	// slot is where this run's states start in a state block (see matcher.index).
	slot int
}

// limit is the highest repeat count the matcher tells apart for this run: above it, more
// repeats change nothing (see enough).
func (r run) limit() int { return max(r.count, 3) }

// pattern is a compiled term: its words, each a sequence of runs.
type pattern struct {
	term     string
	category string
	words    [][]run
	// block is the number of states per text position.
	block int
}

// compile normalises term the way text is normalised and splits it into words at its
// gaps. Leet symbols inside a term count as letters. It reports false for a term with no
// letters left, or one longer than MaxTermRunes.
func compile(term, category string) (pattern, bool) {
	p := pattern{term: term, category: category}
	if utf8.RuneCountInString(term) > MaxTermRunes {
		return p, false
	}
	var word []run
	for _, u := range normalize(term).units {
		if u.kind == kindGap {
			if len(word) > 0 {
				p.words = append(p.words, word)
				word = nil
			}
			continue
		}
		word = append(word, run{r: u.r, count: u.count})
	}
	if len(word) > 0 {
		p.words = append(p.words, word)
	}
	for _, w := range p.words {
		for i := range w {
			w[i].slot = p.block
			p.block += 2 * (w[i].limit() + 1) // every count 0..limit, skipped or not
		}
	}
	return p, len(p.words) > 0
}

// key identifies patterns that match exactly the same texts, so duplicates are dropped.
func (p *pattern) key() string {
	var b []rune
	for _, w := range p.words {
		for _, r := range w {
			b = append(b, r.r, rune(r.count))
		}
		b = append(b, 0)
	}
	return string(b)
}

// enough reports whether a text run of n repeats satisfies a term run of want: the same
// count, or an elongation of three or more ("draaagon"). Doubled letters are ordinary
// spelling, so 2 does not satisfy 1 ("good" is not "god") nor 1 satisfy 2.
func enough(n, want int) bool {
	return n == want || (n >= 3 && n >= want)
}

// doubled reports whether a text run of n repeats satisfies a term run of want only when
// a doubled letter is read as a single one: the reading a match may use once its span is
// disguised with leetspeak (see mode).
func doubled(n, want int) bool {
	return n == 2 && want == 1
}

// mode is what a match attempt has seen of disguises so far. A doubled letter is ordinary
// spelling in a plain word ("good" is not "god"), but in a word already disguised with
// leetspeak it is one more disguise ("b4starrd" is "bastard"): whoever writes 4 for a is
// not spelling, and the two disguises must compose whichever comes first in the word
// ("bast4rrd", "basst4rd") and whichever way the doubled letter is made ("b4astard",
// "ba4stard", "b44stard" all double the a). The leet reading may come after the doubled
// letter, so a match that read a double as single carries that as a debt, paid by a leet
// reading anywhere in its span.
type mode uint8

const (
	// modePlain: no leet reading and no doubled letter read as single so far.
	modePlain mode = iota
	// modeOwing: a doubled letter was read as single, and no leet reading yet; the match
	// is only accepted if one comes before its end.
	modeOwing
	// modeDisguised: a digit or symbol was read as a letter, so doubled letters may be
	// read as single for the rest of the match. Whether a double was read before no
	// longer matters, so both collapse into this one mode.
	modeDisguised
	modes = 3
)

// state is a point of the search: word w and run ri of the pattern, n repeats of that run
// consumed so far, the next text unit at, whether the last step skipped a separator, and
// the disguises seen so far. {w, 0, 0, at, true} (which no skip inside a word can
// produce, since a word has begun by then) means "in the gap before word w of a phrase".
type state struct {
	w, ri, n, at int
	skipped      bool
	mode         mode
}

// matcher finds one pattern in one text.
type matcher struct {
	t *text
	p *pattern
	// seen has a bit per state already explored for this pattern in this text. Whether a
	// state leads to a match does not depend on where the attempt started, so the bits
	// stay valid across starts and every state is explored at most once per pattern: a
	// scan costs time linear in the text, times the term's size.
	seen []uint64
}

// reset prepares m to scan for p.
func (m *matcher) reset(p *pattern) {
	m.p = p
	m.seen = m.seen[:0]
}

// visit marks st explored and reports whether it was already.
func (m *matcher) visit(st state) bool {
	if len(m.seen) == 0 { // allocated on the first attempt: most patterns never start
		n := ((len(m.t.units)+1)*modes*m.p.block + 63) / 64
		if cap(m.seen) >= n {
			m.seen = m.seen[:n]
			clear(m.seen)
		} else {
			m.seen = make([]uint64, n)
		}
	}
	skipped := 0
	if st.skipped {
		skipped = 1
	}
	i := (st.at*modes+int(st.mode))*m.p.block + m.p.words[st.w][st.ri].slot + 2*st.n + skipped
	if m.seen[i/64]&(1<<(i%64)) != 0 {
		return true
	}
	m.seen[i/64] |= 1 << (i % 64)
	return false
}

// find returns the unit span [start, end) of the first match at or after from.
func (m *matcher) find(from int) (start, end int, ok bool) {
	units := m.t.units
	first := m.p.words[0][0].r
	for s := from; s < len(units); s++ {
		u := &units[s]
		// A match starts on a letter at a word boundary.
		if u.kind == kindGap || (s > 0 && units[s-1].kind == kindWord) || !sameLetter(u.r, first) {
			continue
		}
		if e, ok := m.walk(state{at: s}); ok {
			return s, e, true
		}
	}
	return 0, 0, false
}

// walk searches depth-first from st and returns one past the last unit of a match. The
// search tries, in order: consuming the next unit as the current letter (greedy, so
// matches are as long as they can be), skipping a separator inside the word, and moving
// to the next letter, word or the end. A state on the path of a match stays marked, but
// the next scan starts after that match and cannot reach it again.
func (m *matcher) walk(st state) (int, bool) {
	if m.visit(st) {
		return 0, false
	}
	units := m.t.units
	if st.ri == 0 && st.n == 0 && st.skipped {
		// Between the words of a phrase: any separators, or none.
		if e, ok := m.walk(state{w: st.w, at: st.at, mode: st.mode}); ok {
			return e, true
		}
		if st.at < len(units) && units[st.at].kind != kindWord {
			return m.walk(state{w: st.w, at: st.at + 1, skipped: true, mode: st.mode})
		}
		return 0, false
	}
	word := m.p.words[st.w]
	want := word[st.ri]
	if st.at < len(units) {
		u := &units[st.at]
		// Consume the unit as the current letter.
		if u.kind != kindGap && sameLetter(u.r, want.r) {
			n := min(st.n+u.count, want.limit())
			md := st.mode
			if u.r != want.r {
				md = modeDisguised // read through leetspeak
			}
			if e, ok := m.walk(state{w: st.w, ri: st.ri, n: n, at: st.at + 1, mode: md}); ok {
				return e, true
			}
		}
		// Skip a separator, or a leet symbol read as punctuation, inside a word once the
		// word has begun.
		if (st.n > 0 || st.ri > 0) && ((u.kind == kindGap && m.t.skippable[st.at]) || u.kind == kindLeet) {
			if e, ok := m.walk(state{w: st.w, ri: st.ri, n: st.n, at: st.at + 1, skipped: true, mode: st.mode}); ok {
				return e, true
			}
		}
	}
	md := st.mode
	switch {
	case enough(st.n, want.count):
	case doubled(st.n, want.count):
		if md == modePlain {
			md = modeOwing
		}
	default:
		return 0, false
	}
	if st.ri+1 < len(word) {
		return m.walk(state{w: st.w, ri: st.ri + 1, at: st.at, skipped: st.skipped, mode: md})
	}
	if st.skipped {
		return 0, false // a word ends on a letter, not on a skipped separator
	}
	if st.w+1 < len(m.p.words) {
		return m.walk(state{w: st.w + 1, at: st.at, skipped: true, mode: md})
	}
	// The whole term matched; it must end at a word boundary, and a doubled letter read as
	// single needs a leet reading somewhere in the match.
	if md != modeOwing && (st.at == len(units) || units[st.at].kind != kindWord) {
		return st.at, true
	}
	return 0, false
}
