package dialogue

import (
	"fmt"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestSummarizeKeepsWhatMatters(t *testing.T) {
	e := newEngine(t)
	c := sheet("blacksmith", "mentor", "calm")
	c.Name = "Maren Holt"
	sc := &domain.Scene{
		Character: c,
		Summary:   "Aldric owes Maren twenty gold.",
		Entries: []domain.MemoryEntry{
			{Kind: domain.MemoryHeard, Speaker: "Aldric", Text: "Hello there! Lovely weather today."},
			{Kind: domain.MemoryHeard, Speaker: "Aldric", Text: "I promise to bring the iron ore from Ashford by Friday."},
			{Kind: domain.MemorySaid, Text: "Thank you. Goodbye!"},
			{Kind: domain.MemoryHeard, Speaker: "Aldric", Text: "Nice to meet you."},
			{Kind: domain.MemorySaid, Text: "If you fail, the Iron Guild will hear of it."},
			{Kind: domain.MemoryFact, Text: "The bandits near Kestrel Point kidnapped the miller.", Importance: 0.9},
		},
	}
	got := complete(t, e, domain.TaskSummarize, sc)
	for _, want := range []string{"Aldric owes Maren twenty gold.", "I promise to bring the iron ore from Ashford by Friday.",
		"Iron Guild", "Kestrel Point", "Aldric:", "Maren Holt:"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary %q lacks %q", got, want)
		}
	}
	for _, small := range []string{"Hello", "weather", "Goodbye", "Thank you", "Nice to meet"} {
		if strings.Contains(got, small) {
			t.Errorf("summary %q keeps small talk %q", got, small)
		}
	}
	if again := complete(t, e, domain.TaskSummarize, sc); again != got {
		t.Errorf("summaries differ:\n%s\n%s", got, again)
	}
}

func TestSummarizeStaysUnderTheCap(t *testing.T) {
	e := newEngine(t)
	var entries []domain.MemoryEntry
	for i := range 60 {
		entries = append(entries,
			domain.MemoryEntry{Kind: domain.MemoryHeard, Speaker: "Aldric", Text: "Hi again!"},
			domain.MemoryEntry{Kind: domain.MemoryHeard, Speaker: "Aldric",
				Text: fmt.Sprintf("I will pay you %d silver for the job at Ashford.", i+1), Importance: float64(i%10) / 10})
	}
	entries = append(entries, domain.MemoryEntry{Kind: domain.MemoryFact, Text: "Aldric betrayed the Iron Guild.", Importance: 1})
	got := complete(t, e, domain.TaskSummarize, &domain.Scene{Character: sheet("guard", "hero", "calm"), Entries: entries})
	if n := countWords(got); n > summaryWords || n < summaryWords/2 {
		t.Errorf("summary has %d words, want at most %d and not far under: %q", n, summaryWords, got)
	}
	if !strings.Contains(got, "betrayed the Iron Guild") {
		t.Errorf("summary %q dropped the most important fact", got)
	}
	if strings.Contains(got, "Hi again") {
		t.Errorf("summary %q keeps small talk", got)
	}
	// A single sentence over the cap is cut, not dropped.
	long := strings.Repeat("Aldric promised gold ", 80) + "."
	got = complete(t, e, domain.TaskSummarize, &domain.Scene{Summary: long})
	if n := countWords(got); n > summaryWords+1 || n == 0 {
		t.Errorf("over-long summary has %d words", n)
	}
}

func TestSummarizeEmpty(t *testing.T) {
	e := newEngine(t)
	if got := complete(t, e, domain.TaskSummarize, &domain.Scene{}); got != "" {
		t.Errorf("empty memory summarised to %q", got)
	}
	got := complete(t, e, domain.TaskSummarize, &domain.Scene{Entries: []domain.MemoryEntry{
		{Kind: domain.MemoryHeard, Speaker: "player", Text: "Hello! Thanks, bye."}}})
	if got != "" {
		t.Errorf("small talk summarised to %q", got)
	}
}
