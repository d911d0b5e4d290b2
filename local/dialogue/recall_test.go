package dialogue

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/internal/litfilter"
	"github.com/troupe-ai/troupe/internal/litfilter/litfiltertest"
)

const (
	kestrelFact = "player is called Kestrel."
	oreFact     = `player said: "I'll bring you the ore by dusk."`
)

func TestRecallAnswersFromMemory(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	tests := []struct {
		name    string
		speaker string
		line    string
		facts   []string
		want    []string // every one must appear
		wantAny []string // one of them must appear
		never   []string
	}{
		{"name known", "player", "What is my name?", []string{kestrelFact}, []string{"Kestrel"}, nil, []string{"know who might"}},
		{"who am I", "player", "Who am I?", []string{kestrelFact}, []string{"Kestrel"}, nil, nil},
		{"know my name", "player", "Do you know my name?", []string{kestrelFact}, []string{"Kestrel"}, nil, nil},
		{"subject case-insensitive", "Player", "what's my name", []string{kestrelFact}, []string{"Kestrel"}, nil, nil},
		{"speaker by the given name", "Kestrel", "What is my name?", []string{kestrelFact}, []string{"Kestrel"}, nil, nil},
		{"newest name wins", "player", "What is my name?", []string{"player is called Wren.", kestrelFact}, []string{"Wren"}, nil, []string{"Kestrel"}},
		{"someone else's name", "player", "What is my name?", []string{"Brom is called Brom Ashdown."}, nil,
			[]string{"never told me", "never gave me", "never said", "not been introduced"}, []string{"Brom", "know who might"}},
		{"name unknown", "player", "What is my name?", nil, nil,
			[]string{"never told me", "never gave me", "never said", "not been introduced"}, []string{"know who might"}},
		{"remember me with a promise", "player", "Do you remember me?", []string{oreFact, kestrelFact},
			[]string{"Kestrel", "I'll bring you the ore by dusk"}, nil, nil},
		{"remember me by name", "player", "Do you remember me?", []string{kestrelFact}, []string{"Kestrel"}, nil, nil},
		{"remember me by a fact", "Aldric", "Remember me?", []string{"Aldric owes me twenty gold."}, []string{"Aldric owes me twenty gold"}, nil, nil},
		{"remember me, nothing kept", "player", "Do you remember me?", nil, nil,
			[]string{"can't say I do", "don't think we've met", "doesn't ring a bell", "don't remember you"}, nil},
		{"promise kept", "player", "What did I promise you?", []string{kestrelFact, oreFact}, []string{"I'll bring you the ore by dusk"}, nil, nil},
		{"told you", "Kestrel", "What did I tell you?", []string{kestrelFact, oreFact}, []string{"I'll bring you the ore by dusk"}, nil, nil},
		{"only a name", "player", "What did I promise you?", []string{kestrelFact}, []string{"Kestrel"}, nil, []string{"the ore by"}},
		{"nothing promised", "player", "What did I promise you?", []string{`Brom said: "I'll pay you back."`}, nil,
			[]string{"promised me anything", "Nothing I can remember", "slipped my mind"}, []string{"pay you back"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for seed := range int64(12) {
				for _, length := range []string{"short", "medium", "long"} {
					c := sheet(roles[int(seed)%len(roles)], archetypes[int(seed)%len(archetypes)], moods[int(seed)%len(moods)])
					sc := &domain.Scene{Character: c, Speaker: tt.speaker, Line: tt.line, Facts: tt.facts, Length: length, Seed: seed}
					got := complete(t, e, domain.TaskDialogue, sc)
					if msg := checkLine(got, nil); msg != "" {
						t.Fatalf("seed %d %s: %q: %s", seed, length, got, msg)
					}
					for _, w := range tt.want {
						if !strings.Contains(got, w) {
							t.Errorf("seed %d %s: %q lacks %q", seed, length, got, w)
						}
					}
					if len(tt.wantAny) > 0 && !slices.ContainsFunc(tt.wantAny, func(w string) bool { return strings.Contains(got, w) }) {
						t.Errorf("seed %d %s: %q has none of %q", seed, length, got, tt.wantAny)
					}
					for _, w := range tt.never {
						if strings.Contains(got, w) {
							t.Errorf("seed %d %s: %q says %q", seed, length, got, w)
						}
					}
				}
			}
		})
	}
}

func TestRecallIsDeterministicAndVaries(t *testing.T) {
	t.Parallel()
	e1, e2 := newEngine(t), newEngine(t)
	c := sheet("innkeeper", "caregiver", "cheerful")
	seen := map[string]bool{}
	for seed := range int64(20) {
		sc := &domain.Scene{Character: c, Speaker: "player", Line: "What is my name?", Facts: []string{kestrelFact}, Length: "short", Seed: seed}
		a, b := complete(t, e1, domain.TaskDialogue, sc), complete(t, e2, domain.TaskDialogue, sc)
		if a != b {
			t.Fatalf("seed %d: %q then %q", seed, a, b)
		}
		seen[a] = true
	}
	if len(seen) < 3 {
		t.Errorf("20 seeds gave only %d answers: %v", len(seen), seen)
	}
	// What was already said is not said again while other wordings remain.
	sc := &domain.Scene{Character: c, Speaker: "player", Line: "What is my name?", Facts: []string{kestrelFact}, Length: "short", Seed: 1}
	first := complete(t, e1, domain.TaskDialogue, sc)
	sc.Said = []string{first}
	if again := complete(t, e1, domain.TaskDialogue, sc); again == first || !strings.Contains(again, "Kestrel") {
		t.Errorf("asked again after %q: %q", first, again)
	}
}

