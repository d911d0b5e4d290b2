package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/apikey"
)

func TestKeys(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
			for _, id := range []string{"acme", "acme", "globex"} {
				if _, err := db.EnsureTenant(ctx, &domain.Tenant{ID: id, Name: id, CreatedAt: now}); err != nil {
					t.Fatal(err)
				}
			}
			if ts, err := db.ListTenants(ctx); err != nil || len(ts) != 2 {
				t.Fatalf("tenants %v, %v; want acme and globex once each", ts, err)
			}
			secret := apikey.New(false)
			k := &domain.APIKey{
				ID: domain.NewID(domain.PrefixKey, now), TenantID: "acme", Mode: domain.ModeLive, Name: "ci",
				Scopes: []domain.Scope{domain.ScopeRead, domain.ScopeWrite}, Tier: "free",
				Display: apikey.Display(secret), Hash: apikey.Hash(secret), Source: domain.KeySourceCLI, CreatedAt: now,
			}
			if err := db.CreateAPIKey(ctx, k); err != nil {
				t.Fatal(err)
			}
			got, err := db.APIKeyByHash(ctx, k.Hash)
			if err != nil || got.ID != k.ID || len(got.Scopes) != 2 || got.RevokedAt != nil || got.Tier != "free" {
				t.Fatalf("by hash: %+v, %v", got, err)
			}
			if _, err := db.GetAPIKey(ctx, "globex", k.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("another tenant's key: %v", err)
			}
			if keys, total, err := db.ListAPIKeys(ctx, "globex", domain.Page{Limit: 10}); err != nil || total != 0 || len(keys) != 0 {
				t.Errorf("globex lists %d keys (%v)", total, err)
			}
			if _, err := db.RevokeAPIKey(ctx, "globex", k.ID, now); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("globex revoked acme's key: %v", err)
			}
			// Touches run concurrently in the server; the latest one wins.
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					if err := db.TouchAPIKey(ctx, k.ID, now.Add(time.Duration(i)*time.Minute)); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			revoked, err := db.RevokeAPIKey(ctx, "acme", k.ID, now.Add(time.Hour))
			if err != nil || revoked.RevokedAt == nil || !revoked.RevokedAt.Equal(now.Add(time.Hour)) ||
				revoked.LastUsedAt == nil || !revoked.LastUsedAt.Equal(now.Add(7*time.Minute)) {
				t.Fatalf("revoked %+v, %v", revoked, err)
			}
			again, err := db.RevokeAPIKey(ctx, "", k.ID, now.Add(2*time.Hour))
			if err != nil || !again.RevokedAt.Equal(now.Add(time.Hour)) {
				t.Errorf("a second revocation moved the first: %+v, %v", again, err)
			}
		})
	}
}

func TestSyncConfigKeys(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
			cfg := func(secret, tenant string) domain.APIKey {
				return domain.APIKey{
					ID: domain.NewID(domain.PrefixKey, now), TenantID: tenant, Mode: domain.ModeLive, Name: "API_KEYS entry",
					Scopes: []domain.Scope{domain.ScopeRead}, Tier: "unlimited", Display: "••••",
					Hash: apikey.Hash(secret), Source: domain.KeySourceConfig, CreatedAt: now,
				}
			}
			if err := db.SyncConfigKeys(ctx, []domain.APIKey{cfg("one", "acme"), cfg("two", "acme")}, now); err != nil {
				t.Fatal(err)
			}
			// A restart lists "two" for another tenant and drops "one".
			if err := db.SyncConfigKeys(ctx, []domain.APIKey{cfg("two", "globex")}, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			one, _ := db.APIKeyByHash(ctx, apikey.Hash("one"))
			two, _ := db.APIKeyByHash(ctx, apikey.Hash("two"))
			if one == nil || one.RevokedAt == nil || two == nil || two.RevokedAt != nil || two.TenantID != "globex" {
				t.Fatalf("after the second sync: one %+v, two %+v", one, two)
			}
			// Listing "one" again brings it back.
			if err := db.SyncConfigKeys(ctx, []domain.APIKey{cfg("one", "acme")}, now.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			one, _ = db.APIKeyByHash(ctx, apikey.Hash("one"))
			two, _ = db.APIKeyByHash(ctx, apikey.Hash("two"))
			if one.RevokedAt != nil || two.RevokedAt == nil {
				t.Errorf("after the third sync: one revoked %v, two revoked %v", one.RevokedAt, two.RevokedAt)
			}
		})
	}
}
