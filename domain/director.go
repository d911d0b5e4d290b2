package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The director's weights.
const (
	// monopolyPenalty is taken off a participant's priority for each of the last
	// monopolyWindow turns it took, so an eager character does not hold the scene.
	monopolyPenalty = 0.15
	monopolyWindow  = 4
)

// Candidate is a participant as the director sees it for one turn.
type Candidate struct {
	ID   string
	Name string
	// Decision and Priority are its reaction to the line being answered.
	Decision string
	Priority float64
}

// DirectorInput is everything the director weighs to pick a turn's speaker.
type DirectorInput struct {
	// Candidates are the participants, in the conversation's order.
	Candidates []Candidate
	// Line is the line the turn answers; LineSpeakerID is the participant who said it,
	// empty when a player (or the scene) did.
	Line          Line
	LineSpeakerID string
	// FromPlayer says Line is a player's: a participant it names may then exceed the
	// consecutive-turn limit, because the player chose whom to talk to.
	FromPlayer bool
	// Recent are the speaker ids of the conversation's latest character turns, oldest
	// first.
	Recent         []string
	MaxConsecutive int
	// Seed and Index make tie-breaks reproducible per conversation and turn.
	Seed  int64
	Index int
}

// Direction is the director's choice: the index of the speaker among the candidates, why
// it won, and why any candidate could not be picked at all.
type Direction struct {
	Speaker       int
	ChosenBecause string
	// Excluded maps a candidate's index to the reason it was passed over before any
	// choice; candidates it does not list could be picked.
	Excluded map[int]string
}

// Direct picks the speaker of a turn by these rules, in order. A candidate cannot answer
// its own line, nor take more than MaxConsecutive character turns in a row while another
// can speak (unless a player's line names it). Among the others: the one Line addresses
// by name (the first named, when several are); else the highest priority among those who
// want to speak, less monopolyPenalty for each of the last monopolyWindow turns it took;
// else, when nobody wants to, the one quiet the longest. Ties go to the candidate the
// seed favours for this turn. Candidates must not be empty.
func Direct(in DirectorInput) Direction {
	d := Direction{Speaker: -1, Excluded: map[int]string{}}
	named := namedCandidates(in.Line.Text, in.Candidates)
	for i, c := range in.Candidates {
		if c.ID == in.LineSpeakerID {
			d.Excluded[i] = "It said the line being answered."
			continue
		}
		if run := trailingRun(in.Recent, c.ID); in.MaxConsecutive > 0 && run >= in.MaxConsecutive && !(in.FromPlayer && named[i] >= 0) {
			d.Excluded[i] = fmt.Sprintf("It took the last %d turns in a row (max_consecutive_turns is %d).", run, in.MaxConsecutive)
		}
	}
	// The limits give way rather than leave the turn without a speaker: first the
	// consecutive limit, then (when a character is alone with its own line) the rule
	// against answering oneself.
	if len(d.Excluded) == len(in.Candidates) {
		for i := range in.Candidates {
			if in.Candidates[i].ID != in.LineSpeakerID {
				delete(d.Excluded, i)
			}
		}
		if len(d.Excluded) == len(in.Candidates) {
			clear(d.Excluded)
		}
	}
	open := func(i int) bool { _, out := d.Excluded[i]; return !out }

	// Addressed by name.
	first := -1
	for i := range in.Candidates {
		if open(i) && named[i] >= 0 && (first < 0 || named[i] < named[first]) {
			first = i
		}
	}
	if first >= 0 {
		d.Speaker = first
		d.ChosenBecause = fmt.Sprintf("%s was addressed by name.", in.Candidates[first].Name)
		return d
	}

	// Priority among those who want to speak.
	score := func(i int) (float64, int) {
		spoke := 0
		for _, id := range in.Recent[max(0, len(in.Recent)-monopolyWindow):] {
			if id == in.Candidates[i].ID {
				spoke++
			}
		}
		return in.Candidates[i].Priority - monopolyPenalty*float64(spoke), spoke
	}
	best, runnerUp := -1, -1
	for i, c := range in.Candidates {
		if !open(i) || c.Decision != "WANT" {
			continue
		}
		switch {
		case best < 0:
			best = i
		case d.beats(in, i, best, score):
			best, runnerUp = i, best
		case runnerUp < 0 || d.beats(in, i, runnerUp, score):
			runnerUp = i
		}
	}
	if best >= 0 {
		d.Speaker = best
		s, spoke := score(best)
		because := fmt.Sprintf("%s had the highest priority of those who wanted to speak (%.2f", in.Candidates[best].Name, s)
		if spoke > 0 {
			because += fmt.Sprintf(", after %.2f off for %d of the last %d turns", monopolyPenalty*float64(spoke), spoke, monopolyWindow)
		}
		because += ")"
		if runnerUp >= 0 {
			r, _ := score(runnerUp)
			if r == s {
				because += fmt.Sprintf("; tied with %s, the seed chose %s", in.Candidates[runnerUp].Name, in.Candidates[best].Name)
			} else {
				because += fmt.Sprintf("; next was %s (%.2f)", in.Candidates[runnerUp].Name, r)
			}
		}
		d.ChosenBecause = because + "."
		return d
	}

	// Silence: nobody wants to speak, so the one quiet the longest does.
	quiet := func(i int) int {
		for k := len(in.Recent) - 1; k >= 0; k-- {
			if in.Recent[k] == in.Candidates[i].ID {
				return len(in.Recent) - 1 - k
			}
		}
		return len(in.Recent) + 1
	}
	for i := range in.Candidates {
		if !open(i) {
			continue
		}
		if best < 0 || quiet(i) > quiet(best) ||
			quiet(i) == quiet(best) && (in.Candidates[i].Priority > in.Candidates[best].Priority ||
				in.Candidates[i].Priority == in.Candidates[best].Priority && tieRank(in, i) < tieRank(in, best)) {
			best = i
		}
	}
	d.Speaker = best
	d.ChosenBecause = fmt.Sprintf("Nobody wanted to speak; %s had been quiet the longest.", in.Candidates[best].Name)
	return d
}

