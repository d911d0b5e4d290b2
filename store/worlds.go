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

// CreateWorld stores a new world and, in the same transaction, its generated Lorebook
// (when set) and its links: the generated book first, then w.LorebookIDs. w.LorebookIDs is
// set to the books attached (see setLorebookLinks for which those are).
func (db *DB) CreateWorld(ctx context.Context, w *domain.World) error {
	content, err := json.Marshal(w.Content)
	if err != nil {
		return fmt.Errorf("store: encode world: %w", err)
	}
	var paramName sql.NullString
	if w.Params.Name != "" {
		paramName = sql.NullString{String: w.Params.Name, Valid: true}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO worlds
			(id, tenant_id, seed, name, param_name, genre, tone, size, content, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			w.ID, w.TenantID, w.Seed, w.Content.Name, paramName, string(w.Params.Genre),
			string(w.Params.Tone), string(w.Params.Size), string(content), w.CreatedAt.UnixMicro()); err != nil {
			return fmt.Errorf("store: insert world: %w", err)
		}
		ids := w.LorebookIDs
		if w.Lorebook != nil {
			if err := ownBook(w.Lorebook, w.TenantID); err != nil {
				return err
			}
			if err := db.insertLorebook(ctx, tx, w.Lorebook); err != nil {
				return err
			}
			// The service may already list the generated book first; setLorebookLinks
			// keeps the first of a repeated id.
			ids = append([]string{w.Lorebook.ID}, ids...)
		}
		ids, err := db.setLorebookLinks(ctx, tx, w.TenantID, w.ID, ids)
		if err != nil {
			return err
		}
		w.LorebookIDs = ids
		return nil
	})
}

const worldColumns = `id, tenant_id, seed, param_name, genre, tone, size, content, created_at`

// GetWorld returns the tenant's world with the id and its lorebook ids, or
// domain.ErrNotFound. The ids are read on every call, never cached (see worldCache).
func (db *DB) GetWorld(ctx context.Context, tenantID, id string) (*domain.World, error) {
	w, err := db.getWorld(ctx, tenantID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return w, err
}

// A world's columns with its lorebook ids, so a world is read with its books in one
// query: without its content, for when the content is cached (the stored JSON is most of
// the row's bytes), and with it.
var (
	getWorldRowSQL = `SELECT id, tenant_id, seed, param_name, genre, tone, size, created_at, ` + lorebookIDsColumn("worlds") + `
		FROM worlds WHERE tenant_id = ? AND id = ?`
	worldWithBooksColumns = worldColumns + `, ` + lorebookIDsColumn("worlds")
)

// getWorld reads the world and its books, decoding the content only when it is not
// cached.
func (db *DB) getWorld(ctx context.Context, tenantID, id string) (*domain.World, error) {
	var books sql.NullString
	if content, ok := db.worlds.Get(id); ok {
		var (
			w                 domain.World
			paramName         sql.NullString
			genre, tone, size string
			createdAt         int64
		)
		err := db.readRow(ctx, getWorldRowSQL, tenantID, id).
			Scan(&w.ID, &w.TenantID, &w.Seed, &paramName, &genre, &tone, &size, &createdAt, &books)
		if err != nil {
			return nil, err
		}
		w.Content = content
		w.LorebookIDs = splitIDs(books)
		setWorldRow(&w, paramName, genre, tone, size, createdAt)
		return &w, nil
	}
	return db.scanWorldWithBooks(db.readRow(ctx, `SELECT `+worldWithBooksColumns+` FROM worlds WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// scanWorldWithBooks scans a row of worldWithBooksColumns, decoding its content only when
// it is not cached.
func (db *DB) scanWorldWithBooks(s scanner) (*domain.World, error) {
	var books sql.NullString
	w, err := db.scanWorldCached(withLorebookIDs{s, &books})
	if err != nil {
		return nil, err
	}
	w.LorebookIDs = splitIDs(books)
	return w, nil
}

// ListWorlds returns a page of the tenant's worlds, newest first, each with its lorebook
// ids, and how many it has.
func (db *DB) ListWorlds(ctx context.Context, tenantID string, page domain.Page) ([]domain.World, int, error) {
	return listPage(ctx, db, "worlds", worldWithBooksColumns, `tenant_id = ?`, []any{tenantID}, page, db.scanWorldWithBooks)
}

// SetWorldLorebooks replaces the books attached to the tenant's world, in order, in one
// transaction, or returns domain.ErrNotFound. Ids that are not the tenant's lorebooks are
// not attached (see setLorebookLinks).
func (db *DB) SetWorldLorebooks(ctx context.Context, tenantID, id string, lorebookIDs []string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// A no-op update rather than a SELECT: it answers whether the world is there and,
		// on PostgreSQL, holds its row lock until commit, so a DeleteWorld running now
		// waits and then deletes the links written here instead of leaving them behind.
		res, err := tx.ExecContext(ctx, db.q(`UPDATE worlds SET id = id WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("store: set world lorebooks: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		_, err = db.setLorebookLinks(ctx, tx, tenantID, id, lorebookIDs)
		return err
	})
}

// DeleteWorld deletes the tenant's world with the id and its lorebook links, or returns
// domain.ErrNotFound. Its lorebooks stay, the generated one too: they are the tenant's,
// and characters may know them.
func (db *DB) DeleteWorld(ctx context.Context, tenantID, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM worlds WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("store: delete world: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM lorebook_links WHERE tenant_id = ? AND owner_id = ?`), tenantID, id); err != nil {
			return fmt.Errorf("store: delete world lorebook links: %w", err)
		}
		return nil
	})
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
	if c, ok := cache.Get(w.ID); ok {
		w.Content = c
	} else {
		if err := json.Unmarshal([]byte(content), &w.Content); err != nil {
			return nil, fmt.Errorf("store: decode world %s: %w", w.ID, err)
		}
		cache.Put(w.ID, w.Content)
	}
	setWorldRow(&w, paramName, genre, tone, size, createdAt)
	return &w, nil
}

// setWorldRow sets the world's fields from its row's columns besides id, seed and content.
func setWorldRow(w *domain.World, paramName sql.NullString, genre, tone, size string, createdAt int64) {
	w.Params = domain.WorldParams{Name: paramName.String, Genre: domain.Genre(genre), Tone: domain.Tone(tone), Size: domain.WorldSize(size)}
	w.CreatedAt = time.UnixMicro(createdAt).UTC()
}
