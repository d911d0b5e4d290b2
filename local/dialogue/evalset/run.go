package evalset

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/dialogue"
)

// Result is one line played and scored.
type Result struct {
	Case      Case
	Character string // the character's name
	Reply     string
	Emotion   string // the emotion the engine answered in
	Fit       bool
	Deflected bool
	LoreUsed  bool
	Repeated  bool
	Grammar   []string
	Why       string // why the reply does not fit, when it does not
	Elapsed   time.Duration
}

// Tally is the scores of a group of lines.
type Tally struct {
	Lines, Fit                  int
	LoreLines, Deflected        int
	LoreUsedOnLore, LoreUsedAll int
	MemoryLines, MemoryFit      int
	Repeated, Grammar           int
	EmotionLines, EmotionRight  int
}

func (t *Tally) add(r *Result) {
	t.Lines++
	if r.Fit {
		t.Fit++
	}
	if r.Case.Lore {
		t.LoreLines++
		if r.Deflected {
			t.Deflected++
		}
		if r.LoreUsed {
			t.LoreUsedOnLore++
		}
	}
	if r.LoreUsed {
		t.LoreUsedAll++
	}
	if r.Case.Memory {
		t.MemoryLines++
		if r.Fit {
			t.MemoryFit++
		}
	}
	if r.Repeated {
		t.Repeated++
	}
	if len(r.Grammar) > 0 {
		t.Grammar++
	}
	if r.Case.Emotion != "" {
		t.EmotionLines++
		if r.Emotion == r.Case.Emotion {
			t.EmotionRight++
		}
	}
}

// Report is the outcome of a run.
type Report struct {
	Results []Result
	Total   Tally
	ByKind  map[string]*Tally
	Kinds   []string // in the order they first appear
	// EngineTime is the time spent in the engine over all lines.
	EngineTime time.Duration
}

// Run plays every line of the set through the engine. Each character's lines are one
// long session: what it already said to the player is passed as Scene.Said, as the API
// does, so the repetition score measures what a player would see.
func Run(ctx context.Context, e *dialogue.Engine, s *Set) (*Report, error) {
	chars := map[string]*Character{}
	for i := range s.Characters {
		chars[s.Characters[i].ID] = &s.Characters[i]
	}
	rep := &Report{ByKind: map[string]*Tally{}}
	said := map[string][]string{}
	for i, c := range s.Cases {
		ch := chars[c.Char]
		sc := Scene(ch, c, said[c.Char], int64(i))
		start := time.Now()
		res, err := e.Complete(ctx, domain.TextRequest{Task: domain.TaskDialogue, Scene: sc})
		elapsed := time.Since(start)
		if err != nil {
			return nil, err
		}
		rep.EngineTime += elapsed
		r := Result{Case: c, Character: ch.Name, Reply: res.Text, Elapsed: elapsed, Emotion: e.Analyze(sc).Emotion}
		score(&r, ch, &s.Kinds)
		for _, prev := range said[c.Char] {
			if prev == r.Reply {
				r.Repeated = true
			}
		}
		said[c.Char] = append(said[c.Char], r.Reply)
		rep.Results = append(rep.Results, r)
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		rep.Total.add(r)
		t := rep.ByKind[r.Case.Kind]
		if t == nil {
			t = &Tally{}
			rep.ByKind[r.Case.Kind] = t
			rep.Kinds = append(rep.Kinds, r.Case.Kind)
		}
		t.add(r)
	}
	return rep, nil
}

