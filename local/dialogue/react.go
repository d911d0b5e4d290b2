package dialogue

import (
	"math"
	"slices"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// reactionJSON is TaskReaction's answer.
type reactionJSON struct {
	Decision string       `json:"decision"`
	Reason   string       `json:"reason"`
	Priority float64      `json:"priority"`
	Actions  []actionJSON `json:"actions,omitempty"`
}

// signal is one reason a character wants to answer a line.
type signal struct {
	weight float64
	clause string
}

// How much each signal adds to a wanting character's priority. Being named outranks
// everything: in a group scene the player picks who answers by naming them.
const (
	weightNamed    = 0.35
	weightThreat   = 0.3
	weightDomain   = 0.25
	weightInsult   = 0.2
	weightFact     = 0.2
	weightGreeting = 0.1
)

// factStopwords are frequent words that do not tie a line to a remembered fact.
var factStopwords = map[string]bool{
	"about": true, "after": true, "again": true, "before": true, "could": true, "every": true,
	"never": true, "other": true, "should": true, "their": true, "there": true, "these": true,
	"thing": true, "things": true, "those": true, "where": true, "which": true, "while": true,
	"would": true, "always": true, "player": true, "something": true, "promised": true,
}

// reaction decides whether the character wants to answer sc.Line. It wants to when the
// line names it, touches its line of work, greets, insults or threatens, or brings up
// something it remembers; its archetype and mood make it more or less eager.
func (e *Engine) reaction(sc *domain.Scene) (string, error) {
	s := newScene(sc, 0)
	c := &sc.Character
	who := strings.TrimSpace(c.Name)
	if who == "" {
		who = "the character"
	} else if s.firstName != "" {
		who = s.firstName
	}
	name := strings.ToLower(strings.TrimSpace(c.Name))
	if name != "" && strings.EqualFold(strings.TrimSpace(sc.Speaker), strings.TrimSpace(c.Name)) {
		return marshal(reactionJSON{Decision: "PASS", Reason: capitalize(who) + " said that line.", Priority: 0})
	}

	line := sc.Line
	if len(line) > maxClassify {
		line = line[:maxClassify]
	}
	low := strings.ToLower(line)
	var sigs []signal
	if name != "" && (containsWord(low, name) || (len(s.firstName) > 1 && containsWord(low, strings.ToLower(s.firstName)))) {
		sigs = append(sigs, signal{weightNamed, who + " was spoken to by name"})
	}
	switch s.intent {
	case IntentThreat:
		sigs = append(sigs, signal{weightThreat, "a threat demands an answer"})
	case IntentInsult:
		sigs = append(sigs, signal{weightInsult, "an insult deserves a reply"})
	case IntentGreeting:
		sigs = append(sigs, signal{weightGreeting, "a greeting deserves a reply"})
	}
	if d, ok := e.react.domains[s.role]; ok && touchesDomain(d, s.intent, line) {
		sigs = append(sigs, signal{weightDomain, "it concerns " + who + "'s work as " + withArticle(s.role)})
	}
	if clause := remembers(s, who, low); clause != "" {
		sigs = append(sigs, signal{weightFact, clause})
	}

	eager, ok := e.react.eagerness[s.archetype]
	if !ok {
		eager = 0.5
	}
	shift := e.react.moodShift[s.mood]
	if len(sigs) == 0 {
		reason := "Nothing in it concerns " + who + "."
		if eager >= 0.7 {
			reason = "Nothing in it concerns " + who + ", though " + who + " is tempted to chime in."
		}
		return marshal(reactionJSON{Decision: "PASS", Reason: capitalize(reason), Priority: round2(clamp(eager*0.3+shift, 0, 0.45))})
	}
	// Strongest first; a stable sort keeps the order above among equals.
	slices.SortStableFunc(sigs, func(a, b signal) int {
		switch {
		case a.weight > b.weight:
			return -1
		case a.weight < b.weight:
			return 1
		}
		return 0
	})
	p := 0.3 + (eager-0.5)*0.4 + shift
	var clauses []string
	for i, sg := range sigs {
		p += sg.weight
		if i < 2 {
			clauses = append(clauses, sg.clause)
		}
	}
	return marshal(reactionJSON{
		Decision: "WANT",
		Reason:   capitalize(strings.Join(clauses, ", and ")) + ".",
		Priority: round2(clamp(p, 0.05, 1)),
	})
}

// touchesDomain reports whether a line is about a role's line of work: its intent is one
// the role cares about, or it uses one of the role's words.
func touchesDomain(d roleDomain, in Intent, line string) bool {
	if slices.Contains(d.intents, in) {
		return true
	}
	for _, t := range tokenize(line) {
		for _, w := range d.words {
			if matchWord(w, t.word) {
				return true
			}
		}
	}
	return false
}

// remembers returns a clause when the line brings up a remembered name, or shares two
// distinctive words with one remembered fact; "" otherwise.
func remembers(s *scene, who, low string) string {
	for _, n := range s.factNames {
		if containsWord(low, strings.ToLower(n)) {
			return "it mentions " + n + ", whom " + who + " remembers"
		}
	}
	words := map[string]bool{}
	for _, t := range tokenize(low) {
		if len(t.word) >= 5 && !factStopwords[t.word] {
			words[t.word] = true
		}
	}
	for _, f := range s.sc.Facts {
		shared := 0
		seen := map[string]bool{}
		for _, t := range tokenize(f) {
			if words[t.word] && !seen[t.word] {
				seen[t.word] = true
				shared++
			}
		}
		if shared >= 2 {
			return "it touches on something " + who + " remembers"
		}
	}
	return ""
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// round2 rounds to two decimals, so priorities compare and print cleanly.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
