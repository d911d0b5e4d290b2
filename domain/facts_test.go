package domain

import (
	"slices"
	"testing"
)

func TestFactsInIntroductions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want []string
	}{
		{"Hi, I'm Kestrel.", []string{"player is called Kestrel."}},
		{"My name is Kestrel Vane, smith's daughter.", []string{"player is called Kestrel Vane."}},
		{"Well met, friend. I am Kestrel.", []string{"player is called Kestrel."}},
		{"Nice to meet you, I’m Kestrel.", []string{"player is called Kestrel."}},
		{"They call me Kestrel.", []string{"player is called Kestrel."}},
		{"My name's Kestrel and I'm Tired.", []string{"player is called Kestrel."}},
		{"I'm Kestrel Not that it matters.", []string{"player is called Kestrel."}},
		// Imperatives, adjectives and verbs after "I am" are no names.
		{"Hand over your gold.", nil},
		{"Bring me the ore.", nil},
		{"I am Going to kill you.", nil},
		{"I'm Sorry about that.", nil},
		{"I'm Leaving now.", nil},
		{"I'm tired.", nil},
		{"The guard said I'm Done for.", nil},
		// The speaker's own label is no news.
		{"I'm Player.", nil},
		// A promise is kept as said.
		{"I'll bring the ore by dusk.", []string{`player said: "I'll bring the ore by dusk."`}},
		{"Deal, I swear it", []string{`player said: "Deal, I swear it"`}},
		{"Fine. I promise!", []string{`player said: "Fine. I promise!"`}},
		// Asking about a promise makes none.
		{"What did I promise you?", nil},
		{"Will you help? I'll pay.", []string{`player said: "Will you help? I'll pay."`}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			if got := factsIn(Line{Speaker: "player", Text: tt.line}, false); !slices.Equal(got, tt.want) {
				t.Errorf("factsIn(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// A player introducing themselves by the name they already go by ties their id to it;
// anyone else doing so tells nothing.
func TestAPlayersOwnNameIsRemembered(t *testing.T) {
	t.Parallel()
	line := Line{Speaker: "Kestrel", Text: "Evening. I'm Kestrel."}
	if got := factsIn(line, true); !slices.Equal(got, []string{"Kestrel is called Kestrel."}) {
		t.Errorf("a player's introduction: %q", got)
	}
	if got := factsIn(line, false); got != nil {
		t.Errorf("a character's introduction by its own label: %q", got)
	}
}
