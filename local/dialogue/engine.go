// Package dialogue is Troupe's offline text engine: it implements domain.TextModel with
// response rules and grammars instead of a language model, so the API speaks, reacts,
// builds characters and summarises memory with no key, no network and no GPU.
//
// # How it answers
//
// The engine never reads the prompt (System, Messages); it reads the request's Scene and
// switches on its Task:
//
//   - TaskDialogue first understands the line (understand.go): which of some thirty
//     kinds it is (greeting, trade, bargaining, a room or a repair, a question about a
//     place, a faction, a person, the past or the character itself, directions, a wound,
//     news good or bad, a gift, an accusation, a secret asked for or confided, recruiting,
//     flirting, insults, threats, weather, an opinion asked, who rules, danger on the
//     roads, a crime reported, an offer to sell, the hour, a smell or a noise, nonsense,
//     attempts to break character…), recognised by concepts
//     (lists of synonymous phrases, concepts.go) in the manner of ChatScript, and which
//     names it mentions, matched against the world, the lorebook entries the domain
//     triggered and the names mined from the character's lore. What the character knows
//     (knowledge.go) is mined from its custom lore and card description, turned into the
//     first person when that is certain (person.go: "Veteran of the Red War" becomes "I'm a
//     veteran of the Red War") and left unsaid when it is not, and from the triggered
//     lorebook entries, the world's brief and its memory of the player. The answer
//     (compose.go) is chosen by kind: a fact that answers the question, the role's own
//     service (services.go: the innkeeper rents a room at a price, the smith mends the
//     blade, a guard captain gives orders), a rejoinder to the character's last line
//     (AIML's <that>), or, when the character truly does not know, the name of someone in
//     its world who might (Scene.Knowers). The line also sets the emotion the answer is
//     said in. Lines the Valve-style response rules were written for (farewells, thanks,
//     insults, threats, trade, work) are still answered by them: the rules pick the most
//     specific response group (Elan Ruskin, GDC 2012), a Tracery-style grammar symbol
//     expanded with the character's name, home, places and remembered names. Scene.Length
//     adds sentences of role, archetype and mood flavour (none of shop talk after a wound
//     or a threat, no cheerful aside after an accusation, grim news or a serious answer,
//     and no mood filler after an answer of substance where the character's trade or a
//     word on what it said fits better); a flavour sentence already in Scene.Said is never
//     said again, and other lines already said are avoided while others remain; taboo
//     words are never said, and lore holding one is left out rather than blanked. Every
//     sentence is proof-read (GrammarProblems) before it is kept, so no echoed phrase can
//     break an answer. Questions about the speaker ("what is my name?", "do you remember
//     me?", "what did I promise you?") are answered from the facts about them
//     (recall.go), honestly when there are none, and a speaker's own names are never
//     gossip. The engine reads and writes English only (Language).
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
// validated once by New; talk.json holds the wording of the conversation layer by kind,
// role and archetype. The scored evaluation of the dialogue is in package evalset and
// cmd/eval-dialogue.
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
	ModelName  = "rules-v2"
)

// Language is the language the engine understands and speaks: its concepts, lore mining
// and wording are English only, and a line in another language is read as unknown.
const Language = "en"

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
		Detail: fmt.Sprintf("offline rules and grammars, English only (%s): %d rules, %d symbols", Language, len(e.rules), len(e.g)),
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
