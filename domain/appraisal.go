package domain

import (
	"fmt"
	"regexp"
	"strings"
)

// Appraisal is what a line or an event does to the one who meets it: how it moves their
// feelings and their trust in and affinity for whoever caused it. It is worked out the
// same way on every text engine, from the words alone, so a game sees the same state
// whichever model speaks; a model may still colour the line itself.
type Appraisal struct {
	// Stimuli name what was recognised, strongest first: "insult", "gift", …
	Stimuli []string
	// Feel moves the feelings of the one appraising.
	Feel map[Emotion]float64
	// Trust and Affinity move how they see the cause.
	Trust, Affinity float64
}

// Zero reports whether the appraisal moves nothing.
func (a Appraisal) Zero() bool { return len(a.Stimuli) == 0 }

// Cause is the record a relationship change keeps of why it happened: the stimuli and
// what was said or done, clipped.
func (a Appraisal) Cause(what string) string {
	return fmt.Sprintf("%s: %q", strings.Join(a.Stimuli, ", "), clip(strings.TrimSpace(what), 120))
}

// stimulus is one kind of thing that moves a character, the words that show it and what
// it does.
type stimulus struct {
	name            string
	pattern         *regexp.Regexp
	feel            map[Emotion]float64
	trust, affinity float64
}

// stimuli are tried in order on every line; each found adds its effect once. The words are
// the ones players type at NPCs in practice (insults, threats, thanks, gifts, apologies,
// news); a line may hold several ("Thanks, you fool" is both).
var stimuli = []stimulus{
	{"threat", words(`kill you|kill ya|i'll kill|gonna kill|you'll die|you will die|or else|hand over|give me your|i'll hurt|i will hurt|you'll regret|you will regret|burn (?:this|your)|cut your|slit your|watch your back`),
		map[Emotion]float64{EmotionFear: 0.3, EmotionAnger: 0.2, EmotionTrust: -0.2}, -0.3, -0.2},
	{"insult", words(`idiot\w*|fool|fools|foolish|stupid\w*|moron\w*|ugly|coward\w*|liar\w*|cheat\w*|scum\w*|pathetic|useless|worthless|disgusting|filthy|rat|rats|pig|swine|bastard\w*|shut up|go to hell|damn you|hate you|thief|crook|fraud|incompetent|clown`),
		map[Emotion]float64{EmotionAnger: 0.35, EmotionDisgust: 0.2, EmotionJoy: -0.2, EmotionTrust: -0.1}, -0.15, -0.25},
	{"gift", words(`(?:a|this|my) gift|a present|take this|brought you|i give you|as a token|paid in full|pay you back|your share|here(?:'s| is| are) (?:some|a|an|your|the|my) (?:gold|coins?|silver|potions?|gift|present|flowers?|bread|ale|wine|food|money|payment|ring|sword|blade|medicine)`),
		map[Emotion]float64{EmotionJoy: 0.3, EmotionSurprise: 0.15, EmotionTrust: 0.15}, 0.15, 0.25},
	{"thanks", words(`thank\w*|thx|grateful|appreciate\w*|much obliged|owe you one|you saved`),
		map[Emotion]float64{EmotionJoy: 0.15, EmotionTrust: 0.1}, 0.05, 0.15},
	{"compliment", words(`well done|great work|good work|fine work|nice work|impressive|amazing|wonderful|excellent|brilliant|the best|you're good|you are good|admire\w*|brave|clever|wise|kind of you|beautiful|lovely|talented|skilled`),
		map[Emotion]float64{EmotionJoy: 0.2, EmotionTrust: 0.05}, 0.05, 0.15},
	{"apology", words(`sorry|apologi[sz]e\w*|forgive me|my fault|my mistake|i was wrong|didn't mean`),
		map[Emotion]float64{EmotionAnger: -0.2, EmotionDisgust: -0.1, EmotionTrust: 0.05}, 0.1, 0.05},
	{"promise", words(`i promise|i swear|you have my word|i give you my word`),
		map[Emotion]float64{EmotionTrust: 0.1, EmotionAnticipation: 0.1}, 0.05, 0},
	{"bad news", words(`(?:is|are|was|were) dead|died|killed|murdered|burned down|burnt down|was stolen|were stolen|lost (?:my|our|the|your)|plague|sick|wounded|bleeding|missing|collapsed|destroyed|attacked|raided`),
		map[Emotion]float64{EmotionSadness: 0.3, EmotionFear: 0.1, EmotionJoy: -0.1}, 0, 0},
	{"good news", words(`we won|you won|victory|saved (?:the|them|her|him|us)|found (?:the|your|him|her|them)|is safe|are safe|healed|recovered|good news|celebrat\w*|married|a feast`),
		map[Emotion]float64{EmotionJoy: 0.25, EmotionAnticipation: 0.1}, 0, 0.05},
	{"surprise", words(`really\?|what\?!|no way|can't believe|cannot believe|you're joking|impossible|suddenly`),
		map[Emotion]float64{EmotionSurprise: 0.25}, 0, 0},
	{"offer", words(`a job|a deal|reward|a plan|let's go|tomorrow|adventure|want to hire|work for`),
		map[Emotion]float64{EmotionAnticipation: 0.15}, 0, 0},
}

// words compiles a list of alternatives matched as whole words, case-insensitively, with
// typographic apostrophes read as straight ones (see Appraise).
func words(alternatives string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:^|[^\pL'])(?:` + alternatives + `)(?:$|[^\pL'])`)
}

// maxAppraised bounds the text appraised: a line past it is judged by its start.
const maxAppraised = 2000

// Appraise judges text as heard by a character: every stimulus it shows, its effects
// summed and each kept within −1…1. An imperative with no stimulus ("Open the gate")
// moves nothing.
func Appraise(text string) Appraisal {
	if len(text) > maxAppraised {
		text = text[:maxAppraised]
	}
	text = strings.NewReplacer("\u2019", "'", "\u2018", "'").Replace(text)
	var a Appraisal
	for _, s := range stimuli {
		if !s.pattern.MatchString(text) {
			continue
		}
		if a.Feel == nil {
			a.Feel = map[Emotion]float64{}
		}
		a.Stimuli = append(a.Stimuli, s.name)
		for e, d := range s.feel {
			a.Feel[e] = clamp1(a.Feel[e] + d)
		}
		a.Trust, a.Affinity = clamp1(a.Trust+s.trust), clamp1(a.Affinity+s.affinity)
	}
	return a
}

// scaled returns the appraisal with every effect multiplied by k.
func (a Appraisal) scaled(k float64) Appraisal {
	out := Appraisal{Stimuli: a.Stimuli, Trust: a.Trust * k, Affinity: a.Affinity * k}
	if a.Feel != nil {
		out.Feel = make(map[Emotion]float64, len(a.Feel))
		for e, d := range a.Feel {
			out.Feel[e] = d * k
		}
	}
	return out
}

func clamp1(x float64) float64 { return min(max(x, -1), 1) }
