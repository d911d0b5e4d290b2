package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/gen"
)

func createWorld(t *testing.T, c *gen.ClientWithResponses, body gen.CreateWorldRequest) gen.World {
	t.Helper()
	res, err := c.CreateWorldWithResponse(t.Context(), nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON201 == nil {
		t.Fatalf("create world: %d %s", res.StatusCode(), res.Body)
	}
	return *res.JSON201
}

// content is a world's JSON without the fields that identify one stored copy.
func content(t *testing.T, w gen.World) string {
	t.Helper()
	// The id names the stored copy, and so does its generated lorebook's.
	w.Id, w.CreatedAt, w.LorebookIds = "", time.Time{}, nil
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWorldLifecycle(t *testing.T) {
	b := setup(t)
	ctx := t.Context()

	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(42)), Genre: ptr(gen.GenreDarkFantasy), Tone: ptr(gen.ToneGrim), Size: ptr(gen.WorldSizeSmall)})
	if w.Seed != 42 || w.Parameters.Genre != gen.GenreDarkFantasy || w.Parameters.Tone != gen.ToneGrim || w.Parameters.Size != gen.WorldSizeSmall {
		t.Fatalf("world does not echo its seed and parameters: %+v", w.Parameters)
	}
	if w.Parameters.Name != nil {
		t.Errorf("parameters.name = %q, want absent for a generated name", *w.Parameters.Name)
	}
	if len(w.Regions) != 3 || w.Name == "" || w.Brief == "" || len(w.SceneCards) == 0 || len(w.Factions) == 0 {
		t.Fatalf("small world is incomplete: %d regions, name %q", len(w.Regions), w.Name)
	}

	got, err := b.demo.GetWorldWithResponse(ctx, w.Id)
	if err != nil || got.JSON200 == nil {
		t.Fatalf("get: %v %d", err, got.StatusCode())
	}
	if content(t, *got.JSON200) != content(t, w) || got.JSON200.Id != w.Id {
		t.Fatal("the world read back differs from the one created")
	}

	list, err := b.demo.ListWorldsWithResponse(ctx, &gen.ListWorldsParams{})
	if err != nil || list.JSON200 == nil {
		t.Fatalf("list: %v", err)
	}
	if list.JSON200.Total != 1 || len(list.JSON200.Items) != 1 || list.JSON200.Items[0].Id != w.Id ||
		list.JSON200.Limit != 50 || list.JSON200.Offset != 0 {
		t.Fatalf("list = total %d, %d items, limit %d, offset %d", list.JSON200.Total, len(list.JSON200.Items), list.JSON200.Limit, list.JSON200.Offset)
	}

	del, err := b.demo.DeleteWorldWithResponse(ctx, w.Id)
	if err != nil || del.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete: %v %d", err, del.StatusCode())
	}
	gone, _ := b.demo.GetWorldWithResponse(ctx, w.Id)
	expectError(t, gone.HTTPResponse, gone.Body, http.StatusNotFound, "WORLD_NOT_FOUND")
	again, _ := b.demo.DeleteWorldWithResponse(ctx, w.Id)
	expectError(t, again.HTTPResponse, again.Body, http.StatusNotFound, "WORLD_NOT_FOUND")
}

func TestWorldNameIsUsedVerbatim(t *testing.T) {
	b := setup(t)
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Name: ptr("Aerthos")})
	if w.Name != "Aerthos" || w.Parameters.Name == nil || *w.Parameters.Name != "Aerthos" {
		t.Fatalf("name %q, parameters.name %v; want Aerthos", w.Name, w.Parameters.Name)
	}
	if w.Parameters.Genre != gen.GenreFantasy || w.Parameters.Tone != gen.ToneHeroic || w.Parameters.Size != gen.WorldSizeMedium {
		t.Fatalf("defaults not applied: %+v", w.Parameters)
	}
}

func TestWorldDeterminism(t *testing.T) {
	b := setup(t)

	t.Run("same seed and parameters give the same world", func(t *testing.T) {
		req := gen.CreateWorldRequest{Seed: ptr(int64(7)), Genre: ptr(gen.GenreSciFi), Tone: ptr(gen.ToneMysterious), Size: ptr(gen.WorldSizeLarge)}
		first, second := createWorld(t, b.demo, req), createWorld(t, b.other, req)
		if first.Id == second.Id {
			t.Fatal("two creates returned the same id")
		}
		if content(t, first) != content(t, second) {
			t.Fatal("same seed and parameters gave different worlds")
		}
	})

	t.Run("a random seed is returned and reproduces the world", func(t *testing.T) {
		req := gen.CreateWorldRequest{Genre: ptr(gen.GenrePostApocalyptic)}
		first := createWorld(t, b.demo, req)
		req.Seed = ptr(first.Seed)
		if content(t, createWorld(t, b.demo, req)) != content(t, first) {
			t.Fatal("recreating with the returned seed gave a different world")
		}
	})

	t.Run("50 seeds give 50 distinct worlds", func(t *testing.T) {
		seen := map[string]int64{}
		for seed := range int64(50) {
			w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(seed * 7919)})
			c := content(t, w)
			if prev, dup := seen[c]; dup {
				t.Fatalf("seeds %d and %d gave the same world", prev, seed*7919)
			}
			seen[c] = seed * 7919
		}
	})
}

