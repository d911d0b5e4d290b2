package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of what a studio may write into a character's memory.
const (
	maxMemoryText    = 2000
	maxMemorySpeaker = 100
	// defaultMemoryImportance is what an entry written without one matters.
	defaultMemoryImportance = 0.5
)

// MemoryEntryStore reads and writes single memory entries. Every method is scoped by
// tenant and character, so an entry of another tenant or character is not found.
type MemoryEntryStore interface {
	// GetMemoryEntry returns the character's entry, or ErrNotFound.
	GetMemoryEntry(ctx context.Context, tenantID, characterID, id string) (*MemoryEntry, error)
	// UpdateMemoryEntry writes the entry's text, importance and pinned flag, or returns
	// ErrNotFound.
	UpdateMemoryEntry(ctx context.Context, e *MemoryEntry) error
	// DeleteMemoryEntry deletes the character's entry, or returns ErrNotFound.
	DeleteMemoryEntry(ctx context.Context, tenantID, characterID, id string) error
	// MemoryCandidates returns up to n entries a prompt answering the player of playerID
	// may draw on: the character's facts and its pinned heard or said lines, of its shared
	// memory (entries about no player) and about that player, never about another. Pinned
	// entries come first, then those about the player, each group newest first. An empty
	// playerID gets the shared memory only.
	MemoryCandidates(ctx context.Context, tenantID, characterID, playerID string, n int) ([]MemoryEntry, error)
}

// AddMemoryInput is an entry a studio writes into a character's memory.
type AddMemoryInput struct {
	Text string
	// Kind is fact (when empty), heard or said; summaries are written by folds only.
	Kind    MemoryKind
	Speaker string
	// Importance is 0–1; nil means defaultMemoryImportance.
	Importance *float64
	Pinned     bool
}

// UpdateMemoryInput holds the fields of an entry to change; nil leaves a field as it is.
type UpdateMemoryInput struct {
	Text       *string
	Importance *float64
	Pinned     *bool
}

// AddMemoryEntry writes an entry into the character's memory, sourced to the API and to
// the request in ctx. It does not fold: a fold costs a model call, which the next line of
// dialogue pays for as usual.
func (s *CharacterService) AddMemoryEntry(ctx context.Context, tenantID, characterID string, in AddMemoryInput) (*MemoryEntry, error) {
	if in.Kind == "" {
		in.Kind = MemoryFact
	}
	importance := defaultMemoryImportance
	if in.Importance != nil {
		importance = *in.Importance
	}
	text := strings.TrimSpace(in.Text)
	bad := checkMemoryText(text, in.Kind)
	if in.Kind != MemoryFact && in.Kind != MemoryHeard && in.Kind != MemorySaid {
		bad = append(bad, FieldError{Field: "kind", Message: "must be fact, heard or said (summaries are written by folds only)"})
	}
	speaker := strings.TrimSpace(in.Speaker)
	switch {
	case badControl(speaker):
		bad = append(bad, FieldError{Field: "speaker", Message: "must not contain control characters"})
	case utf8.RuneCountInString(speaker) > maxMemorySpeaker:
		bad = append(bad, FieldError{Field: "speaker", Message: fmt.Sprintf("must be at most %d characters", maxMemorySpeaker)})
	}
	bad = append(bad, checkImportance(importance)...)
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if _, err := s.Get(ctx, tenantID, characterID); err != nil {
		return nil, err
	}
	now := s.now()
	e := MemoryEntry{
		ID: NewID(PrefixMemory, now), TenantID: tenantID, CharacterID: characterID, Kind: in.Kind,
		Text: text, Speaker: speaker, Importance: importance, Pinned: in.Pinned,
		Source: MemorySource{Type: MemorySourceAPI, RequestID: RequestIDFrom(ctx)}, CreatedAt: now,
	}
	if err := s.Store.AddMemory(ctx, []MemoryEntry{e}); err != nil {
		return nil, err
	}
	return &e, nil
}

