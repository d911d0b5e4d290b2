package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.WorldStore = (*DB)(nil)

// CreateWorld stores a new world.
func (db *DB) CreateWorld(ctx context.Context, w *domain.World) error {
	content, err := json.Marshal(w.Content)
	if err != nil {
		return fmt.Errorf("store: encode world: %w", err)
	}
	var paramName sql.NullString
	if w.Params.Name != "" {
		paramName = sql.NullString{String: w.Params.Name, Valid: true}
	}
	_, err = db.write.ExecContext(ctx, db.q(`INSERT INTO worlds
		(id, tenant_id, seed, name, param_name, genre, tone, size, content, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		w.ID, w.TenantID, w.Seed, w.Content.Name, paramName, string(w.Params.Genre),
		string(w.Params.Tone), string(w.Params.Size), string(content), w.CreatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: insert world: %w", err)
	}
	return nil
}

const worldColumns = `id, tenant_id, seed, param_name, genre, tone, size, content, created_at`

// GetWorld returns the tenant's world with the id, or domain.ErrNotFound.
func (db *DB) GetWorld(ctx context.Context, tenantID, id string) (*domain.World, error) {
	row := db.read.QueryRowContext(ctx, db.q(`SELECT `+worldColumns+` FROM worlds WHERE tenant_id = ? AND id = ?`), tenantID, id)
	w, err := db.scanWorldCached(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return w, err
}

// ListWorlds returns a page of the tenant's worlds, newest first, and how many it has.
func (db *DB) ListWorlds(ctx context.Context, tenantID string, page domain.Page) ([]domain.World, int, error) {
	return listPage(ctx, db, "worlds", worldColumns, `tenant_id = ?`, []any{tenantID}, page, db.scanWorldCached)
}

// DeleteWorld deletes the tenant's world with the id, or returns domain.ErrNotFound.
func (db *DB) DeleteWorld(ctx context.Context, tenantID, id string) error {
	res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM worlds WHERE tenant_id = ? AND id = ?`), tenantID, id)
	if err != nil {
		return fmt.Errorf("store: delete world: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: delete world: %w", err)
	} else if n == 0 {
		return domain.ErrNotFound
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

// scanWorldCached scans a world row, decoding its content only when it is not cached.
func (db *DB) scanWorldCached(s scanner) (*domain.World, error) {
	return scanWorldWith(s, db.worlds)
}

func scanWorldWith(s scanner, cache *worldCache) (*domain.World, error) {
	var (
		w                 domain.World
		paramName         sql.NullString
		genre, tone, size string
		content           string
		createdAt         int64
	)
	if err := s.Scan(&w.ID, &w.TenantID, &w.Seed, &paramName, &genre, &tone, &size, &content, &createdAt); err != nil {
		return nil, err
	}
	if c, ok := cache.get(w.ID); ok {
		w.Content = c
	} else {
		if err := json.Unmarshal([]byte(content), &w.Content); err != nil {
			return nil, fmt.Errorf("store: decode world %s: %w", w.ID, err)
		}
		cache.put(w.ID, w.Content)
	}
	w.Params = domain.WorldParams{Name: paramName.String, Genre: domain.Genre(genre), Tone: domain.Tone(tone), Size: domain.WorldSize(size)}
	w.CreatedAt = time.UnixMicro(createdAt).UTC()
	return &w, nil
}
