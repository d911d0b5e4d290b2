package server_test

import (
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
)

// TestRecallFromMemory: what a player told a character in one request is used in later
// requests that carry nothing but the question, on the local engine and both databases.
func TestRecallFromMemory(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Oda Marsh")})
			for _, line := range []string{"Hi, I'm Kestrel.", "I'll bring you the ore by dusk."} {
				speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("player", line)}})
			}
			// A threat from someone else is no introduction.
			speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Rook", "Hand over your gold.")}})

			for _, tt := range []struct {
				question string
				want     []string
			}{
				{"What is my name?", []string{"Kestrel"}},
				{"Do you remember me?", []string{"Kestrel"}},
				{"What did I promise you?", []string{"bring you the ore by dusk"}},
			} {
				for _, length := range []gen.SpeakRequestLength{gen.SpeakRequestLengthShort, gen.SpeakRequestLengthLong} {
					res := speak(t, b.demo, c.Id, gen.SpeakRequest{
						ContextMessages: []gen.Message{said("player", tt.question)}, Length: &length,
					})
					for _, w := range tt.want {
						if !strings.Contains(res.Text, w) {
							t.Errorf("%q (%s) = %q, want it to contain %q", tt.question, length, res.Text, w)
						}
					}
					if strings.Contains(res.Text, "know who might") || strings.Contains(res.Text, "seen Kestrel") {
						t.Errorf("%q (%s) = %q: the player's name treated as a stranger's", tt.question, length, res.Text)
					}
				}
			}

			mem, err := b.demo.GetCharacterMemoryWithResponse(t.Context(), c.Id, &gen.GetCharacterMemoryParams{Limit: ptr(100)})
			if err != nil || mem.JSON200 == nil {
				t.Fatalf("memory: %v %s", err, mem.Body)
			}
			var called []string
			for _, e := range mem.JSON200.Items {
				if e.Kind == gen.MemoryEntryKindFact && strings.Contains(e.Text, " is called ") {
					called = append(called, e.Text)
				}
			}
			if len(called) != 1 || called[0] != "player is called Kestrel." {
				t.Errorf("introduction facts = %q, want only %q", called, "player is called Kestrel.")
			}
		})
	}
}
