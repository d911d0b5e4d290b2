package server

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

func toFeelings(f domain.Feelings, neverMoved bool) gen.Feelings {
	l := f.Levels
	out := gen.Feelings{
		Dominant: gen.Emotion(f.Dominant()),
		Levels: gen.EmotionLevels{
			Joy: l[domain.EmotionJoy], Trust: l[domain.EmotionTrust], Fear: l[domain.EmotionFear], Surprise: l[domain.EmotionSurprise],
			Sadness: l[domain.EmotionSadness], Disgust: l[domain.EmotionDisgust], Anger: l[domain.EmotionAnger], Anticipation: l[domain.EmotionAnticipation],
		},
	}
	if !neverMoved {
		out.UpdatedAt = &f.UpdatedAt
	}
	return out
}

func toRelationship(r domain.Relationship) gen.Relationship {
	changes := make([]gen.RelationshipChange, len(r.Recent))
	for i, c := range r.Recent {
		changes[i] = gen.RelationshipChange{
			Id: c.ID, TrustDelta: c.TrustDelta, AffinityDelta: c.AffinityDelta, TrustAfter: c.TrustAfter, AffinityAfter: c.AffinityAfter,
			Cause: c.Cause, Source: toMemorySource(c.Source), CreatedAt: c.CreatedAt,
		}
	}
	return gen.Relationship{
		Target: gen.RelationshipTarget{Type: gen.RelationshipTargetType(r.TargetType), Id: r.TargetID, Name: r.TargetName},
		Trust:  r.Trust, Affinity: r.Affinity, Stage: gen.RelationshipStage(r.Stage()), Interactions: r.Interactions,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, RecentChanges: changes,
	}
}

func optionalRelationship(r *domain.Relationship) *gen.Relationship {
	if r == nil {
		return nil
	}
	out := toRelationship(*r)
	return &out
}

func gameEventInput(b *gen.GameEventRequest) domain.GameEventInput {
	in := domain.GameEventInput{PlayerID: deref(b.PlayerId), Type: b.Type, Description: b.Description, Importance: b.Importance}
	if b.Data != nil {
		in.Data = *b.Data
	}
	return in
}

func toGameEvent(ev *domain.GameEvent) gen.GameEvent {
	stimuli := ev.Appraisal.Stimuli
	if stimuli == nil {
		stimuli = []string{}
	}
	var trust, affinity float64
	if ev.PlayerID != "" {
		trust, affinity = ev.Appraisal.Trust, ev.Appraisal.Affinity
	}
	return gen.GameEvent{
		Id: ev.ID, CharacterId: ev.CharacterID, PlayerId: optional(ev.PlayerID), Type: ev.Type, Description: ev.Description,
		Data: ev.Data, Stimuli: stimuli, TrustDelta: trust, AffinityDelta: affinity, MemoryEntry: toMemoryEntry(ev.Memory),
		Feelings: toFeelings(ev.Feelings, false), GameState: gameState(ev.GameState), Relationship: optionalRelationship(ev.Relationship),
		CreatedAt: ev.CreatedAt,
	}
}

func gameState(s map[string]string) map[string]string {
	if s == nil {
		return map[string]string{}
	}
	return s
}
