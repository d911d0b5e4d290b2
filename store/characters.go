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

var _ domain.CharacterStore = (*DB)(nil)

const characterColumns = `id, tenant_id, name, role, archetype, skill_tier, world_id, mood, personality,
	custom_lore, acting_prompt, voice_id, avatar_url, taboo_words, metadata, seed, engine, model,
	home, world_name, world_brief, places, memory_summary, created_at, updated_at, actions`

// characterReadColumns are characterColumns, the feelings and the game state, which only
// exchanges and events write.
const characterReadColumns = characterColumns + `, emotion_levels, emotion_updated_at, game_state`

// CreateCharacters stores all the characters in one transaction, or none of them, with
// the pending metered use of ctx (the model calls that wrote them).
func (db *DB) CreateCharacters(ctx context.Context, cs []*domain.Character) error {
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cs {
			taboo, meta, places, err := characterJSON(c)
			if err != nil {
				return err
			}
			actions, err := encodeCatalogue(c.Actions)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO characters (`+characterColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				c.ID, c.TenantID, c.Name, c.Role, c.Archetype, c.SkillTier, c.WorldID, c.Mood, c.Personality,
				c.CustomLore, c.ActingPrompt, c.VoiceID, c.AvatarFileID, taboo, meta, c.Seed, c.Engine, c.Model,
				c.Home, c.WorldName, c.WorldBrief, places, c.MemorySummary, c.CreatedAt.UnixMicro(), c.UpdatedAt.UnixMicro(), actions); err != nil {
				return fmt.Errorf("store: insert character: %w", err)
			}
		}
		return nil
	})
}

// GetCharacter returns the tenant's character, or domain.ErrNotFound.
func (db *DB) GetCharacter(ctx context.Context, tenantID, id string) (*domain.Character, error) {
	row := db.read.QueryRowContext(ctx, db.q(`SELECT `+characterReadColumns+` FROM characters WHERE tenant_id = ? AND id = ?`), tenantID, id)
	c, err := scanCharacter(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return c, err
}

// ListCharacters returns a page of the tenant's characters, newest first, and the total.
func (db *DB) ListCharacters(ctx context.Context, tenantID string, page domain.Page) ([]domain.Character, int, error) {
	return listPage(ctx, db, "characters", characterReadColumns, `tenant_id = ?`, []any{tenantID}, page, scanCharacter)
}

// UpdateCharacter writes the character's mutable fields, or returns domain.ErrNotFound.
func (db *DB) UpdateCharacter(ctx context.Context, c *domain.Character) error {
	taboo, meta, _, err := characterJSON(c)
	if err != nil {
		return err
	}
	actions, err := encodeCatalogue(c.Actions)
	if err != nil {
		return err
	}
	// avatar_url is left alone: only a finished avatar job sets it (FinishJobTx), and a PATCH
	// racing that job must not undo it.
	// In a transaction with the pending metered use of ctx: an update can follow model calls
	// (a rewritten acting prompt).
	return db.inMeteredTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE characters SET name = ?, mood = ?, personality = ?,
		custom_lore = ?, acting_prompt = ?, engine = ?, model = ?, voice_id = ?, taboo_words = ?, metadata = ?, updated_at = ?,
		actions = ?
		WHERE tenant_id = ? AND id = ?`),
			c.Name, c.Mood, c.Personality, c.CustomLore, c.ActingPrompt, c.Engine, c.Model, c.VoiceID, taboo, meta,
			c.UpdatedAt.UnixMicro(), actions, c.TenantID, c.ID)
		if err != nil {
			return fmt.Errorf("store: update character: %w", err)
		}
		return oneRow(res)
	})
}

// DeleteCharacter deletes the character, its memory and its relationships in one
// transaction; others' relationships with it stay, as memories of it do.
func (db *DB) DeleteCharacter(ctx context.Context, tenantID, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM characters WHERE tenant_id = ? AND id = ?`), tenantID, id)
		if err != nil {
			return fmt.Errorf("store: delete character: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		for _, table := range []string{"memory_entries", "relationships", "relationship_changes"} {
			if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM `+table+` WHERE tenant_id = ? AND character_id = ?`), tenantID, id); err != nil {
				return fmt.Errorf("store: delete %s: %w", table, err)
			}
		}
		return nil
	})
}

func characterJSON(c *domain.Character) (taboo, meta, places string, err error) {
	tb, err1 := json.Marshal(nonNil(c.TabooWords))
	mb, err2 := json.Marshal(c.Metadata)
	pb, err3 := json.Marshal(nonNil(c.Places))
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", "", "", fmt.Errorf("store: encode character: %w", err)
	}
	if c.Metadata == nil {
		mb = []byte("{}")
	}
	return string(tb), string(mb), string(pb), nil
}

func scanCharacter(s scanner) (*domain.Character, error) {
	var (
		c                    domain.Character
		taboo, meta, places  string
		createdAt, updatedAt int64
		levels, gameState    sql.NullString
		feltAt               sql.NullInt64
		actions              string
	)
	if err := s.Scan(&c.ID, &c.TenantID, &c.Name, &c.Role, &c.Archetype, &c.SkillTier, &c.WorldID, &c.Mood,
		&c.Personality, &c.CustomLore, &c.ActingPrompt, &c.VoiceID, &c.AvatarFileID, &taboo, &meta, &c.Seed,
		&c.Engine, &c.Model, &c.Home, &c.WorldName, &c.WorldBrief, &places, &c.MemorySummary, &createdAt, &updatedAt, &actions,
		&levels, &feltAt, &gameState); err != nil {
		return nil, err
	}
	var err error
	if c.Actions, err = decodeCatalogue(actions); err != nil {
		return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
	}
	if gameState.Valid {
		if err := json.Unmarshal([]byte(gameState.String), &c.GameState); err != nil {
			return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
		}
	}
	if levels.Valid && feltAt.Valid {
		f, err := decodeFeelings(levels.String, feltAt.Int64)
		if err != nil {
			return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
		}
		c.Feelings = f
	}
	if err := errors.Join(json.Unmarshal([]byte(taboo), &c.TabooWords), json.Unmarshal([]byte(meta), &c.Metadata),
		json.Unmarshal([]byte(places), &c.Places)); err != nil {
		return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = time.UnixMicro(createdAt).UTC(), time.UnixMicro(updatedAt).UTC()
	return &c, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// oneRow turns "no row changed" into domain.ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// InTx runs f in a transaction on the writer, committing when it returns nil; adapters
// that write alongside the store (the job queue) use it to commit with it.
func (db *DB) InTx(ctx context.Context, f func(*sql.Tx) error) error { return db.inTx(ctx, f) }

// inTx runs f in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}
