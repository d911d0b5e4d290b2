package server

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

func (h *handlers) toCharacter(c *domain.Character) gen.Character {
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	return gen.Character{
		Id: c.ID, Name: c.Name, Role: c.Role, Archetype: c.Archetype, SkillTier: gen.SkillTier(c.SkillTier),
		WorldId: optional(c.WorldID), Mood: c.Mood, Personality: c.Personality, CustomLore: c.CustomLore,
		ActingPrompt: c.ActingPrompt, VoiceId: c.VoiceID, AvatarUrl: h.avatarURL(c.AvatarFileID),
		TabooWords: mapSlice(c.TabooWords, identity), Metadata: meta, Seed: c.Seed,
		Engine: c.Engine, Model: c.Model, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Feelings:    toFeelings(h.svc.Characters.FeelingsOf(c), c.Feelings.UpdatedAt.IsZero()),
		GameState:   gameState(c.GameState),
		Actions:     toCatalogue(c.Actions),
		LorebookIds: mapSlice(c.LorebookIDs, identity),
		Profile:     toProfile(c.Profile),
		Sprites:     h.sprites(c.Sprites),
	}
}

// sprites lists a character's sprites in SpriteEmotions order, with fresh signed URLs.
func (h *handlers) sprites(byEmotion map[domain.Emotion]string) *[]gen.Sprite {
	out := []gen.Sprite{}
	if h.cfg.Files != nil {
		for _, e := range domain.SpriteEmotions {
			if id := byEmotion[e]; id != "" {
				out = append(out, spriteResource(h.cfg.Files, e, id))
			}
		}
	}
	return &out
}

func toMemoryEntry(e domain.MemoryEntry) gen.MemoryEntry {
	return gen.MemoryEntry{
		Id: e.ID, Kind: gen.MemoryEntryKind(e.Kind), Text: e.Text, Speaker: optional(e.Speaker),
		Importance: e.Importance, CreatedAt: e.CreatedAt, Pinned: e.Pinned,
		PlayerId: optional(e.PlayerID),
		Source:   toMemorySource(e.Source),
	}
}

func toMemorySource(s domain.MemorySource) gen.MemorySource {
	return gen.MemorySource{
		Type: gen.MemorySourceType(s.Type), RequestId: optional(s.RequestID),
		ConversationId: optional(s.ConversationID), TurnId: optional(s.TurnID), EventId: optional(s.EventID),
	}
}

func (h *handlers) toSpeakResponse(r *domain.SpeakResult) gen.SpeakResponse {
	return gen.SpeakResponse{
		CharacterId: r.CharacterID, Text: r.Text, Mood: r.Mood, Emotion: string(r.Emotion), SpriteUrl: h.avatarURL(r.SpriteFileID),
		Relationship: optionalRelationship(r.Relationship),
		Engine:       r.Engine, Model: r.Model,
		Usage: gen.Usage{
			PromptTokens: r.Usage.PromptTokens, CompletionTokens: r.Usage.CompletionTokens, TotalTokens: r.Usage.Total(),
		},
		LatencyMs: float64(r.Latency.Microseconds()) / 1000,
		Moderation: gen.ModerationOutcome{
			Flagged: r.Moderation.Flagged, Action: gen.ModerationOutcomeAction(r.Moderation.Action),
			Categories: mapSlice(r.Moderation.Categories, identity),
		},
		MemoryEntries:  mapSlice(r.Memory, toMemoryEntry),
		Actions:        mapSlice(r.Actions, toAction),
		RefusedActions: mapSlice(r.RefusedActions, toRefusedAction),
		Lore:           mapSlice(r.Lore, toLoreUse),
	}
}

// avatarURL is a signed URL of an avatar or sprite file; nil for none.
func (h *handlers) avatarURL(fileID string) *string {
	if fileID == "" || h.cfg.Files == nil {
		return nil
	}
	return ptr(h.cfg.Files.URL(fileID))
}
