package domain

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLoreRecursion is how many times the content of triggered entries is scanned for
// further entries, when a book scans recursively. The bound is what stops two entries
// that name each other from looping.
const maxLoreRecursion = 3

// maxLoreRegex bounds a regular-expression key, in bytes: Go's regexps run in linear time,
// but compiling a huge one on every line is still a cost a studio should not be able to
// impose.
const maxLoreRegex = 512

// EstimateLoreTokens estimates the tokens text takes in a prompt: about four characters a
// token, the usual rule for English. Budgets are counted with it.
func EstimateLoreTokens(text string) int {
	return (utf8.RuneCountInString(text) + 3) / 4
}

// TriggeredLore returns the lorebook entries a conversation triggers, as SillyTavern's
// World Info and Character Card V3 define it. scanned is the conversation, oldest first;
// its last line is the one being answered.
//
// For each book, the newest ScanDepth lines are scanned (DefaultLoreScanDepth when it is
// not positive). An enabled entry triggers when it is constant, or a primary key appears
// and, when it is selective and has secondary keys, SelectiveLogic holds for them
// (and_any when empty). Keys match whole words and phrases ("war" matches "the war." but
// not "warden"; "Red War" matches "red-war"), case-insensitively unless CaseSensitive,
// with possessives, curly apostrophes and plural "s" not defeating a match
// ("Greywater's" matches "Greywater"). With UseRegex a key is a Go regular expression,
// optionally written as SillyTavern writes them, "/pattern/flags" (flag i: case
// insensitive, s and m as in JavaScript); an invalid pattern or one over 512 bytes never
// matches. An entry's supported decorators apply (see ParseLoreDecorators): @@activate,
// @@dont_activate, @@scan_depth N, @@activate_only_after N (only once the conversation has
// N lines) and @@activate_only_every N (only when its line count is a multiple of N).
//
// When the book scans recursively, the content of the entries it gave is scanned for
// further entries, up to three times; an entry triggers once at most. Each book spends
// its TokenBudget (DefaultLoreTokenBudget when not positive, counted with
// EstimateLoreTokens): constant entries first, then by Priority, highest first, then by
// InsertionOrder; an entry that does not fit is skipped and a smaller one after it may
// still fit. Entries triggered by recursion spend what the earlier rounds left. Entries
// whose content (decorators removed) is empty, or already given by an earlier book, are
// skipped without spending.
//
// The result holds the kept entries of every book, ordered by InsertionOrder, ties in
// book and entry order, with their decorator lines removed. A snippet's Name is the
// entry's name, else its comment, else its first key, else the head of its content, so
// that every snippet can be named to a client.
//
// TriggeredLore keeps no state between calls and is safe for concurrent use.
func TriggeredLore(books []Lorebook, scanned []string) []LoreSnippet {
	sc := &loreScan{scanned: scanned}
	var kept []loreKept
	for bi := range books {
		kept = sc.book(&books[bi], bi, kept)
	}
	if len(kept) == 0 {
		return nil
	}
	slices.SortFunc(kept, func(a, b loreKept) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.book, b.book), cmp.Compare(a.entry, b.entry))
	})
	out := make([]LoreSnippet, len(kept))
	for i, k := range kept {
		b := &books[k.book]
		e := &b.Entries[k.entry]
		out[i] = LoreSnippet{
			LorebookID: b.ID, EntryID: e.ID, Name: loreSnippetName(e, k.content),
			Category: e.Category, Keys: slices.Clone(e.Keys), Content: k.content,
		}
	}
	return out
}

// loreKept is an entry a book gave, with where it sits in the result.
type loreKept struct {
	book, entry, order int
	content            string
}

// loreScan is the state of one TriggeredLore call: the windows of the conversation it
// tokenised, the regexps it compiled and the contents it gave. Nothing outlives the call,
// so concurrent calls share nothing.
type loreScan struct {
	scanned []string
	windows map[int]*loreText
	regexps map[string]*regexp.Regexp
	given   map[string]bool
	// buf and spans are scratch space for tokenising keys.
	buf   []byte
	spans []loreSpan
}

