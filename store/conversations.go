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

var _ domain.ConversationStore = (*DB)(nil)

const conversationColumns = `id, tenant_id, participants, world_id, scene, topic, players, max_turns, max_consecutive,
	seed, turn_count, status, created_at, updated_at`

const turnColumns = `id, tenant_id, conversation_id, idx, message, speaker_id, speaker_name, text, emotion,
	chosen_because, decisions, engine, model, prompt_tokens, completion_tokens, moderation, created_at, actions`

// The JSON shapes of the conversation columns live here rather than as tags on the domain
// types, so renaming a domain field never silently changes what is stored. Every key is
// always written (no omitempty): the stored shape is the same for every row.
type (
	playerJSON struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	messageJSON struct {
		Speaker  string `json:"speaker"`
		Text     string `json:"text"`
		PlayerID string `json:"player_id"`
	}
	decisionJSON struct {
		CharacterID     string  `json:"character_id"`
		Name            string  `json:"name"`
		Decision        string  `json:"decision"`
		Priority        float64 `json:"priority"`
		Reason          string  `json:"reason"`
		ExcludedBecause string  `json:"excluded_because"`
	}
	moderationJSON struct {
		Flagged    bool     `json:"flagged"`
		Action     string   `json:"action"`
		Categories []string `json:"categories"`
	}
)

// CreateConversation stores a new conversation. An empty status is stored as active: a
// conversation stored without one could otherwise never be advanced.
func (db *DB) CreateConversation(ctx context.Context, c *domain.Conversation) error {
	participants, err := json.Marshal(nonNil(c.Participants))
	if err != nil {
		return fmt.Errorf("store: encode conversation: %w", err)
	}
	players, err := playersJSON(c.Players)
	if err != nil {
		return err
	}
	status := c.Status
	if status == "" {
		status = domain.ConversationActive
	}
	var worldID any
	if c.WorldID != nil {
		worldID = *c.WorldID
	}
	_, err = db.write.ExecContext(ctx, db.q(`INSERT INTO conversations (`+conversationColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		c.ID, c.TenantID, string(participants), worldID, c.Scene, c.Topic, players, c.MaxTurns, c.MaxConsecutive,
		c.Seed, c.TurnCount, string(status), c.CreatedAt.UnixMicro(), c.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: insert conversation: %w", err)
	}
	return nil
}

// GetConversation returns the tenant's conversation, or domain.ErrNotFound.
func (db *DB) GetConversation(ctx context.Context, tenantID, id string) (*domain.Conversation, error) {
	return db.getConversation(ctx, db.read, tenantID, id)
}

// getConversation reads through q so AppendTurn can read inside its transaction (on
// SQLite the read pool would not see the transaction's own writes).
func (db *DB) getConversation(ctx context.Context, q querier, tenantID, id string) (*domain.Conversation, error) {
	c, err := scanConversation(q.QueryRowContext(ctx, db.q(`SELECT `+conversationColumns+` FROM conversations WHERE tenant_id = ? AND id = ?`), tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get conversation: %w", err)
	}
	return c, nil
}

// ListConversations returns a page of the tenant's conversations, newest first, and the
// total.
func (db *DB) ListConversations(ctx context.Context, tenantID string, page domain.Page) ([]domain.Conversation, int, error) {
	return listPage(ctx, db, "conversations", conversationColumns, `tenant_id = ?`, []any{tenantID}, page, scanConversation)
}

// DeleteConversation deletes the conversation and its turns in one transaction, or
// returns domain.ErrNotFound. The memory entries its turns wrote stay: they belong to the
// characters.
func (db *DB) DeleteConversation(ctx context.Context, tenantID, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM conversations WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("store: delete conversation: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM conversation_turns WHERE tenant_id = ? AND conversation_id = ?`), tenantID, id); err != nil {
			return fmt.Errorf("store: delete turns: %w", err)
		}
		return nil
	})
}

