package domain

import (
	"slices"
	"testing"
	"time"
)

func TestBM25RanksTheEntryAboutTheLineFirst(t *testing.T) {
	docs := []string{
		"The bridge to the north is out.",
		"player said: \"I'll bring you the ore by dusk.\"",
		"player is called Kestrel.",
		"Snow is coming to the pass.",
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"player What did I promise about the ore?", 1},
		{"player What is my name?", 2},
		{"Is the bridge still standing?", 0},
		{"Will it snow in the passes?", 3},
	} {
		scores, err := BM25{}.Relevance(t.Context(), tt.query, docs)
		if err != nil {
			t.Fatal(err)
		}
		best := 0
		for i, s := range scores {
			if s > scores[best] {
				best = i
			}
		}
		if best != tt.want || scores[best] == 0 {
			t.Errorf("%q: scores %v, want %q first", tt.query, scores, docs[tt.want])
		}
	}
	scores, _ := BM25{}.Relevance(t.Context(), "the and of", docs)
	for _, s := range scores {
		if s != 0 {
			t.Errorf("a query of stop words scored %v, want all zero", scores)
		}
	}
}

func TestRecallRanksByRecencyImportanceAndRelevance(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	entry := func(text string, age time.Duration, importance float64) MemoryEntry {
		return MemoryEntry{Kind: MemoryFact, Text: text, Importance: importance, CreatedAt: now.Add(-age)}
	}
	// Newest first, as the store hands them over.
	candidates := []MemoryEntry{
		entry("It rained this morning.", time.Hour, 0.2),
		entry("The guild pays in silver.", 3*time.Hour, 0.5),
		entry("The old mine is haunted.", 24*time.Hour, 0.4),
		entry("The king is dead.", 200*time.Hour, 0.95),
	}
	texts := func(es []MemoryEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Text)
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		weights MemoryWeights
		query   string
		want    []string
	}{
		{"recency alone keeps the newest", MemoryWeights{Recency: 1}, "Tell me about the mine",
			[]string{"It rained this morning.", "The guild pays in silver."}},
		{"importance alone keeps the weightiest", MemoryWeights{Importance: 1}, "Tell me about the mine",
			[]string{"The guild pays in silver.", "The king is dead."}},
		{"relevance brings up an old memory the line is about, newest first", MemoryWeights{Relevance: 1, Recency: 0.1}, "Is the mine haunted?",
			[]string{"It rained this morning.", "The old mine is haunted."}},
		{"the default weighs all three", MemoryWeights{}, "Is the mine haunted?",
			[]string{"The guild pays in silver.", "The old mine is haunted."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &CharacterService{Now: func() time.Time { return now }, MemoryWeights: tt.weights}
			got, err := s.recallFacts(t.Context(), candidates, tt.query, 2, -1)
			if err != nil {
				t.Fatal(err)
			}
			if g := texts(got); !slices.Equal(g, tt.want) {
				t.Errorf("recalled %q, want %q", g, tt.want)
			}
		})
	}

	t.Run("pinned entries and the kept one always make it, first", func(t *testing.T) {
		pinned := entry("Wren owes the guild.", 500*time.Hour, 0.1)
		pinned.Pinned = true
		all := append([]MemoryEntry{pinned}, candidates...)
		s := &CharacterService{Now: func() time.Time { return now }, MemoryWeights: MemoryWeights{Relevance: 1}}
		got, err := s.recallFacts(t.Context(), all, "Is the mine haunted?", 3, 4)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Wren owes the guild.", "The king is dead.", "The old mine is haunted."}
		if g := texts(got); !slices.Equal(g, want) {
			t.Errorf("recalled %q, want %q", g, want)
		}
	})
}

func TestFactsAboutThePlayerAreToldOfTheSpeakerNow(t *testing.T) {
	fact := MemoryEntry{Kind: MemoryFact, Text: "player is called Kestrel.", Speaker: "player", PlayerID: "p1"}
	promise := MemoryEntry{Kind: MemoryFact, Text: `player said: "I'll bring the ore."`, Speaker: "player", PlayerID: "p1"}
	heard := MemoryEntry{Kind: MemoryHeard, Text: `Keep the "blue" door shut.`, Speaker: "player", PlayerID: "p1", Pinned: true}
	for _, tt := range []struct {
		name            string
		entry           MemoryEntry
		player, speaker string
		want            string
	}{
		{"a new label for the same player", fact, "p1", "Traveller", "Traveller is called Kestrel."},
		{"the same label", fact, "p1", "player", "player is called Kestrel."},
		{"the player speaking by the name they gave", fact, "p1", "Kestrel", "player is called Kestrel."},
		{"another player", fact, "p2", "Traveller", "player is called Kestrel."},
		{"no player", fact, "", "Traveller", "player is called Kestrel."},
		{"a promise", promise, "p1", "Kestrel", `Kestrel said: "I'll bring the ore."`},
		{"a pinned line the player said", heard, "p1", "Kestrel", `Kestrel said: "Keep the 'blue' door shut."`},
		{"a pinned line another player said", heard, "p2", "Kestrel", `player said: "Keep the 'blue' door shut."`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := promptFactTexts([]MemoryEntry{tt.entry}, tt.player, tt.speaker); got[0] != tt.want {
				t.Errorf("got %q, want %q", got[0], tt.want)
			}
		})
	}
}

// texts are the entries' texts, in order.
func texts(entries []MemoryEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Text
	}
	return out
}