// beats reports whether candidate i outranks j on score, the seed breaking ties.
func (Direction) beats(in DirectorInput, i, j int, score func(int) (float64, int)) bool {
	si, _ := score(i)
	sj, _ := score(j)
	if si != sj {
		return si > sj
	}
	return tieRank(in, i) < tieRank(in, j)
}

// tieRank orders candidates for a tie, the same way for the same seed and turn.
func tieRank(in DirectorInput, i int) uint64 {
	return mix(mix(uint64(in.Seed), uint64(in.Index)), fnv64(in.Candidates[i].ID))
}

// trailingRun counts the turns at the end of recent that id took in a row.
func trailingRun(recent []string, id string) int {
	n := 0
	for k := len(recent) - 1; k >= 0 && recent[k] == id; k-- {
		n++
	}
	return n
}

// namedCandidates returns, per candidate, where in text its full or first name first
// appears as whole words (case-insensitive), or -1.
func namedCandidates(text string, cs []Candidate) []int {
	low := strings.ToLower(text)
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = -1
		name := strings.ToLower(strings.TrimSpace(c.Name))
		if name == "" {
			continue
		}
		forms := []string{name}
		if f := strings.Fields(name); len(f) > 1 && len([]rune(f[0])) > 1 {
			forms = append(forms, f[0])
		}
		for _, form := range forms {
			if at := wordIndex(low, form); at >= 0 && (out[i] < 0 || at < out[i]) {
				out[i] = at
			}
		}
	}
	return out
}

// wordIndex is the first index of word in s where it stands as a whole word, or -1.
func wordIndex(s, word string) int {
	for from := 0; from < len(s); {
		at := strings.Index(s[from:], word)
		if at < 0 {
			return -1
		}
		at += from
		end := at + len(word)
		before := at == 0 || !isWordRune(lastRune(s[:at]))
		after := end == len(s) || !isWordRune(firstRune(s[end:]))
		if before && after {
			return at
		}
		from = at + 1
	}
	return -1
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
