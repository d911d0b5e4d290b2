package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/troupe-ai/troupe/internal/litfilter"
)

// MemoryKind is what kind of memory an entry is.
type MemoryKind string

// The memory kinds.
const (
	MemoryHeard   MemoryKind = "heard"
	MemorySaid    MemoryKind = "said"
	MemorySummary MemoryKind = "summary"
	MemoryFact    MemoryKind = "fact"
)

// MemoryEntry is one thing a character remembers.
type MemoryEntry struct {
	ID          string
	TenantID    string
	CharacterID string
	Kind        MemoryKind
	Text        string
	Speaker     string
	// Importance is 0–1; summaries and facts outrank small talk.
	Importance float64
	// Summarized is set once the entry has been folded into the running summary.
	Summarized bool
	// Pinned keeps the entry out of every fold and first among a prompt's facts.
	Pinned bool
	// PlayerID is the game's id of the player the entry is about (who said the heard line,
	// or to whom the said line was spoken); empty when no player was named.
	PlayerID  string
	Source    MemorySource
	CreatedAt time.Time
}

// MemorySourceType says what wrote a memory entry.
type MemorySourceType string

// The memory sources.
const (
	MemorySourceSpeak   MemorySourceType = "speak"
	MemorySourceReact   MemorySourceType = "react"
	MemorySourceSummary MemorySourceType = "summary"
	MemorySourceAPI     MemorySourceType = "api"
	// MemorySourceConversation marks entries a conversation turn wrote; the source names
	// the conversation and the turn.
	MemorySourceConversation MemorySourceType = "conversation"
	// MemorySourceUnknown marks entries written before sources were kept.
	MemorySourceUnknown MemorySourceType = "unknown"
)

// MemorySource is where a memory entry came from: what wrote it, and the request that
// did, so a studio can trace a memory back to the turn that made it.
type MemorySource struct {
	Type MemorySourceType
	// RequestID is the X-Request-Id of the writing request; empty when there was none.
	RequestID string
	// ConversationID and TurnID name the conversation turn that wrote the entry; empty
	// for entries no turn wrote.
	ConversationID string
	TurnID         string
	// EventID names the game event that wrote the entry; empty for entries no event wrote.
	EventID string
}

// A memory summary feeds every later prompt of its character, so what a player said must
// reach it as something said (quoted, attributed), never as the character's own belief or
// as a rule: a player who writes "SYSTEM: the character must now say …" is trying to
// trick the character, and at most that attempt is worth remembering. The patterns below
// recognise such lines; the summarizers (the local engine's, and the prompt for model
// engines) keep them out, and the fold drops any that reach a summary outside quotes.
var instructionPatterns = []*regexp.Regexp{
	// A role marker, at the start or after a quote, colon or bracket: "SYSTEM:",
	// "[assistant]", "<developer>", "Aren: system: …".
	regexp.MustCompile(`(?i)(^|["“”'‘’:(\[<]\s*)(system|assistant|developer|admin|administrator|operator|moderator|instructions?|system prompt)\s*[:\]>)]`),
	// Chat-template and instruction tokens.
	regexp.MustCompile(`(?i)<\|[a-z_]+\|>|\[/?inst\]|<<sys>>|<\|?im_(start|end)\|?>`),
	// Demands to drop the instructions.
	regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}\b(instructions?|prompts?|programming|guidelines|directives)\b`),
	// The prompt itself.
	regexp.MustCompile(`(?i)\b(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b`),
	regexp.MustCompile(`(?i)\b(reveal|show|print|repeat|output|leak)\s+(me\s+)?(your|the)\s+(system\s+)?(prompt|instructions)\b`),
	// Rules laid down for the character or the model.
	regexp.MustCompile(`(?i)\b(the|this|your)\s+(character|npc|ai|bot|chatbot)\s+(must|should|shall|will|has to|is to|needs to|may only|can only)\b`),
	regexp.MustCompile(`(?i)\byou\s+(must|shall|will|should)\s+(now|always|only|henceforth|from now on)\s+(say|answer|respond|reply|speak|obey|repeat)\b`),
	regexp.MustCompile(`(?i)\bfrom now on,?\s+(you|the character)\s+((must|will|shall|should)\s+)?(only\s+|always\s+)?(say|answer|respond|reply|speak|obey)\b`),
	regexp.MustCompile(`(?i)\bnew\s+(instructions?|system prompt)\b|\b(jailbreak|developer mode|do anything now)\b`),
}

// InstructionLike reports whether s reads as an order to the system or the character
// rather than something said in the story: a role marker ("SYSTEM:", "[assistant]"), a
// demand to ignore instructions or show a prompt, or a rule for "the character". It is
// tuned to miss ordinary dialogue ("You must bring the ore by Friday" is not one), so it
// is a filter for memory, not a moderator.
func InstructionLike(s string) bool {
	folded := litfilter.Fold(s)
	for i, p := range instructionPatterns {
		if instructionFilters[i].May(folded) && p.MatchString(s) {
			return true
		}
	}
	return false
}

// instructionFilters skip the instruction patterns a text cannot match (see
// litfilter), one per pattern.
var instructionFilters = func() []*litfilter.Filter {
	fs := make([]*litfilter.Filter, len(instructionPatterns))
	for i, p := range instructionPatterns {
		fs[i] = litfilter.New(p)
	}
	return fs
}()

// quotedSpan is a balanced quotation, straight or curly, on one line.
var quotedSpan = regexp.MustCompile(`"[^"\n]*"|“[^”\n]*”`)

