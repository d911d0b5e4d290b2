package store_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

// finishWithFiles claims the job and completes it with n files and the extras of out.
func finishWithFiles(t *testing.T, db *store.DB, j *domain.Job, n int, at time.Time, out domain.JobOutcome) []*domain.File {
	t.Helper()
	c := claim("alive", at)
	c.Token = j.ID + "-claim"
	if _, err := db.ClaimJob(t.Context(), j.ID, c); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		out.Files = append(out.Files, &domain.File{
			ID: domain.NewID(domain.PrefixFile, at.Add(time.Duration(i)*time.Microsecond)), TenantID: j.TenantID, JobID: j.ID,
			ContentType: "image/png", Size: 1, CreatedAt: at,
		})
	}
	if out.Cache != nil {
		out.Cache.FileID = out.Files[0].ID
	}
	out.JobID, out.Claim, out.Status, out.At, out.Result = j.ID, c.Token, domain.JobCompleted, at, map[string]any{"file_id": out.Files[0].ID}
	if err := finish(t, db, out); err != nil {
		t.Fatal(err)
	}
	return out.Files
}

func TestMediaCacheAndSprites(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := t.Context()
			now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
			if err := db.Heartbeat(ctx, "alive", now); err != nil {
				t.Fatal(err)
			}
			entry := func(key string) *domain.CacheEntry {
				return &domain.CacheEntry{TenantID: "tenant_a", Key: key, JobType: domain.JobAvatar, Result: json.RawMessage(`{"engine":"local"}`), CreatedAt: now}
			}

			t.Run("an entry is its tenant's only, the newest copy wins, and it dies with its file", func(t *testing.T) {
				first := insertJob(t, db, now)
				f1 := finishWithFiles(t, db, first, 1, now, domain.JobOutcome{Cache: entry("k1")})
				got, err := db.CachedResult(ctx, "tenant_a", "k1")
				if err != nil || got.FileID != f1[0].ID || got.JobType != domain.JobAvatar || string(got.Result) != `{"engine":"local"}` {
					t.Fatalf("cached: %+v %v", got, err)
				}
				if _, err := db.CachedResult(ctx, "tenant_b", "k1"); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("another tenant found the entry: %v", err)
				}
				second := insertJob(t, db, now.Add(time.Millisecond))
				f2 := finishWithFiles(t, db, second, 1, now.Add(time.Millisecond), domain.JobOutcome{Cache: entry("k1")})
				if got, err := db.CachedResult(ctx, "tenant_a", "k1"); err != nil || got.FileID != f2[0].ID {
					t.Fatalf("after a second copy: %+v %v, want %s", got, err, f2[0].ID)
				}
				if err := db.DeleteJobs(ctx, []string{first.ID}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.CachedResult(ctx, "tenant_a", "k1"); err != nil {
					t.Fatalf("deleting the older copy lost the entry: %v", err)
				}
				if err := db.DeleteJobs(ctx, []string{second.ID}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.CachedResult(ctx, "tenant_a", "k1"); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("an entry outlived its file: %v", err)
				}
			})

			t.Run("sprite sets finishing at once both land, each replacing only its emotions, and expired files leave", func(t *testing.T) {
				c := sampleCharacter("tenant_a", "Hilde", now)
				if err := db.CreateCharacters(ctx, []*domain.Character{c}); err != nil {
					t.Fatal(err)
				}
				first := insertJob(t, db, now.Add(2*time.Millisecond))
				set := finishWithFiles(t, db, first, 2, now, domain.JobOutcome{AvatarOf: c.ID})
				link := &domain.SpriteLink{CharacterID: c.ID, Emotions: []domain.Emotion{domain.EmotionNeutral, domain.EmotionJoy}, FileIDs: []string{set[0].ID, set[1].ID}}
				if err := db.InTx(ctx, func(tx *sql.Tx) error { return db.MergeSpritesTx(ctx, tx, "tenant_a", link) }); err != nil {
					t.Fatal(err)
				}
				emotions := []domain.Emotion{domain.EmotionAnger, domain.EmotionFear, domain.EmotionSadness, domain.EmotionJoy}
				want := map[domain.Emotion]string{domain.EmotionNeutral: set[0].ID}
				var mu sync.Mutex
				var wg sync.WaitGroup
				for i, e := range emotions {
					j := insertJob(t, db, now.Add(time.Duration(10+i)*time.Millisecond))
					wg.Add(1)
					go func() {
						defer wg.Done()
						id := fmt.Sprintf("file_%s_%d", e, i)
						c2 := claim("alive", now)
						c2.Token = j.ID + "-claim"
						if _, err := db.ClaimJob(ctx, j.ID, c2); err != nil {
							t.Error(err)
							return
						}
						err := finish(t, db, domain.JobOutcome{
							JobID: j.ID, Claim: c2.Token, Status: domain.JobCompleted, At: now, Result: map[string]any{},
							Files:   []*domain.File{{ID: id, TenantID: "tenant_a", JobID: j.ID, ContentType: "image/png", Size: 1, CreatedAt: now}},
							Sprites: &domain.SpriteLink{CharacterID: c.ID, Emotions: []domain.Emotion{e}, FileIDs: []string{id}},
						})
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						want[e] = id
						mu.Unlock()
					}()
				}
				wg.Wait()
				got, err := db.GetCharacter(ctx, "tenant_a", c.ID)
				if err != nil || got.AvatarFileID != set[0].ID {
					t.Fatalf("avatar %q, %v; want %s", got.AvatarFileID, err, set[0].ID)
				}
				for _, e := range append(emotions, domain.EmotionNeutral) {
					if got.Sprites[e] != want[e] {
						t.Errorf("sprite %s = %q, want %q (all: %v)", e, got.Sprites[e], want[e], got.Sprites)
					}
				}

				// The first set's job expires: its neutral sprite goes, the others stay.
				if err := db.DeleteJobs(ctx, []string{first.ID}); err != nil {
					t.Fatal(err)
				}
				got, err = db.GetCharacter(ctx, "tenant_a", c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := got.Sprites[domain.EmotionNeutral]; ok || got.Sprites[domain.EmotionJoy] != want[domain.EmotionJoy] || len(got.Sprites) != len(emotions) {
					t.Errorf("after the first set expired: %v", got.Sprites)
				}
				if got.AvatarFileID != "" {
					t.Errorf("the avatar %s outlived its file", got.AvatarFileID)
				}
			})
		})
	}
}
