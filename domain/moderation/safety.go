package moderation

import (
	_ "embed" // for the //go:embed directive below
	"strings"
	"sync"
)

//go:embed safety.txt
var safetyList string

// safetyPatterns compiles the built-in safety list once, on first use.
var safetyPatterns = sync.OnceValue(func() []pattern {
	var ps []pattern
	seen := map[string]bool{}
	for line := range strings.Lines(safetyList) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if p, ok := compile(line, CategorySafety); ok && !seen[p.key()] {
			seen[p.key()] = true
			ps = append(ps, p)
		}
	}
	return ps
})

// MaxPhraseWords returns the most words a term of the built-in safety list or of the
// taboo terms has. A stream that holds back this many words, plus any run of one-letter
// words before them (a term spelt out "d r a g o n"), never releases the start of a match
// it has not seen the end of.
func MaxPhraseWords(taboo []string) int {
	n := 1
	for line := range strings.Lines(safetyList) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			n = max(n, len(strings.Fields(line)))
		}
	}
	for _, t := range taboo {
		n = max(n, len(strings.Fields(t)))
	}
	return n
}
