package moderation

import (
	"strings"
	"testing"
)

// benchText is a long, ordinary line with a few disguised terms.
var benchText = strings.Repeat("The innkeeper wipes the counter and says the d r a g o n took the north road, sh!t. ", 24)

func BenchmarkCheck(b *testing.B) {
	taboo := []string{"dragon", "magic missile", "elf", "wizard"}
	for b.Loop() {
		Check(benchText, taboo)
	}
}

// Adversarial shapes: long runs of separators, single letters and repeats.
func BenchmarkCheckAdversarial(b *testing.B) {
	inputs := []string{
		strings.Repeat("a.", 5000),
		strings.Repeat("s ", 5000),
		strings.Repeat("1!|", 3000),
		strings.Repeat("f", 10000),
	}
	taboo := []string{"aaaaaaaaaa", "ssssss", "il1il1il", "fuck"}
	for b.Loop() {
		for _, in := range inputs {
			Check(in, taboo)
		}
	}
}
