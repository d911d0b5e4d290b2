package recognition

import (
	"fmt"
	"strconv"
	"strings"
)

// garbagePhoneProb is what each phone of the garbage loop costs, as an FSG transition
// probability (pocketsphinx raises it to the language weight, 6.5). It is the
// rejection's one knob: lower rejects more in-grammar speech, higher accepts more
// unrelated speech. 1e-2 was measured best (TestRejectionCandidates; see the package
// documentation for the figures).
const garbagePhoneProb = 1e-2

// phones are the en-us acoustic model's phones, silence aside: the garbage loop's words.
var phones = strings.Fields("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH")

// garbageWord names the garbage word of a phone. Phrase words are letters and
// apostrophes only (normalizePhrase), so "_aa" cannot be one.
func garbageWord(phone string) string { return "_" + strings.ToLower(phone) }

// isGarbage says whether a decoded word is one of the garbage loop's.
func isGarbage(word string) bool { return strings.HasPrefix(word, "_") }

// fsg writes the grammar as a pocketsphinx finite-state grammar: from the start state
// (0) each phrase is a chain of word transitions to the final state (1). When
// garbageProb is above 0, a loop of single phones competes with the phrases for the
// whole utterance, each phone costing garbageProb: speech that fits no phrase better
// than it fits an unconstrained phone sequence is heard as garbage, and rejected.
//
// This is written as FSG rather than JSGF because pocketsphinx 5prealpha drops JSGF
// weights (measured: /1e-30/ on the garbage alternative changed nothing), and the loop
// needs its cost. -fsgusefiller (the default) lets silence and noise in between words.
func (g grammar) fsg(garbageProb float64) string {
	var t []string
	states := 2
	for _, p := range g.phrases {
		from := 0
		for i, w := range p {
			to := 1
			if i < len(p)-1 {
				to = states
				states++
			}
			t = append(t, fmt.Sprintf("TRANSITION %d %d 1 %s", from, to, w))
			from = to
		}
	}
	if garbageProb > 0 {
		loop := states
		states++
		prob := strconv.FormatFloat(garbageProb, 'g', -1, 64)
		for _, ph := range phones {
			w := garbageWord(ph)
			t = append(t, fmt.Sprintf("TRANSITION 0 %d %s %s", loop, prob, w), fmt.Sprintf("TRANSITION %d %d %s %s", loop, loop, prob, w))
		}
		t = append(t, fmt.Sprintf("TRANSITION %d 1 1", loop)) // a null transition out
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FSG_BEGIN troupe\nNUM_STATES %d\nSTART_STATE 0\nFINAL_STATE 1\n", states)
	for _, l := range t {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString("FSG_END\n")
	return b.String()
}

// dict is the grammar's own pronunciation dictionary: its words' lines from the full
// dictionary and the garbage phones. Loading this instead of the 134 000-word dictionary
// starts a decoder in about 40 ms instead of 450.
func (g grammar) dict() string {
	var b strings.Builder
	for _, l := range g.prons {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, ph := range phones {
		b.WriteString(garbageWord(ph) + " " + ph + "\n")
	}
	return b.String()
}
