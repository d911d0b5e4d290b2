package domain

import (
	"context"
	"time"
)

// TextTask names what a text request is for. LLM engines read only the prompt; the local
// engine, which cannot read prose, switches on the task and reads Scene instead.
type TextTask string

// The text tasks.
const (
	// TaskCharacter writes a character's acting prompt (and personality, when not given).
	// The LLM answers JSON {"personality": "...", "acting_prompt": "..."}.
	TaskCharacter TextTask = "character"
	// TaskValidate checks a generated character. The LLM answers JSON
	// {"approved": true|false, "reason": "..."}.
	TaskValidate TextTask = "validate"
	// TaskDialogue is a character's next line, in plain text.
	TaskDialogue TextTask = "dialogue"
	// TaskReaction decides whether a character wants to speak. The LLM answers JSON
	// {"decision": "WANT"|"PASS", "reason": "...", "priority": 0..1}.
	TaskReaction TextTask = "reaction"
	// TaskSummarize folds memory entries into a running summary, in plain text.
	TaskSummarize TextTask = "summarize"
)

// ChatRole is the author of a chat message.
type ChatRole string

// The chat roles of OpenAI-style chat APIs.
const (
	RoleSystem    ChatRole = "system"
	RoleUser      ChatRole = "user"
	RoleAssistant ChatRole = "assistant"
)

// ChatMessage is one message of a prompt.
type ChatMessage struct {
	Role    ChatRole
	Content string
}

// TextRequest is one call to a text model.
type TextRequest struct {
	Task        TextTask
	System      string
	Messages    []ChatMessage
	Model       string
	Temperature float64
	// MaxTokens caps the completion; 0 means the engine's default.
	MaxTokens int
	// JSON asks for a single JSON object as the whole answer.
	JSON bool
	// Scene is the same request in structured form, for engines that do not read prose.
	Scene *Scene
}

// Scene is what the local engine needs to act a task without reading a prompt.
type Scene struct {
	Character CharacterSheet
	// Speaker is who said Line; Line is what the character answers or reacts to.
	Speaker string
	Line    string
	// History is the conversation before Line, oldest first.
	History []Line
	// Summary is the character's running memory summary; Facts are remembered facts and
	// names, most important first.
	Summary string
	Facts   []string
	// Said are lines this character already said to Speaker, so an engine can avoid
	// repeating itself while alternatives remain.
	Said        []string
	GameContext string
	// Lore are the lorebook entries the line and the recent lines triggered, in insertion
	// order, within the books' budgets: what the character knows that bears on the line.
	Lore []LoreSnippet
	// Knowers name who in the character's world might know what it does not (factions and
	// people of its lorebooks), for an engine that must send the speaker elsewhere.
	Knowers []string
	// Actions is the catalogue the character may choose from, for TaskReaction: its answer
	// then proposes the actions it takes if it speaks.
	Actions []ActionSpec
	// Doing are the actions the character takes as it says its line, for TaskDialogue.
	Doing []Action
	// Regard is how the character sees Speaker, for prompts: "<name>: <stage> (trust …,
	// affinity …)"; empty when they have no relationship.
	Regard string
	// Length is "short", "medium" or "long".
	Length string
	// Entries are the memory entries to fold, for TaskSummarize.
	Entries []MemoryEntry
	// Draft is the generated character to judge, for TaskValidate.
	Draft string
	// Seed makes the local engine's choices reproducible; it is derived from the request.
	Seed int64
}

// CharacterSheet is who a character is, as engines see it.
type CharacterSheet struct {
	Name        string
	Role        string
	Archetype   string
	SkillTier   string
	Mood        string
	Personality string
	Lore        string
	// RoleDescription and ArchetypeDescription come from the defaults.
	RoleDescription      string
	ArchetypeDescription string
	// Home is the settlement or region the character lives in; Places are other names of
	// its world.
	Home       string
	WorldName  string
	WorldBrief string
	Places     []string
	TabooWords []string
	// Profile is the character's card fields (description, scenario, first message…).
	Profile CharacterProfile
}

// Line is one line of a conversation.
type Line struct {
	Speaker string
	Text    string
}

// Usage counts the tokens of one call.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Total is prompt plus completion tokens.
func (u Usage) Total() int { return u.PromptTokens + u.CompletionTokens }

// TextResult is a completed text call.
type TextResult struct {
	Text    string
	Engine  string
	Model   string
	Usage   Usage
	Latency time.Duration
}

// TextModel is a text engine: fal.ai, an OpenAI-compatible server, or the local engine.
//
// Failures are *Error values: CodeFalServiceError (502) when fal.ai failed and
// CodeProviderError (502, details.engine naming it) when any other engine did,
// CodeProviderTimeout (504) when it did not answer in time, CodeEngineUnavailable (503)
// when the engine is not configured or installed. A canceled ctx stops the call.
type TextModel interface {
	// Complete returns the whole answer.
	Complete(ctx context.Context, req TextRequest) (TextResult, error)
	// Stream calls onDelta with each piece of the answer as it arrives, in order, then
	// returns the whole answer as Complete would. An error from onDelta stops the stream
	// and is returned.
	Stream(ctx context.Context, req TextRequest, onDelta func(delta string) error) (TextResult, error)
	// Status reports the engine's health for /health.
	Status(ctx context.Context) DependencyHealth
}
