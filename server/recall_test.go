package server_test

import (
	"fmt"
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

// TestAPlayerIsGreetedByNameInALaterSession: a player who introduced themselves is
// greeted by name when they come back, however much the character heard since and under
// whatever label the game gives them now; another player is not taken for them, and
// never hears their name.
func TestAPlayerIsGreetedByNameInALaterSession(t *testing.T) {
	t.Parallel()
	// meet introduces Kestrel (player p-kestrel), then buries the introduction under a
	// crowd of newer facts from other players and from no player at all.
	meet := func(t *testing.T, client *gen.ClientWithResponses, id string) {
		t.Helper()
		speak(t, client, id, gen.SpeakRequest{PlayerId: ptr("p-kestrel"), ContextMessages: []gen.Message{said("player", "Hi, I'm Kestrel.")}})
		for i, name := range []string{"Rook", "Ash", "Bryn", "Corin", "Dara", "Esk", "Fen", "Gale", "Hollis", "Isolde"} {
			speak(t, client, id, gen.SpeakRequest{PlayerId: ptr(fmt.Sprintf("p-%d", i)), ContextMessages: []gen.Message{said("player", "Hello, I'm "+name+".")}})
			speak(t, client, id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Warden", "I promise the road opens at dawn.")}})
		}
	}
	greeting := gen.SpeakRequest{PlayerId: ptr("p-kestrel"), ContextMessages: []gen.Message{said("Traveller", "Hello!")}}
	stranger := gen.SpeakRequest{PlayerId: ptr("p-new"), ContextMessages: []gen.Message{said("Traveller", "Hello! What is my name?")}}

	for name, backend := range backends(t) {
		t.Run("local engine/"+name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Oda Marsh")})
			meet(t, b.demo, c.Id)
			for seed := range 6 {
				in := greeting
				in.ContextMessages = []gen.Message{said("Traveller", []string{"Hello!", "Good evening.", "Hi there.", "Greetings.", "Hey.", "Good morning!"}[seed])}
				if res := speak(t, b.demo, c.Id, in); !strings.Contains(res.Text, "Kestrel") {
					t.Errorf("Kestrel back (%q) was answered %q, not by name", in.ContextMessages[0].Text, res.Text)
				}
			}
			ask := greeting
			ask.ContextMessages = []gen.Message{said("Traveller", "Do you remember my name?")}
			if res := speak(t, b.demo, c.Id, ask); !strings.Contains(res.Text, "Kestrel") {
				t.Errorf("Kestrel asking for their name got %q", res.Text)
			}
			if res := speak(t, b.demo, c.Id, stranger); strings.Contains(res.Text, "Kestrel") {
				t.Errorf("another player was answered %q: Kestrel's name reached them", res.Text)
			}
		})
	}

	t.Run("fal", func(t *testing.T) {
		t.Parallel()
		b, fake := falSetup(t)
		c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Name: ptr("Oda Marsh")})
		meet(t, b.demo, c.Id)
		speak(t, b.demo, c.Id, greeting)
		if in := lastDialogue(fake); !strings.Contains(in.SystemPrompt, "Traveller is called Kestrel.") {
			t.Errorf("Kestrel back: the dialogue prompt does not say who is speaking:\n%s", in.SystemPrompt)
		}
		speak(t, b.demo, c.Id, stranger)
		if in := lastDialogue(fake); strings.Contains(in.SystemPrompt, "Kestrel") || strings.Contains(in.SystemPrompt, "Rook") {
			t.Errorf("another player's dialogue prompt holds other players' names:\n%s", in.SystemPrompt)
		}
	})
}