// ListTurns returns a page of the conversation's turns, oldest first, and the total. A
// conversation the tenant does not have simply has no turns; telling "not found" apart is
// the caller's GetConversation.
func (db *DB) ListTurns(ctx context.Context, tenantID, conversationID string, page domain.Page) ([]domain.Turn, int, error) {
	var total int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM conversation_turns WHERE tenant_id = ? AND conversation_id = ?`,
		tenantID, conversationID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count turns: %w", err)
	}
	turns, err := db.queryTurns(ctx, `SELECT `+turnColumns+` FROM conversation_turns WHERE tenant_id = ? AND conversation_id = ?
		ORDER BY idx LIMIT ? OFFSET ?`, tenantID, conversationID, page.Limit, page.Offset)
	if err != nil {
		return nil, 0, err
	}
	return turns, total, nil
}

// RecentTurns returns up to n of the conversation's newest turns, oldest first.
func (db *DB) RecentTurns(ctx context.Context, tenantID, conversationID string, n int) ([]domain.Turn, error) {
	if n <= 0 {
		// PostgreSQL refuses a negative LIMIT where SQLite reads it as "no limit"; neither
		// is what a caller asking for no history means.
		return []domain.Turn{}, nil
	}
	turns, err := db.queryTurns(ctx, `SELECT `+turnColumns+` FROM conversation_turns WHERE tenant_id = ? AND conversation_id = ?
		ORDER BY idx DESC LIMIT ?`, tenantID, conversationID, n)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(turns)-1; i < j; i, j = i+1, j-1 {
		turns[i], turns[j] = turns[j], turns[i]
	}
	return turns, nil
}

// AppendTurn records the turn, the conversation's new count (and end, at max_turns), the
// players it adds, the memory entries and the state changes (see RecordExchange), with
// the pending metered use of ctx, in one transaction. The count moves only from turn.Index-1 while the conversation is active,
// so of two advances that read the same count one writes and the other gets
// domain.ErrConflict with nothing written; domain.ErrNotFound when the conversation is
// gone. updated_at becomes the turn's time.
func (db *DB) AppendTurn(ctx context.Context, turn *domain.Turn, players []domain.Player, entries []domain.MemoryEntry, changes []domain.StateChange) (*domain.Conversation, error) {
	var out *domain.Conversation
	err := db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		// The read is not locked (SELECT … FOR UPDATE is not portable), so the players
		// merged from it may be stale; the guard below then fails and nothing is written.
		c, err := db.getConversation(ctx, tx, turn.TenantID, turn.ConversationID)
		if err != nil {
			return err
		}
		read, err := playersJSON(c.Players)
		if err != nil {
			return err
		}
		merged, err := playersJSON(mergePlayers(c.Players, players))
		if err != nil {
			return err
		}
		// players = read as well: an erasure of a player (which changes players and not
		// turn_count) between the read and this write must not be undone by it. Every
		// writer encodes players with playersJSON, so the text compares exactly.
		res, err := tx.ExecContext(ctx, db.q(`UPDATE conversations SET turn_count = turn_count + 1,
			status = CASE WHEN turn_count + 1 >= max_turns THEN 'ended' ELSE status END, players = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ? AND turn_count = ? AND status = 'active' AND players = ?`),
			merged, turn.CreatedAt.UnixMicro(), turn.TenantID, turn.ConversationID, turn.Index-1, read)
		if err != nil {
			return fmt.Errorf("store: count turn: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: count turn: %w", err)
		}
		if n == 0 {
			// On PostgreSQL a delete committed since the read is visible to this new
			// statement, so a conversation deleted meanwhile is reported as gone rather
			// than as a lost race.
			if _, err := db.getConversation(ctx, tx, turn.TenantID, turn.ConversationID); err != nil {
				return err
			}
			return domain.ErrConflict
		}
		if err := db.insertTurn(ctx, tx, turn); err != nil {
			return err
		}
		for _, e := range entries {
			if err := db.insertMemory(ctx, tx, e); err != nil {
				return err
			}
		}
		if err := db.applyStateChanges(ctx, tx, turn.TenantID, changes); err != nil {
			return err
		}
		out, err = db.getConversation(ctx, tx, turn.TenantID, turn.ConversationID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) insertTurn(ctx context.Context, tx *sql.Tx, t *domain.Turn) error {
	var message any
	if t.Message != nil {
		b, err := json.Marshal(messageJSON{Speaker: t.Message.Speaker, Text: t.Message.Text, PlayerID: t.Message.PlayerID})
		if err != nil {
			return fmt.Errorf("store: encode turn message: %w", err)
		}
		message = string(b)
	}
	decisions := make([]decisionJSON, len(t.Decisions))
	for i, d := range t.Decisions {
		decisions[i] = decisionJSON{
			CharacterID: d.CharacterID, Name: d.Name, Decision: d.Decision, Priority: d.Priority, Reason: d.Reason,
			ExcludedBecause: d.ExcludedBecause,
		}
	}
	// A NaN or infinite priority cannot be encoded; failing here keeps a bad record out.
	dj, err := json.Marshal(decisions)
	if err != nil {
		return fmt.Errorf("store: encode turn decisions: %w", err)
	}
	mj, err := json.Marshal(moderationJSON{Flagged: t.Moderation.Flagged, Action: t.Moderation.Action, Categories: nonNil(t.Moderation.Categories)})
	if err != nil {
		return fmt.Errorf("store: encode turn moderation: %w", err)
	}
	actions, err := encodeTurnActions(t)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO conversation_turns (`+turnColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		t.ID, t.TenantID, t.ConversationID, t.Index, message, t.SpeakerID, t.SpeakerName, t.Text, string(t.Emotion),
		t.ChosenBecause, string(dj), t.Engine, t.Model, t.Usage.PromptTokens, t.Usage.CompletionTokens, string(mj), t.CreatedAt.UnixMicro(), actions)
	if err != nil {
		return fmt.Errorf("store: insert turn: %w", err)
	}
	return nil
}

