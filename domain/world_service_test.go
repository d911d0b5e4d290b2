package domain_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// memWorlds is an in-memory WorldStore, enough to exercise the service's own rules.
type memWorlds struct{ worlds []domain.World }

func (m *memWorlds) CreateWorld(_ context.Context, w *domain.World) error {
	m.worlds = append(m.worlds, *w)
	return nil
}

func (m *memWorlds) GetWorld(_ context.Context, tenant, id string) (*domain.World, error) {
	for _, w := range m.worlds {
		if w.TenantID == tenant && w.ID == id {
			return &w, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (m *memWorlds) ListWorlds(context.Context, string, domain.Page) ([]domain.World, int, error) {
	return m.worlds, len(m.worlds), nil
}

func (m *memWorlds) DeleteWorld(ctx context.Context, tenant, id string) error {
	_, err := m.GetWorld(ctx, tenant, id)
	return err
}

func (m *memWorlds) SetWorldLorebooks(_ context.Context, tenant, id string, ids []string) error {
	for i := range m.worlds {
		if m.worlds[i].TenantID == tenant && m.worlds[i].ID == id {
			m.worlds[i].LorebookIDs = ids
			return nil
		}
	}
	return domain.ErrNotFound
}

// echoGenerator returns content that shows what it was asked for.
type echoGenerator struct{}

func (echoGenerator) Generate(seed int64, p domain.WorldParams) domain.WorldContent {
	return domain.WorldContent{Name: p.Name, Brief: string(p.Genre) + "/" + string(p.Tone) + "/" + string(p.Size)}
}

func TestCreateWorld(t *testing.T) {
	seed := func(v int64) *int64 { return &v }
	str := func(v string) *string { return &v }
	genre := func(v string) *domain.Genre { g := domain.Genre(v); return &g }
	tone := func(v string) *domain.Tone { g := domain.Tone(v); return &g }
	size := func(v string) *domain.WorldSize { g := domain.WorldSize(v); return &g }

	t.Run("defaults", func(t *testing.T) {
		svc := &domain.WorldService{Store: &memWorlds{}, Generator: echoGenerator{}}
		w, err := svc.Create(t.Context(), "t", domain.CreateWorldInput{})
		if err != nil {
			t.Fatal(err)
		}
		if w.Content.Brief != "fantasy/heroic/medium" || w.Seed < 0 || w.Seed > domain.MaxWorldSeed || w.TenantID != "t" {
			t.Fatalf("defaults: %+v", w)
		}
	})

	t.Run("the name is trimmed and kept", func(t *testing.T) {
		svc := &domain.WorldService{Store: &memWorlds{}, Generator: echoGenerator{}}
		w, err := svc.Create(t.Context(), "t", domain.CreateWorldInput{Name: str("  Aerthos ")})
		if err != nil || w.Params.Name != "Aerthos" {
			t.Fatalf("name: %v %+v", err, w)
		}
	})

	t.Run("every invalid field is reported and nothing is stored", func(t *testing.T) {
		store := &memWorlds{}
		svc := &domain.WorldService{Store: store, Generator: echoGenerator{}}
		_, err := svc.Create(t.Context(), "t", domain.CreateWorldInput{
			Seed: seed(-1), Name: str("bad\x00name"), Genre: genre("western"), Tone: tone("sad"), Size: size("huge"),
		})
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeValidation {
			t.Fatalf("err = %v, want VALIDATION_ERROR", err)
		}
		var fields []string
		for _, f := range de.Details["fields"].([]domain.FieldError) {
			fields = append(fields, f.Field)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, []string{"genre", "name", "seed", "size", "tone"}) {
			t.Fatalf("fields %v", fields)
		}
		if len(store.worlds) != 0 {
			t.Fatal("an invalid world was stored")
		}
	})

	t.Run("a missing world is WORLD_NOT_FOUND", func(t *testing.T) {
		svc := &domain.WorldService{Store: &memWorlds{}, Generator: echoGenerator{}}
		for _, err := range []error{
			func() error { _, err := svc.Get(t.Context(), "t", "wld_x"); return err }(),
			svc.Delete(t.Context(), "t", "wld_x"),
		} {
			if domain.ErrorCode(err) != domain.CodeWorldNotFound {
				t.Fatalf("err = %v", err)
			}
		}
	})
}
