package domain

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LorebookService creates, reads, changes and deletes lorebooks and their entries.
type LorebookService struct {
	Store LorebookStore
	// Now returns the current time; tests may fix it.
	Now func() time.Time
}

// LorebookInput is a lorebook to create, or the fields of one to change: nil fields take
// their defaults on create and stay as they are on update. Entries, when not nil,
// replace every entry.
type LorebookInput struct {
	Name              *string
	Description       *string
	ScanDepth         *int
	TokenBudget       *int
	RecursiveScanning *bool
	Extensions        *map[string]any
	Entries           *[]LoreEntryInput
}

// LoreEntryInput is an entry to create, or the fields of one to change; nil fields take
// their defaults on create (enabled, insertion order 100, priority 10, and_any,
// before_char) and stay as they are on update.
type LoreEntryInput struct {
	ID             *string
	Name           *string
	Comment        *string
	Keys           *[]string
	SecondaryKeys  *[]string
	Selective      *bool
	SelectiveLogic *string
	Content        *string
	Constant       *bool
	Enabled        *bool
	CaseSensitive  *bool
	UseRegex       *bool
	InsertionOrder *int
	Priority       *int
	Position       *string
	Category       *string
	Extensions     *map[string]any
}

// The defaults of a new entry, as SillyTavern gives them.
const (
	defaultLoreInsertionOrder = 100
	defaultLorePriority       = 10
)

// casAttempts bounds the read-change-write retries of an update that lost a race.
const casAttempts = 5

