package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// How what a character hears moves it, and how that shapes its answer. Every engine gets
// the same state: the line is appraised (Appraise), the character's feelings move by it,
// and its relationship with whoever said it moves by the appraisal's trust and affinity.
// The answer is spoken in the mood the strongest feeling gives (an insulted calm smith
// answers angrily), curtly to someone it holds at arm's length, and carries the emotion
// of its feelings and of its own words.

// affinityPull is how much a participant's affinity for the one who spoke adds to its
// wish to answer them in a conversation: friends chime in, those who dislike them hold
// back.
const affinityPull = 0.3

// hearing is what a character feels as it answers a line.
type hearing struct {
	heard Appraisal
	// felt are its feelings now, moved by the line.
	felt Feelings
	// regard is its relationship with the one who said the line, nil when they have none
	// or the speaker is not someone a relationship is kept with.
	regard *Relationship
	from   Target
	text   string
}

// hear appraises line, said by from, as c meets it at now: scale weighs how squarely it
// was meant for c (1 for a line said to it, less for one overheard).
func (s *CharacterService) hear(ctx context.Context, c *Character, line Line, from Target, scale float64, now time.Time) (hearing, error) {
	h := hearing{heard: Appraise(line.Text).scaled(scale), from: from, text: line.Text}
	h.felt = c.Feelings.Moved(c.Mood, h.heard.Feel, now)
	if from.known() {
		r, err := s.Store.Relationship(ctx, c.TenantID, c.ID, from.Type, from.ID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return h, err
		default:
			h.regard = r
		}
	}
	return h, nil
}

// mood is the mood the answer is spoken in: the caller's override, else the strongest
// feeling's, else wariness toward someone held at arm's length, else the usual one.
func (h hearing) mood(usual, override string) string {
	if override != "" {
		return override
	}
	// A feeling that is only the usual mood's own (a tired character's mild sadness) keeps
	// the usual mood.
	if d := h.felt.Dominant(); d != EmotionOfMood(usual) {
		if m := moodFor("", h.felt); m != "" {
			return m
		}
	}
	if h.regard.cold() {
		return "suspicious"
	}
	return usual
}

// length is the answer's length: what was asked, else short for someone held at arm's
// length, else medium.
func (h hearing) length(requested string) string {
	switch {
	case requested != "":
		return requested
	case h.regard.cold():
		return "short"
	}
	return "medium"
}

// emotion is the emotion of the answer: the strongest of the feelings with the answer's
// own words added at half weight (a line of thanks carries joy), else the mood's.
func (h hearing) emotion(mood, reply string, now time.Time) Emotion {
	own := Appraise(reply).scaled(0.5)
	if e := h.felt.Moved("", own.Feel, now).Dominant(); e != EmotionNeutral {
		return e
	}
	return EmotionOfMood(mood)
}

// change is what hearing the line does to c, for the store: its feelings move, and its
// relationship with the speaker counts the interaction and moves by the appraisal.
func (h hearing) change(c *Character, src MemorySource, now time.Time) (StateChange, bool) {
	ch := StateChange{CharacterID: c.ID, Mood: c.Mood, Feel: h.heard.Feel, At: now}
	if h.from.known() {
		ch.Relation = &RelationMove{Target: h.from, Trust: round3(h.heard.Trust), Affinity: round3(h.heard.Affinity), Source: src}
		if !h.heard.Zero() {
			ch.Relation.Cause = h.heard.Cause(h.text)
		}
	}
	return ch, len(ch.Feel) > 0 || ch.Relation != nil
}

// applyTo moves c's feelings in memory as the store moves them, so later turns of the
// same advance see them.
func (ch StateChange) applyTo(c *Character) {
	if len(ch.Feel) > 0 {
		c.Feelings = c.Feelings.Moved(c.Mood, ch.Feel, ch.At)
	}
}

// regardText renders a relationship with the one called name now for prompts: "Kestrel:
// wary (trust -0.40, affinity -0.20, from -1 to 1)"; "" for none or a stranger's.
func regardText(r *Relationship, name string) string {
	if r == nil || r.Stage() == StageStranger {
		return ""
	}
	if strings.TrimSpace(name) == "" {
		name = r.TargetName
	}
	return fmt.Sprintf("%s: %s (trust %+.2f, affinity %+.2f, from -1 to 1)", name,
		strings.ReplaceAll(string(r.Stage()), "_", " "), r.Trust, r.Affinity)
}

// playerTarget is the player of playerID, called speaker now; no target without an id.
func playerTarget(playerID, speaker string) Target {
	if playerID == "" {
		return Target{}
	}
	return Target{Type: TargetPlayer, ID: playerID, Name: speaker}
}

// FeelingsOf returns c's feelings as they are now.
func (s *CharacterService) FeelingsOf(c *Character) Feelings { return c.Feelings.At(c.Mood, s.now()) }

// Relationships returns a page of the character's relationships, the most recently
// changed first, each with its five latest changes, and the total. It returns
// CHAR_NOT_FOUND when the tenant has no such character.
func (s *CharacterService) Relationships(ctx context.Context, tenantID, id string, page Page) ([]Relationship, int, error) {
	if _, err := s.Get(ctx, tenantID, id); err != nil {
		return nil, 0, err
	}
	return s.Store.ListRelationships(ctx, tenantID, id, page, 5)
}
