package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.KeyStore = (*DB)(nil)

// EnsureTenant creates the tenant unless it exists.
func (db *DB) EnsureTenant(ctx context.Context, t *domain.Tenant) (bool, error) {
	return ensureTenant(ctx, db, db.write, t)
}

type keyExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func ensureTenant(ctx context.Context, db *DB, ex keyExecer, t *domain.Tenant) (bool, error) {
	res, err := ex.ExecContext(ctx, db.q(`INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO NOTHING`), t.ID, t.Name, t.CreatedAt.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("store: insert tenant: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: insert tenant: %w", err)
	}
	return n == 1, nil
}

// ListTenants returns every tenant, oldest first.
func (db *DB) ListTenants(ctx context.Context) ([]domain.Tenant, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, created_at FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list tenants: %w", err)
	}
	defer rows.Close()
	out := []domain.Tenant{}
	for rows.Next() {
		var t domain.Tenant
		var at int64
		if err := rows.Scan(&t.ID, &t.Name, &at); err != nil {
			return nil, fmt.Errorf("store: list tenants: %w", err)
		}
		t.CreatedAt = time.UnixMicro(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

const keyColumns = `id, tenant_id, mode, name, scopes, tier, display, secret_hash, source, created_at, expires_at, last_used_at, revoked_at`

const insertKeySQL = `INSERT INTO api_keys (` + keyColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// keyValues are k's values in keyColumns order.
func keyValues(k *domain.APIKey) []any {
	return []any{k.ID, k.TenantID, string(k.Mode), k.Name, joinScopes(k.Scopes), k.Tier, k.Display, k.Hash, string(k.Source),
		k.CreatedAt.UnixMicro(), optMicros(k.ExpiresAt), optMicros(k.LastUsedAt), optMicros(k.RevokedAt)}
}

// CreateAPIKey stores a new key.
func (db *DB) CreateAPIKey(ctx context.Context, k *domain.APIKey) error {
	return insertKey(ctx, db, db.write, k)
}

func insertKey(ctx context.Context, db *DB, ex keyExecer, k *domain.APIKey) error {
	_, err := ex.ExecContext(ctx, db.q(insertKeySQL), keyValues(k)...)
	if err != nil {
		return fmt.Errorf("store: insert API key: %w", err)
	}
	return nil
}

// APIKeyByHash returns the key with the secret hash, or domain.ErrNotFound.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (*domain.APIKey, error) {
	return scanKeyRow(db.readRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE secret_hash = ?`, hash))
}

// GetAPIKey returns the tenant's key (any tenant's when tenantID is empty), or
// domain.ErrNotFound.
func (db *DB) GetAPIKey(ctx context.Context, tenantID, id string) (*domain.APIKey, error) {
	return scanKeyRow(db.readRow(ctx, `SELECT `+keyColumns+` FROM api_keys
		WHERE id = ? AND (CAST(? AS TEXT) = '' OR tenant_id = ?)`, id, tenantID, tenantID))
}

// ListAPIKeys returns a page of the tenant's keys (every key when tenantID is empty).
func (db *DB) ListAPIKeys(ctx context.Context, tenantID string, page domain.Page) ([]domain.APIKey, int, error) {
	return listPage(ctx, db, "api_keys", keyColumns, `(CAST(? AS TEXT) = '' OR tenant_id = ?)`, []any{tenantID, tenantID}, page, scanKey)
}

// RevokeAPIKey marks the key revoked (keeping an earlier revocation time) and returns it.
func (db *DB) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) (*domain.APIKey, error) {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
		WHERE id = ? AND (CAST(? AS TEXT) = '' OR tenant_id = ?)`), at.UnixMicro(), id, tenantID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: revoke API key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("store: revoke API key: %w", err)
	} else if n == 0 {
		return nil, domain.ErrNotFound
	}
	// Read from the writer: on SQLite a reader could lag the write just made.
	return scanKeyRow(db.write.QueryRowContext(ctx, db.q(`SELECT `+keyColumns+` FROM api_keys WHERE id = ?`), id))
}

// TouchAPIKey records a use of the key unless a later one is recorded.
func (db *DB) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE api_keys SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`), at.UnixMicro(), id, at.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: touch API key: %w", err)
	}
	return nil
}

// SyncConfigKeys makes the config-sourced keys exactly keys, in one transaction: each is
// inserted (with its tenant) or updated and un-revoked; other config keys are revoked.
func (db *DB) SyncConfigKeys(ctx context.Context, keys []domain.APIKey, at time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: sync config keys: %w", err)
	}
	defer tx.Rollback()
	hashes := make([]any, 0, len(keys))
	for i := range keys {
		k := &keys[i]
		if _, err := ensureTenant(ctx, db, tx, &domain.Tenant{ID: k.TenantID, Name: k.TenantID, CreatedAt: k.CreatedAt}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.q(insertKeySQL+`
			ON CONFLICT (secret_hash) DO UPDATE SET tenant_id = excluded.tenant_id, mode = excluded.mode,
				scopes = excluded.scopes, tier = excluded.tier, revoked_at = NULL
			WHERE api_keys.source = 'config'`), keyValues(k)...)
		if err != nil {
			return fmt.Errorf("store: sync config key: %w", err)
		}
		hashes = append(hashes, k.Hash)
	}
	revoke := `UPDATE api_keys SET revoked_at = ? WHERE source = 'config' AND revoked_at IS NULL`
	if len(hashes) > 0 {
		revoke += ` AND secret_hash NOT IN (?` + strings.Repeat(", ?", len(hashes)-1) + `)`
	}
	if _, err := tx.ExecContext(ctx, db.q(revoke), append([]any{at.UnixMicro()}, hashes...)...); err != nil {
		return fmt.Errorf("store: revoke unlisted config keys: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: sync config keys: %w", err)
	}
	return nil
}

func scanKeyRow(row *sql.Row) (*domain.APIKey, error) {
	k, err := scanKey(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return k, err
}

func scanKey(s scanner) (*domain.APIKey, error) {
	var (
		k                          domain.APIKey
		mode, scopes, source       string
		created                    int64
		expires, lastUsed, revoked sql.NullInt64
	)
	if err := s.Scan(&k.ID, &k.TenantID, &mode, &k.Name, &scopes, &k.Tier, &k.Display, &k.Hash, &source,
		&created, &expires, &lastUsed, &revoked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("store: scan API key: %w", err)
	}
	k.Mode, k.Source = domain.Mode(mode), domain.KeySource(source)
	for _, sc := range strings.Split(scopes, ",") {
		if sc != "" {
			k.Scopes = append(k.Scopes, domain.Scope(sc))
		}
	}
	k.CreatedAt = time.UnixMicro(created).UTC()
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = optTime(expires), optTime(lastUsed), optTime(revoked)
	return &k, nil
}

func joinScopes(scopes []domain.Scope) string {
	s := make([]string, len(scopes))
	for i, sc := range scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ",")
}

func optMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMicro(v.Int64).UTC()
	return &t
}
