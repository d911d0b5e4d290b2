package domain

import (
	"context"
	"math"
	"slices"
	"strings"
)

// How a character's memories reach a prompt. A prompt has room for promptFacts entries and a
// character may remember thousands, so the store hands over a bounded set of candidates
// (pinned entries, then those about the player being answered, then the newest facts) and
// recall ranks them as Generative Agents (Park et al., 2023) does: each candidate's recency,
// importance and relevance to what was just said, each scaled to 0–1 over the candidates,
// weighted and summed. Pinned entries always make it. The prompt's size is the same at the
// thousandth line as at the tenth.

// memoryCandidates is how many entries the store hands to recall for one prompt.
const memoryCandidates = 200

// promptFactRunes caps one fact in a prompt, so the few facts that reach it stay a bounded
// size whatever a studio wrote into memory.
const promptFactRunes = 300

// MemoryWeights weigh the three scores that rank a character's memories for a prompt. A
// weight of 0 leaves its score out; the zero value means DefaultMemoryWeights.
type MemoryWeights struct {
	// Recency weighs how recently the entry was written: RecencyDecay to the power of its
	// age in hours.
	Recency float64
	// Importance weighs the entry's importance (0–1, as stored).
	Importance float64
	// Relevance weighs how well the entry matches what was just said (the line, the game
	// context and the speaker), as the RelevanceScorer rates it.
	Relevance float64
	// RecencyDecay is what a memory's recency is multiplied by per hour of age, in (0, 1).
	// The default, 0.995, is Generative Agents' rate per game hour: a day-old memory keeps
	// 89 % of its recency, a week-old one 43 %. Zero or out of range means the default.
	RecencyDecay float64
}

// DefaultMemoryWeights weigh recency, importance and relevance equally, as Generative
// Agents does.
var DefaultMemoryWeights = MemoryWeights{Recency: 1, Importance: 1, Relevance: 1, RecencyDecay: 0.995}

// orDefault fills in the defaults the zero value and a bad decay stand for.
func (w MemoryWeights) orDefault() MemoryWeights {
	if w.Recency == 0 && w.Importance == 0 && w.Relevance == 0 {
		w.Recency, w.Importance, w.Relevance = DefaultMemoryWeights.Recency, DefaultMemoryWeights.Importance, DefaultMemoryWeights.Relevance
	}
	if !(w.RecencyDecay > 0 && w.RecencyDecay < 1) {
		w.RecencyDecay = DefaultMemoryWeights.RecencyDecay
	}
	return w
}

// RelevanceScorer rates how relevant each document is to a query: higher is more relevant,
// on any scale, since recall rescales the scores to 0–1. The default is BM25 over the
// documents themselves, offline; an embedding model's cosine similarity fits the same port.
type RelevanceScorer interface {
	Relevance(ctx context.Context, query string, docs []string) ([]float64, error)
}

// recallFacts picks up to n of the candidates for a prompt about query, one of each text:
// every pinned entry and the one at index keep (-1 for none) first, in the store's order,
// then the best-scored others, also in the store's order (the player's own facts, then the
// shared ones, each newest first), so an engine that reads facts in order meets the latest
// of two contradicting ones first.
func (s *CharacterService) recallFacts(ctx context.Context, candidates []MemoryEntry, query string, n, keep int) ([]MemoryEntry, error) {
	var picked, rest []MemoryEntry
	seen := map[string]bool{}
	for i, e := range candidates {
		// A fact heard twice is one memory: the first met (pinned, else the newest) stands
		// for the others and leaves their places to other facts.
		if seen[e.Text] && i != keep {
			continue
		}
		seen[e.Text] = true
		if e.Pinned || i == keep {
			picked = append(picked, e)
		} else {
			rest = append(rest, e)
		}
	}
	if len(picked) >= n {
		return picked[:n], nil
	}
	if len(rest) <= n-len(picked) {
		return append(picked, rest...), nil
	}
	scores, err := s.memoryScores(ctx, rest, query)
	if err != nil {
		return nil, err
	}
	order := make([]int, len(rest))
	for i := range order {
		order[i] = i
	}
	// The store hands candidates newest first, so a stable sort breaks ties to the newer.
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(scores[a], scores[b]) })
	best := order[:n-len(picked)]
	slices.Sort(best)
	for _, i := range best {
		picked = append(picked, rest[i])
	}
	return picked, nil
}

