package falclient

import (
	"math"
	"strings"
	"unicode"
)

// phraseSnapDistance is how far (normalised edit distance) a transcript may be from a
// phrase and still be taken for it.
const phraseSnapDistance = 0.25

// snapPhrase returns the phrase closest to text when it is within phraseSnapDistance
// (normalised edit distance); the first wins a tie.
func snapPhrase(text string, phrases []string) (string, bool) {
	t := []rune(normalise(text))
	if len(t) == 0 {
		return "", false
	}
	best, bestD := "", math.Inf(1)
	for _, p := range phrases {
		n := []rune(normalise(p))
		if len(n) == 0 {
			continue
		}
		d := float64(editDistance(t, n)) / float64(max(len(t), len(n)))
		if d < bestD {
			best, bestD = strings.TrimSpace(p), d
		}
	}
	return best, bestD <= phraseSnapDistance
}

// normalise lower-cases s and keeps only letters and digits, words separated by single
// spaces, so punctuation and case never count as recognition errors.
func normalise(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b []rune) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}
