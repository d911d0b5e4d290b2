package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.PlayerDataStore = (*DB)(nil)

// What Troupe keeps about a player, by the game's player id, is today:
//
//   - memory_entries.player_id (indexed by memory_by_player);
//   - conversations.players, a JSON array of {"id", "name"};
//   - conversation_turns.message, JSON {"speaker", "text", "player_id"}.
//
// ExportPlayer and ErasePlayer below are the one place that reads and erases all of it.
// A table added later that keys data by a player (relationships and feelings toward a
// player, say) must be read by ExportPlayer, in its snapshot, and erased by ErasePlayer,
// in its transaction.
//
// The JSON columns are found with LIKE on the key and value exactly as the store writes
// them (encoding/json, no spaces), then decoded and compared exactly: SQLite's LIKE
// ignores ASCII case, and a pattern only narrows the rows read. Player ids are
// [A-Za-z0-9_.:@-], which JSON writes unescaped; '_' is a LIKE wildcard and is escaped.
// Conversation turns are reached through the tenant's conversations (their index by
// tenant, then each conversation's turns by the unique (conversation_id, idx)), so a
// player's export or erasure reads the tenant's conversations and turns, never another
// tenant's.

// likeEscaper escapes LIKE's wildcards and its escape character (declared as \ below).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// jsonLike returns a LIKE pattern matching a JSON text holding "key":"value".
func jsonLike(key, value string) string {
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	return "%" + likeEscaper.Replace(string(k)+":"+string(v)) + "%"
}

// readSnapshot begins a read-only transaction whose reads all see one state of the
// database: on PostgreSQL REPEATABLE READ, on SQLite any transaction under WAL (its
// snapshot starts at its first read).
func (db *DB) readSnapshot(ctx context.Context) (*sql.Tx, error) {
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: begin read: %w", err)
	}
	return tx, nil
}

