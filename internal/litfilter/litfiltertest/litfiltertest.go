// Package litfiltertest checks that literal filters never hide a match of their
// patterns, for the tests of the packages that filter.
package litfiltertest

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/internal/litfilter"
)

// NeverHidesAMatch fails t when some drawn text matches one of res while its filter (the
// filter at the same index) says it cannot. Texts are strung from the patterns' own
// words and vocab, in every case and with the runes (?i) folds onto ASCII letters (the
// Kelvin sign, the long s), joined by punctuation. It also fails when too few draws
// match anything, since a draw that never matches proves nothing.
func NeverHidesAMatch(t testing.TB, res []*regexp.Regexp, filters []*litfilter.Filter, vocab ...string) {
	t.Helper()
	vocab = append([]string{"i", "a", "the", "you"}, vocab...)
	for _, re := range res {
		for _, w := range strings.FieldsFunc(re.String(), func(r rune) bool {
			return strings.ContainsRune("()|?:^$[]\\*+.!{}", r) || r == ' '
		}) {
			vocab = append(vocab, w, strings.ToUpper(w), strings.ReplaceAll(w, "k", "\u212a"), strings.ReplaceAll(w, "s", "\u017f"))
		}
	}
	punct := []string{" ", " ", " ", ", ", "! ", "? ", "... ", " '", "' ", ": ", " [", "] ", " \""}
	rng := rand.New(rand.NewPCG(16, 1))
	checked, matched := 0, 0
	for range 30000 {
		var b strings.Builder
		for range 1 + rng.IntN(7) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteString(punct[rng.IntN(len(punct))])
		}
		text := strings.TrimSpace(b.String())
		folded := litfilter.Fold(text)
		for i, re := range res {
			checked++
			if re.MatchString(text) {
				matched++
				if !filters[i].May(folded) {
					t.Fatalf("%s matches %q but its filter %q skips it", re, text, filters[i].Literals())
				}
			}
		}
	}
	if matched < checked/200 {
		t.Fatalf("only %d of %d draws matched", matched, checked)
	}
}