func TestRecallRespectsTabooWords(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	tests := []struct {
		name, line string
		taboo      []string
	}{
		{"taboo name", "What is my name?", []string{"kestrel"}},
		{"taboo promise", "What did I promise you?", []string{"ore"}},
		{"taboo in remember", "Do you remember me?", []string{"kestrel", "dusk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for seed := range int64(10) {
				c := sheet("guard", "hero", "calm")
				c.TabooWords = tt.taboo
				sc := &domain.Scene{Character: c, Speaker: "player", Line: tt.line, Facts: []string{kestrelFact, oreFact}, Length: "long", Seed: seed}
				got := complete(t, e, domain.TaskDialogue, sc)
				if msg := checkLine(got, tt.taboo); msg != "" {
					t.Errorf("seed %d: %q: %s", seed, got, msg)
				}
			}
		})
	}
}

func TestSpeakerIsNoGossip(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	tests := []struct {
		name, speaker string
		facts         []string
		gossip        string // a name that may come up, "" for none
		never         string
	}{
		{"player's own name", "player", []string{kestrelFact}, "", "Kestrel"},
		{"speaker by the given name", "Kestrel", []string{kestrelFact, `Kestrel said: "I'll be back."`}, "", "Kestrel"},
		{"player's name, a third party kept", "player", []string{kestrelFact, "Brom owes me a song."}, "Brom", "Kestrel"},
		{"imperative in a promise", "player", []string{`player said: "Hand over your gold or I'll take it."`}, "", "Hand"},
		{"imperative with an object", "player", []string{`player said: "Fetch me the ore, I'll pay."`}, "", "Fetch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newScene(&domain.Scene{Character: sheet("bard", "explorer", "calm"), Speaker: tt.speaker, Line: "Heard any rumors?", Facts: tt.facts}, 1)
			if want := []string{tt.gossip}; (tt.gossip == "" && len(s.factNames) > 0) || (tt.gossip != "" && !slices.Equal(s.factNames, want)) {
				t.Errorf("gossip subjects = %q, want %q", s.factNames, tt.gossip)
			}
			for seed := range int64(30) {
				sc := &domain.Scene{Character: sheet("bard", "explorer", "calm"), Speaker: tt.speaker, Line: "Heard any rumors?", Facts: tt.facts, Length: "short", Seed: seed}
				got := complete(t, e, domain.TaskDialogue, sc)
				if strings.Contains(got, "seen "+tt.never) || strings.Contains(got, "after "+tt.never) ||
					strings.Contains(got, "is "+tt.never) || strings.Contains(got, tt.never+" has") {
					t.Errorf("seed %d: gossips about %s: %q", seed, tt.never, got)
				}
			}
		})
	}
}

func TestProperNamesSkipImperatives(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"Hand over your gold.", nil},
		{"Bring me the ore.", nil},
		{`player said: "Give it back or else."`, nil},
		{`player said: "Hand over the map."`, nil},
		{"Aldric owes me twenty gold.", []string{"Aldric"}},
		{"Brom, bring me the ore.", []string{"Brom"}},
		{`player said: "Tell Brom I'll pay."`, []string{"Brom"}},
		{"Lady Sefa hired me for her wedding.", []string{"Lady Sefa"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			if got := properNames([]string{tt.text}, nil); !slices.Equal(got, tt.want) {
				t.Errorf("properNames(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestAskOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want recallAsk
	}{
		{"What is my name?", askName},
		{"what's my name", askName},
		{"Who am I?", askName},
		{"Do you know my name?", askName},
		{"Do you remember my name?", askName},
		{"Do you remember me?", askMe},
		{"Have we met?", askMe},
		{"What did I promise you?", askWords},
		{"What did I tell you?", askWords},
		{"Do you remember what I promised?", askWords},
		{"What is your name?", askNone},
		{"Who are you?", askNone},
		{"Hand over your gold.", askNone},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			if got := askOf(tt.line); got != tt.want {
				t.Errorf("askOf(%q) = %d, want %d", tt.line, got, tt.want)
			}
		})
	}
}

func TestKnownSpeakerIsGreetedByName(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	byName := 0
	for seed := range int64(30) {
		sc := &domain.Scene{Character: sheet("innkeeper", "caregiver", "calm"), Speaker: "player", Line: "Hello!", Facts: []string{kestrelFact}, Length: "short", Seed: seed}
		got := complete(t, e, domain.TaskDialogue, sc)
		if strings.Contains(got, "player") {
			t.Errorf("seed %d: %q calls the speaker by their label", seed, got)
		}
		if strings.Contains(got, "Kestrel") {
			byName++
		}
	}
	if byName == 0 {
		t.Errorf("30 greetings never used the name the player gave")
	}
}

// The memory questions run behind literal filters; none of them hides a question.
func TestRecallQuestionFiltersNeverHideAQuestion(t *testing.T) {
	t.Parallel()
	var res []*regexp.Regexp
	var filters []*litfilter.Filter
	for _, q := range recallQuestions {
		if q.filter == nil {
			t.Fatalf("%s has no filter: it runs on every line", q.re)
		}
		res, filters = append(res, q.re), append(filters, q.filter)
	}
	litfiltertest.NeverHidesAMatch(t, res, filters, "what did i", "what have i just", "remember what i", "what i",
		"what's my", "what is my", "who am i", "know my", "know who i am", "my name", "name again",
		"remember me", "do you know me", "recognise me", "recogni\u017fe me", "have we met", "what do you know about me", "forgot me", "forget me")
}