// ExportPlayer hands sink, from one snapshot, the player's memory entries across the
// space's characters (oldest first), then every conversation that lists the player or
// has a turn answering a line of theirs (oldest first, their lines in turn order). Rows
// are handed over as they are read: only one conversation's lines are held at a time.
func (db *DB) ExportPlayer(ctx context.Context, tenantID, playerID string, sink domain.PlayerExportSink) error {
	tx, err := db.readSnapshot(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() // read-only: nothing to commit
	if err := db.exportPlayerMemory(ctx, tx, tenantID, playerID, sink); err != nil {
		return err
	}
	if err := db.exportPlayerConversations(ctx, tx, tenantID, playerID, sink); err != nil {
		return err
	}
	return db.exportPlayerRelationships(ctx, tx, tenantID, playerID, sink)
}

// exportPlayerRelationships hands sink every character's relationship with the player,
// oldest first, each with all its changes. A player meets few characters, so the
// relationships are read first and their changes after, one relationship at a time.
func (db *DB) exportPlayerRelationships(ctx context.Context, tx *sql.Tx, tenantID, playerID string, sink domain.PlayerExportSink) error {
	var rs []domain.Relationship
	err := collect(ctx, tx, db.q(`SELECT `+relationshipColumns+` FROM relationships
		WHERE tenant_id = ? AND target_type = ? AND target_id = ? ORDER BY created_at, character_id`),
		[]any{tenantID, string(domain.TargetPlayer), playerID}, func(rows *sql.Rows) error {
			r, err := scanRelationship(rows, tenantID)
			if err == nil {
				rs = append(rs, *r)
			}
			return err
		})
	if err != nil {
		return fmt.Errorf("store: export player relationships: %w", err)
	}
	for i := range rs {
		if rs[i].Recent, err = db.relationshipChanges(ctx, tx, tenantID, &rs[i], math.MaxInt32); err != nil {
			return err
		}
		if err := sink.Relationship(rs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) exportPlayerMemory(ctx context.Context, tx *sql.Tx, tenantID, playerID string, sink domain.PlayerExportSink) error {
	rows, err := tx.QueryContext(ctx, db.q(`SELECT `+memoryColumns+` FROM memory_entries
		WHERE tenant_id = ? AND player_id = ? ORDER BY created_at, id`), tenantID, playerID)
	if err != nil {
		return fmt.Errorf("store: export player memory: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanMemory(rows)
		if err != nil {
			return fmt.Errorf("store: export player memory: %w", err)
		}
		if err := sink.Memory(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export player memory: %w", err)
	}
	return nil
}

func (db *DB) exportPlayerConversations(ctx context.Context, tx *sql.Tx, tenantID, playerID string, sink domain.PlayerExportSink) error {
	// One row per candidate conversation and turn: a conversation whose players may list
	// the player comes with no turn when none of its turns may carry their line.
	rows, err := tx.QueryContext(ctx, db.q(`SELECT c.id, c.players, t.id, t.idx, t.message, t.created_at
		FROM conversations c
		LEFT JOIN conversation_turns t ON t.tenant_id = c.tenant_id AND t.conversation_id = c.id AND t.message LIKE ? ESCAPE '\'
		WHERE c.tenant_id = ? AND (c.players LIKE ? ESCAPE '\' OR t.id IS NOT NULL)
		ORDER BY c.created_at, c.id, t.idx`),
		jsonLike("player_id", playerID), tenantID, jsonLike("id", playerID))
	if err != nil {
		return fmt.Errorf("store: export player conversations: %w", err)
	}
	defer rows.Close()
	var (
		cur    *domain.PlayerConversation
		listed bool
	)
	flush := func() error {
		if cur == nil || (!listed && len(cur.Messages) == 0) {
			return nil // only a LIKE false positive (another case of the id)
		}
		return sink.Conversation(*cur)
	}
	for rows.Next() {
		var (
			convID, players string
			turnID, message sql.NullString
			idx, createdAt  sql.NullInt64
		)
		if err := rows.Scan(&convID, &players, &turnID, &idx, &message, &createdAt); err != nil {
			return fmt.Errorf("store: export player conversations: %w", err)
		}
		if cur == nil || cur.ConversationID != convID {
			if err := flush(); err != nil {
				return err
			}
			ps, err := decodePlayers(convID, players)
			if err != nil {
				return err
			}
			cur, listed = &domain.PlayerConversation{ConversationID: convID, Messages: []domain.PlayerMessage{}}, false
			for _, p := range ps {
				if p.ID == playerID {
					// The first listing's name, as the players list keeps one per player.
					if !listed {
						cur.Name = p.Name
					}
					listed = true
				}
			}
		}
		if !turnID.Valid || !message.Valid {
			continue
		}
		m, err := decodeMessage(turnID.String, message.String)
		if err != nil {
			return err
		}
		if m.PlayerID != playerID {
			continue
		}
		cur.Messages = append(cur.Messages, domain.PlayerMessage{
			TurnID: turnID.String, TurnIndex: int(idx.Int64), Speaker: m.Speaker, Text: m.Text,
			CreatedAt: time.UnixMicro(createdAt.Int64).UTC(),
		})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export player conversations: %w", err)
	}
	return flush()
}

// ErasePlayer erases, in one transaction, every memory entry with the player's id, the
// player's listing in every conversation, every turn message with their id (replaced by
// domain.ErasedText said by domain.ErasedSpeaker with no player id), and every
// character's relationship with them with its recorded changes, and counts what it
// changed. A conversation counts once however much of it changed.
func (db *DB) ErasePlayer(ctx context.Context, tenantID, playerID string) (domain.PlayerErasure, error) {
	var out domain.PlayerErasure
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = domain.PlayerErasure{}
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM memory_entries WHERE tenant_id = ? AND player_id = ?`), tenantID, playerID)
		if err != nil {
			return fmt.Errorf("store: erase player memory: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: erase player memory: %w", err)
		}
		out.MemoriesDeleted = int(n)

		updated := map[string]bool{}
		unlisted, err := db.unlistPlayer(ctx, tx, tenantID, playerID)
		if err != nil {
			return err
		}
		for _, id := range unlisted {
			updated[id] = true
		}
		redacted, err := db.redactPlayerTurns(ctx, tx, tenantID, playerID)
		if err != nil {
			return err
		}
		for _, id := range redacted {
			updated[id] = true
		}
		out.ConversationsUpdated, out.TurnsRedacted = len(updated), len(redacted)
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM relationship_changes WHERE tenant_id = ? AND target_type = ? AND target_id = ?`),
			tenantID, string(domain.TargetPlayer), playerID); err != nil {
			return fmt.Errorf("store: erase player relationship changes: %w", err)
		}
		res, err = tx.ExecContext(ctx, db.q(`DELETE FROM relationships WHERE tenant_id = ? AND target_type = ? AND target_id = ?`),
			tenantID, string(domain.TargetPlayer), playerID)
		if err != nil {
			return fmt.Errorf("store: erase player relationships: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("store: erase player relationships: %w", err)
		}
		out.RelationshipsDeleted = int(n)
		return nil
	})
	if err != nil {
		return domain.PlayerErasure{}, err
	}
	return out, nil
}

// unlistPlayer removes the player from every players list of the tenant's conversations
// and returns the ids of the conversations it changed.
func (db *DB) unlistPlayer(ctx context.Context, tx *sql.Tx, tenantID, playerID string) ([]string, error) {
	type listing struct{ id, players string }
	var found []listing
	err := collect(ctx, tx, db.q(`SELECT id, players FROM conversations WHERE tenant_id = ? AND players LIKE ? ESCAPE '\'`),
		[]any{tenantID, jsonLike("id", playerID)}, func(rows *sql.Rows) error {
			var l listing
			if err := rows.Scan(&l.id, &l.players); err != nil {
				return err
			}
			found = append(found, l)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: erase player listings: %w", err)
	}
	var changed []string
	for _, l := range found {
		did, err := db.unlistFrom(ctx, tx, tenantID, playerID, l.id, l.players)
		if err != nil {
			return nil, err
		}
		if did {
			changed = append(changed, l.id)
		}
	}
	return changed, nil
}

// unlistFrom removes the player from one conversation's players, read as players: the
// write compares the list it read, so a turn adding another player meanwhile is not
// undone; on PostgreSQL each statement sees what others committed, so a lost race
// rereads and tries again.
func (db *DB) unlistFrom(ctx context.Context, tx *sql.Tx, tenantID, playerID, conversationID, players string) (bool, error) {
	for range feelRetries {
		ps, err := decodePlayers(conversationID, players)
		if err != nil {
			return false, err
		}
		kept := make([]domain.Player, 0, len(ps))
		for _, p := range ps {
			if p.ID != playerID {
				kept = append(kept, p)
			}
		}
		if len(kept) == len(ps) {
			return false, nil
		}
		body, err := playersJSON(kept)
		if err != nil {
			return false, err
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE conversations SET players = ? WHERE tenant_id = ? AND id = ? AND players = ?`),
			body, tenantID, conversationID, players)
		if err != nil {
			return false, fmt.Errorf("store: erase player listing: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return false, fmt.Errorf("store: erase player listing: %w", err)
		} else if n == 1 {
			return true, nil
		}
		if err := tx.QueryRowContext(ctx, db.q(`SELECT players FROM conversations WHERE tenant_id = ? AND id = ?`),
			tenantID, conversationID).Scan(&players); errors.Is(err, sql.ErrNoRows) {
			return false, nil
		} else if err != nil {
			return false, fmt.Errorf("store: erase player listing: %w", err)
		}
	}
	return false, fmt.Errorf("store: players of %s: %w", conversationID, domain.ErrConflict)
}

// redactPlayerTurns replaces every turn message with the player's id and returns, for
// each turn it changed, its conversation's id.
func (db *DB) redactPlayerTurns(ctx context.Context, tx *sql.Tx, tenantID, playerID string) ([]string, error) {
	type turnMessage struct{ id, conversationID, message string }
	var found []turnMessage
	err := collect(ctx, tx, db.q(`SELECT t.id, t.conversation_id, t.message FROM conversations c
		JOIN conversation_turns t ON t.tenant_id = c.tenant_id AND t.conversation_id = c.id
		WHERE c.tenant_id = ? AND t.message LIKE ? ESCAPE '\'`),
		[]any{tenantID, jsonLike("player_id", playerID)}, func(rows *sql.Rows) error {
			var m turnMessage
			if err := rows.Scan(&m.id, &m.conversationID, &m.message); err != nil {
				return err
			}
			found = append(found, m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store: erase player lines: %w", err)
	}
	erased, err := json.Marshal(messageJSON{Speaker: domain.ErasedSpeaker, Text: domain.ErasedText})
	if err != nil {
		return nil, fmt.Errorf("store: encode erased line: %w", err)
	}
	var conversations []string
	for _, f := range found {
		m, err := decodeMessage(f.id, f.message)
		if err != nil {
			return nil, err
		}
		if m.PlayerID != playerID {
			continue
		}
		// The turn's actions go too: their reasons and arguments may quote the player's
		// line or name them.
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE conversation_turns SET message = ?, actions = '{"actions":[],"refused":[]}' WHERE tenant_id = ? AND id = ?`),
			string(erased), tenantID, f.id); err != nil {
			return nil, fmt.Errorf("store: erase player line: %w", err)
		}
		conversations = append(conversations, f.conversationID)
	}
	return conversations, nil
}

// collect runs a query in tx and hands each row to f, closing the rows before it returns,
// so the statements that follow never run while rows are open on the transaction.
func collect(ctx context.Context, tx *sql.Tx, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func decodePlayers(conversationID, raw string) ([]domain.Player, error) {
	var ps []playerJSON
	if err := json.Unmarshal([]byte(raw), &ps); err != nil {
		return nil, fmt.Errorf("store: decode conversation %s players: %w", conversationID, err)
	}
	out := make([]domain.Player, len(ps))
	for i, p := range ps {
		out[i] = domain.Player{ID: p.ID, Name: p.Name}
	}
	return out, nil
}

func decodeMessage(turnID, raw string) (messageJSON, error) {
	var m messageJSON
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return m, fmt.Errorf("store: decode turn %s message: %w", turnID, err)
	}
	return m, nil
}

// PlayerRetention returns the space's retention, or domain.ErrNotFound.
func (db *DB) PlayerRetention(ctx context.Context, tenantID string) (*domain.PlayerRetention, error) {
	var r domain.PlayerRetention
	var updated int64
	err := db.readRow(ctx, `SELECT tenant_id, player_memory_days, updated_at FROM player_retention WHERE tenant_id = ?`,
		tenantID).Scan(&r.TenantID, &r.PlayerMemoryDays, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read player retention: %w", err)
	}
	r.UpdatedAt = time.UnixMicro(updated).UTC()
	return &r, nil
}

// PlayerRetentions returns every space's retention, in tenant order.
func (db *DB) PlayerRetentions(ctx context.Context) ([]domain.PlayerRetention, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT tenant_id, player_memory_days, updated_at FROM player_retention ORDER BY tenant_id`)
	if err != nil {
		return nil, fmt.Errorf("store: list player retentions: %w", err)
	}
	defer rows.Close()
	var out []domain.PlayerRetention
	for rows.Next() {
		var r domain.PlayerRetention
		var updated int64
		if err := rows.Scan(&r.TenantID, &r.PlayerMemoryDays, &updated); err != nil {
			return nil, fmt.Errorf("store: list player retentions: %w", err)
		}
		r.UpdatedAt = time.UnixMicro(updated).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutPlayerRetention sets the space's retention; 0 days removes it.
func (db *DB) PutPlayerRetention(ctx context.Context, r *domain.PlayerRetention) error {
	if r.PlayerMemoryDays <= 0 {
		if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM player_retention WHERE tenant_id = ?`), r.TenantID); err != nil {
			return fmt.Errorf("store: delete player retention: %w", err)
		}
		return nil
	}
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO player_retention (tenant_id, player_memory_days, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET player_memory_days = excluded.player_memory_days, updated_at = excluded.updated_at`),
		r.TenantID, r.PlayerMemoryDays, r.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: put player retention: %w", err)
	}
	return nil
}

// DeletePlayerMemoriesBefore deletes up to limit of the space's oldest memory entries
// with a player id written before the cutoff, pinned ones too (memory_by_player_age finds
// them), and up to limit of the recorded relationship changes toward players made before
// it, and returns how many rows it deleted.
func (db *DB) DeletePlayerMemoriesBefore(ctx context.Context, tenantID string, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM memory_entries WHERE tenant_id = ? AND id IN (
		SELECT id FROM memory_entries WHERE tenant_id = ? AND player_id IS NOT NULL AND created_at < ?
		ORDER BY created_at LIMIT ?)`), tenantID, tenantID, before.UnixMicro(), limit)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired player memory: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired player memory: %w", err)
	}
	// The recorded causes of relationship moves quote the player's words too: they go
	// with the memories. The relationships' numbers stay until the player is erased.
	res, err = db.write.ExecContext(ctx, db.q(`DELETE FROM relationship_changes WHERE tenant_id = ? AND id IN (
		SELECT id FROM relationship_changes WHERE tenant_id = ? AND target_type = ? AND created_at < ?
		ORDER BY created_at LIMIT ?)`), tenantID, tenantID, string(domain.TargetPlayer), before.UnixMicro(), limit)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired relationship changes: %w", err)
	}
	m, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete expired relationship changes: %w", err)
	}
	return int(n + m), nil
}
