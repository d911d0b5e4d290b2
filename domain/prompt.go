package domain

import (
	"fmt"

	"github.com/troupe-ai/troupe/prompts"
)

// The functions below render each task's prompt from the domain's own types.

func characterInput(sheet CharacterSheet) prompts.CharacterInput {
	return prompts.CharacterInput{
		Name: sheet.Name, Role: sheet.Role, RoleDescription: sheet.RoleDescription,
		Archetype: sheet.Archetype, ArchetypeDescription: sheet.ArchetypeDescription,
		SkillTier: sheet.SkillTier, Mood: sheet.Mood, Personality: sheet.Personality, Lore: sheet.Lore,
		WorldName: sheet.WorldName, WorldBrief: sheet.WorldBrief, Home: sheet.Home, TabooWords: sheet.TabooWords,
	}
}

func renderCharacterPrompt(sheet CharacterSheet, rejection string) (string, string, error) {
	system, user, err := prompts.Character(characterInput(sheet))
	if err == nil && rejection != "" {
		// The reason is the validator's own words, not the player's, so it may steer.
		system += fmt.Sprintf("\n\nA previous draft was rejected by review for this reason: %q. Write a new draft that fixes it.", clip(rejection, 300))
	}
	return system, user, err
}

func renderValidatePrompt(sheet CharacterSheet, draft string) (string, string, error) {
	return prompts.Validate(prompts.ValidateInput{Character: characterInput(sheet), Draft: draft})
}

func turns(lines []Line) []prompts.Turn {
	out := make([]prompts.Turn, len(lines))
	for i, l := range lines {
		out[i] = prompts.Turn{Speaker: l.Speaker, Text: l.Text}
	}
	return out
}

func renderDialoguePrompt(actingPrompt string, sc *Scene) (string, string, error) {
	return prompts.Dialogue(prompts.DialogueInput{
		ActingPrompt: actingPrompt, Name: sc.Character.Name, Mood: sc.Character.Mood, Length: sc.Length,
		Summary: sc.Summary, Facts: sc.Facts, TabooWords: sc.Character.TabooWords, GameContext: sc.GameContext,
		History: turns(sc.History), Speaker: sc.Speaker, Line: sc.Line, Regard: sc.Regard, Doing: doingLines(sc.Doing),
		Lore: loreLines(sc.Lore), ExampleMessages: sc.Character.Profile.ExampleMessages,
		PostHistory: sc.Character.Profile.PostHistoryInstructions,
	})
}

func renderReactionPrompt(c *Character, sc *Scene) (string, string, error) {
	return prompts.Reaction(prompts.ReactionInput{
		Name: c.Name, Role: c.Role, Archetype: c.Archetype, Personality: c.Personality, Mood: c.Mood,
		Summary: sc.Summary, Facts: sc.Facts, GameContext: sc.GameContext, Speaker: sc.Speaker, Line: sc.Line,
		Actions: actionLines(sc.Actions),
	})
}

func renderSummarizePrompt(name, previous string, entries []MemoryEntry) (string, string, error) {
	in := prompts.SummarizeInput{Name: name, PreviousSummary: previous}
	for _, e := range entries {
		in.Entries = append(in.Entries, prompts.Entry{Kind: string(e.Kind), Speaker: e.Speaker, Text: e.Text})
	}
	return prompts.Summarize(in)
}

// loreLines are the snippets' contents, each under its name when it has one.
func loreLines(lore []LoreSnippet) []string {
	out := make([]string, 0, len(lore))
	for _, l := range lore {
		if l.Name != "" {
			out = append(out, l.Name+": "+l.Content)
		} else {
			out = append(out, l.Content)
		}
	}
	return out
}
