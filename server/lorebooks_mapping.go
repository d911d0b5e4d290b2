package server

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

func toLorebook(b *domain.Lorebook) gen.Lorebook {
	return gen.Lorebook{
		Id: b.ID, Name: b.Name, Description: b.Description, ScanDepth: b.ScanDepth, TokenBudget: b.TokenBudget,
		RecursiveScanning: b.RecursiveScanning, WorldId: optional(b.WorldID), Entries: mapSlice(b.Entries, toLoreEntry),
		Extensions: object(b.Extensions), CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
}

func toLoreEntry(e domain.LoreEntry) gen.LorebookEntry {
	return gen.LorebookEntry{
		Id: e.ID, Name: e.Name, Comment: e.Comment, Keys: mapSlice(e.Keys, identity), SecondaryKeys: mapSlice(e.SecondaryKeys, identity),
		Selective: e.Selective, SelectiveLogic: gen.LoreSelectiveLogic(e.SelectiveLogic), Content: e.Content,
		Constant: e.Constant, Enabled: e.Enabled, CaseSensitive: e.CaseSensitive, UseRegex: e.UseRegex,
		InsertionOrder: e.InsertionOrder, Priority: e.Priority, Position: gen.LorePosition(e.Position),
		Category: e.Category, Extensions: object(e.Extensions),
		Decorators: mapSlice(e.Decorators, func(d domain.LoreDecorator) gen.LoreDecorator {
			return gen.LoreDecorator{Name: d.Name, Value: d.Value, Supported: d.Supported}
		}),
	}
}

func fromEntryInputs(in *[]gen.LorebookEntryInput) *[]domain.LoreEntryInput {
	if in == nil {
		return nil
	}
	return ptr(mapSlice(*in, fromEntryInput))
}

func fromEntryInput(e gen.LorebookEntryInput) domain.LoreEntryInput {
	return domain.LoreEntryInput{
		ID: e.Id, Name: e.Name, Comment: e.Comment, Keys: e.Keys, SecondaryKeys: e.SecondaryKeys, Selective: e.Selective,
		SelectiveLogic: (*string)(e.SelectiveLogic), Content: &e.Content, Constant: e.Constant, Enabled: e.Enabled,
		CaseSensitive: e.CaseSensitive, UseRegex: e.UseRegex, InsertionOrder: e.InsertionOrder, Priority: e.Priority,
		Position: (*string)(e.Position), Category: e.Category, Extensions: e.Extensions,
	}
}

func toProfile(p domain.CharacterProfile) gen.CharacterProfile {
	return gen.CharacterProfile{
		Description: p.Description, Scenario: p.Scenario, FirstMessage: p.FirstMessage,
		AlternateGreetings: mapSlice(p.AlternateGreetings, identity), ExampleMessages: p.ExampleMessages,
		SystemPrompt: p.SystemPrompt, PostHistoryInstructions: p.PostHistoryInstructions, Tags: mapSlice(p.Tags, identity),
		Creator: p.Creator, CreatorNotes: p.CreatorNotes, CharacterVersion: p.CharacterVersion, Nickname: p.Nickname,
	}
}

func fromProfile(p *gen.CharacterProfileInput) domain.ProfileInput {
	if p == nil {
		return domain.ProfileInput{}
	}
	return domain.ProfileInput{
		Description: p.Description, Scenario: p.Scenario, FirstMessage: p.FirstMessage, AlternateGreetings: p.AlternateGreetings,
		ExampleMessages: p.ExampleMessages, SystemPrompt: p.SystemPrompt, PostHistoryInstructions: p.PostHistoryInstructions,
		Tags: p.Tags, Creator: p.Creator, CreatorNotes: p.CreatorNotes, CharacterVersion: p.CharacterVersion, Nickname: p.Nickname,
	}
}

func toLoreUse(u domain.LoreUse) gen.LoreUse {
	return gen.LoreUse{LorebookId: u.LorebookID, EntryId: u.EntryID, Name: u.Name}
}

// object is m, or an empty object for nil, so responses always carry {}.
func object(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
