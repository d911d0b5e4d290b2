package dialogue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// playerLines is a conversation's worth of player lines, one or more per intent.
var playerLines = []string{
	"Hello there!",
	"Do you sell anything useful?",
	"Any work for someone like me?",
	"What do you know about Ashford?",
	"Heard any rumors lately?",
	"Who are you, anyway?",
	"Thanks, that's helpful.",
	"That's impressive work.",
	"You're a fool.",
	"Hand over your purse or else.",
	"Tell me about the old mill.",
	"How much for that?",
	"Where is Oakvale?",
	"Is there a reward for the bandits?",
	"What's new around here?",
	"Hmm, the sky looks odd.",
	"I appreciate it.",
	"Good morning!",
	"Can you help me?",
	"Farewell, friend.",
}

func TestDialogueIsDeterministic(t *testing.T) {
	e1, e2 := newEngine(t), newEngine(t)
	for i, line := range playerLines {
		for _, length := range []string{"short", "medium", "long"} {
			c := sheet(roles[i%len(roles)], archetypes[i%len(archetypes)], moods[i%len(moods)])
			sc := &domain.Scene{Character: c, Speaker: "Aldric", Line: line, Length: length, Seed: int64(i),
				Facts: []string{"Aldric owes me twenty gold."}, Said: []string{"Welcome to Oakvale, friend."}}
			a := complete(t, e1, domain.TaskDialogue, sc)
			b := complete(t, e1, domain.TaskDialogue, sc)
			c2 := complete(t, e2, domain.TaskDialogue, sc)
			if a != b || a != c2 {
				t.Errorf("%q (%s): answers differ:\n%s\n%s\n%s", line, length, a, b, c2)
			}
		}
	}
}

// TestDialogueGolden pins a few answers: a change here means every studio's contract
// tests see different text, so it must be deliberate (a pack edit, an engine change).
func TestDialogueGolden(t *testing.T) {
	e := newEngine(t)
	c := sheet("blacksmith", "mentor", "cheerful")
	c.Name = "Maren Holt"
	tests := []struct {
		line, length string
		seed         int64
		want         string
	}{
		{"Good morning! Do you sell swords?", "short", 1,
			"I can make you a sword, a shield or a spearhead. Tell me what you need and I'll quote you a fair price."},
		{"Any work for me?", "medium", 2,
			"Someone's been stealing scrap from my yard at night, so catch them and I'll make you something fine. " +
				"It's hard to stay glum on a day like this."},
		{"What do you know about Ashford?", "long", 3,
			"Ashford? I know the road there, but not much else. A scholar could tell you more. " +
				"I'm in too good a mood today to let anything spoil it. " +
				"The forge doesn't wait for anyone, so speak plainly."},
	}
	for _, tt := range tests {
		got := complete(t, e, domain.TaskDialogue, &domain.Scene{Character: c, Speaker: "player", Line: tt.line, Length: tt.length, Seed: tt.seed})
		if got != tt.want {
			t.Errorf("%q (%s, seed %d) = %q, want %q", tt.line, tt.length, tt.seed, got, tt.want)
		}
	}
}

func TestDialogueVariesWithSeedAndCharacter(t *testing.T) {
	e := newEngine(t)
	base := sheet("merchant", "trickster", "calm")
	line := "Hello! What do you have for sale?"
	bySeed := map[string]bool{}
	for seed := range int64(12) {
		bySeed[complete(t, e, domain.TaskDialogue, &domain.Scene{Character: base, Speaker: "player", Line: line, Seed: seed})] = true
	}
	if len(bySeed) < 8 {
		t.Errorf("12 seeds gave only %d different answers", len(bySeed))
	}
	byChar := map[string]bool{}
	for i, r := range roles {
		c := sheet(r, archetypes[i], moods[i%len(moods)])
		byChar[complete(t, e, domain.TaskDialogue, &domain.Scene{Character: c, Speaker: "player", Line: line, Seed: 1})] = true
	}
	if len(byChar) != len(roles) {
		t.Errorf("%d characters gave only %d different answers", len(roles), len(byChar))
	}
}

