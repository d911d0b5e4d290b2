package domain

import (
	"slices"
	"testing"
	"time"
)

func TestFeelingsDecayToTheMoodsBaseline(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var never Feelings
	if got := never.At("cheerful", at); got.Levels[EmotionJoy] != baselineLevel || got.Dominant() != EmotionJoy {
		t.Errorf("a cheerful character never moved feels %v, want joy at the baseline", got.Levels)
	}
	if got := never.At("calm", at); got.Dominant() != EmotionNeutral {
		t.Errorf("a calm character at rest feels %v", got.Levels)
	}
	angry := never.Moved("calm", map[Emotion]float64{EmotionAnger: 0.8, EmotionJoy: -0.5}, at)
	if angry.Levels[EmotionAnger] != 0.8 || angry.Levels[EmotionJoy] != 0 || angry.Dominant() != EmotionAnger {
		t.Fatalf("after an insult: %v (levels stay within 0–1)", angry.Levels)
	}
	for _, tt := range []struct {
		after time.Duration
		want  float64
	}{{0, 0.8}, {EmotionHalfLife, 0.4}, {2 * EmotionHalfLife, 0.2}, {-time.Hour, 0.8}} {
		if got := angry.At("calm", at.Add(tt.after)).Levels[EmotionAnger]; got != tt.want {
			t.Errorf("anger %s later = %v, want %v", tt.after, got, tt.want)
		}
	}
	if got := angry.At("calm", at.Add(10*EmotionHalfLife)).Dominant(); got != EmotionNeutral {
		t.Errorf("long after, the calm character still feels %s", got)
	}
	// A cheerful character insulted comes back to cheer, not to nothing.
	cheer := never.Moved("cheerful", map[Emotion]float64{EmotionJoy: -0.3}, at)
	if got := cheer.At("cheerful", at.Add(20*EmotionHalfLife)).Levels[EmotionJoy]; got != baselineLevel {
		t.Errorf("a cheerful character's joy comes back to %v, want %v", got, baselineLevel)
	}
}

func TestAppraisal(t *testing.T) {
	for _, tt := range []struct {
		line    string
		stimuli []string
		trust   int // sign of the trust move
	}{
		{"You're a fool and a liar.", []string{"insult"}, -1},
		{"Hand over your gold or else.", []string{"threat"}, -1},
		{"Thank you, truly.", []string{"thanks"}, 1},
		{"Here's some gold for the trouble.", []string{"gift"}, 1},
		{"I'm sorry, I was wrong.", []string{"apology"}, 1},
		{"The old miller is dead.", []string{"bad news"}, 0},
		{"Open the gate.", nil, 0},
		{"Hand me the hammer.", nil, 0},
		{"What can I do for you?", nil, 0},
		{"Thanks, you fool.", []string{"insult", "thanks"}, -1},
		{"You’re a coward.", []string{"insult"}, -1},
	} {
		a := Appraise(tt.line)
		if !slices.Equal(a.Stimuli, tt.stimuli) {
			t.Errorf("%q: stimuli %q, want %q", tt.line, a.Stimuli, tt.stimuli)
		}
		if sign(a.Trust) != tt.trust {
			t.Errorf("%q: trust moves %+.2f, want sign %d", tt.line, a.Trust, tt.trust)
		}
	}
	if c := Appraise("You fool!").Cause("You fool!"); c != `insult: "You fool!"` {
		t.Errorf("cause %q", c)
	}
}

func sign(x float64) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func TestRelationshipStages(t *testing.T) {
	for _, tt := range []struct {
		trust, affinity float64
		interactions    int
		want            RelationshipStage
	}{
		{0, 0, 0, StageStranger},
		{0, 0, 3, StageAcquaintance},
		{0.1, 0.2, 3, StageFriendly},
		{0.4, 0.5, 3, StageFriend},
		{0.7, 0.8, 9, StageCloseFriend},
		{-0.4, 0, 2, StageWary},
		{0.1, -0.4, 2, StageRival},
		{-0.6, -0.7, 2, StageEnemy},
	} {
		r := Relationship{Trust: tt.trust, Affinity: tt.affinity, Interactions: tt.interactions}
		if got := r.Stage(); got != tt.want {
			t.Errorf("trust %v affinity %v: %s, want %s", tt.trust, tt.affinity, got, tt.want)
		}
	}
}

