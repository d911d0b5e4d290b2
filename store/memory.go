package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

const memoryColumns = `id, tenant_id, character_id, kind, text, speaker, importance, summarized, created_at,
	pinned, source_type, source_request_id, player_id, source_conversation_id, source_turn_id, source_event_id`

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

const insertMemorySQL = `INSERT INTO memory_entries (` + memoryColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func (db *DB) insertMemory(ctx context.Context, tx *sql.Tx, e domain.MemoryEntry) error {
	source := e.Source.Type
	if source == "" {
		source = domain.MemorySourceUnknown
	}
	_, err := db.txExec(ctx, tx, insertMemorySQL,
		e.ID, e.TenantID, e.CharacterID, string(e.Kind), e.Text, e.Speaker, e.Importance, boolInt(e.Summarized), e.CreatedAt.UnixMicro(),
		boolInt(e.Pinned), string(source), nullIfEmpty(e.Source.RequestID),
		nullIfEmpty(e.PlayerID), nullIfEmpty(e.Source.ConversationID), nullIfEmpty(e.Source.TurnID), nullIfEmpty(e.Source.EventID))
	if err != nil {
		return fmt.Errorf("store: insert memory: %w", err)
	}
	return nil
}

// ListMemory returns a page of the character's entries, newest first, and the total.
func (db *DB) ListMemory(ctx context.Context, tenantID, characterID string, page domain.Page) ([]domain.MemoryEntry, int, error) {
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM memory_entries WHERE tenant_id = ? AND character_id = ?`,
		tenantID, characterID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count memory: %w", err)
	}
	entries, err := db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries WHERE tenant_id = ? AND character_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, tenantID, characterID, page.Limit, page.Offset)
	return entries, total, err
}

// RecentSaid returns the texts of up to n of the character's newest said lines, newest
// first, by memory_by_kind_newest. Only the text is read: this is every speak's look at
// what the character said lately, and reading whole entries (sixteen columns, each copied
// out of SQLite) cost a tenth of a speak. (An index holding the text as well would spare
// the row lookups, but PostgreSQL refuses index rows over 2,704 bytes, and a line may be
// 2,000 characters of up to four bytes each.)
func (db *DB) RecentSaid(ctx context.Context, tenantID, characterID string, n int) ([]string, error) {
	rows, err := db.readRows(ctx, `SELECT text FROM memory_entries WHERE tenant_id = ? AND character_id = ? AND kind = 'said'
		ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, characterID, n)
	if err != nil {
		return nil, fmt.Errorf("store: recent said: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, fmt.Errorf("store: recent said: %w", err)
		}
		out = append(out, text)
	}
	return out, rows.Err()
}

// MemoryCandidates returns up to n entries a prompt answering the player of playerID may
// draw on: facts, and heard or said lines pinned so they outlive the folds, of the shared
// memory (no player) and about that player, never about another. Pinned entries come
// first, then those about the player, each group newest first; an empty playerID gets the
// shared memory only (player_id is NULL, never ”, for entries about no player).
func (db *DB) MemoryCandidates(ctx context.Context, tenantID, characterID, playerID string, n int) ([]domain.MemoryEntry, error) {
	return db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries
		WHERE tenant_id = ? AND character_id = ? AND (kind = 'fact' OR (pinned = 1 AND kind IN ('heard', 'said')))
			AND (player_id IS NULL OR player_id = ?)
		ORDER BY pinned DESC, CASE WHEN player_id = ? THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT ?`,
		tenantID, characterID, playerID, playerID, n)
}

// UnsummarizedMemory returns heard and said entries not yet folded, oldest first; pinned
// entries are never folded, so they are left out.
func (db *DB) UnsummarizedMemory(ctx context.Context, tenantID, characterID string) ([]domain.MemoryEntry, error) {
	return db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries
		WHERE tenant_id = ? AND character_id = ? AND summarized = 0 AND pinned = 0 AND kind IN ('heard', 'said')
		ORDER BY created_at, id`, tenantID, characterID)
}