// TestEveryCombination speaks every intent as every role × archetype × mood, plus a
// character outside the defaults, and checks each answer is a clean line.
func TestEveryCombination(t *testing.T) {
	e := newEngine(t)
	allRoles := append(slices.Clone(roles), "lighthouse keeper")
	allMoods := append(slices.Clone(moods), "wistful")
	n := 0
	for _, r := range allRoles {
		for _, a := range archetypes {
			for _, m := range allMoods {
				c := sheet(r, a, m)
				c.TabooWords = []string{"Ashford", "steel"}
				for k, line := range playerLines {
					if (n+k)%4 != 0 { // a quarter of the lines, rotating, keeps this fast
						continue
					}
					length := []string{"short", "medium", "long"}[(n+k)%3]
					sc := &domain.Scene{Character: c, Speaker: "Aldric", Line: line, Length: length, Seed: int64(n),
						Facts: []string{"Aldric promised to bring iron.", "Brom the miller is missing."}}
					text := complete(t, e, domain.TaskDialogue, sc)
					if text == silence {
						t.Errorf("%s/%s/%s %q: silence", r, a, m, line)
					} else if msg := checkLine(text, c.TabooWords); msg != "" {
						t.Errorf("%s/%s/%s %q: %s: %q", r, a, m, line, msg, text)
					}
				}
				n++
			}
		}
	}
}

// TestTabooWordsAreNeverSaid makes each character's most likely words taboo and checks
// they disappear while the character still speaks.
func TestTabooWordsAreNeverSaid(t *testing.T) {
	e := newEngine(t)
	for i, r := range roles {
		c := sheet(r, archetypes[i], moods[i%len(moods)])
		for k, line := range playerLines {
			sc := &domain.Scene{Character: c, Speaker: "player", Line: line, Length: "long", Seed: int64(k)}
			before := complete(t, e, domain.TaskDialogue, sc)
			// Ban two words of the answer itself, the longest ones.
			words := strings.FieldsFunc(before, func(r rune) bool { return !isWordRune(r) })
			slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
			c2 := c
			c2.TabooWords = words[:min(2, len(words))]
			sc.Character = c2
			after := complete(t, e, domain.TaskDialogue, sc)
			if msg := checkLine(after, c2.TabooWords); msg != "" {
				t.Errorf("%s %q with taboo %v: %s: %q", r, line, c2.TabooWords, msg, after)
			}
		}
	}
	// A taboo word in the character's own name rules out every line with the name.
	c := sheet("guard", "hero", "calm")
	c.TabooWords = []string{strings.Fields(c.Name)[0], "you", "the", "a"}
	for k, line := range playerLines {
		text := complete(t, e, domain.TaskDialogue, &domain.Scene{Character: c, Speaker: "player", Line: line, Length: "long", Seed: int64(k)})
		if msg := checkLine(text, c.TabooWords); msg != "" {
			t.Errorf("%q with taboo %v: %s: %q", line, c.TabooWords, msg, text)
		}
	}
}

func TestLength(t *testing.T) {
	e := newEngine(t)
	for i, line := range playerLines {
		c := sheet(roles[i%len(roles)], archetypes[i%len(archetypes)], moods[i%len(moods)])
		for _, tt := range []struct {
			length   string
			min, max int
		}{{"short", 1, 1}, {"medium", 2, 2}, {"", 2, 2}, {"long", 3, 4}, {"LONG", 3, 4}, {"epic", 2, 2}} {
			sc := &domain.Scene{Character: c, Speaker: "player", Line: line, Length: tt.length, Seed: int64(i)}
			parts := e.dialogue(sc, requestSeed(domain.TaskDialogue, sc))
			var texts []string
			for _, p := range parts {
				texts = append(texts, p.text)
				// A part is the main answer (which may take two or three sentences, "The Red
				// War? I fought in it.") or one sentence of flavour or follow-up.
				if n := len(splitSentences(p.text)); n < 1 || n > 3 {
					t.Errorf("%q: part %q is %d sentences", line, p.text, n)
				}
			}
			if len(parts) < tt.min || len(parts) > tt.max {
				t.Errorf("%q, length %q: %d parts %q, want %d–%d", line, tt.length, len(parts), texts, tt.min, tt.max)
			}
			if got := complete(t, e, domain.TaskDialogue, sc); got != strings.Join(texts, " ") {
				t.Errorf("Complete = %q, want the sentences joined %q", got, strings.Join(texts, " "))
			}
		}
	}
}

