package domain

import (
	"context"
	"regexp"
	"slices"
	"time"
)

// PrefixKey starts API key ids (the id names a key in lists and revocation; it is not the
// secret).
const PrefixKey = "key_"

// Tenant is a customer account: every resource, key and usage record belongs to one.
type Tenant struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// KeySource says where a key came from.
type KeySource string

// The key sources.
const (
	// KeySourceCLI keys were made with `troupe keys create`.
	KeySourceCLI KeySource = "cli"
	// KeySourceAPI keys were made by another key with the admin scope.
	KeySourceAPI KeySource = "api"
	// KeySourceConfig keys come from API_KEYS (or are the demo keys); each start-up
	// re-seeds them and revokes config keys no longer listed.
	KeySourceConfig KeySource = "config"
)

// APIKey is a stored API key. The secret itself is never stored: only its SHA-256.
type APIKey struct {
	ID       string
	TenantID string
	Mode     Mode
	Name     string
	Scopes   []Scope
	Tier     string
	// Display is what lists show of the secret ("sk_live_Ab3x…9fQe").
	Display string
	// Hash is the secret's hex SHA-256.
	Hash       string
	Source     KeySource
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Principal returns who a request made with k acts as.
func (k *APIKey) Principal() Principal {
	return Principal{TenantID: k.TenantID, KeyID: k.ID, Mode: k.Mode, Scopes: slices.Clone(k.Scopes), Tier: k.Tier, ExpiresAt: k.ExpiresAt}
}

// Usable reports whether k may authenticate a request at now: not revoked, not expired.
func (k *APIKey) Usable(now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}

// tenantIDPattern is what a tenant id may be: short, URL- and log-safe, and never holding
// '/', which separates a tenant's test data space from its live one.
var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidTenantID reports whether id may name a tenant.
func ValidTenantID(id string) bool { return tenantIDPattern.MatchString(id) }

// KeyStore persists tenants and API keys.
type KeyStore interface {
	// EnsureTenant creates the tenant unless it exists and reports whether it did.
	EnsureTenant(ctx context.Context, t *Tenant) (created bool, err error)
	// ListTenants returns every tenant, oldest first.
	ListTenants(ctx context.Context) ([]Tenant, error)
	// CreateAPIKey stores a new key (its tenant must exist).
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns the key whose secret hashes to hash, revoked or not, or
	// ErrNotFound.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// GetAPIKey returns the tenant's key with the id, or ErrNotFound. An empty tenantID
	// matches any tenant (the operator's view).
	GetAPIKey(ctx context.Context, tenantID, id string) (*APIKey, error)
	// ListAPIKeys returns a page of the tenant's keys, newest first, and how many there
	// are. An empty tenantID lists every tenant's keys.
	ListAPIKeys(ctx context.Context, tenantID string, page Page) ([]APIKey, int, error)
	// RevokeAPIKey marks the key revoked at at (a key already revoked keeps its first
	// revocation time) and returns it, or ErrNotFound. An empty tenantID matches any
	// tenant.
	RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) (*APIKey, error)
	// TouchAPIKey records that the key was used at at, unless a later use is recorded.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	// SyncConfigKeys makes the config-sourced keys exactly keys: each is created (with its
	// tenant) or brought up to date and un-revoked; every other config key is revoked at
	// at. Keys made by the CLI or the API are untouched.
	SyncConfigKeys(ctx context.Context, keys []APIKey, at time.Time) error
}