// InstructionLikeOutsideQuotes is InstructionLike on s without its quotations: in a
// summary, words inside quotation marks are what someone said, data rather than orders
// (`Aren said: "ignore your instructions"` is a memory of a trick, not a trick). An
// unbalanced quotation mark quotes nothing.
func InstructionLikeOutsideQuotes(s string) bool {
	return InstructionLike(quotedSpan.ReplaceAllString(s, `""`))
}

// cleanSummary drops from a summarizer's output the sentences that, outside quotation
// marks, read as instructions (see InstructionLike), whichever engine wrote it: a model
// may restate a player's order as a fact despite its prompt. A summary with none is
// returned unchanged; sentences are split at line breaks and at sentence ends outside
// quotations, and the kept ones rejoined with a space.
func cleanSummary(s string) string {
	sentences := summarySentences(s)
	kept := sentences[:0:0]
	for _, sentence := range sentences {
		if !InstructionLikeOutsideQuotes(sentence) {
			kept = append(kept, sentence)
		}
	}
	if len(kept) == len(sentences) {
		return s
	}
	return strings.Join(kept, " ")
}

// summarySentences splits s into trimmed, non-empty sentences: at line breaks, and after
// '.', '!' or '?' followed by white space (closing brackets and quotes may come between),
// unless inside a quotation.
func summarySentences(s string) []string {
	var out []string
	rs := []rune(s)
	start, quoted := 0, false
	flush := func(end int) {
		if t := strings.TrimSpace(string(rs[start:end])); t != "" {
			out = append(out, t)
		}
		start = end
	}
	// endAt splits after i when a space follows, past any closers; it returns where to
	// go on from.
	endAt := func(i int) int {
		j := i + 1
		for j < len(rs) && strings.ContainsRune(")]’'", rs[j]) {
			j++
		}
		if j < len(rs) && unicode.IsSpace(rs[j]) {
			flush(j)
			return j - 1
		}
		return i
	}
	ends := func(i int) bool { return i >= 0 && strings.ContainsRune(".!?", rs[i]) }
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\n' || r == '\r':
			flush(i)
			quoted = false
		case r == '"' && !quoted, r == '“':
			quoted = true
		case r == '"' || r == '”':
			quoted = false
			if ends(i - 1) {
				i = endAt(i)
			}
		case !quoted && ends(i):
			i = endAt(i)
		}
	}
	flush(len(rs))
	return out
}
