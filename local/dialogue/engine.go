// Package dialogue is Troupe's offline text engine: it implements domain.TextModel with
// response rules and grammars instead of a language model, so the API speaks, reacts,
// builds characters and summarises memory with no key, no network and no GPU.
//
// # How it answers
//
// The engine never reads the prompt (System, Messages); it reads the request's Scene and
// switches on its Task:
//
//   - TaskDialogue classifies the line's intent with keyword rules (Classify), turns the
//     character sheet, the line and the character's memory into a flat set of facts, and
//     picks the most specific matching response rule, Valve-style (Elan Ruskin, GDC 2012).
//     The rule's response group is a Tracery-style grammar symbol, expanded with the
//     character's own name, home, places and remembered names. Scene.Length adds
//     sentences of role, archetype and mood flavour and a follow-up to the intent; lines
//     already in Scene.Said are avoided while others remain; taboo words are never said.
//     Questions about the speaker ("what is my name?", "do you remember me?", "what did
//     I promise you?") are answered from the facts about them (recall.go), honestly
//     when there are none, and a speaker's own names are never gossip.
//   - TaskCharacter composes a personality and a second-person acting prompt, phrased
//     around the character's taboo words: its own sentences switch phrasing, and the
//     sheet's sentences that use one are left out.
//   - TaskValidate approves drafts that are not empty and in whose generated text the
//     moderation filter finds no taboo word.
//   - TaskReaction decides whether the character wants to speak, from who and what the
//     line is about, and, given the game's action catalogue, proposes the actions the
//     line calls for (proposeActions).
//   - TaskSummarize keeps the sentences of the memory that carry names, numbers,
//     promises, debts, threats, quests and places.
//
// The rules and grammars live in JSON packs (package data, dialogue/*.json), parsed and
// validated once by New.
//
// # Determinism
//
// The same request gives byte-identical text on every machine and Go release: every
// choice draws from a splitmix64 generator (rand.go) seeded with an FNV-1a hash of the
// request (the scene's seed, the task, the character sheet, the speaker, the line, the
// history's length, what was already said), packs are merged in file-name order, and map
// iteration order never reaches the output. Only TextResult.Latency varies.
package dialogue

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
)

// The engine and model names reported in results and health checks.
const (
	EngineName = "local"
	ModelName  = "rules-v1"
)

// Engine is the offline text engine. It is immutable once built and safe for concurrent
// use.
type Engine struct {
	g     grammar
	rules []rule
	react reactions
}

var _ domain.TextModel = (*Engine)(nil)

// New returns an engine with the packs embedded in the binary. It fails only if those
// packs are invalid, which the package's tests rule out.
func New() (*Engine, error) {
	fsys, err := fs.Sub(data.Dialogue, "dialogue")
	if err != nil {
		return nil, err
	}
	return NewFromFS(fsys)
}

// NewFromFS returns an engine with the packs in the root of fsys (every *.json file), so
// a studio can ship its own. The packs are validated as a whole: every symbol a line or
// rule uses is defined, no placeholder is unknown, the grammar is not recursive, every
// default role, archetype and mood has its lines, and every intent has a fallback rule.
func NewFromFS(fsys fs.FS) (*Engine, error) {
	p, err := loadPacks(fsys)
	if err != nil {
		return nil, err
	}
	if err := addRecallGrammar(p.g); err != nil {
		return nil, err
	}
	return &Engine{g: p.g, rules: p.rules, react: p.react}, nil
}

// Complete answers req. A nil Scene or an unknown task is a programmer error and fails
// with domain.CodeInternal.
func (e *Engine) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return domain.TextResult{}, err
	}
	text, err := e.answer(req)
	if err != nil {
		return domain.TextResult{}, err
	}
	return domain.TextResult{
		Text:   text,
		Engine: EngineName,
		Model:  ModelName,
		Usage: domain.Usage{
			PromptTokens:     estimateTokens(sceneWords(req.Scene)),
			CompletionTokens: estimateTokens(countWords(text)),
		},
		Latency: time.Since(start),
	}, nil
}

// Stream answers req as Complete does and hands the text to onDelta a word at a time
// (each word with the spaces after it), so the deltas joined are exactly the text.
func (e *Engine) Stream(ctx context.Context, req domain.TextRequest, onDelta func(delta string) error) (domain.TextResult, error) {
	res, err := e.Complete(ctx, req)
	if err != nil {
		return domain.TextResult{}, err
	}
	start := time.Now()
	for _, d := range deltas(res.Text) {
		if err := ctx.Err(); err != nil {
			return domain.TextResult{}, err
		}
		if err := onDelta(d); err != nil {
			return domain.TextResult{}, err
		}
	}
	res.Latency += time.Since(start)
	return res, nil
}

// Status reports the engine as healthy: it has no dependency that can fail after New.
func (e *Engine) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{
		Status: domain.StatusOK,
		Engine: EngineName,
		Model:  ModelName,
		Detail: fmt.Sprintf("offline rules and grammars: %d rules, %d symbols", len(e.rules), len(e.g)),
	}
}

// answer switches on the task.
func (e *Engine) answer(req domain.TextRequest) (string, error) {
	sc := req.Scene
	if sc == nil {
		return "", domain.Errorf(domain.CodeInternal, "the local text engine needs a scene for task %q", req.Task)
	}
	seed := requestSeed(req.Task, sc)
	switch req.Task {
	case domain.TaskDialogue:
		parts := e.dialogue(sc, seed)
		texts := make([]string, 0, len(parts)+1)
		if ack := acknowledge(sc.Doing); ack != "" {
			texts = append(texts, ack)
		}
		for _, p := range parts {
			texts = append(texts, p.text)
		}
		return strings.Join(texts, " "), nil
	case domain.TaskCharacter:
		return e.character(sc, seed)
	case domain.TaskValidate:
		return validate(sc)
	case domain.TaskReaction:
		out, err := e.reaction(sc)
		if err != nil || len(sc.Actions) == 0 {
			return out, err
		}
		return withActions(out, proposeActions(sc))
	case domain.TaskSummarize:
		return summarize(sc), nil
	default:
		return "", domain.Errorf(domain.CodeInternal, "the local text engine has no task %q", req.Task)
	}
}

// deltas splits text into words, each keeping the whitespace that follows it.
func deltas(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' {
			j++
		}
		for j < len(text) && (text[j] == ' ' || text[j] == '\n' || text[j] == '\t') {
			j++
		}
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// sceneWords counts the words of the scene's text, the engine's "prompt".
func sceneWords(sc *domain.Scene) int {
	c := &sc.Character
	n := 0
	for _, s := range []string{c.Name, c.Role, c.Archetype, c.SkillTier, c.Mood, c.Personality, c.Lore,
		c.RoleDescription, c.ArchetypeDescription, c.Home, c.WorldName, c.WorldBrief,
		sc.Speaker, sc.Line, sc.Summary, sc.GameContext, sc.Draft} {
		n += countWords(s)
	}
	for _, list := range [][]string{c.Places, c.TabooWords, sc.Facts, sc.Said} {
		for _, s := range list {
			n += countWords(s)
		}
	}
	for _, l := range sc.History {
		n += countWords(l.Speaker) + countWords(l.Text)
	}
	for _, m := range sc.Entries {
		n += countWords(m.Speaker) + countWords(m.Text)
	}
	return n
}
