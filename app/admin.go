package app

import (
	"context"
	"fmt"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

// Admin is what the `troupe keys` and `troupe tenants` commands work with: the key service
// over the same store (DATA_DIR or DATABASE_URL) the server uses, without engines or
// workers.
type Admin struct {
	Keys *domain.KeyService
	db   *store.DB
}

// OpenAdmin opens the configured store for the operator's commands. Tier names are
// checked against knownTier (nil accepts any).
func OpenAdmin(ctx context.Context, cfg Config, knownTier func(string) bool) (*Admin, error) {
	db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, SQLitePath: cfg.sqlitePath()})
	if err != nil {
		return nil, fmt.Errorf("open the store: %w", err)
	}
	return &Admin{Keys: &domain.KeyService{Store: db, KnownTier: knownTier}, db: db}, nil
}

// Close closes the store.
func (a *Admin) Close() error { return a.db.Close() }
