package speech

import (
	"slices"
	"testing"
)

// phs builds spoken phonemes, one per name, 10 samples each, in spoken word word.
func phs(word int, names ...string) []timedPhoneme {
	var out []timedPhoneme
	for _, n := range names {
		out = append(out, timedPhoneme{phoneme: phoneme{name: n}, word: word})
	}
	return out
}

func lone(names ...string) []phWord {
	w := phWord{}
	for _, n := range names {
		w = append(w, phoneme{name: n})
	}
	return []phWord{w}
}

func TestAlignWords(t *testing.T) {
	// "for a rest": espeak-ng links "for a" into one spoken word, f3r-3, and says "a"
	// alone as eI.
	text := []string{"for", "a", "rest"}
	spoken := slices.Concat(phs(0, "f", "3", "r-", "3"), phs(1, "r", "E", "s", "t"))
	owner, ok := alignWords(text, [][]phWord{lone("f", "O@"), lone("eI"), lone("r", "'E", "s", "t")}, spoken)
	if !ok {
		t.Fatal("alignment failed")
	}
	if !slices.IsSorted(owner) {
		t.Errorf("owners %v are not in order", owner)
	}
	if owner[0] != 0 || !slices.Equal(owner[4:], []int{2, 2, 2, 2}) {
		t.Errorf("owners %v: want f for \"for\" and r E s t for \"rest\"", owner)
	}

	// "1999": one text word, three spoken words.
	text = []string{"in", "1999"}
	spoken = slices.Concat(phs(0, "I", "n"), phs(1, "n", "aI", "n", "t", "i:", "n"), phs(2, "n", "aI", "n", "t", "i"), phs(3, "n", "aI", "n"))
	owner, ok = alignWords(text, [][]phWord{lone("I", "n"), {{{"n", false}, {"aI", true}, {"n", false}, {"t", false}, {"i:", false}, {"n", false}}, {{"n", false}, {"aI", true}, {"n", false}, {"t", false}, {"i", false}}, {{"n", false}, {"aI", true}, {"n", false}}}}, spoken)
	if !ok || !slices.Equal(owner, append([]int{0, 0}, slices.Repeat([]int{1}, 14)...)) {
		t.Errorf("owners %v ok %v", owner, ok)
	}

	if _, ok := alignWords([]string{"a", "b"}, [][]phWord{lone("a")}, spoken); ok {
		t.Error("alignment with a lone entry missing should fail")
	}
}

func TestProportionalOwners(t *testing.T) {
	text := []string{"a", "bbbb", "cc"}
	owner := proportionalOwners(text, phs(0, "@", "b", "i:", "b", "i:", "s", "i:"))
	if !slices.IsSorted(owner) || owner[0] != 0 || owner[len(owner)-1] != 2 {
		t.Errorf("owners %v: want sorted, from the first word to the last", owner)
	}
}
