package domain

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WorldStore persists worlds. Every method is scoped by tenant: a world of another tenant is
// indistinguishable from a missing one.
type WorldStore interface {
	// CreateWorld stores a new world.
	CreateWorld(ctx context.Context, w *World) error
	// GetWorld returns the tenant's world with the id, or ErrNotFound.
	GetWorld(ctx context.Context, tenantID, id string) (*World, error)
	// ListWorlds returns a page of the tenant's worlds, newest first, and how many it has.
	ListWorlds(ctx context.Context, tenantID string, page Page) ([]World, int, error)
	// DeleteWorld deletes the tenant's world with the id, or returns ErrNotFound.
	DeleteWorld(ctx context.Context, tenantID, id string) error
	// SetWorldLorebooks replaces the lorebooks attached to the tenant's world, in order,
	// or returns ErrNotFound.
	SetWorldLorebooks(ctx context.Context, tenantID, id string, lorebookIDs []string) error
}

// WorldGenerator derives a world's content from a seed and parameters. It must be a pure
// function: the same inputs give the same content on every machine and release.
type WorldGenerator interface {
	Generate(seed int64, p WorldParams) WorldContent
}

// WorldService creates, reads, lists and deletes worlds.
type WorldService struct {
	Store     WorldStore
	Generator WorldGenerator
	// Lorebooks checks the lorebooks a world is given.
	Lorebooks LorebookStore
	// Now returns the current time; tests may fix it.
	Now func() time.Time
}

// CreateWorldInput is what a caller asks for. Nil fields take their defaults: a random seed,
// a generated name, fantasy, heroic, medium.
type CreateWorldInput struct {
	Seed  *int64
	Name  *string
	Genre *Genre
	Tone  *Tone
	Size  *WorldSize
	// LorebookIDs are the tenant's lorebooks the world's characters know, after the one
	// generated from the world.
	LorebookIDs []string
}

// MaxWorldNameLength is the longest world name accepted, in characters.
const MaxWorldNameLength = 80

// Create validates the input, generates the world and stores it for the tenant.
func (s *WorldService) Create(ctx context.Context, tenantID string, in CreateWorldInput) (*World, error) {
	params, seed, err := in.resolve()
	if err != nil {
		return nil, err
	}
	if err := s.checkLorebooks(ctx, tenantID, in.LorebookIDs); err != nil {
		return nil, err
	}
	now := s.now()
	w := &World{
		ID:        NewID(PrefixWorld, now),
		TenantID:  tenantID,
		Seed:      seed,
		Params:    params,
		Content:   s.Generator.Generate(seed, params),
		CreatedAt: now,
	}
	// The world's own facts become a lorebook its characters know, stored with it.
	w.Lorebook = WorldLorebook(w, now)
	w.LorebookIDs = append([]string{w.Lorebook.ID}, in.LorebookIDs...)
	if err := s.Store.CreateWorld(ctx, w); err != nil {
		return nil, err
	}
	w.Lorebook = nil
	return w, nil
}

// SetLorebooks replaces the world's lorebooks. It returns CodeWorldNotFound, or
// CodeValidation for an id that is not one of the tenant's lorebooks.
func (s *WorldService) SetLorebooks(ctx context.Context, tenantID, id string, lorebookIDs []string) (*World, error) {
	if _, err := s.Get(ctx, tenantID, id); err != nil {
		return nil, err
	}
	if err := s.checkLorebooks(ctx, tenantID, lorebookIDs); err != nil {
		return nil, err
	}
	if err := s.Store.SetWorldLorebooks(ctx, tenantID, id, lorebookIDs); errors.Is(err, ErrNotFound) {
		return nil, worldNotFound(id)
	} else if err != nil {
		return nil, err
	}
	return s.Get(ctx, tenantID, id)
}

func (s *WorldService) checkLorebooks(ctx context.Context, tenantID string, ids []string) error {
	bad, err := checkLorebookIDs(ctx, s.Lorebooks, tenantID, "lorebook_ids", ids)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return ValidationError(bad...)
	}
	return nil
}

// Get returns the tenant's world, or CodeWorldNotFound.
func (s *WorldService) Get(ctx context.Context, tenantID, id string) (*World, error) {
	w, err := s.Store.GetWorld(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, worldNotFound(id)
	}
	return w, err
}

// List returns a page of the tenant's worlds, newest first, and the total.
func (s *WorldService) List(ctx context.Context, tenantID string, page Page) ([]World, int, error) {
	return s.Store.ListWorlds(ctx, tenantID, page)
}

// Delete deletes the tenant's world, or returns CodeWorldNotFound.
func (s *WorldService) Delete(ctx context.Context, tenantID, id string) error {
	err := s.Store.DeleteWorld(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return worldNotFound(id)
	}
	return err
}

// now is truncated to microseconds, the precision the stores keep, so a created world
// and the same world read back are identical.
func (s *WorldService) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

func worldNotFound(id string) *Error {
	return Errorf(CodeWorldNotFound, "No world with id %q.", id).WithDetails(map[string]any{"id": id})
}

// resolve applies the defaults and checks every field, reporting all invalid fields at once.
// The HTTP layer validates against the spec first; this keeps the domain safe for any caller.
func (in CreateWorldInput) resolve() (WorldParams, int64, error) {
	p := WorldParams{Genre: GenreFantasy, Tone: ToneHeroic, Size: WorldSizeMedium}
	var bad []FieldError
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		switch {
		case name == "" || !utf8.ValidString(name):
			bad = append(bad, FieldError{Field: "name", Message: "must be a non-blank UTF-8 string"})
		case utf8.RuneCountInString(name) > MaxWorldNameLength:
			bad = append(bad, FieldError{Field: "name", Message: "must be at most 80 characters"})
		case strings.ContainsFunc(name, isControl):
			bad = append(bad, FieldError{Field: "name", Message: "must not contain control characters"})
		default:
			p.Name = name
		}
	}
	if in.Genre != nil {
		p.Genre = *in.Genre
		if !slices.Contains(Genres, p.Genre) {
			bad = append(bad, FieldError{Field: "genre", Message: "must be one of fantasy, dark_fantasy, sci_fi, post_apocalyptic"})
		}
	}
	if in.Tone != nil {
		p.Tone = *in.Tone
		if !slices.Contains(Tones, p.Tone) {
			bad = append(bad, FieldError{Field: "tone", Message: "must be one of heroic, grim, whimsical, mysterious"})
		}
	}
	if in.Size != nil {
		p.Size = *in.Size
		if !slices.Contains(WorldSizes, p.Size) {
			bad = append(bad, FieldError{Field: "size", Message: "must be one of small, medium, large"})
		}
	}
	var seed int64
	if in.Seed != nil {
		seed = *in.Seed
		if seed < 0 || seed > MaxWorldSeed {
			bad = append(bad, FieldError{Field: "seed", Message: "must be between 0 and 9007199254740991"})
		}
	} else {
		seed = RandomSeed()
	}
	if len(bad) > 0 {
		return WorldParams{}, 0, ValidationError(bad...)
	}
	return p, seed, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// RandomSeed returns a uniformly random seed in [0, MaxWorldSeed].
func RandomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.LittleEndian.Uint64(b[:]) & uint64(MaxWorldSeed))
}