func TestHearingShapesTheAnswer(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	calm := &Character{ID: "chr_1", Mood: "calm"}
	insulted := hearing{heard: Appraise("You fool!"), from: playerTarget("p1", "Kestrel"), text: "You fool!"}
	insulted.felt = calm.Feelings.Moved(calm.Mood, insulted.heard.Feel, now)
	if m := insulted.mood("calm", ""); m != "angry" {
		t.Errorf("an insulted calm character speaks %q, want angry", m)
	}
	if m := insulted.mood("calm", "cheerful"); m != "cheerful" {
		t.Errorf("the caller's mood %q was not kept", m)
	}
	if e := insulted.emotion("angry", "Watch your tongue.", now); e != EmotionAnger {
		t.Errorf("emotion %s, want anger", e)
	}
	ch, ok := insulted.change(calm, MemorySource{Type: MemorySourceSpeak}, now)
	if !ok || ch.Relation == nil || ch.Relation.Trust >= 0 || ch.Relation.Cause != `insult: "You fool!"` || ch.Relation.Target.ID != "p1" {
		t.Errorf("change %+v", ch)
	}

	distrusted := hearing{felt: calm.Feelings.At("calm", now), regard: &Relationship{Trust: -0.5, Interactions: 3}}
	if m, l := distrusted.mood("calm", ""), distrusted.length(""); m != "suspicious" || l != "short" {
		t.Errorf("to someone distrusted: mood %q length %q, want suspicious and short", m, l)
	}
	friend := hearing{felt: calm.Feelings.At("calm", now), regard: &Relationship{Trust: 0.5, Affinity: 0.6, Interactions: 9, TargetName: "Kestrel"}}
	if m, l := friend.mood("calm", ""), friend.length(""); m != "calm" || l != "medium" {
		t.Errorf("to a friend: mood %q length %q", m, l)
	}
	p, reason := pulled(&Reaction{Priority: 0.5, Reason: "She knows the road."}, friend.regard)
	if p != 0.68 || reason != "She knows the road. (priority +0.18 from its regard for Kestrel: friend)" {
		t.Errorf("a friend's pull: %v %q", p, reason)
	}
	wary := &Relationship{TargetType: TargetPlayer, TargetName: "Kestrel", Trust: -0.4, Affinity: -0.3, Interactions: 2}
	if p, reason := pulled(&Reaction{Priority: 0.5, Reason: "r"}, wary); p != 0.41 || reason != "r (priority -0.09 from its regard for the player: wary)" {
		t.Errorf("a wary participant's pull: %v %q (a player is never named in the record)", p, reason)
	}
	if p, reason := pulled(&Reaction{Priority: 0.5, Reason: "r"}, nil); p != 0.5 || reason != "r" {
		t.Errorf("no relationship pulled %v %q", p, reason)
	}
}

func TestOrdinaryLinesMoveNobody(t *testing.T) {
	for _, line := range []string{
		"Give me your best ale.", "Can you hand over the map?", "Tea, or else coffee?", "I won't kill you.",
		"We have rats in the cellar.", "I'd like to buy a pig.", "That's an ugly wound.", "A thief stole my purse.",
		"I'm not a fool.", "I don't hate you.", "What's the best way to the castle?", "Take this road north.",
		"What am I missing?", "Everyone's a fool in this town.", "No thanks.", "Watch your back out there.",
	} {
		a := Appraise(line)
		if a.Trust < 0 || a.Affinity < 0 || slices.Contains(a.Stimuli, "threat") || slices.Contains(a.Stimuli, "insult") {
			t.Errorf("%q appraised as %q (trust %+.2f, affinity %+.2f)", line, a.Stimuli, a.Trust, a.Affinity)
		}
	}
}

func TestATiredCharacterSpeaksTired(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	tired := &Character{Mood: "tired"}
	h := hearing{felt: tired.Feelings.At("tired", now)}
	if m := h.mood("tired", ""); m != "tired" {
		t.Errorf("a tired character at rest speaks %q", m)
	}
	if e := h.emotion("tired", "Long day.", now); e != EmotionSadness {
		t.Errorf("a tired line carries %s, want sadness", e)
	}
}
