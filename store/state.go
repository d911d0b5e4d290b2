package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.StateStore = (*DB)(nil)

// RecordExchange writes the entries and the state changes in one transaction, with the
// pending metered use of ctx.
func (db *DB) RecordExchange(ctx context.Context, tenantID string, entries []domain.MemoryEntry, changes []domain.StateChange) error {
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := db.insertMemory(ctx, tx, e); err != nil {
				return err
			}
		}
		return db.applyStateChanges(ctx, tx, tenantID, changes)
	})
}

// feelRetries bounds the compare-and-swap of a character's feelings and game state: each retry means
// another exchange moved them in between, which a handful of concurrent exchanges on one
// character cannot keep doing.
const feelRetries = 8

// applyStateChanges moves feelings and relationships within tx, in the order of character
// and target: two transactions touching the same rows then lock them in the same order,
// so PostgreSQL never has to break a deadlock between two turns of one cast.
func (db *DB) applyStateChanges(ctx context.Context, tx *sql.Tx, tenantID string, changes []domain.StateChange) error {
	changes = slices.Clone(changes)
	slices.SortStableFunc(changes, func(a, b domain.StateChange) int {
		if c := strings.Compare(a.CharacterID, b.CharacterID); c != 0 {
			return c
		}
		return strings.Compare(targetKey(a.Relation), targetKey(b.Relation))
	})
	for _, ch := range changes {
		var one int
		err := db.txRow(ctx, tx, characterExistsSQL, tenantID, ch.CharacterID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			// Deleted while the exchange ran: its memory went with it, so does this.
			continue
		}
		if err != nil {
			return fmt.Errorf("store: read character: %w", err)
		}
		if len(ch.Feel) > 0 {
			if err := db.moveFeelings(ctx, tx, tenantID, ch); err != nil {
				return err
			}
		}
		if ch.Relation != nil {
			if err := db.moveRelationship(ctx, tx, tenantID, ch); err != nil {
				return err
			}
		}
		if len(ch.GameState) > 0 {
			if err := db.mergeGameState(ctx, tx, tenantID, ch); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeGameState merges the change's game state into the character's, compared and
// swapped as moveFeelings does.
func (db *DB) mergeGameState(ctx context.Context, tx *sql.Tx, tenantID string, ch domain.StateChange) error {
	for range feelRetries {
		var stored sql.NullString
		if err := db.txRow(ctx, tx, readGameStateSQL, tenantID, ch.CharacterID).Scan(&stored); err != nil {
			return fmt.Errorf("store: read game state: %w", err)
		}
		var state map[string]string
		if stored.Valid {
			if err := json.Unmarshal([]byte(stored.String), &state); err != nil {
				return fmt.Errorf("store: decode game state: %w", err)
			}
		}
		body, err := json.Marshal(domain.MergeGameState(state, ch.GameState))
		if err != nil {
			return fmt.Errorf("store: encode game state: %w", err)
		}
		res, err := db.txExec(ctx, tx, writeGameStateSQL, string(body), tenantID, ch.CharacterID, stored)
		if err != nil {
			return fmt.Errorf("store: write game state: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: write game state: %w", err)
		} else if n == 1 {
			return nil
		}
	}
	return fmt.Errorf("store: game state of %s: %w", ch.CharacterID, domain.ErrConflict)
}

// moveFeelings reads the character's feelings, moves them and writes them back only if
// nobody wrote in between (SELECT … FOR UPDATE is not portable); on PostgreSQL each
// statement sees what others committed, so a lost race rereads and tries again.
func (db *DB) moveFeelings(ctx context.Context, tx *sql.Tx, tenantID string, ch domain.StateChange) error {
	for range feelRetries {
		var levels sql.NullString
		var feltAt sql.NullInt64
		err := db.txRow(ctx, tx, readFeelingsSQL, tenantID, ch.CharacterID).Scan(&levels, &feltAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: read feelings: %w", err)
		}
		var old domain.Feelings
		if levels.Valid && feltAt.Valid {
			if old, err = decodeFeelings(levels.String, feltAt.Int64); err != nil {
				return err
			}
		}
		// A change dated before the last one (clocks of two replicas) moves from the
		// stored time, never back in time.
		at := ch.At
		if at.Before(old.UpdatedAt) {
			at = old.UpdatedAt
		}
		moved := old.Moved(ch.Mood, ch.Feel, at)
		body, err := json.Marshal(moved.Levels)
		if err != nil {
			return fmt.Errorf("store: encode feelings: %w", err)
		}
		res, err := db.txExec(ctx, tx, writeFeelingsSQL, string(body), at.UnixMicro(), tenantID, ch.CharacterID, levels, feltAt)
		if err != nil {
			return fmt.Errorf("store: write feelings: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: write feelings: %w", err)
		} else if n == 1 {
			return nil
		}
	}
	return fmt.Errorf("store: feelings of %s: %w", ch.CharacterID, domain.ErrConflict)
}

// moveRelationship upserts the relationship with the move added in place, so concurrent
// moves add up, and records a non-zero move with the values it left.
func (db *DB) moveRelationship(ctx context.Context, tx *sql.Tx, tenantID string, ch domain.StateChange) error {
	m := ch.Relation
	at := ch.At.UnixMicro()
	var trust, affinity float64
	err := db.txRow(ctx, tx, moveRelationshipSQL[db.dialect],
		tenantID, ch.CharacterID, string(m.Target.Type), m.Target.ID, nameOr(m.Target),
		clampUnit(m.Trust), clampUnit(m.Affinity), at, at, m.Target.ID).Scan(&trust, &affinity)
	if err != nil {
		return fmt.Errorf("store: move relationship: %w", err)
	}
	if m.Trust == 0 && m.Affinity == 0 {
		return nil
	}
	source := m.Source.Type
	if source == "" {
		source = domain.MemorySourceUnknown
	}
	_, err = db.txExec(ctx, tx, insertRelationshipChangeSQL,
		domain.NewID(domain.PrefixRelationshipChange, ch.At), tenantID, ch.CharacterID, string(m.Target.Type), m.Target.ID,
		m.Trust, m.Affinity, trust, affinity, m.Cause, string(source), nullIfEmpty(m.Source.RequestID),
		nullIfEmpty(m.Source.ConversationID), nullIfEmpty(m.Source.TurnID), nullIfEmpty(m.Source.EventID), at)
	if err != nil {
		return fmt.Errorf("store: record relationship change: %w", err)
	}
	return nil
}

// The statements of an exchange's state changes, prepared once on SQLite (see txExec).
const (
	characterExistsSQL = `SELECT 1 FROM characters WHERE tenant_id = ? AND id = ?`
	readGameStateSQL   = `SELECT game_state FROM characters WHERE tenant_id = ? AND id = ?`
	writeGameStateSQL  = `UPDATE characters SET game_state = ?
		WHERE tenant_id = ? AND id = ? AND game_state IS NOT DISTINCT FROM ?`
	readFeelingsSQL  = `SELECT emotion_levels, emotion_updated_at FROM characters WHERE tenant_id = ? AND id = ?`
	writeFeelingsSQL = `UPDATE characters SET emotion_levels = ?, emotion_updated_at = ?
		WHERE tenant_id = ? AND id = ? AND emotion_levels IS NOT DISTINCT FROM ? AND emotion_updated_at IS NOT DISTINCT FROM ?`
	insertRelationshipChangeSQL = `INSERT INTO relationship_changes
		(id, tenant_id, character_id, target_type, target_id, trust_delta, affinity_delta, trust_after, affinity_after,
		 cause, source_type, source_request_id, source_conversation_id, source_turn_id, source_event_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// moveRelationshipSQL is, per dialect, the upsert of a relationship with a move added:
// built once, as every exchange runs it.
var moveRelationshipSQL = map[Dialect]string{SQLite: moveRelationshipIn(SQLite), Postgres: moveRelationshipIn(Postgres)}

func moveRelationshipIn(d Dialect) string {
	return `INSERT INTO relationships
		(tenant_id, character_id, target_type, target_id, target_name, trust, affinity, interactions, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
		ON CONFLICT (tenant_id, character_id, target_type, target_id) DO UPDATE SET
			trust = ` + clamped(d, "relationships.trust + excluded.trust") + `, affinity = ` + clamped(d, "relationships.affinity + excluded.affinity") + `,
			interactions = relationships.interactions + 1, updated_at = excluded.updated_at,
			target_name = CASE WHEN excluded.target_name = ? THEN relationships.target_name ELSE excluded.target_name END
		RETURNING trust, affinity`
}

func targetKey(m *domain.RelationMove) string {
	if m == nil {
		return ""
	}
	return string(m.Target.Type) + "/" + m.Target.ID
}

// nameOr is the target's name, or its id when the move knows no name: the upsert then
// keeps the name already stored.
func nameOr(t domain.Target) string {
	if t.Name == "" {
		return t.ID
	}
	return t.Name
}

// clamped is expr kept within −1…1 in the dialect's SQL (SQLite's two-argument min and
// max are PostgreSQL's LEAST and GREATEST).
func clamped(d Dialect, expr string) string {
	if d == Postgres {
		return "LEAST(GREATEST(" + expr + ", -1), 1)"
	}
	return "min(max(" + expr + ", -1), 1)"
}

func clampUnit(x float64) float64 { return min(max(x, -1), 1) }

// round3 drops the float noise sums leave ("-0.6000000000000001"): trust and affinity
// move in steps of hundredths.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

const relationshipColumns = `character_id, target_type, target_id, target_name, trust, affinity, interactions, created_at, updated_at`

// Relationship returns the character's relationship with the target with its five latest
// changes, or domain.ErrNotFound.
func (db *DB) Relationship(ctx context.Context, tenantID, characterID string, targetType domain.TargetType, targetID string) (*domain.Relationship, error) {
	r, err := scanRelationship(db.readRow(ctx, `SELECT `+relationshipColumns+` FROM relationships
		WHERE tenant_id = ? AND character_id = ? AND target_type = ? AND target_id = ?`,
		tenantID, characterID, string(targetType), targetID), tenantID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if r.Recent, err = db.relationshipChanges(ctx, db.read, tenantID, r, recentChanges); err != nil {
		return nil, err
	}
	return r, nil
}

// recentChanges is how many changes a read of one relationship carries.
const recentChanges = 5

// ListRelationships returns a page of the character's relationships, the most recently
// changed first, each with up to recent of its latest changes, and the total.
func (db *DB) ListRelationships(ctx context.Context, tenantID, characterID string, page domain.Page, recent int) ([]domain.Relationship, int, error) {
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM relationships WHERE tenant_id = ? AND character_id = ?`,
		tenantID, characterID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count relationships: %w", err)
	}
	rows, err := db.readRows(ctx, `SELECT `+relationshipColumns+` FROM relationships
		WHERE tenant_id = ? AND character_id = ? ORDER BY updated_at DESC, target_type, target_id LIMIT ? OFFSET ?`,
		tenantID, characterID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list relationships: %w", err)
	}
	out := []domain.Relationship{}
	for rows.Next() {
		r, err := scanRelationship(rows, tenantID)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: list relationships: %w", err)
		}
		out = append(out, *r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list relationships: %w", err)
	}
	for i := range out {
		if out[i].Recent, err = db.relationshipChanges(ctx, db.read, tenantID, &out[i], recent); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// relationshipChanges returns up to n of the relationship's latest changes, newest first,
// read through q.
func (db *DB) relationshipChanges(ctx context.Context, q querier, tenantID string, r *domain.Relationship, n int) ([]domain.RelationshipChange, error) {
	out := []domain.RelationshipChange{}
	if n <= 0 {
		return out, nil
	}
	const query = `SELECT id, trust_delta, affinity_delta, trust_after, affinity_after, cause,
		source_type, source_request_id, source_conversation_id, source_turn_id, source_event_id, created_at
		FROM relationship_changes WHERE tenant_id = ? AND character_id = ? AND target_type = ? AND target_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`
	args := []any{tenantID, r.CharacterID, string(r.TargetType), r.TargetID, n}
	var rows *sql.Rows
	var err error
	if q == querier(db.read) {
		rows, err = db.readRows(ctx, query, args...)
	} else {
		rows, err = q.QueryContext(ctx, db.q(query), args...)
	}
	if err != nil {
		return nil, fmt.Errorf("store: relationship changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c domain.RelationshipChange
		var source string
		var requestID, conversationID, turnID, eventID sql.NullString
		var at int64
		if err := rows.Scan(&c.ID, &c.TrustDelta, &c.AffinityDelta, &c.TrustAfter, &c.AffinityAfter, &c.Cause,
			&source, &requestID, &conversationID, &turnID, &eventID, &at); err != nil {
			return nil, fmt.Errorf("store: relationship changes: %w", err)
		}
		c.Source = domain.MemorySource{Type: domain.MemorySourceType(source), RequestID: requestID.String,
			ConversationID: conversationID.String, TurnID: turnID.String, EventID: eventID.String}
		c.CreatedAt = time.UnixMicro(at).UTC()
		c.TrustDelta, c.AffinityDelta = round3(c.TrustDelta), round3(c.AffinityDelta)
		c.TrustAfter, c.AffinityAfter = round3(c.TrustAfter), round3(c.AffinityAfter)
		out = append(out, c)
	}
	return out, rows.Err()
}

func scanRelationship(s scanner, tenantID string) (*domain.Relationship, error) {
	r := domain.Relationship{TenantID: tenantID}
	var targetType string
	var createdAt, updatedAt int64
	if err := s.Scan(&r.CharacterID, &targetType, &r.TargetID, &r.TargetName, &r.Trust, &r.Affinity, &r.Interactions,
		&createdAt, &updatedAt); err != nil {
		return nil, err
	}
	r.TargetType = domain.TargetType(targetType)
	r.Trust, r.Affinity = round3(r.Trust), round3(r.Affinity)
	r.CreatedAt, r.UpdatedAt = time.UnixMicro(createdAt).UTC(), time.UnixMicro(updatedAt).UTC()
	return &r, nil
}

// decodeFeelings reads the stored levels and their time.
func decodeFeelings(levels string, at int64) (domain.Feelings, error) {
	f := domain.Feelings{UpdatedAt: time.UnixMicro(at).UTC()}
	if err := json.Unmarshal([]byte(levels), &f.Levels); err != nil {
		return domain.Feelings{}, fmt.Errorf("store: decode feelings: %w", err)
	}
	return f, nil
}
