package prompts

// Turn is one line of a conversation.
type Turn struct {
	// Speaker is who said it; empty means the player.
	Speaker string
	// Text is what was said.
	Text string
}

// defaultSpeaker names a turn whose speaker is not given.
const defaultSpeaker = "Player"

// conversation is the shared shape of the untrusted blocks of the dialogue and reaction
// prompts, cleaned: the game context, the turns (history, then the line being answered)
// and the character's memory.
type conversation struct {
	GameContext string
	Turns       []Turn
	// Speaker and Line are the last turn, repeated for the closing instruction; Line is
	// empty when there is nothing to answer.
	Speaker string
	Line    string
	Summary string
	Facts   []string
}

// newConversation cleans the untrusted parts shared by Dialogue and Reaction. Turns with
// no text are dropped, since they carry nothing but would still cost tokens.
func newConversation(gameContext string, history []Turn, speaker, line, summary string, facts []string) conversation {
	c := conversation{
		GameContext: block(gameContext),
		Line:        inline(line),
		Summary:     block(summary),
		Facts:       inlineAll(facts),
	}
	for _, t := range history {
		if t := cleanTurn(t); t.Text != "" {
			c.Turns = append(c.Turns, t)
		}
	}
	if c.Line != "" {
		last := cleanTurn(Turn{Speaker: speaker, Text: line})
		c.Speaker = last.Speaker
		c.Turns = append(c.Turns, last)
	}
	return c
}

func cleanTurn(t Turn) Turn {
	t.Speaker, t.Text = inline(t.Speaker), inline(t.Text)
	if t.Speaker == "" {
		t.Speaker = defaultSpeaker
	}
	return t
}
