package domain

import (
	"math"
	"time"
)

// Feelings are how strongly a character feels each of Plutchik's eight emotions right now,
// each 0–1. What it hears and what happens to it moves them; with time they drift back to
// the levels of its usual mood (the baseline) by half every EmotionHalfLife. The strongest
// one, once it passes emotionThreshold, is the emotion of its lines.
type Feelings struct {
	Levels map[Emotion]float64
	// UpdatedAt is when Levels were last moved; their decay since is applied on reading.
	UpdatedAt time.Time
}

// Emotions are Plutchik's eight, in the wheel's order; neutral is their absence.
var Emotions = []Emotion{EmotionJoy, EmotionTrust, EmotionFear, EmotionSurprise, EmotionSadness, EmotionDisgust, EmotionAnger, EmotionAnticipation}

// EmotionHalfLife is how long a feeling takes to come halfway back to the baseline: a
// character insulted a minute ago is still angry, an hour later it has calmed down.
const EmotionHalfLife = 10 * time.Minute

// emotionThreshold is the level an emotion must reach to colour a line; below it the line
// carries the mood's emotion.
const emotionThreshold = 0.25

// baselineLevel is how strongly a mood's emotion is felt at rest.
const baselineLevel = 0.3

// Baseline is the feelings of a character at rest in mood: its mood's emotion at
// baselineLevel, nothing else (a calm character feels nothing in particular).
func Baseline(mood string) map[Emotion]float64 {
	levels := zeroLevels()
	if e := EmotionOfMood(mood); e != EmotionNeutral {
		levels[e] = baselineLevel
	}
	return levels
}

func zeroLevels() map[Emotion]float64 {
	levels := make(map[Emotion]float64, len(Emotions))
	for _, e := range Emotions {
		levels[e] = 0
	}
	return levels
}

// At returns the feelings as they are at now: every level come back toward the mood's
// baseline by the time passed since UpdatedAt. A character never moved feels its baseline.
func (f Feelings) At(mood string, now time.Time) Feelings {
	base := Baseline(mood)
	if f.Levels == nil || f.UpdatedAt.IsZero() {
		return Feelings{Levels: base, UpdatedAt: now}
	}
	keep := 1.0
	if elapsed := now.Sub(f.UpdatedAt); elapsed > 0 {
		keep = math.Exp2(-float64(elapsed) / float64(EmotionHalfLife))
	}
	out := Feelings{Levels: zeroLevels(), UpdatedAt: now}
	for _, e := range Emotions {
		out.Levels[e] = round3(base[e] + (f.Levels[e]-base[e])*keep)
	}
	return out
}

// Moved returns the feelings at now with delta added, each level kept within 0–1.
func (f Feelings) Moved(mood string, delta map[Emotion]float64, now time.Time) Feelings {
	out := f.At(mood, now)
	for e, d := range delta {
		if _, ok := out.Levels[e]; ok {
			out.Levels[e] = round3(min(max(out.Levels[e]+d, 0), 1))
		}
	}
	return out
}

// Dominant returns the strongest emotion if it reaches emotionThreshold, else neutral;
// ties go to the earlier emotion of the wheel.
func (f Feelings) Dominant() Emotion {
	best, level := EmotionNeutral, emotionThreshold-1e-9
	for _, e := range Emotions {
		if f.Levels[e] > level {
			best, level = e, f.Levels[e]
		}
	}
	return best
}

// emotionMoods is the mood a line is spoken in when an emotion dominates, for the engines
// that know moods (the local engine's lines and the prompts' "Your mood right now").
var emotionMoods = map[Emotion]string{
	EmotionJoy: "cheerful", EmotionAnger: "angry", EmotionSadness: "sad", EmotionFear: "fearful",
	EmotionDisgust: "suspicious", EmotionAnticipation: "excited",
}

// moodFor is the mood a character in mood speaks in while feeling f: the dominant
// emotion's mood when one dominates and has a mood, else its own.
func moodFor(mood string, f Feelings) string {
	if m, ok := emotionMoods[f.Dominant()]; ok {
		return m
	}
	return mood
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
