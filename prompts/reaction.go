package prompts

// ReactionInput is what the model needs to decide whether a character wants to speak
// (the REACTION_SYSTEM prompt).
type ReactionInput struct {
	// Name is the character's name. Required.
	Name string
	// Role, Archetype, Personality and Mood describe the character briefly; the full
	// acting prompt is not needed to decide whether to speak, and would cost tokens.
	Role        string
	Archetype   string
	Personality string
	Mood        string
	// Summary and Facts are the character's memory, as in DialogueInput.
	Summary string
	Facts   []string
	// GameContext is what the game says is happening now. Untrusted.
	GameContext string
	// History is the conversation before Line, oldest first. Untrusted.
	History []Turn
	// Speaker said Line, the line the character may react to (empty Speaker means the
	// player). Line is required. Untrusted.
	Speaker string
	Line    string
	// Actions are what the game lets the character do, each rendered on one line as
	// "name(param: type, …): description"; with any, the answer also proposes the actions
	// the character would take if it spoke. Trusted (the game's own catalogue).
	Actions []string
}

// reactionView is ReactionInput cleaned for the templates.
type reactionView struct {
	conversation
	Name        string
	Role        string
	Archetype   string
	Personality string
	Mood        string
	Actions     []string
}

// Reaction renders REACTION_SYSTEM: the model decides whether the character wants to
// answer the last line and answers the JSON object
// {"decision": "WANT"|"PASS", "reason": "...", "priority": 0..1} (domain.TaskReaction),
// with "actions": [{"name", "arguments", "reason"}] when the game declared actions.
func Reaction(in ReactionInput) (system, user string, err error) {
	v := reactionView{
		conversation: newConversation(in.GameContext, in.History, in.Speaker, in.Line, in.Summary, in.Facts),
		Name:         inline(in.Name),
		Role:         inline(in.Role),
		Archetype:    inline(in.Archetype),
		Personality:  sentence(inline(in.Personality)),
		Mood:         inline(in.Mood),
		Actions:      inlineAll(in.Actions),
	}
	if v.Name == "" || v.Line == "" {
		return "", "", invalid("reaction: Name and Line are required")
	}
	return render("reaction", v)
}
