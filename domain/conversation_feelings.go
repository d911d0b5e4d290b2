package domain

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// hearLine is what every participant feels as the turn answers line: a player's line m
// is appraised by each (it is new to them); a character's line was appraised when it was
// said, so it only brings each participant's regard for its speaker (lastSpeaker).
func (s *ConversationService) hearLine(ctx context.Context, cast []*Character, line Line, m *TurnMessage, lastSpeaker string, now time.Time) ([]hearing, error) {
	out := make([]hearing, len(cast))
	for i, c := range cast {
		var err error
		switch {
		case m != nil:
			out[i], err = s.Characters.hear(ctx, c, line, playerTarget(m.PlayerID, m.Speaker), meantFor(line.Text, c, cast), now)
		case lastSpeaker != "" && lastSpeaker != c.ID:
			out[i], err = s.Characters.hear(ctx, c, Line{Speaker: line.Speaker}, Target{Type: TargetCharacter, ID: lastSpeaker, Name: line.Speaker}, 1, now)
		default:
			out[i], err = s.Characters.hear(ctx, c, Line{Speaker: line.Speaker}, Target{}, 1, now)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// meantFor weighs how squarely text was meant for c among the cast: a line that names
// some participants is theirs in full and half the others'; one that names none is
// everyone's.
func meantFor(text string, c *Character, cast []*Character) float64 {
	cs := make([]Candidate, len(cast))
	for i, p := range cast {
		cs[i] = Candidate{ID: p.ID, Name: p.Name}
	}
	at := namedCandidates(text, cs)
	named, mine := false, false
	for i, pos := range at {
		if pos >= 0 {
			named = true
			mine = mine || cast[i].ID == c.ID
		}
	}
	if !named || mine {
		return 1
	}
	return 0.5
}

// pulled is a participant's priority to answer with its affinity for the line's speaker
// added (affinityPull of it, kept within 0–1), and its reason with the pull explained, so
// the decision record says why a friend chimed in.
func pulled(r *Reaction, regard *Relationship) (float64, string) {
	if regard == nil || regard.Affinity == 0 {
		return r.Priority, r.Reason
	}
	pull := math.Round(affinityPull*regard.Affinity*100) / 100
	priority := math.Round(min(max(r.Priority+pull, 0), 1)*100) / 100
	if priority == r.Priority {
		return r.Priority, r.Reason
	}
	// A player is not named: the record outlives an erasure of their data.
	of := regard.TargetName
	if regard.TargetType == TargetPlayer {
		of = "the player"
	}
	reason := fmt.Sprintf("%s (priority %+.2f from its regard for %s: %s)", r.Reason, priority-r.Priority, of,
		strings.ReplaceAll(string(regard.Stage()), "_", " "))
	return priority, reason
}

// RecordEvent tells every participant of the conversation what happened in the game, as
// CharacterService.RecordEvent tells one character, in one transaction for all of them;
// each memory entry names the event and the conversation. It returns VALIDATION_ERROR
// for bad input, CONVERSATION_NOT_FOUND, and CONVERSATION_ENDED once the conversation is
// over; nothing changes on any of them.
func (s *ConversationService) RecordEvent(ctx context.Context, tenantID, id string, in GameEventInput) (*Conversation, []*GameEvent, error) {
	if err := ValidateGameEvent(in); err != nil {
		return nil, nil, err
	}
	conv, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	if conv.Status == ConversationEnded {
		return nil, nil, conversationEnded(conv)
	}
	cast, err := s.cast(ctx, conv)
	if err != nil {
		return nil, nil, err
	}
	cs := s.Characters
	now := cs.now()
	src := MemorySource{Type: MemorySourceEvent, RequestID: RequestIDFrom(ctx), ConversationID: conv.ID}
	var events []*GameEvent
	var entries []MemoryEntry
	var changes []StateChange
	// One event id for all: it is one thing that happened, taken in by each.
	eventID := NewID(PrefixGameEvent, now)
	for i, c := range cast {
		ev, ch := cs.takeIn(c, in, eventID, now.Add(time.Duration(i)*time.Microsecond), src)
		events = append(events, ev)
		entries, changes = append(entries, ev.Memory), append(changes, ch)
	}
	if err := cs.Store.RecordExchange(ctx, tenantID, entries, changes); err != nil {
		return nil, nil, err
	}
	for i, ev := range events {
		if events[i], err = cs.afterEvent(ctx, cast[i], ev, changes[i]); err != nil {
			return nil, nil, err
		}
	}
	return conv, events, nil
}