func (db *DB) queryTurns(ctx context.Context, query string, args ...any) ([]domain.Turn, error) {
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query turns: %w", err)
	}
	defer rows.Close()
	out := []domain.Turn{}
	for rows.Next() {
		t, err := scanTurn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: query turns: %w", err)
	}
	return out, nil
}

func scanTurn(s scanner) (*domain.Turn, error) {
	var (
		t                              domain.Turn
		message                        sql.NullString
		emotion, decisions, moderation string
		actions                        string
		createdAt                      int64
	)
	if err := s.Scan(&t.ID, &t.TenantID, &t.ConversationID, &t.Index, &message, &t.SpeakerID, &t.SpeakerName, &t.Text, &emotion,
		&t.ChosenBecause, &decisions, &t.Engine, &t.Model, &t.Usage.PromptTokens, &t.Usage.CompletionTokens, &moderation, &createdAt,
		&actions); err != nil {
		return nil, fmt.Errorf("store: scan turn: %w", err)
	}
	if err := decodeTurnActions(actions, &t); err != nil {
		return nil, err
	}
	t.Emotion, t.CreatedAt = domain.Emotion(emotion), time.UnixMicro(createdAt).UTC()
	if message.Valid {
		var m messageJSON
		if err := json.Unmarshal([]byte(message.String), &m); err != nil {
			return nil, fmt.Errorf("store: decode turn %s message: %w", t.ID, err)
		}
		t.Message = &domain.TurnMessage{Speaker: m.Speaker, Text: m.Text, PlayerID: m.PlayerID}
	}
	var ds []decisionJSON
	if err := json.Unmarshal([]byte(decisions), &ds); err != nil {
		return nil, fmt.Errorf("store: decode turn %s decisions: %w", t.ID, err)
	}
	// Never nil, like the other lists read back, so an empty record renders as [].
	t.Decisions = make([]domain.Decision, len(ds))
	for i, d := range ds {
		t.Decisions[i] = domain.Decision{
			CharacterID: d.CharacterID, Name: d.Name, Decision: d.Decision, Priority: d.Priority, Reason: d.Reason,
			ExcludedBecause: d.ExcludedBecause,
		}
	}
	var m moderationJSON
	if err := json.Unmarshal([]byte(moderation), &m); err != nil {
		return nil, fmt.Errorf("store: decode turn %s moderation: %w", t.ID, err)
	}
	t.Moderation = domain.ModerationOutcome{Flagged: m.Flagged, Action: m.Action, Categories: nonNil(m.Categories)}
	return &t, nil
}

func scanConversation(s scanner) (*domain.Conversation, error) {
	var (
		c                             domain.Conversation
		participants, players, status string
		worldID                       sql.NullString
		createdAt, updatedAt          int64
	)
	if err := s.Scan(&c.ID, &c.TenantID, &participants, &worldID, &c.Scene, &c.Topic, &players, &c.MaxTurns, &c.MaxConsecutive,
		&c.Seed, &c.TurnCount, &status, &createdAt, &updatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(participants), &c.Participants); err != nil {
		return nil, fmt.Errorf("store: decode conversation %s participants: %w", c.ID, err)
	}
	c.Participants = nonNil(c.Participants)
	var ps []playerJSON
	if err := json.Unmarshal([]byte(players), &ps); err != nil {
		return nil, fmt.Errorf("store: decode conversation %s players: %w", c.ID, err)
	}
	c.Players = make([]domain.Player, len(ps))
	for i, p := range ps {
		c.Players[i] = domain.Player{ID: p.ID, Name: p.Name}
	}
	if worldID.Valid {
		c.WorldID = &worldID.String
	}
	c.Status, c.CreatedAt, c.UpdatedAt = domain.ConversationStatus(status), time.UnixMicro(createdAt).UTC(), time.UnixMicro(updatedAt).UTC()
	return &c, nil
}

func playersJSON(ps []domain.Player) (string, error) {
	out := make([]playerJSON, len(ps))
	for i, p := range ps {
		out[i] = playerJSON{ID: p.ID, Name: p.Name}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("store: encode players: %w", err)
	}
	return string(b), nil
}

// mergePlayers appends, in order, the players stored does not list yet. A listed player
// keeps the name characters already know them by, unless it had none: a later request
// naming them differently must not rename them mid-scene.
func mergePlayers(stored, add []domain.Player) []domain.Player {
	out := append([]domain.Player{}, stored...)
	at := make(map[string]int, len(out)+len(add))
	for i, p := range out {
		if _, ok := at[p.ID]; !ok {
			at[p.ID] = i
		}
	}
	for _, p := range add {
		if i, ok := at[p.ID]; ok {
			if out[i].Name == "" {
				out[i].Name = p.Name
			}
			continue
		}
		at[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}