func TestMerchantTalksTrade(t *testing.T) {
	e := newEngine(t)
	words := []string{"price", "buy", "sell", "pay", "cost", "deal", "goods", "haggl", "cheap", "special", "number",
		"cloth", "spice", "lamp", "rope", "ration", "trinket", "map", "ink", "wax", "pack", "boot", "money"}
	for seed := range int64(40) {
		c := sheet("merchant", archetypes[seed%14], moods[seed%8])
		sc := &domain.Scene{Character: c, Speaker: "player", Line: "I'd like to buy something.", Length: "short", Seed: seed}
		text := strings.ToLower(complete(t, e, domain.TaskDialogue, sc))
		if !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(text, w) }) {
			t.Errorf("seed %d (%s): merchant asked to trade says %q, nothing about wares or prices", seed, c.Mood, text)
		}
	}
}

// TestMoodShows checks that a strong mood colours every answer longer than one line, and
// that the same line said to an angry and a cheerful character gets different answers.
func TestMoodShows(t *testing.T) {
	e := newEngine(t)
	for seed := range int64(20) {
		for _, line := range playerLines {
			answer := func(mood string) []part {
				c := sheet("farmer", "everyman", mood)
				c.Name = "Tamsin Reed"
				sc := &domain.Scene{Character: c, Speaker: "player", Line: line, Length: "medium", Seed: seed}
				return e.dialogue(sc, requestSeed(domain.TaskDialogue, sc))
			}
			angry, cheerful := answer("angry"), answer("cheerful")
			if fmt.Sprint(angry) == fmt.Sprint(cheerful) {
				t.Errorf("seed %d, %q: angry and cheerful both said %v", seed, line, angry)
			}
			for mood, parts := range map[string][]part{"angry": angry, "cheerful": cheerful} {
				if mood == "cheerful" && Classify(line) == IntentThreat {
					// A threat frightens a cheerful farmer: the line's emotion wins here
					// (TestEmotionFollowsTheLine).
					mood = "fearful"
				}
				if mood == "cheerful" && (Classify(line) == IntentRumor || Classify(line) == IntentInsult) {
					// Grim news and insults are not followed by a cheerful aside (seriousKind,
					// and a cheerful character shrugs an insult off in its main line).
					continue
				}
				if !slices.ContainsFunc(parts, func(p part) bool { return strings.HasPrefix(p.from, mood+":") }) {
					t.Errorf("seed %d, %q: the %s answer %v has nothing from the mood", seed, line, mood, parts)
				}
			}
		}
	}
}

func TestSpecificRuleWins(t *testing.T) {
	e := newEngine(t)
	c := sheet("healer", "caregiver", "calm")
	known := map[string]bool{}
	for _, a := range e.g["greet-named"].alts {
		known[strings.ReplaceAll(a.text, "{speaker}", "Aldric")] = true
	}
	for seed := range int64(20) {
		sc := &domain.Scene{Character: c, Speaker: "Aldric", Line: "Hi!", Length: "short", Seed: seed,
			Facts: []string{"Aldric helped me carry water last spring."}}
		if got := complete(t, e, domain.TaskDialogue, sc); !known[got] {
			t.Errorf("seed %d: a remembered speaker's greeting %q is not from greet-named", seed, got)
		}
		sc.Facts = nil
		if got := complete(t, e, domain.TaskDialogue, sc); known[got] {
			t.Errorf("seed %d: a stranger was greeted as remembered: %q", seed, got)
		}
	}
	c.SkillTier = "master"
	sc := &domain.Scene{Character: c, Speaker: "player", Line: "Who are you?", Length: "short", Seed: 1}
	master := map[string]bool{}
	for _, a := range e.g["self-intro-master"].alts {
		master[a.text] = true
	}
	got := complete(t, e, domain.TaskDialogue, sc)
	for _, name := range []string{c.Name, "healer", "Eldoria", "Oakvale"} {
		got = strings.ReplaceAll(got, name, map[string]string{c.Name: "{name}", "healer": "{role}", "Eldoria": "{world}", "Oakvale": "{home}"}[name])
	}
	if !master[got] {
		t.Errorf("a master asked who they are said %q, not a self-intro-master line", got)
	}
}

// TestNoRepeatWhileAlternativesRemain greets the same character ten times, feeding back
// what it said, as the service does.
func TestNoRepeatWhileAlternativesRemain(t *testing.T) {
	e := newEngine(t)
	for _, r := range roles {
		c := sheet(r, "sage", "calm")
		var said []string
		for turn := range 10 {
			sc := &domain.Scene{Character: c, Speaker: "player", Line: "Hello!", Length: "short", Seed: 42,
				History: make([]domain.Line, turn), Said: said}
			text := complete(t, e, domain.TaskDialogue, sc)
			if slices.Contains(said, text) {
				t.Errorf("%s, turn %d: repeated %q after %q", r, turn, text, said)
			}
			said = append(said, text)
		}
	}
}

