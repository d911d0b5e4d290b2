package domain_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/apikey"
)

// lookupStore is a KeyStore holding one key, counting lookups, able to fail.
type lookupStore struct {
	domain.KeyStore // the methods these tests do not reach
	mu              sync.Mutex
	key             *domain.APIKey
	lookups         int
	down            bool
}

func (s *lookupStore) APIKeyByHash(_ context.Context, hash string) (*domain.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lookups++
	switch {
	case s.down:
		return nil, errors.New("database down")
	case s.key == nil || s.key.Hash != hash:
		return nil, domain.ErrNotFound
	}
	k := *s.key
	return &k, nil
}

func (s *lookupStore) TouchAPIKey(context.Context, string, time.Time) error { return nil }

func TestAuthenticateCachesAndBoundsStaleness(t *testing.T) {
	t.Parallel()
	secret := apikey.New(false)
	store := &lookupStore{key: &domain.APIKey{ID: "key_1", TenantID: "acme", Mode: domain.ModeLive, Hash: apikey.Hash(secret),
		Scopes: []domain.Scope{domain.ScopeRead}}}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	keys := &domain.KeyService{Store: store, CacheTTL: 5 * time.Second, TouchEvery: time.Hour, Now: func() time.Time { return now }}
	auth := func() error { _, err := keys.Authenticate(t.Context(), secret); return err }

	for range 3 {
		if err := auth(); err != nil {
			t.Fatal(err)
		}
	}
	if store.lookups != 1 {
		t.Fatalf("%d lookups for 3 requests within the TTL, want 1", store.lookups)
	}
	// Revoked in the store: refused once the TTL has passed.
	store.key.RevokedAt = &now
	now = now.Add(6 * time.Second)
	if err := auth(); domain.ErrorCode(err) != domain.CodeInvalidAPIKey {
		t.Fatalf("a revoked key after the TTL: %v", err)
	}
	// A database blip: a recent answer stands in, an old one does not.
	store.key.RevokedAt = nil
	now = now.Add(6 * time.Second)
	_ = auth() // fresh, usable again
	store.down = true
	now = now.Add(30 * time.Second)
	if err := auth(); err != nil {
		t.Fatalf("a 30 s old answer during an outage: %v", err)
	}
	now = now.Add(2 * time.Minute)
	if err := auth(); domain.ErrorCode(err) != domain.CodeInternal {
		t.Fatalf("a 2.5 min old answer during an outage: %v", err)
	}
}

func TestMalformedKeysCostNoLookup(t *testing.T) {
	t.Parallel()
	store := &lookupStore{}
	keys := &domain.KeyService{Store: store}
	for _, s := range []string{"", "random-bearer-string", "sk_live_short", apikey.New(false)[:50] + "zzzz"} {
		if _, err := keys.Authenticate(t.Context(), s); domain.ErrorCode(err) != domain.CodeInvalidAPIKey {
			t.Errorf("%q: %v", s, err)
		}
	}
	if store.lookups != 0 {
		t.Fatalf("%d lookups for malformed or unconfigured keys", store.lookups)
	}
}

// issuingStore is a KeyStore that accepts tenants and keys and remembers the last key.
type issuingStore struct {
	domain.KeyStore
	last *domain.APIKey
}

func (s *issuingStore) EnsureTenant(context.Context, *domain.Tenant) (bool, error) { return false, nil }
func (s *issuingStore) CreateAPIKey(_ context.Context, k *domain.APIKey) error {
	s.last = k
	return nil
}

func TestCreatedKeysNeverOutliveTheirMaker(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	callerExpiry := now.Add(24 * time.Hour)
	caller := domain.Principal{TenantID: "acme", Mode: domain.ModeLive, Scopes: []domain.Scope{domain.ScopeRead, domain.ScopeAdmin}, Tier: "free", ExpiresAt: &callerExpiry}
	later, sooner := now.Add(48*time.Hour), now.Add(time.Hour)
	for name, tt := range map[string]struct{ asked, want *time.Time }{
		"no expiry asked":    {nil, &callerExpiry},
		"a later one asked":  {&later, &callerExpiry},
		"a sooner one asked": {&sooner, &sooner},
	} {
		store := &issuingStore{}
		keys := &domain.KeyService{Store: store, Now: func() time.Time { return now }}
		if _, _, err := keys.CreateKey(t.Context(), caller, domain.NewKey{Name: "x", ExpiresAt: tt.asked}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := store.last.ExpiresAt; got == nil || !got.Equal(*tt.want) {
			t.Errorf("%s: expires %v, want %v", name, got, tt.want)
		}
		if store.last.Tier != "free" || len(store.last.Scopes) != 2 {
			t.Errorf("%s: tier %q scopes %v, want the caller's", name, store.last.Tier, store.last.Scopes)
		}
	}
}
