package server

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

func toConversation(c *domain.Conversation) gen.Conversation {
	players := make([]gen.ConversationPlayer, len(c.Players))
	for i, p := range c.Players {
		players[i] = gen.ConversationPlayer{PlayerId: p.ID, Name: p.Name}
	}
	return gen.Conversation{
		Id: c.ID, Participants: append([]string{}, c.Participants...), WorldId: c.WorldID, Scene: c.Scene, Topic: c.Topic,
		Players: players, MaxTurns: c.MaxTurns, MaxConsecutiveTurns: c.MaxConsecutive, Seed: c.Seed,
		TurnCount: c.TurnCount, Status: gen.ConversationStatus(c.Status), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func (h *handlers) toTurn(t domain.Turn) gen.ConversationTurn {
	out := gen.ConversationTurn{
		Id: t.ID, ConversationId: t.ConversationID, Index: t.Index, SpeakerId: t.SpeakerID, SpeakerName: t.SpeakerName,
		Text: t.Text, Emotion: gen.Emotion(t.Emotion), ChosenBecause: t.ChosenBecause, SpriteUrl: h.avatarURL(t.SpriteFileID),
		Decisions: mapSlice(t.Decisions, toDecision), Engine: t.Engine, Model: t.Model,
		Usage: gen.Usage{PromptTokens: t.Usage.PromptTokens, CompletionTokens: t.Usage.CompletionTokens, TotalTokens: t.Usage.Total()},
		Moderation: gen.ModerationOutcome{
			Flagged: t.Moderation.Flagged, Action: gen.ModerationOutcomeAction(t.Moderation.Action),
			Categories: mapSlice(t.Moderation.Categories, identity),
		},
		CreatedAt:      t.CreatedAt,
		Actions:        mapSlice(t.Actions, toAction),
		RefusedActions: mapSlice(t.RefusedActions, toRefusedAction),
	}
	if t.Message != nil {
		out.Message = &gen.TurnMessage{Speaker: t.Message.Speaker, Text: t.Message.Text, PlayerId: optional(t.Message.PlayerID)}
	}
	return out
}

func toDecision(d domain.Decision) gen.TurnDecision {
	return gen.TurnDecision{
		CharacterId: d.CharacterID, Name: d.Name, Decision: gen.TurnDecisionDecision(d.Decision),
		Priority: d.Priority, Reason: d.Reason, ExcludedBecause: optional(d.ExcludedBecause),
	}
}