func TestWorldPagination(t *testing.T) {
	b := setup(t)
	var ids []string
	for i := range 5 {
		ids = append([]string{createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(i)), Size: ptr(gen.WorldSizeSmall)}).Id}, ids...)
	}
	cases := []struct {
		limit, offset int
		want          []string
	}{
		{2, 0, ids[:2]},
		{2, 2, ids[2:4]},
		{2, 4, ids[4:]},
		{10, 5, nil},
		{100, 0, ids},
	}
	for _, c := range cases {
		res, err := b.demo.ListWorldsWithResponse(t.Context(), &gen.ListWorldsParams{Limit: &c.limit, Offset: &c.offset})
		if err != nil || res.JSON200 == nil {
			t.Fatalf("list: %v", err)
		}
		var got []string
		for _, w := range res.JSON200.Items {
			got = append(got, w.Id)
		}
		if len(got) != len(c.want) || res.JSON200.Total != 5 || res.JSON200.Limit != c.limit || res.JSON200.Offset != c.offset {
			t.Fatalf("limit %d offset %d: got %v (total %d), want %v", c.limit, c.offset, got, res.JSON200.Total, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("limit %d offset %d: got %v, want newest first %v", c.limit, c.offset, got, c.want)
			}
		}
	}
}

func TestWorldTenantIsolation(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(1))})

	get, _ := b.other.GetWorldWithResponse(ctx, w.Id)
	expectError(t, get.HTTPResponse, get.Body, http.StatusNotFound, "WORLD_NOT_FOUND")
	del, _ := b.other.DeleteWorldWithResponse(ctx, w.Id)
	expectError(t, del.HTTPResponse, del.Body, http.StatusNotFound, "WORLD_NOT_FOUND")
	list, _ := b.other.ListWorldsWithResponse(ctx, nil)
	if list.JSON200 == nil || list.JSON200.Total != 0 || len(list.JSON200.Items) != 0 {
		t.Fatalf("tenant_test lists tenant_demo's worlds: %s", list.Body)
	}

	// Nothing changed for the owner.
	mine, _ := b.demo.GetWorldWithResponse(ctx, w.Id)
	if mine.JSON200 == nil || content(t, *mine.JSON200) != content(t, w) {
		t.Fatalf("owner's world changed after another tenant's attempts: %d", mine.StatusCode())
	}
}

func ptr[T any](v T) *T { return &v }

// A world's answer is the same on every read (later reads come from the server's cache of
// encoded worlds), and follows its lorebooks when they change, on either database.
func TestWorldReadsFollowItsLorebooks(t *testing.T) {
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			w := createWorld(t, b.demo, gen.CreateWorldRequest{Seed: ptr(int64(11)), Size: ptr(gen.WorldSizeSmall)})
			read := func() *gen.GetWorldResponse {
				t.Helper()
				got, err := b.demo.GetWorldWithResponse(ctx, w.Id)
				if err != nil || got.JSON200 == nil {
					t.Fatalf("get: %v %d %s", err, got.StatusCode(), got.Body)
				}
				return got
			}
			first, second := read(), read()
			if string(first.Body) != string(second.Body) || content(t, *second.JSON200) != content(t, w) {
				t.Fatalf("two reads differ or differ from the created world:\n%s\n%s", first.Body, second.Body)
			}
			book := w.LorebookIds[0]
			for _, ids := range [][]string{{}, {book}} {
				res, err := b.demo.UpdateWorldWithResponse(ctx, w.Id, nil, gen.UpdateWorldRequest{LorebookIds: ids})
				if err != nil || res.JSON200 == nil {
					t.Fatalf("update: %v %s", err, res.Body)
				}
				if got := read().JSON200.LorebookIds; !slices.Equal(got, ids) {
					t.Fatalf("lorebook_ids after setting %v: %v", ids, got)
				}
			}
			// The other data space never sees it, cached or not.
			other, _ := b.other.GetWorldWithResponse(ctx, w.Id)
			expectError(t, other.HTTPResponse, other.Body, http.StatusNotFound, "WORLD_NOT_FOUND")
		})
	}
}
