package server_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/dialogue"
)

// promptMeter wraps a text engine and records the size of every dialogue prompt, in
// tokens estimated as characters / 4, the usual rule of thumb for English.
type promptMeter struct {
	domain.TextModel
	mu     sync.Mutex
	tokens []int
}

func (m *promptMeter) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	if req.Task == domain.TaskDialogue {
		n := len(req.System)
		for _, msg := range req.Messages {
			n += len(msg.Content)
		}
		m.mu.Lock()
		m.tokens = append(m.tokens, n/4)
		m.mu.Unlock()
	}
	return m.TextModel.Complete(ctx, req)
}

// TestPromptSizeStaysFlat talks to one character for 1000 turns, the client sending its
// last 50 messages each time, and checks the rendered dialogue prompt does not grow with
// the history: memory is folded into a bounded summary and only recent turns are sent.
func TestPromptSizeStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("400 turns")
	}
	engine, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	meter := &promptMeter{TextModel: engine}
	b := setup(t, func(o *setupOptions) { o.text = meter })
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "innkeeper", Archetype: "caregiver", Seed: ptr(int64(1))})
	lines := []string{"Hello!", "My name is Tamsin.", "Any rooms free?", "I promise to pay tomorrow.", "What news?", "Thanks.", "Tell me about the road north.", "Goodbye."}
	var history []gen.Message
	for turn := range 1000 {
		history = append(history, said("Tamsin", lines[turn%len(lines)]))
		if len(history) > 50 {
			history = history[len(history)-50:]
		}
		res := speak(t, b.demo, c.Id, gen.SpeakRequest{ContextMessages: history})
		history = append(history, said(c.Name, res.Text))
	}
	at := func(turn int) int { return meter.tokens[turn-1] }
	t.Logf("dialogue prompt tokens (chars/4): turn 10 = %d, turn 100 = %d, turn 1000 = %d", at(10), at(100), at(1000))
	if path := os.Getenv("PROMPT_SIZE_OUT"); path != "" {
		os.WriteFile(path, fmt.Appendf(nil, "%d %d %d\n", at(10), at(100), at(1000)), 0o644)
	}
	// Bounded: the summary is capped and the history window fixed, so turn 1000 may not
	// exceed turn 100 by more than the summary's cap (~120 words ≈ 200 tokens).
	if at(1000) > at(100)+200 || at(100) > at(10)+800 {
		t.Fatalf("prompt grows with history: %d → %d → %d tokens", at(10), at(100), at(1000))
	}
}

// TestConversationPromptSizeStaysFlat runs a three-character conversation with a player
// for 400 turns and checks each turn's dialogue prompt does not grow with it: the
// transcript window, the recalled facts and the summary are all bounded. (400 keeps the
// race-detector run of the suite inside its budget; the prompt is flat long before.)
func TestConversationPromptSizeStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("400 turns")
	}
	t.Parallel()
	engine, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	meter := &promptMeter{TextModel: engine}
	b := setup(t, func(o *setupOptions) { o.text = meter })
	conv, _ := campfire(t, b.demo, 1, func(r *gen.ConversationCreateRequest) { r.MaxTurns = ptr(conversationTurns) })
	lines := []string{"Hello, all. I'm Kestrel.", "Who took the caravan?", "I promise to find it by dawn.", "What news from the road north?", "Thanks, friends."}
	for turn := 0; turn < conversationTurns; {
		body := gen.ConversationTurnRequest{PlayerId: ptr("p_kestrel"), Message: playerLine(lines[(turn/10)%len(lines)]), Turns: ptr(10)}
		turn += len(advance(t, b.demo, conv.Id, body).Turns)
	}
	at := func(turn int) int { return meter.tokens[turn-1] }
	if len(meter.tokens) != conversationTurns {
		t.Fatalf("%d dialogue prompts for %d turns", len(meter.tokens), conversationTurns)
	}
	t.Logf("conversation dialogue prompt tokens (chars/4): turn 10 = %d, turn 100 = %d, turn 200 = %d, turn 400 = %d", at(10), at(100), at(200), at(400))
	// Bounded as a single character's prompt is: the window of lines is fixed and at
	// most 8 recalled facts of at most 300 characters reach it.
	if at(400) > at(100)+200 || at(100) > at(10)+800 {
		t.Fatalf("conversation prompt grows with its length: %d → %d → %d → %d tokens", at(10), at(100), at(200), at(400))
	}
}

// conversationTurns is how long TestConversationPromptSizeStaysFlat talks.
const conversationTurns = 400