// Create validates and stores a new lorebook. It returns CodeValidation for bad input.
func (s *LorebookService) Create(ctx context.Context, tenantID string, in LorebookInput) (*Lorebook, error) {
	now := s.now()
	b := &Lorebook{ID: NewID(PrefixLorebook, now), TenantID: tenantID, CreatedAt: now, UpdatedAt: now}
	applyLorebookInput(b, in, now)
	if err := checkedLorebook(b); err != nil {
		return nil, err
	}
	if err := s.Store.CreateLorebook(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// Get returns the tenant's lorebook, or CodeLorebookNotFound.
func (s *LorebookService) Get(ctx context.Context, tenantID, id string) (*Lorebook, error) {
	b, err := s.Store.GetLorebook(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, lorebookNotFound(id)
	}
	return b, err
}

// List returns a page of the tenant's lorebooks, newest first, and the total.
func (s *LorebookService) List(ctx context.Context, tenantID string, page Page) ([]Lorebook, int, error) {
	return s.Store.ListLorebooks(ctx, tenantID, page)
}

// Update changes the lorebook's given fields. It returns CodeLorebookNotFound or
// CodeValidation.
func (s *LorebookService) Update(ctx context.Context, tenantID, id string, in LorebookInput) (*Lorebook, error) {
	return s.change(ctx, tenantID, id, func(b *Lorebook, now time.Time) error {
		applyLorebookInput(b, in, now)
		return nil
	})
}

// Delete deletes the lorebook and detaches it everywhere, or returns CodeLorebookNotFound.
func (s *LorebookService) Delete(ctx context.Context, tenantID, id string) error {
	if err := s.Store.DeleteLorebook(ctx, tenantID, id); errors.Is(err, ErrNotFound) {
		return lorebookNotFound(id)
	} else if err != nil {
		return err
	}
	return nil
}

// AddEntry adds an entry to the lorebook and returns it. It returns CodeLorebookNotFound
// or CodeValidation (field paths name the entry as entry.<field>).
func (s *LorebookService) AddEntry(ctx context.Context, tenantID, id string, in LoreEntryInput) (*LoreEntry, error) {
	var added LoreEntry
	_, err := s.change(ctx, tenantID, id, func(b *Lorebook, now time.Time) error {
		if len(b.Entries) >= MaxLoreEntries {
			return ValidationError(FieldError{Field: "entries", Message: fmt.Sprintf("a lorebook holds at most %d entries", MaxLoreEntries)})
		}
		e := newLoreEntry(in, now)
		if in.ID != nil && *in.ID != "" && indexOfEntry(b.Entries, *in.ID) >= 0 {
			return ValidationError(FieldError{Field: "id", Message: "another entry of the lorebook has this id"})
		}
		b.Entries = append(b.Entries, e)
		added = e
		return nil
	})
	if err != nil {
		return nil, asEntryError(err)
	}
	return s.entryOf(ctx, tenantID, id, added.ID)
}

// UpdateEntry changes the given fields of one entry. It returns CodeLorebookNotFound,
// CodeLoreEntryNotFound or CodeValidation.
func (s *LorebookService) UpdateEntry(ctx context.Context, tenantID, id, entryID string, in LoreEntryInput) (*LoreEntry, error) {
	_, err := s.change(ctx, tenantID, id, func(b *Lorebook, _ time.Time) error {
		i := indexOfEntry(b.Entries, entryID)
		if i < 0 {
			return loreEntryNotFound(entryID)
		}
		in.ID = nil
		applyLoreEntryInput(&b.Entries[i], in)
		return nil
	})
	if err != nil {
		return nil, asEntryError(err)
	}
	return s.entryOf(ctx, tenantID, id, entryID)
}

// DeleteEntry deletes one entry. It returns CodeLorebookNotFound or CodeLoreEntryNotFound.
func (s *LorebookService) DeleteEntry(ctx context.Context, tenantID, id, entryID string) error {
	_, err := s.change(ctx, tenantID, id, func(b *Lorebook, _ time.Time) error {
		i := indexOfEntry(b.Entries, entryID)
		if i < 0 {
			return loreEntryNotFound(entryID)
		}
		b.Entries = append(b.Entries[:i], b.Entries[i+1:]...)
		return nil
	})
	return err
}

// change reads the book, applies edit, checks the result and writes it if nobody wrote
// the book in between; a lost race reads again, so concurrent entry edits all land.
func (s *LorebookService) change(ctx context.Context, tenantID, id string, edit func(b *Lorebook, now time.Time) error) (*Lorebook, error) {
	for attempt := 0; ; attempt++ {
		b, err := s.Get(ctx, tenantID, id)
		if err != nil {
			return nil, err
		}
		previous, now := b.UpdatedAt, s.now()
		if !now.After(previous) {
			// The compare-and-set needs a new stamp even within a clock tick.
			now = previous.Add(time.Microsecond)
		}
		if err := edit(b, now); err != nil {
			return nil, err
		}
		if err := checkedLorebook(b); err != nil {
			return nil, err
		}
		b.UpdatedAt = now
		err = s.Store.UpdateLorebook(ctx, b, previous)
		switch {
		case err == nil:
			return b, nil
		case errors.Is(err, ErrNotFound):
			return nil, lorebookNotFound(id)
		case errors.Is(err, ErrConflict) && attempt < casAttempts:
			continue
		default:
			return nil, err
		}
	}
}

func (s *LorebookService) entryOf(ctx context.Context, tenantID, id, entryID string) (*LoreEntry, error) {
	b, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if i := indexOfEntry(b.Entries, entryID); i >= 0 {
		return &b.Entries[i], nil
	}
	return nil, loreEntryNotFound(entryID)
}

// now is truncated to microseconds, the precision the stores keep, so the stamp the
// compare-and-set compares is the one stored.
func (s *LorebookService) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

// checkedLorebook fills the book's defaults, parses its decorators and validates it.
func checkedLorebook(b *Lorebook) error {
	NormalizeLorebook(b)
	if bad := CheckLorebook(b); len(bad) > 0 {
		return ValidationError(bad...)
	}
	return nil
}

// asEntryError renames the field paths of a one-entry change, which CheckLorebook gives
// as entries[i].field, to the request's own field names.
func asEntryError(err error) error {
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeValidation {
		return err
	}
	fields, _ := de.Details["fields"].([]FieldError)
	out := make([]FieldError, len(fields))
	for i, f := range fields {
		out[i] = f
		if j := indexAfterEntryPrefix(f.Field); j > 0 {
			out[i].Field = f.Field[j:]
		}
	}
	return ValidationError(out...)
}

// indexAfterEntryPrefix returns where the field name starts after "entries[N].", or 0.
func indexAfterEntryPrefix(field string) int {
	const prefix = "entries["
	if len(field) <= len(prefix) || field[:len(prefix)] != prefix {
		return 0
	}
	for i := len(prefix); i < len(field); i++ {
		if field[i] == ']' {
			if i+1 < len(field) && field[i+1] == '.' {
				return i + 2
			}
			return 0
		}
	}
	return 0
}

func applyLorebookInput(b *Lorebook, in LorebookInput, now time.Time) {
	set(&b.Name, in.Name)
	set(&b.Description, in.Description)
	set(&b.ScanDepth, in.ScanDepth)
	set(&b.TokenBudget, in.TokenBudget)
	set(&b.RecursiveScanning, in.RecursiveScanning)
	set(&b.Extensions, in.Extensions)
	if in.Entries != nil {
		old := b.Entries
		b.Entries = make([]LoreEntry, 0, len(*in.Entries))
		for _, ein := range *in.Entries {
			// An entry that names an existing id keeps what it does not say.
			if ein.ID != nil {
				if i := indexOfEntry(old, *ein.ID); i >= 0 {
					e := old[i]
					applyLoreEntryInput(&e, ein)
					b.Entries = append(b.Entries, e)
					continue
				}
			}
			b.Entries = append(b.Entries, newLoreEntry(ein, now))
		}
	}
}

// newLoreEntry is an entry with SillyTavern's defaults and the input applied.
func newLoreEntry(in LoreEntryInput, now time.Time) LoreEntry {
	e := LoreEntry{
		ID: NewID(PrefixLoreEntry, now), Enabled: true,
		InsertionOrder: defaultLoreInsertionOrder, Priority: defaultLorePriority,
		SelectiveLogic: LogicAndAny, Position: PositionBeforeChar,
	}
	if in.ID != nil && *in.ID != "" {
		e.ID = *in.ID
	}
	applyLoreEntryInput(&e, in)
	return e
}

func applyLoreEntryInput(e *LoreEntry, in LoreEntryInput) {
	set(&e.Name, in.Name)
	set(&e.Comment, in.Comment)
	set(&e.Keys, in.Keys)
	set(&e.SecondaryKeys, in.SecondaryKeys)
	set(&e.Selective, in.Selective)
	set(&e.SelectiveLogic, in.SelectiveLogic)
	set(&e.Content, in.Content)
	set(&e.Constant, in.Constant)
	set(&e.Enabled, in.Enabled)
	set(&e.CaseSensitive, in.CaseSensitive)
	set(&e.UseRegex, in.UseRegex)
	set(&e.InsertionOrder, in.InsertionOrder)
	set(&e.Priority, in.Priority)
	set(&e.Position, in.Position)
	set(&e.Category, in.Category)
	set(&e.Extensions, in.Extensions)
}

// set copies *from into to when from is given.
func set[T any](to *T, from *T) {
	if from != nil {
		*to = *from
	}
}

func indexOfEntry(entries []LoreEntry, id string) int {
	for i := range entries {
		if entries[i].ID == id {
			return i
		}
	}
	return -1
}

func lorebookNotFound(id string) *Error {
	return Errorf(CodeLorebookNotFound, "No lorebook with id %q.", id).WithDetails(map[string]any{"id": id})
}

func loreEntryNotFound(id string) *Error {
	return Errorf(CodeLoreEntryNotFound, "The lorebook has no entry with id %q.", id).WithDetails(map[string]any{"id": id})
}

// checkLorebookIDs reports the ids among ids that are not the tenant's lorebooks, as
// field errors of field.
func checkLorebookIDs(ctx context.Context, store LorebookStore, tenantID, field string, ids []string) ([]FieldError, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	missing, err := store.MissingLorebooks(ctx, tenantID, ids)
	if err != nil {
		return nil, err
	}
	var bad []FieldError
	for _, m := range missing {
		for i, id := range ids {
			if id == m {
				bad = append(bad, FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Message: "no lorebook " + id})
			}
		}
	}
	return bad, nil
}
