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
