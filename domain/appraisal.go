package domain

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/troupe-ai/troupe/internal/litfilter"
)

// Appraisal is what a line or an event does to the one who meets it: how it moves their
// feelings and their trust in and affinity for whoever caused it. It is worked out the
// same way on every text engine, from the words alone, so a game sees the same state
// whichever model speaks; a model may still colour the line itself.
type Appraisal struct {
	// Stimuli name what was recognised, in the order of the stimuli table: "insult",
	// "gift", …
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
// it does. An aimed stimulus (an insult, a compliment) counts only when it is aimed at the
// listener: its sentence says "you" before it, or is nothing but it ("Idiot!"); "we have
// rats in the cellar" insults nobody.
type stimulus struct {
	name            string
	pattern         *regexp.Regexp
	aimed           bool
	feel            map[Emotion]float64
	trust, affinity float64
	// filter skips the pattern on sentences that cannot match it (set at init).
	filter *litfilter.Filter
}

// stimuli are tried in order on every sentence; each found adds its effect once per line.
// The words are those players type at NPCs (insults, threats, thanks, gifts, apologies,
// news); a line may hold several ("Thanks, you fool" is both). Whatever follows a negation
// ("I won't kill you", "I'm not a fool", "nobody died") does not count.
var stimuli = []stimulus{
	{name: "threat", pattern: words(`kill you|kill ya|i'll kill|gonna kill|you'll die|you will die|i'll hurt you|i will hurt you|you'll regret|you will regret|cut your throat|slit your throat|burn your \w+ down|your money or your life|(?:hand|give) (?:it )?over (?:your|the) (?:gold|money|coins?|purse|valuables|silver)|give me your (?:gold|money|coins?|purse|valuables|silver)|or else[.!]*$`),
		feel: map[Emotion]float64{EmotionFear: 0.3, EmotionAnger: 0.2, EmotionTrust: -0.2}, trust: -0.3, affinity: -0.2},
	{name: "insult", pattern: words(`shut up|go to hell|damn you|screw you|hate you|drop dead|get lost`),
		feel: map[Emotion]float64{EmotionAnger: 0.35, EmotionDisgust: 0.2, EmotionJoy: -0.2, EmotionTrust: -0.1}, trust: -0.15, affinity: -0.25},
	{name: "insult", aimed: true, pattern: words(`idiots?|fools?|stupid|morons?|cowards?|liars?|cheats?|cheaters?|scum|pathetic|useless|worthless|disgusting|filthy|rats?|pigs?|swine|bastards?|thief|crook|fraud|incompetent|clowns?|ugly`),
		feel: map[Emotion]float64{EmotionAnger: 0.35, EmotionDisgust: 0.2, EmotionJoy: -0.2, EmotionTrust: -0.1}, trust: -0.15, affinity: -0.25},
	{name: "gift", pattern: words(`(?:a|this|my) gift|a present|brought you|i give you|as a token|paid in full|pay you back|your share|(?:here(?:'s| is| are)|take (?:this|these)) (?:some |a |an |your |the |my )?(?:gold|coins?|silver|potions?|gift|present|flowers?|bread|ale|wine|food|money|payment|ring|sword|blade|medicine)`),
		feel: map[Emotion]float64{EmotionJoy: 0.3, EmotionSurprise: 0.15, EmotionTrust: 0.15}, trust: 0.15, affinity: 0.25},
	{name: "thanks", pattern: words(`thank\w*|thx|grateful|appreciate\w*|much obliged|owe you one|you saved`),
		feel: map[Emotion]float64{EmotionJoy: 0.15, EmotionTrust: 0.1}, trust: 0.05, affinity: 0.15},
	{name: "compliment", pattern: words(`well done|great work|good work|fine work|nice work|good job|great job`),
		feel: map[Emotion]float64{EmotionJoy: 0.2, EmotionTrust: 0.05}, trust: 0.05, affinity: 0.15},
	{name: "compliment", aimed: true, pattern: words(`impressive|amazing|wonderful|excellent|brilliant|the best|admire\w*|brave|clever|wise|kind|beautiful|lovely|talented|skilled|good at`),
		feel: map[Emotion]float64{EmotionJoy: 0.2, EmotionTrust: 0.05}, trust: 0.05, affinity: 0.15},
	{name: "apology", pattern: words(`sorry|apologi[sz]e\w*|forgive me|my fault|my mistake|i was wrong`),
		feel: map[Emotion]float64{EmotionAnger: -0.2, EmotionDisgust: -0.1, EmotionTrust: 0.05}, trust: 0.1, affinity: 0.05},
	{name: "promise", pattern: words(`i promise|i swear|you have my word|i give you my word`),
		feel: map[Emotion]float64{EmotionTrust: 0.1, EmotionAnticipation: 0.1}, trust: 0.05},
	{name: "bad news", pattern: words(`(?:is|are|was|were) dead|died|killed|murdered|burned down|burnt down|was stolen|were stolen|lost (?:my|our|the|your)|plague|wounded|bleeding|(?:is|are|went|gone) missing|collapsed|destroyed|attacked|raided`),
		feel: map[Emotion]float64{EmotionSadness: 0.3, EmotionFear: 0.1, EmotionJoy: -0.1}},
	{name: "good news", pattern: words(`we won|you won|victory|saved (?:the|them|her|him|us)|found (?:the|your|him|her|them)|is safe|are safe|healed|recovered|good news|celebrat\w*|married|a feast`),
		feel: map[Emotion]float64{EmotionJoy: 0.25, EmotionAnticipation: 0.1}, affinity: 0.05},
	{name: "surprise", pattern: words(`really\?|what\?!|no way|can't believe|cannot believe|you're joking|impossible|suddenly`),
		feel: map[Emotion]float64{EmotionSurprise: 0.25}},
	{name: "offer", pattern: words(`a job|a deal|reward|a plan|let's go|adventure|want to hire|work for me`),
		feel: map[Emotion]float64{EmotionAnticipation: 0.15}},
}

func init() {
	for i := range stimuli {
		stimuli[i].filter = litfilter.New(stimuli[i].pattern)
	}
}

// words compiles alternatives matched as whole words, case-insensitively; group 1 is the
// match itself, after the boundary before it.
func words(alternatives string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:^|[^\pL'])((?:` + alternatives + `))(?:$|[^\pL'])`)
}

// negation ends the words that cancel what follows them in the same sentence.
var negation = regexp.MustCompile(`(?i)(?:^|[^\pL'])(?:not|no|never|nobody|none|nothing|n't|cannot|hardly|without)(?:$|[^\pL'])|n't(?:$|[^\pL'])`)

// aimedAt finds "you" (or "your", "ya", "yourself") as a word.
var aimedAt = regexp.MustCompile(`(?i)(?:^|[^\pL'])(?:you|you're|your|ya|yourself|thou)(?:$|[^\pL'])`)

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
	found := map[string]bool{}
	for _, sentence := range summarySentences(text) {
		folded := litfilter.Fold(sentence)
		for _, s := range stimuli {
			if found[s.name] || !s.filter.May(folded) || !s.in(sentence) {
				continue
			}
			found[s.name] = true
			if a.Feel == nil {
				a.Feel = map[Emotion]float64{}
			}
			a.Stimuli = append(a.Stimuli, s.name)
			for e, d := range s.feel {
				a.Feel[e] = clamp1(a.Feel[e] + d)
			}
			a.Trust, a.Affinity = clamp1(a.Trust+s.trust), clamp1(a.Affinity+s.affinity)
		}
	}
	return a
}

// in reports whether the stimulus shows in sentence: a match not after a negation and,
// for an aimed stimulus, aimed at the listener.
func (s stimulus) in(sentence string) bool {
	for _, m := range s.pattern.FindAllStringSubmatchIndex(sentence, -1) {
		before := sentence[:m[2]]
		if negation.MatchString(lastWords(before, 4)) {
			continue
		}
		if s.aimed && !aimedAt.MatchString(before) && len(strings.Fields(sentence)) > 3 {
			continue
		}
		return true
	}
	return false
}

// lastWords is the end of s holding its last n words.
func lastWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	return strings.Join(f, " ")
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