// UpdateMemoryEntry changes the given fields of one of the character's entries. Editing
// the text of an entry already folded does not rewrite the summary it went into. A
// summary entry can be neither edited nor pinned: it is the record of a fold.
func (s *CharacterService) UpdateMemoryEntry(ctx context.Context, tenantID, characterID, id string, in UpdateMemoryInput) (*MemoryEntry, error) {
	var bad []FieldError
	if in.Importance != nil {
		bad = append(bad, checkImportance(*in.Importance)...)
	}
	if in.Text != nil {
		// The kind-dependent check (instructions in a fact) waits for the entry.
		bad = append(bad, checkMemoryText(strings.TrimSpace(*in.Text), "")...)
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if _, err := s.Get(ctx, tenantID, characterID); err != nil {
		return nil, err
	}
	e, err := s.memoryEntry(ctx, tenantID, characterID, id)
	if err != nil {
		return nil, err
	}
	if in.Text != nil {
		text := strings.TrimSpace(*in.Text)
		if e.Kind == MemorySummary {
			bad = append(bad, FieldError{Field: "text", Message: "a summary is the record of a fold and cannot be edited"})
		} else {
			bad = append(bad, checkMemoryText(text, e.Kind)...)
		}
		e.Text = text
	}
	if in.Pinned != nil {
		if *in.Pinned && e.Kind == MemorySummary {
			bad = append(bad, FieldError{Field: "pinned", Message: "a summary is never folded, so it cannot be pinned"})
		}
		e.Pinned = *in.Pinned
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if in.Importance != nil {
		e.Importance = *in.Importance
	}
	if err := s.Store.UpdateMemoryEntry(ctx, e); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, memoryNotFound(id)
		}
		return nil, err
	}
	return e, nil
}

// DeleteMemoryEntry makes the character forget one entry. What a fold already took from
// it stays in the running summary.
func (s *CharacterService) DeleteMemoryEntry(ctx context.Context, tenantID, characterID, id string) error {
	if _, err := s.Get(ctx, tenantID, characterID); err != nil {
		return err
	}
	err := s.Store.DeleteMemoryEntry(ctx, tenantID, characterID, id)
	if errors.Is(err, ErrNotFound) {
		return memoryNotFound(id)
	}
	return err
}

func (s *CharacterService) memoryEntry(ctx context.Context, tenantID, characterID, id string) (*MemoryEntry, error) {
	e, err := s.Store.GetMemoryEntry(ctx, tenantID, characterID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, memoryNotFound(id)
	}
	return e, err
}

// checkMemoryText checks an entry's trimmed text; kind "" skips the kind's own rules.
// A fact reaches every later prompt as the character's knowledge, so one that reads as an
// order to the system is refused; heard and said lines reach a prompt only quoted and
// attributed (through a fold, or as a pinned line), where an order is just words.
func checkMemoryText(text string, kind MemoryKind) []FieldError {
	field := func(msg string) []FieldError { return []FieldError{{Field: "text", Message: msg}} }
	switch {
	case text == "":
		return field("must not be blank")
	case badControl(text):
		return field("must not contain control characters")
	case utf8.RuneCountInString(text) > maxMemoryText:
		return field(fmt.Sprintf("must be at most %d characters", maxMemoryText))
	case kind == MemoryFact && InstructionLike(text):
		return field("reads as an instruction to the system; a fact feeds every prompt, so write what is true in the story (or store the line as heard)")
	}
	return nil
}

func checkImportance(v float64) []FieldError {
	if !(v >= 0 && v <= 1) {
		return []FieldError{{Field: "importance", Message: "must be between 0 and 1"}}
	}
	return nil
}

func memoryNotFound(id string) *Error {
	return Errorf(CodeMemoryNotFound, "No memory entry with id %q.", id).WithDetails(map[string]any{"id": id})
}

// promptFactTexts renders a prompt's facts: a fact as written (told of speaker when it is
// about the player of playerID, see relabel), a pinned heard or said line as its speaker's
// quoted words, so a player's line reaches the prompt as something said, never as the
// character's knowledge (its own double quotes become single ones so the quotation cannot
// be closed early). Each is clipped to promptFactRunes.
func promptFactTexts(entries []MemoryEntry, playerID, speaker string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		e.Text = clip(e.Text, promptFactRunes)
		if e.Kind == MemoryFact {
			out[i] = relabel(e, playerID, speaker)
			continue
		}
		who := e.Speaker
		if playerID != "" && e.PlayerID == playerID && e.Kind == MemoryHeard && strings.TrimSpace(speaker) != "" {
			who = speaker
		}
		if strings.TrimFunc(who, unicode.IsSpace) == "" {
			who = "Someone"
		}
		quoted := strings.NewReplacer(`"`, "'", "“", "'", "”", "'").Replace(e.Text)
		out[i] = fmt.Sprintf("%s said: \"%s\"", who, quoted)
	}
	return out
}