// memoryScores scores each entry: the weighted sum of its recency, importance and relevance
// to query, each rescaled to 0–1 over entries.
func (s *CharacterService) memoryScores(ctx context.Context, entries []MemoryEntry, query string) ([]float64, error) {
	w := s.MemoryWeights.orDefault()
	now := s.now()
	recency := make([]float64, len(entries))
	importance := make([]float64, len(entries))
	docs := make([]string, len(entries))
	for i, e := range entries {
		hours := max(now.Sub(e.CreatedAt).Hours(), 0)
		recency[i] = math.Pow(w.RecencyDecay, hours)
		importance[i] = e.Importance
		docs[i] = e.Text
	}
	var relevance []float64
	if w.Relevance != 0 {
		scorer := s.Relevance
		if scorer == nil {
			scorer = BM25{}
		}
		var err error
		if relevance, err = scorer.Relevance(ctx, query, docs); err != nil {
			return nil, err
		}
	} else {
		relevance = make([]float64, len(entries))
	}
	rescale(recency)
	rescale(importance)
	rescale(relevance)
	scores := make([]float64, len(entries))
	for i := range scores {
		scores[i] = w.Recency*recency[i] + w.Importance*importance[i] + w.Relevance*relevance[i]
	}
	return scores, nil
}

// rescale maps xs onto 0–1 in place, lowest to 0 and highest to 1; all equal become 0, so
// a score that tells the entries apart in no way adds nothing.
func rescale(xs []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	for i, x := range xs {
		if hi > lo {
			xs[i] = (x - lo) / (hi - lo)
		} else {
			xs[i] = 0
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// recallQuery is what memories are scored against for a line: the line itself, who said
// it (so what a speaker told the character before comes up when they speak again) and what
// the game says is happening.
func recallQuery(l Line, gameContext string) string {
	return l.Speaker + " " + l.Text + " " + gameContext
}

// promptMemory returns the facts for a prompt answering l from the character's memory, as
// prompt text: what recall picks among the candidates the store holds for the player (the
// shared memory and what concerns this player, never another player's), each fact about
// the player told of the speaker as l names them now.
func (s *CharacterService) promptMemory(ctx context.Context, c *Character, l Line, playerID, gameContext string) ([]string, error) {
	candidates, err := s.Store.MemoryCandidates(ctx, c.TenantID, c.ID, playerID, memoryCandidates)
	if err != nil {
		return nil, err
	}
	// A character always knows the name of the player it is talking to, however long ago
	// they gave it: the newest introduction of that player is kept whatever its score.
	keep := slices.IndexFunc(candidates, func(e MemoryEntry) bool {
		return playerID != "" && e.PlayerID == playerID && e.Kind == MemoryFact && strings.HasPrefix(e.Text, e.Speaker+introducedAs)
	})
	facts, err := s.recallFacts(ctx, candidates, recallQuery(l, gameContext), promptFacts, keep)
	if err != nil {
		return nil, err
	}
	return promptFactTexts(facts, playerID, l.Speaker), nil
}

// relabel tells a fact about the player of playerID in terms of speaker, the name the
// player goes by in this line: a player who introduced themselves as "player" last week
// and speaks as "Traveller" today is still the one "called Kestrel". A fact that does not
// begin with its entry's speaker, or whose new subject would be the name it gives, is
// left as it is.
func relabel(e MemoryEntry, playerID, speaker string) string {
	speaker = strings.TrimSpace(speaker)
	if playerID == "" || e.PlayerID != playerID || speaker == "" || e.Speaker == "" || strings.EqualFold(e.Speaker, speaker) {
		return e.Text
	}
	rest, ok := strings.CutPrefix(e.Text, e.Speaker+" ")
	if !ok {
		return e.Text
	}
	if name, ok := strings.CutPrefix(rest, strings.TrimPrefix(introducedAs, " ")); ok && strings.EqualFold(strings.TrimSuffix(name, "."), speaker) {
		return e.Text
	}
	return speaker + " " + rest
}