// UnsummarizedCount counts what UnsummarizedMemory returns, from the memory_to_fold index
// alone. SQLite is told the index: left to choose, it takes memory_by_kind_newest and
// walks every heard and said line the character ever had (PostgreSQL weighs the partial
// index's size and takes it).
func (db *DB) UnsummarizedCount(ctx context.Context, tenantID, characterID string) (int, error) {
	from := `memory_entries`
	if db.dialect == SQLite {
		from += ` INDEXED BY memory_to_fold`
	}
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM `+from+`
		WHERE tenant_id = ? AND character_id = ? AND summarized = 0 AND pinned = 0 AND kind IN ('heard', 'said')`,
		tenantID, characterID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count unsummarized memory: %w", err)
	}
	return n, nil
}

// GetMemoryEntry returns one of the character's entries, or domain.ErrNotFound.
func (db *DB) GetMemoryEntry(ctx context.Context, tenantID, characterID, id string) (*domain.MemoryEntry, error) {
	entries, err := db.queryMemory(ctx, `SELECT `+memoryColumns+` FROM memory_entries
		WHERE tenant_id = ? AND character_id = ? AND id = ?`, tenantID, characterID, id)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, domain.ErrNotFound
	}
	return &entries[0], nil
}

// UpdateMemoryEntry writes the entry's text, importance and pinned flag, or returns
// domain.ErrNotFound.
func (db *DB) UpdateMemoryEntry(ctx context.Context, e *domain.MemoryEntry) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE memory_entries SET text = ?, importance = ?, pinned = ?
			WHERE tenant_id = ? AND character_id = ? AND id = ?`),
			e.Text, e.Importance, boolInt(e.Pinned), e.TenantID, e.CharacterID, e.ID)
		if err != nil {
			return fmt.Errorf("store: update memory: %w", err)
		}
		return oneRow(res)
	})
}

// DeleteMemoryEntry deletes one of the character's entries, or returns domain.ErrNotFound.
func (db *DB) DeleteMemoryEntry(ctx context.Context, tenantID, characterID, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM memory_entries WHERE tenant_id = ? AND character_id = ? AND id = ?`),
			tenantID, characterID, id)
		if err != nil {
			return fmt.Errorf("store: delete memory: %w", err)
		}
		return oneRow(res)
	})
}

// The statements of a fold, prepared once on SQLite (see txExec).
const (
	setSummarySQL     = `UPDATE characters SET memory_summary = ? WHERE tenant_id = ? AND id = ? AND memory_summary = ?`
	markSummarizedSQL = `UPDATE memory_entries SET summarized = 1 WHERE tenant_id = ? AND id = ? AND summarized = 0 AND pinned = 0`
)

// FoldMemory sets the running summary, marks the folded entries and stores the summary
// entry in one transaction, with the pending metered use of ctx (the summary's model call).
func (db *DB) FoldMemory(ctx context.Context, tenantID, characterID, previous, summary string, folded []string, entry domain.MemoryEntry) error {
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		res, err := db.txExec(ctx, tx, setSummarySQL, summary, tenantID, characterID, previous)
		if err != nil {
			return fmt.Errorf("store: set summary: %w", err)
		}
		if err := oneRow(res); err != nil {
			return domain.ErrConflict
		}
		for _, id := range folded {
			// An entry pinned or deleted since the fold read it is not folded: the fold
			// gives way (ErrConflict) and the next one reads again.
			res, err := db.txExec(ctx, tx, markSummarizedSQL, tenantID, id)
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
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query memory: %w", err)
	}
	defer rows.Close()
	out := []domain.MemoryEntry{}
	for rows.Next() {
		e, err := scanMemory(rows)
		if err != nil {
			return nil, err
		}
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

// scanMemory reads one row of memoryColumns.
func scanMemory(s scanner) (domain.MemoryEntry, error) {
	var (
		e                  domain.MemoryEntry
		kind, source       string
		summarized, pinned int
		createdAt          int64
		requestID          sql.NullString
		playerID, cnv, trn sql.NullString
		event              sql.NullString
	)
	if err := s.Scan(&e.ID, &e.TenantID, &e.CharacterID, &kind, &e.Text, &e.Speaker, &e.Importance, &summarized, &createdAt,
		&pinned, &source, &requestID, &playerID, &cnv, &trn, &event); err != nil {
		return e, err
	}
	e.Kind, e.Summarized, e.CreatedAt = domain.MemoryKind(kind), summarized != 0, time.UnixMicro(createdAt).UTC()
	e.Pinned, e.PlayerID = pinned != 0, playerID.String
	e.Source = domain.MemorySource{
		Type: domain.MemorySourceType(source), RequestID: requestID.String, ConversationID: cnv.String, TurnID: trn.String,
		EventID: event.String,
	}
	return e, nil
}

// nullIfEmpty stores an unknown id (of a request, player, conversation or turn) as NULL,
// so "none" is one value in the database whichever writer left it out.
func nullIfEmpty(id string) any {
	if id == "" {
		return nil
	}
	return id
}