// loreEntryState is what a scan knows of one entry. It holds no pointers (the content is
// a range of the entry's Content), so a book's states cost the collector nothing.
type loreEntryState struct {
	eligible   bool // enabled, its decorators allow it, and it has content
	triggered  bool
	always     bool  // constant or @@activate
	depth      int32 // 0: the book's
	start, end int32 // the content without decorators and outer space
}

// loreCandidate is an entry triggered in one round, waiting for the budget.
type loreCandidate struct {
	entry  int
	always bool
}

// book scans one book and appends the entries it keeps.
func (sc *loreScan) book(b *Lorebook, bi int, kept []loreKept) []loreKept {
	if len(b.Entries) == 0 {
		return kept
	}
	depth := b.ScanDepth
	if depth <= 0 {
		depth = DefaultLoreScanDepth
	}
	budget := b.TokenBudget
	if budget <= 0 {
		budget = DefaultLoreTokenBudget
	}
	states := make([]loreEntryState, len(b.Entries))
	for i := range b.Entries {
		states[i] = sc.state(&b.Entries[i])
	}
	content := func(i int) string { return b.Entries[i].Content[states[i].start:states[i].end] }
	window := sc.window(depth)
	// recursion is the content given so far, fresh that of the last round only.
	var recursion, fresh *loreText
	var cands []loreCandidate
	for round := 0; round <= maxLoreRecursion; round++ {
		cands = cands[:0]
		for i := range b.Entries {
			st := &states[i]
			if !st.eligible || st.triggered {
				continue
			}
			var hit bool
			if round == 0 && st.always {
				hit = true
			} else if e := &b.Entries[i]; !st.always {
				if round > 0 && (!e.Selective || !loreHasKeys(e.SecondaryKeys)) {
					// Its keys were in neither the window nor the content of earlier
					// rounds, or it would have triggered: only the new content can
					// hold one. (A selective entry needs everything: its primary and
					// secondary keys may be met in different places.)
					hit = sc.anyKey(e, e.Keys, fresh, nil)
				} else {
					w := window
					if st.depth > 0 {
						w = sc.window(int(st.depth))
					}
					hit = sc.entryMatches(e, w, recursion)
				}
			}
			if hit {
				st.triggered = true
				cands = append(cands, loreCandidate{entry: i, always: st.always})
			}
		}
		if len(cands) == 0 {
			break
		}
		slices.SortFunc(cands, func(x, y loreCandidate) int {
			ex, ey := &b.Entries[x.entry], &b.Entries[y.entry]
			if x.always != y.always {
				if x.always {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(ey.Priority, ex.Priority), cmp.Compare(ex.InsertionOrder, ey.InsertionOrder), cmp.Compare(x.entry, y.entry))
		})
		var roundContents []string
		for _, c := range cands {
			text := content(c.entry)
			if sc.given[text] {
				// Another book already gave it: said once, paid once.
				continue
			}
			cost := EstimateLoreTokens(text)
			if cost > budget {
				continue
			}
			budget -= cost
			if sc.given == nil {
				sc.given = map[string]bool{}
			}
			sc.given[text] = true
			kept = append(kept, loreKept{book: bi, entry: c.entry, order: b.Entries[c.entry].InsertionOrder, content: text})
			roundContents = append(roundContents, text)
		}
		if !b.RecursiveScanning || len(roundContents) == 0 {
			break
		}
		previous := recursion
		fresh = newLoreText(roundContents)
		recursion = fresh
		if previous != nil {
			recursion = newLoreText(append(slices.Clone(previous.lines), roundContents...))
		}
	}
	return kept
}

// state reads an entry's switches and decorators.
func (sc *loreScan) state(e *LoreEntry) loreEntryState {
	var st loreEntryState
	if !e.Enabled || len(e.Content) > math.MaxInt32 {
		return st
	}
	rest := e.Content
	// Decorators are read from the content, not from e.Decorators, so a book stored
	// before they were parsed scans the same; most entries have none and cost one test.
	if loreHasDecorators(rest) {
		var ds []LoreDecorator
		ds, rest = ParseLoreDecorators(rest)
		r := loreRulesOf(ds)
		n := len(sc.scanned)
		if r.dontActivate || (r.onlyAfter > 0 && n < r.onlyAfter) || (r.onlyEvery > 0 && n%r.onlyEvery != 0) {
			return st
		}
		st.always = r.activate
		st.depth = int32(r.scanDepth)
	}
	// rest is a suffix of the content; its trimmed form is a range of it. Most content
	// starts and ends with a visible ASCII character and needs no trimming.
	trimmed := rest
	if len(trimmed) > 0 && !loreVisibleASCII(trimmed[0]) {
		trimmed = strings.TrimLeftFunc(trimmed, unicode.IsSpace)
	}
	start := len(e.Content) - len(trimmed)
	if len(trimmed) > 0 && !loreVisibleASCII(trimmed[len(trimmed)-1]) {
		trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	}
	st.start, st.end = int32(start), int32(start+len(trimmed))
	st.always = st.always || e.Constant
	st.eligible = trimmed != ""
	return st
}

// loreHasDecorators reports whether content starts, after blank space, with "@@": a
// cheap test that spares most entries a parse.
func loreHasDecorators(content string) bool {
	for i := 0; i < len(content); i++ {
		switch content[i] {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return strings.HasPrefix(content[i:], "@@")
	}
	return false
}

// entryMatches reports whether the entry's keys, and its secondary keys as its logic says,
// appear in the window or the recursion text.
func (sc *loreScan) entryMatches(e *LoreEntry, window, recursion *loreText) bool {
	if !sc.anyKey(e, e.Keys, window, recursion) {
		return false
	}
	if !e.Selective || !loreHasKeys(e.SecondaryKeys) {
		return true
	}
	switch e.SelectiveLogic {
	case LogicAndAll:
		return sc.allKeys(e, e.SecondaryKeys, window, recursion)
	case LogicNotAny:
		return !sc.anyKey(e, e.SecondaryKeys, window, recursion)
	case LogicNotAll:
		return !sc.allKeys(e, e.SecondaryKeys, window, recursion)
	default: // LogicAndAny, empty, or a logic a stored book should not have
		return sc.anyKey(e, e.SecondaryKeys, window, recursion)
	}
}

func (sc *loreScan) anyKey(e *LoreEntry, keys []string, window, recursion *loreText) bool {
	for _, k := range keys {
		if sc.keyMatches(e, k, window) || (recursion != nil && sc.keyMatches(e, k, recursion)) {
			return true
		}
	}
	return false
}

// allKeys reports whether every key that is not blank appears.
func (sc *loreScan) allKeys(e *LoreEntry, keys []string, window, recursion *loreText) bool {
	for _, k := range keys {
		if strings.TrimSpace(k) == "" {
			continue
		}
		if !sc.keyMatches(e, k, window) && (recursion == nil || !sc.keyMatches(e, k, recursion)) {
			return false
		}
	}
	return true
}

func loreHasKeys(keys []string) bool {
	return slices.ContainsFunc(keys, func(k string) bool { return strings.TrimSpace(k) != "" })
}

// keyMatches reports whether one key appears in t.
func (sc *loreScan) keyMatches(e *LoreEntry, key string, t *loreText) bool {
	if e.UseRegex {
		if key == "" {
			return false
		}
		re := sc.regexp(key, e.CaseSensitive)
		return re != nil && re.MatchString(t.raw)
	}
	fold := !e.CaseSensitive
	toks := t.tokens(fold)
	if !toks.mayHold(key, fold) {
		return false
	}
	// Most keys that pass miss too: their first word settles it before the rest is read.
	var wide bool
	sc.buf, sc.spans, wide = appendLoreTokens(sc.buf[:0], sc.spans[:0], key, fold, 1)
	if wide && loreNeedsSubstring(key) {
		return t.holdsSubstring(key, fold)
	}
	if len(sc.spans) == 0 {
		return false
	}
	if _, ok := toks.first[string(sc.buf[sc.spans[0].start:sc.spans[0].end])]; !ok {
		return false
	}
	if loreNeedsSubstring(key) {
		return t.holdsSubstring(key, fold)
	}
	sc.buf, sc.spans, _ = appendLoreTokens(sc.buf[:0], sc.spans[:0], key, fold, 0)
	return toks.hasPhrase(sc.buf, sc.spans)
}

// holdsSubstring matches a key written in a script without spaces between words
// (Chinese, Japanese, Thai…), which has no whole words to match, as a substring.
func (t *loreText) holdsSubstring(key string, fold bool) bool {
	k := strings.TrimSpace(key)
	if fold {
		return k != "" && strings.Contains(t.lowerRaw(), strings.ToLower(k))
	}
	return k != "" && strings.Contains(t.raw, k)
}

// regexp compiles a regular-expression key once per call; nil for one that does not
// compile.
func (sc *loreScan) regexp(key string, caseSensitive bool) *regexp.Regexp {
	ck := key
	if caseSensitive {
		ck = "\x00" + key
	}
	if re, ok := sc.regexps[ck]; ok {
		return re
	}
	re, _ := CompileLoreKey(key, caseSensitive)
	if sc.regexps == nil {
		sc.regexps = map[string]*regexp.Regexp{}
	}
	sc.regexps[ck] = re
	return re
}

// CompileLoreKey compiles a regular-expression key of an entry: a Go regexp, or a
// JavaScript-style "/pattern/flags" literal as SillyTavern writes them (flags i, s and m
// apply; g, u, y and d mean nothing to a test and are ignored). A plain pattern is case
// insensitive unless caseSensitive; a literal follows its own flags. Patterns over 512
// bytes are refused.
func CompileLoreKey(key string, caseSensitive bool) (*regexp.Regexp, error) {
	if len(key) > maxLoreRegex {
		return nil, fmt.Errorf("is longer than %d bytes", maxLoreRegex)
	}
	pattern, flags := key, ""
	if !caseSensitive {
		flags = "i"
	}
	if len(key) >= 2 && key[0] == '/' {
		if j := strings.LastIndexByte(key, '/'); j > 0 && strings.Trim(key[j+1:], "gimsuyd") == "" {
			pattern, flags = key[1:j], ""
			for _, f := range key[j+1:] {
				if f == 'i' || f == 's' || f == 'm' {
					flags += string(f)
				}
			}
		}
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	return regexp.Compile(pattern)
}

// window is the newest depth lines of the conversation, tokenised once per call.
func (sc *loreScan) window(depth int) *loreText {
	depth = min(depth, len(sc.scanned))
	if t, ok := sc.windows[depth]; ok {
		return t
	}
	t := newLoreText(sc.scanned[len(sc.scanned)-depth:])
	if sc.windows == nil {
		sc.windows = map[int]*loreText{}
	}
	sc.windows[depth] = t
	return t
}

// loreText is text keys are looked for in: lines, as written (for regexps) and as tokens
// (for keys), each form made when first needed.
type loreText struct {
	lines         []string
	raw           string
	lower         string
	lowered       bool
	folded, exact *loreTokens
}

func newLoreText(lines []string) *loreText {
	return &loreText{lines: lines, raw: strings.Join(lines, "\n")}
}

func (t *loreText) lowerRaw() string {
	if !t.lowered {
		t.lower, t.lowered = strings.ToLower(t.raw), true
	}
	return t.lower
}

func (t *loreText) tokens(fold bool) *loreTokens {
	p := &t.exact
	if fold {
		p = &t.folded
	}
	if *p == nil {
		*p = newLoreTokens(t.lines, fold)
	}
	return *p
}

// loreTokens are the normalised words of a text, indexed so that a key costs a map
// look-up: first maps a word to its first position, next links each position to the next
// of the same word. Lines are separated by an empty word no key has, so a phrase never
// spans two lines.
type loreTokens struct {
	words []string
	first map[string]int32
	next  []int32
	// prefixes is a filter of the first two and three bytes of the words: a key whose
	// first word starts with bytes that are not in it is not there.
	prefixes [loreFilterBits / 64]uint64
}

// loreFilterBits is the size of loreTokens.prefixes: a few hundred words set a small part
// of it, so most keys that are not there are told apart.
const loreFilterBits = 8192

// lorePrefixBit is the filter bit of the first n (2 or 3) bytes p of a word.
func lorePrefixBit(p [3]byte, n int) uint {
	h := uint(n)
	for i := 0; i < n; i++ {
		h = h*131 + uint(p[i])
	}
	return h % loreFilterBits
}

func (t *loreTokens) addPrefixes(w string) {
	var p [3]byte
	copy(p[:], w)
	for n := 2; n <= 3 && n <= len(w); n++ {
		bit := lorePrefixBit(p, n)
		t.prefixes[bit/64] |= 1 << (bit % 64)
	}
}

// mayHold reports whether key's first word may be among the words, from its first bytes
// alone, without reading it as words. A word of three letters or more keeps its first two
// when stemmed, and one of six or more its first three, so those are compared; a key that
// does not start with enough plain letters or digits may be there.
func (t *loreTokens) mayHold(key string, fold bool) bool {
	var p [3]byte
	n := 0
	for n < len(key) && n < 6 && loreASCIIWord(key[n]) {
		if n < 3 {
			p[n] = key[n]
			if fold {
				p[n] = loreLowerASCII(p[n])
			}
		}
		n++
	}
	var bit uint
	switch {
	case n >= 6:
		bit = lorePrefixBit(p, 3)
	case n >= 3:
		bit = lorePrefixBit(p, 2)
	default:
		return true
	}
	return t.prefixes[bit/64]&(1<<(bit%64)) != 0
}

func loreVisibleASCII(c byte) bool { return c > ' ' && c < utf8.RuneSelf }

func loreASCIIWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func loreLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// loreSpan is a word's place in a tokenising buffer.
type loreSpan struct{ start, end int32 }

func newLoreTokens(lines []string, fold bool) *loreTokens {
	var buf []byte
	var spans []loreSpan
	for i, l := range lines {
		if i > 0 {
			spans = append(spans, loreSpan{int32(len(buf)), int32(len(buf))})
		}
		buf, spans, _ = appendLoreTokens(buf, spans, l, fold, 0)
	}
	// One string holds every word; the words are slices of it.
	all := string(buf)
	t := &loreTokens{words: make([]string, len(spans)), first: make(map[string]int32, len(spans)), next: make([]int32, len(spans))}
	for i, s := range spans {
		t.words[i] = all[s.start:s.end]
	}
	for i := len(spans) - 1; i >= 0; i-- {
		w := t.words[i]
		if w == "" {
			t.next[i] = -1
			continue
		}
		if j, ok := t.first[w]; ok {
			t.next[i] = j
		} else {
			t.next[i] = -1
		}
		t.first[w] = int32(i)
		t.addPrefixes(w)
	}
	return t
}

// hasPhrase reports whether the words of buf, at spans, appear in a row.
func (t *loreTokens) hasPhrase(buf []byte, spans []loreSpan) bool {
	head := buf[spans[0].start:spans[0].end]
	p, ok := t.first[string(head)]
	if !ok {
		return false
	}
	for ; p >= 0; p = t.next[p] {
		if int(p)+len(spans) > len(t.words) {
			return false
		}
		match := true
		for k := 1; k < len(spans); k++ {
			if t.words[int(p)+k] != string(buf[spans[k].start:spans[k].end]) {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// appendLoreTokens appends the normalised words of s to buf, and their spans to spans,
// stopping after limit words when limit > 0. A word is a run of letters, digits and marks;
// case is folded when fold; an apostrophe (straight or curly) inside a word is dropped, and
// with it a possessive s ("Greywater's" gives "greywater", "don't" gives "dont"); a plural
// ending is removed (see loreStem). Everything else separates words. wide reports a rune
// outside ASCII among those read.
func appendLoreTokens(buf []byte, spans []loreSpan, s string, fold bool, limit int) (_ []byte, _ []loreSpan, wide bool) {
	start, words := -1, 0
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		word := false
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				word = true
			case 'A' <= c && c <= 'Z':
				if fold {
					c += 'a' - 'A'
				}
				word = true
			case (c == '\'' || c == '`') && start >= 0:
				i += 1 + loreSkipPossessive(s, i+1)
				continue
			}
			if word {
				if start < 0 {
					start = len(buf)
				}
				buf = append(buf, c)
				i++
				continue
			}
		} else {
			wide = true
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				if start < 0 {
					start = len(buf)
				}
				if fold {
					r = unicode.ToLower(r)
				}
				buf = utf8.AppendRune(buf, r)
				i += size
				continue
			case loreApostrophe(r) && start >= 0:
				i += size + loreSkipPossessive(s, i+size)
				continue
			}
		}
		// A separator ends the word being read.
		if start >= 0 {
			n := loreStem(buf[start:])
			buf = buf[:start+n]
			spans = append(spans, loreSpan{int32(start), int32(start + n)})
			start = -1
			if words++; words == limit {
				return buf, spans, wide
			}
		}
		i += size
	}
	if start >= 0 {
		n := loreStem(buf[start:])
		buf = buf[:start+n]
		spans = append(spans, loreSpan{int32(start), int32(start + n)})
	}
	return buf, spans, wide
}

// loreSkipPossessive returns 1 when s[i] is the s of a possessive "'s" ending a word.
func loreSkipPossessive(s string, i int) int {
	if i < len(s) && (s[i] == 's' || s[i] == 'S') {
		if i+1 == len(s) {
			return 1
		}
		r, _ := utf8.DecodeRuneInString(s[i+1:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return 1
		}
	}
	return 0
}

func loreApostrophe(r rune) bool {
	switch r {
	case '\u2019', '\u2018', '\u02bc', '\u2032', '\uff07':
		return true
	}
	return false
}

// loreStem removes an English plural ending from a lower-case word in place and returns
// its new length: "wars" → "war", "cities" → "city", "witches" → "witch". Keys and text
// are stemmed alike, so the rule only has to be consistent, not correct; it leaves words
// under four letters and words in "ss" alone ("gas", "glass").
func loreStem(w []byte) int {
	n := len(w)
	if n < 4 || w[n-1] != 's' {
		return n
	}
	if n >= 5 && w[n-2] == 'e' {
		switch c := w[n-3]; {
		case c == 'i':
			w[n-3] = 'y'
			return n - 2
		case c == 's' || c == 'x' || c == 'z', c == 'h' && (w[n-4] == 'c' || w[n-4] == 's'):
			return n - 2
		}
	}
	if w[n-2] == 's' {
		return n
	}
	return n - 1
}

// loreNeedsSubstring reports whether a key is written in a script without spaces between
// words (Chinese, Japanese, Thai…), which can only be matched as a substring.
func loreNeedsSubstring(key string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			for _, r := range key[i:] {
				if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// loreSnippetName names a snippet for clients: the entry's name, comment or first key, or
// the head of its content.
func loreSnippetName(e *LoreEntry, content string) string {
	for _, s := range []string{e.Name, e.Comment} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	for _, k := range e.Keys {
		if k = strings.TrimSpace(k); k != "" {
			return k
		}
	}
	return loreHead(content, 60)
}

// loreHead is the first sentence of s, cut at a word to at most max runes.
func loreHead(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".!?\n"); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut, n := 0, 0
	for i, r := range s {
		if n == max {
			break
		}
		if r == ' ' {
			cut = i
		}
		n++
	}
	if cut == 0 {
		return string([]rune(s)[:max])
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