// Scene builds the scene the API would send for line c to character ch, after the
// replies said.
func Scene(ch *Character, c Case, said []string, seed int64) *domain.Scene {
	sheet := domain.CharacterSheet{
		Name: ch.Name, Role: ch.Role, Archetype: ch.Archetype, SkillTier: ch.Tier, Mood: ch.Mood,
		Lore: ch.Lore, Home: ch.Home, WorldName: ch.WorldName, WorldBrief: ch.WorldBrief,
		Places: ch.Places, TabooWords: ch.Taboo,
	}
	var history []domain.Line
	scanned := []string{}
	for _, t := range c.History {
		history = append(history, domain.Line{Speaker: t.Speaker, Text: t.Text})
		scanned = append(scanned, t.Text)
	}
	scanned = append(scanned, c.Line)
	if len(scanned) > domain.DefaultLoreScanDepth {
		scanned = scanned[len(scanned)-domain.DefaultLoreScanDepth:]
	}
	length := c.Length
	if length == "" {
		length = "medium"
	}
	if len(said) > 20 {
		said = said[len(said)-20:]
	}
	return &domain.Scene{
		Character: sheet,
		Speaker:   "player",
		Line:      c.Line,
		History:   history,
		Facts:     c.Facts,
		Said:      slices.Clone(said),
		Lore:      domain.TriggeredLore(lorebook(ch), scanned),
		Knowers:   ch.Knowers,
		Length:    length,
		Seed:      seed,
	}
}

// lorebook is the character's lorebook as the domain stores it.
func lorebook(ch *Character) []domain.Lorebook {
	b := domain.Lorebook{Name: ch.Name + "'s lore", ScanDepth: domain.DefaultLoreScanDepth, TokenBudget: domain.DefaultLoreTokenBudget}
	for i, e := range ch.Lorebook {
		b.Entries = append(b.Entries, domain.LoreEntry{
			Name: e.Name, Keys: e.Keys, Content: e.Content, Category: e.Category,
			Enabled: true, InsertionOrder: i, Priority: 10,
		})
	}
	return []domain.Lorebook{b}
}

// score judges a reply against the line's expectations.
func score(r *Result, ch *Character, k *Kinds) {
	c := r.Case
	low := strings.ToLower(r.Reply)
	r.Grammar = dialogue.GrammarProblems(r.Reply)
	for _, d := range k.Deflections {
		if strings.Contains(low, d) {
			r.Deflected = true
		}
	}
	r.LoreUsed = usesLore(r.Reply, c.Line, ch)
	exp := k.Kinds[c.Kind]
	anyOf := c.Any
	if len(anyOf) == 0 {
		anyOf = exp.Any
	}
	not := append(slices.Clone(exp.Not), c.Not...)
	not = append(not, k.WrongRole[ch.Role]...)
	not = append(not, ch.Taboo...)
	why := ""
	switch {
	case len(r.Grammar) > 0:
		why = "grammar: " + strings.Join(r.Grammar, "; ")
	case r.Reply == "..." || strings.TrimSpace(r.Reply) == "":
		why = "silent"
	case c.Lore && r.Deflected:
		why = "deflected a line its lore answers"
	}
	if why == "" {
		for _, n := range not {
			if strings.Contains(low, strings.ToLower(n)) {
				why = "says " + n
				break
			}
		}
	}
	if why == "" && len(anyOf) > 0 {
		found := false
		for _, a := range anyOf {
			if strings.Contains(low, strings.ToLower(a)) {
				found = true
				break
			}
		}
		if !found {
			why = "none of: " + strings.Join(anyOf, ", ")
		}
	}
	r.Fit, r.Why = why == "", why
}

// usesLore reports whether the reply carries four words in a row from the character's
// lore, lorebook or world brief that the player's line did not already say: the mark of
// a fact drawn from what the studio wrote, kept or turned to the first person.
func usesLore(reply, line string, ch *Character) bool {
	texts := []string{ch.Lore, ch.WorldBrief}
	for _, e := range ch.Lorebook {
		texts = append(texts, e.Content)
	}
	lore := map[string]bool{}
	for _, t := range texts {
		for _, g := range grams(t) {
			lore[g] = true
		}
	}
	said := map[string]bool{}
	for _, g := range grams(line) {
		said[g] = true
	}
	for _, g := range grams(reply) {
		if lore[g] && !said[g] {
			return true
		}
	}
	return false
}

// grams returns the four-word sequences of text, lower case, without punctuation.
func grams(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'')
	})
	var out []string
	for i := 0; i+4 <= len(f); i++ {
		out = append(out, strings.Join(f[i:i+4], " "))
	}
	return out
}
