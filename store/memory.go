package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

const memoryColumns = `id, tenant_id, character_id, kind, text, speaker, importance, summarized, created_at`

// AddMemory appends entries in one transaction, with the pending metered use of ctx (the
// model calls the entries came from).
func (db *DB) AddMemory(ctx context.Context, entries []domain.MemoryEntry) error {
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := db.insertMemory(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) insertMemory(ctx context.Context, tx *sql.Tx, e domain.MemoryEntry) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO memory_entries (`+memoryColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.TenantID, e.CharacterID, string(e.Kind), e.Text, e.Speaker, e.Importance, boolInt(e.Summarized), e.CreatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: insert memory: %w", err)
	}
	return nil
}

// ListMemory returns a page of the character's entries, newest first, and the total.
func (db *DB) ListMemory(ctx context.Context, tenantID, characterID string, page domain.Page) ([]domain.MemoryEntry, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM memory_entries WHERE tenant_id = ? AND character_id = ?`),
		tenantID, characterID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count memory: %w", err)
	}
	entries, err := db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries WHERE tenant_id = ? AND character_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, tenantID, characterID, page.Limit, page.Offset)
	return entries, total, err
}

// RecentMemory returns up to n of the newest entries of the kinds (any kind when none).
func (db *DB) RecentMemory(ctx context.Context, tenantID, characterID string, n int, kinds ...domain.MemoryKind) ([]domain.MemoryEntry, error) {
	query := `SELECT ` + memoryColumns + ` FROM memory_entries WHERE tenant_id = ? AND character_id = ?`
	args := []any{tenantID, characterID}
	if len(kinds) > 0 {
		query += ` AND kind IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + `)`
		for _, k := range kinds {
			args = append(args, string(k))
		}
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	return db.queryMemory(ctx, query, append(args, n)...)
}

// UnsummarizedMemory returns heard and said entries not yet folded, oldest first.
func (db *DB) UnsummarizedMemory(ctx context.Context, tenantID, characterID string) ([]domain.MemoryEntry, error) {
	return db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries
		WHERE tenant_id = ? AND character_id = ? AND summarized = 0 AND kind IN ('heard', 'said')
		ORDER BY created_at, id`, tenantID, characterID)
}

// FoldMemory sets the running summary, marks the folded entries and stores the summary
// entry in one transaction, with the pending metered use of ctx (the summary's model call).
func (db *DB) FoldMemory(ctx context.Context, tenantID, characterID, previous, summary string, folded []string, entry domain.MemoryEntry) error {
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE characters SET memory_summary = ? WHERE tenant_id = ? AND id = ? AND memory_summary = ?`),
			summary, tenantID, characterID, previous)
		if err != nil {
			return fmt.Errorf("store: set summary: %w", err)
		}
		if err := oneRow(res); err != nil {
			return domain.ErrConflict
		}
		for _, id := range folded {
			res, err := tx.ExecContext(ctx, db.q(`UPDATE memory_entries SET summarized = 1 WHERE tenant_id = ? AND id = ? AND summarized = 0`),
				tenantID, id)
			if err != nil {
				return fmt.Errorf("store: mark summarized: %w", err)
			}
			if err := oneRow(res); err != nil {
				return domain.ErrConflict
			}
		}
		return db.insertMemory(ctx, tx, entry)
	})
}

func (db *DB) queryMemory(ctx context.Context, query string, args ...any) ([]domain.MemoryEntry, error) {
	rows, err := db.read.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: query memory: %w", err)
	}
	defer rows.Close()
	out := []domain.MemoryEntry{}
	for rows.Next() {
		var (
			e          domain.MemoryEntry
			kind       string
			summarized int
			createdAt  int64
		)
		if err := rows.Scan(&e.ID, &e.TenantID, &e.CharacterID, &kind, &e.Text, &e.Speaker, &e.Importance, &summarized, &createdAt); err != nil {
			return nil, err
		}
		e.Kind, e.Summarized, e.CreatedAt = domain.MemoryKind(kind), summarized != 0, time.UnixMicro(createdAt).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
