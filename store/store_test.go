package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/store/storetest"
)

// backends returns one freshly migrated, empty database per dialect: a SQLite file in a
// temporary folder and, where a server answers, a PostgreSQL schema of its own that is
// dropped after the test. TEST_DATABASE_URL overrides the PostgreSQL server.
func backends(t *testing.T) map[store.Dialect]*store.DB {
	t.Helper()
	ctx := t.Context()
	dbs := map[store.Dialect]*store.DB{}

	lite, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { lite.Close() })
	dbs[store.SQLite] = lite

	if url := storetest.PostgresSchemaURL(t); url != "" {
		pg, err := store.Open(ctx, store.Options{URL: url})
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { pg.Close() })
		dbs[store.Postgres] = pg
	}
	return dbs
}

func sampleWorld(tenant string, at time.Time, seed int64) *domain.World {
	return &domain.World{
		ID:       domain.NewID(domain.PrefixWorld, at),
		TenantID: tenant,
		Seed:     seed,
		Params:   domain.WorldParams{Genre: domain.GenreSciFi, Tone: domain.ToneGrim, Size: domain.WorldSizeSmall},
		Content: domain.WorldContent{
			Name:    fmt.Sprintf("World %d", seed),
			Regions: []domain.Region{{Name: "Rim", Biome: "asteroid belt", Description: "Rocks.", Settlements: []domain.Settlement{{Name: "Dock 9", Kind: "station", Population: 1200, Description: "Busy."}}}},
			Brief:   "A grim place.",
		},
		CreatedAt: at.UTC().Truncate(time.Microsecond),
	}
}

func TestWorlds(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			base := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

			t.Run("created world reads back identical", func(t *testing.T) {
				w := sampleWorld("tenant_a", base, 1)
				w.Params.Name = "Given Name"
				if err := db.CreateWorld(ctx, w); err != nil {
					t.Fatal(err)
				}
				got, err := db.GetWorld(ctx, "tenant_a", w.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, w) {
					t.Fatalf("read back\n%+v\nwant\n%+v", got, w)
				}
			})

			t.Run("another tenant's world is not found", func(t *testing.T) {
				w := sampleWorld("tenant_a", base, 2)
				if err := db.CreateWorld(ctx, w); err != nil {
					t.Fatal(err)
				}
				if _, err := db.GetWorld(ctx, "tenant_b", w.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("get as other tenant: %v, want ErrNotFound", err)
				}
				if err := db.DeleteWorld(ctx, "tenant_b", w.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("delete as other tenant: %v, want ErrNotFound", err)
				}
				if _, err := db.GetWorld(ctx, "tenant_a", w.ID); err != nil {
					t.Fatalf("owner lost the world after another tenant's delete: %v", err)
				}
			})

			t.Run("list is newest first, paginated and tenant-scoped", func(t *testing.T) {
				var ids []string
				for i := range 5 {
					w := sampleWorld("tenant_list", base.Add(time.Duration(i)*time.Second), int64(10+i))
					if err := db.CreateWorld(ctx, w); err != nil {
						t.Fatal(err)
					}
					ids = append([]string{w.ID}, ids...)
				}
				if err := db.CreateWorld(ctx, sampleWorld("tenant_other", base, 99)); err != nil {
					t.Fatal(err)
				}
				cases := []struct {
					page domain.Page
					want []string
				}{
					{domain.Page{Limit: 50}, ids},
					{domain.Page{Limit: 2}, ids[:2]},
					{domain.Page{Limit: 2, Offset: 2}, ids[2:4]},
					{domain.Page{Limit: 2, Offset: 4}, ids[4:]},
					{domain.Page{Limit: 2, Offset: 9}, nil},
				}
				for _, c := range cases {
					got, total, err := db.ListWorlds(ctx, "tenant_list", c.page)
					if err != nil {
						t.Fatal(err)
					}
					if total != 5 {
						t.Errorf("page %+v: total %d, want 5", c.page, total)
					}
					var gotIDs []string
					for _, w := range got {
						gotIDs = append(gotIDs, w.ID)
					}
					if !reflect.DeepEqual(gotIDs, c.want) {
						t.Errorf("page %+v: ids %v, want %v", c.page, gotIDs, c.want)
					}
				}
			})

			t.Run("delete removes the world once", func(t *testing.T) {
				w := sampleWorld("tenant_a", base, 3)
				if err := db.CreateWorld(ctx, w); err != nil {
					t.Fatal(err)
				}
				if err := db.DeleteWorld(ctx, "tenant_a", w.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := db.GetWorld(ctx, "tenant_a", w.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("get after delete: %v, want ErrNotFound", err)
				}
				if err := db.DeleteWorld(ctx, "tenant_a", w.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("second delete: %v, want ErrNotFound", err)
				}
			})

			t.Run("duplicate id is refused", func(t *testing.T) {
				w := sampleWorld("tenant_a", base, 4)
				if err := db.CreateWorld(ctx, w); err != nil {
					t.Fatal(err)
				}
				if err := db.CreateWorld(ctx, w); err == nil {
					t.Fatal("second insert of the same id succeeded")
				}
			})
		})
	}
}

func TestReopenKeepsDataAndMigrationsAreIdempotent(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "troupe.db")
	db, err := store.Open(ctx, store.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	w := sampleWorld("tenant_a", time.Now(), 7)
	if err := db.CreateWorld(ctx, w); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = store.Open(ctx, store.Options{SQLitePath: path})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.GetWorld(ctx, "tenant_a", w.ID); err != nil {
		t.Fatalf("world lost across reopen: %v", err)
	}
}

func TestOpenRefusesUnknownDatabaseURL(t *testing.T) {
	_, err := store.Open(t.Context(), store.Options{URL: "mysql://root:secret@localhost/db"})
	if err == nil {
		t.Fatal("mysql URL accepted")
	}
	if got := err.Error(); strings.Contains(got, "secret") {
		t.Fatalf("error leaks credentials: %s", got)
	}
}
