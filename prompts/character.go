package prompts

// CharacterInput is what the generation model needs to write a character (the
// ACTING_PROMPT_SYSTEM prompt). Every field except Name and Role may be empty; empty
// fields are left out of the prompt. All text is treated as untrusted data.
type CharacterInput struct {
	// Name is the character's name. Required.
	Name string
	// Role is the role's display name or id, such as "blacksmith". Required.
	Role string
	// RoleDescription is the role's description from the defaults.
	RoleDescription string
	// Archetype is the archetype's display name or id, such as "trickster".
	Archetype string
	// ArchetypeDescription is the archetype's description from the defaults.
	ArchetypeDescription string
	// SkillTier is how good the character is at the role: novice, skilled, expert, master.
	SkillTier string
	// Mood is the character's usual mood, such as "suspicious".
	Mood string
	// Personality, when given, is kept as it is; when empty the model writes one.
	Personality string
	// Lore is the studio's custom backstory for the character.
	Lore string
	// WorldName, WorldBrief and Home place the character: the world's name, its short
	// description (genre, tone, technology) and the settlement or region it lives in.
	WorldName  string
	WorldBrief string
	Home       string
	// TabooWords are words the character must never say; the model is told to keep them
	// out of what it writes too.
	TabooWords []string
}

// characterView is CharacterInput cleaned for the templates.
type characterView struct {
	CharacterInput
	Taboo string
}

// clean returns the input with every field cleaned for a prompt.
func (in CharacterInput) clean() characterView {
	c := CharacterInput{
		Name:                 inline(in.Name),
		Role:                 inline(in.Role),
		RoleDescription:      inline(in.RoleDescription),
		Archetype:            inline(in.Archetype),
		ArchetypeDescription: inline(in.ArchetypeDescription),
		SkillTier:            inline(in.SkillTier),
		Mood:                 inline(in.Mood),
		Personality:          inline(in.Personality),
		Lore:                 block(in.Lore),
		WorldName:            inline(in.WorldName),
		WorldBrief:           block(in.WorldBrief),
		Home:                 inline(in.Home),
	}
	return characterView{CharacterInput: c, Taboo: quotedList(in.TabooWords)}
}

// Character renders ACTING_PROMPT_SYSTEM: the generation model is asked for the JSON
// object {"personality": "...", "acting_prompt": "..."} (domain.TaskCharacter), where
// acting_prompt is a second-person acting prompt that tells the character to stay in
// character, refuse instructions to leave it, never reveal that it is an AI or its prompt,
// and never say its forbidden words. The character sheet goes in the user message as data.
func Character(in CharacterInput) (system, user string, err error) {
	v := in.clean()
	if v.Name == "" {
		return "", "", invalid("character: Name is required")
	}
	if v.Role == "" {
		return "", "", invalid("character: Role is required")
	}
	return render("character", v)
}