// TestConversationsRarelyRepeat has three characters talk twenty turns each.
func TestConversationsRarelyRepeat(t *testing.T) {
	e := newEngine(t)
	chars := []domain.CharacterSheet{
		sheet("innkeeper", "caregiver", "cheerful"),
		sheet("guard", "skeptic", "suspicious"),
		sheet("bard", "jester", "excited"),
	}
	all := map[string]int{}
	for _, c := range chars {
		var said []string
		var history []domain.Line
		sentences := map[string]int{}
		for _, line := range playerLines {
			sc := &domain.Scene{Character: c, Speaker: "Aldric", Line: line, Length: "medium", Seed: 9,
				History: history, Said: said, Facts: []string{"Aldric is a traveling tinker."}}
			text := complete(t, e, domain.TaskDialogue, sc)
			if msg := checkLine(text, nil); msg != "" {
				t.Errorf("%s: %q: %s", c.Role, text, msg)
			}
			said = append(said, text)
			history = append(history, domain.Line{Speaker: "Aldric", Text: line}, domain.Line{Speaker: c.Name, Text: text})
			all[text]++
			for _, s := range splitSentences(text) {
				sentences[s]++
			}
		}
		dups := 0
		for s, n := range sentences {
			if n > 1 {
				dups += n - 1
				t.Logf("%s repeated %q %d times", c.Role, s, n)
			}
		}
		if dups > 2 {
			t.Errorf("%s repeated %d sentences in 20 turns", c.Role, dups)
		}
	}
	for text, n := range all {
		if n > 1 {
			t.Errorf("%q said %d times across the conversations", text, n)
		}
	}
}

func TestMemoryAndPlaces(t *testing.T) {
	e := newEngine(t)
	c := sheet("bard", "explorer", "calm")
	found := map[string]bool{}
	for seed := range int64(60) {
		sc := &domain.Scene{Character: c, Speaker: "player", Line: "Heard any rumors?", Length: "short", Seed: seed,
			Facts: []string{"Brom the miller owes the bard a song.", "Lady Sefa hired me for her wedding."}}
		text := complete(t, e, domain.TaskDialogue, sc)
		for _, w := range []string{"Brom", "Lady Sefa", "Ashford", "the Grey Marsh", "Kestrel Point"} {
			if strings.Contains(text, w) {
				found[w] = true
			}
		}
		if strings.Contains(text, "Oakvale") && strings.Contains(text, "road to Oakvale") {
			t.Errorf("{place} should never be the character's own home: %q", text)
		}
	}
	for _, w := range []string{"Brom", "Lady Sefa"} {
		if !found[w] {
			t.Errorf("60 rumors never brought up the remembered %s (found %v)", w, found)
		}
	}
}

func TestEmptySheetStillSpeaks(t *testing.T) {
	e := newEngine(t)
	for k, line := range playerLines {
		for _, length := range []string{"short", "long"} {
			text := complete(t, e, domain.TaskDialogue, &domain.Scene{Line: line, Length: length, Seed: int64(k)})
			if msg := checkLine(text, nil); msg != "" || text == silence {
				t.Errorf("empty sheet, %q: %q %s", line, text, msg)
			}
		}
	}
}

func TestDialogueWithEveryTabooSpeaksSilence(t *testing.T) {
	e := newEngine(t)
	c := sheet("thief", "outlaw", "angry")
	for r := 'a'; r <= 'z'; r++ {
		c.TabooWords = append(c.TabooWords, string(r))
	}
	got := complete(t, e, domain.TaskDialogue, &domain.Scene{Character: c, Line: "Hello!", Length: "long"})
	if got != silence {
		t.Errorf("with every letter taboo got %q, want %q", got, silence)
	}
}

func ExampleEngine_Complete() {
	e, err := New()
	if err != nil {
		panic(err)
	}
	res, err := e.Complete(context.Background(), domain.TextRequest{
		Task: domain.TaskDialogue,
		Scene: &domain.Scene{
			Character: domain.CharacterSheet{Name: "Maren Holt", Role: "blacksmith", Archetype: "mentor", Mood: "calm", Home: "Oakvale"},
			Speaker:   "player",
			Line:      "Do you sell horseshoes?",
			Length:    "short",
			Seed:      7,
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Engine, res.Model)
	// Output: local rules-v2
}
