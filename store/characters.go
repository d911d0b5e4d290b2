package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.CharacterStore = (*DB)(nil)

const characterColumns = `id, tenant_id, name, role, archetype, skill_tier, world_id, mood, personality,
	custom_lore, acting_prompt, voice_id, avatar_url, taboo_words, metadata, seed, engine, model,
	home, world_name, world_brief, places, memory_summary, created_at, updated_at, actions, profile`

// characterReadColumns are characterColumns, the feelings and the game state, which only
// exchanges and events write, and the sprites, which only sprites jobs write.
const characterReadColumns = characterColumns + `, emotion_levels, emotion_updated_at, game_state, sprites`

// CreateCharacters stores all the characters in one transaction, or none of them, with
// the pending metered use of ctx (the model calls that wrote them). A character's Book,
// when set, is stored in the same transaction and attached first, before its LorebookIDs;
// c.LorebookIDs is set to the books attached (see setLorebookLinks for which those are).
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
			profile, err := encodeProfile(c.Profile)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO characters (`+characterColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				c.ID, c.TenantID, c.Name, c.Role, c.Archetype, c.SkillTier, c.WorldID, c.Mood, c.Personality,
				c.CustomLore, c.ActingPrompt, c.VoiceID, c.AvatarFileID, taboo, meta, c.Seed, c.Engine, c.Model,
				c.Home, c.WorldName, c.WorldBrief, places, c.MemorySummary, c.CreatedAt.UnixMicro(), c.UpdatedAt.UnixMicro(), actions,
				profile); err != nil {
				return fmt.Errorf("store: insert character: %w", err)
			}
			if f := c.Avatar; f != nil {
				// An imported card's image: its bytes are in the media store already.
				if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO files (id, tenant_id, job_id, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
					f.ID, c.TenantID, f.JobID, f.ContentType, f.Size, f.CreatedAt.UnixMicro()); err != nil {
					return fmt.Errorf("store: insert avatar file: %w", err)
				}
			}
			ids := c.LorebookIDs
			if c.Book != nil {
				if err := ownBook(c.Book, c.TenantID); err != nil {
					return err
				}
				if err := db.insertLorebook(ctx, tx, c.Book); err != nil {
					return err
				}
				ids = append([]string{c.Book.ID}, ids...)
			}
			if ids, err = db.setLorebookLinks(ctx, tx, c.TenantID, c.ID, ids); err != nil {
				return err
			}
			c.LorebookIDs = ids
		}
		return nil
	})
}

// GetCharacter returns the tenant's character with its lorebook ids, or
// domain.ErrNotFound.
func (db *DB) GetCharacter(ctx context.Context, tenantID, id string) (*domain.Character, error) {
	c, err := scanCharacterWithBooks(db.readRow(ctx, `SELECT `+characterWithBooksColumns+` FROM characters WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return c, err
}

// characterWithBooksColumns are a character's columns and its lorebook ids: a character
// is read with its books in one query (the read of every exchange).
var characterWithBooksColumns = characterReadColumns + `, ` + lorebookIDsColumn("characters")

// scanCharacterWithBooks scans a row of characterWithBooksColumns.
func scanCharacterWithBooks(s scanner) (*domain.Character, error) {
	var books sql.NullString
	c, err := scanCharacter(withLorebookIDs{s, &books})
	if err != nil {
		return nil, err
	}
	c.LorebookIDs = splitIDs(books)
	return c, nil
}

// ListCharacters returns a page of the tenant's characters, newest first, each with its
// lorebook ids, and the total.
func (db *DB) ListCharacters(ctx context.Context, tenantID string, page domain.Page) ([]domain.Character, int, error) {
	return listPage(ctx, db, "characters", characterWithBooksColumns, `tenant_id = ?`, []any{tenantID}, page, scanCharacterWithBooks)
}

// UpdateCharacter writes the character's mutable fields, its profile included, and
// replaces its lorebooks with c.LorebookIDs (setting it to those attached), or returns
// domain.ErrNotFound.
func (db *DB) UpdateCharacter(ctx context.Context, c *domain.Character) error {
	taboo, meta, _, err := characterJSON(c)
	if err != nil {
		return err
	}
	actions, err := encodeCatalogue(c.Actions)
	if err != nil {
		return err
	}
	profile, err := encodeProfile(c.Profile)
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
		actions = ?, profile = ?
		WHERE tenant_id = ? AND id = ?`),
			c.Name, c.Mood, c.Personality, c.CustomLore, c.ActingPrompt, c.Engine, c.Model, c.VoiceID, taboo, meta,
			c.UpdatedAt.UnixMicro(), actions, profile, c.TenantID, c.ID)
		if err != nil {
			return fmt.Errorf("store: update character: %w", err)
		}
		if err := oneRow(res); err != nil {
			return err
		}
		// Nil links mean unchanged: an update of other fields must not write back links it
		// read before a concurrent change of them.
		if c.LorebookIDs == nil {
			return nil
		}
		// The update holds the character's row lock (on PostgreSQL) until commit, so a
		// DeleteCharacter running now deletes the links written here, not just older ones.
		ids, err := db.setLorebookLinks(ctx, tx, c.TenantID, c.ID, c.LorebookIDs)
		if err != nil {
			return err
		}
		c.LorebookIDs = ids
		return nil
	})
}

// DeleteCharacter deletes the character, its memory, its relationships and its lorebook
// links in one transaction; others' relationships with it stay, as memories of it do, and
// so do its lorebooks, which are the tenant's.
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
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM lorebook_links WHERE tenant_id = ? AND owner_id = ?`), tenantID, id); err != nil {
			return fmt.Errorf("store: delete lorebook links: %w", err)
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
		sprites              sql.NullString
		feltAt               sql.NullInt64
		actions, profile     string
	)
	if err := s.Scan(&c.ID, &c.TenantID, &c.Name, &c.Role, &c.Archetype, &c.SkillTier, &c.WorldID, &c.Mood,
		&c.Personality, &c.CustomLore, &c.ActingPrompt, &c.VoiceID, &c.AvatarFileID, &taboo, &meta, &c.Seed,
		&c.Engine, &c.Model, &c.Home, &c.WorldName, &c.WorldBrief, &places, &c.MemorySummary, &createdAt, &updatedAt, &actions,
		&profile, &levels, &feltAt, &gameState, &sprites); err != nil {
		return nil, err
	}
	var err error
	if c.Actions, err = decodeCatalogue(actions); err != nil {
		return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
	}
	if c.Profile, err = decodeProfile(profile); err != nil {
		return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
	}
	if gameState.Valid {
		if err := json.Unmarshal([]byte(gameState.String), &c.GameState); err != nil {
			return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
		}
	}
	if sprites.Valid {
		if err := json.Unmarshal([]byte(sprites.String), &c.Sprites); err != nil {
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
	if err := errors.Join(json.Unmarshal([]byte(taboo), &c.TabooWords), decodeExact(meta, &c.Metadata),
		json.Unmarshal([]byte(places), &c.Places)); err != nil {
		return nil, fmt.Errorf("store: decode character %s: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = time.UnixMicro(createdAt).UTC(), time.UnixMicro(updatedAt).UTC()
	return &c, nil
}

// decodeExact decodes JSON keeping numbers as written (json.Number): a studio's metadata,
// and an imported card's extensions in it, come back digit for digit.
func decodeExact(s string, v any) error {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	return d.Decode(v)
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

// inGroupTx is inTx for the writes of requests, which on SQLite commit together with the
// ones running at the same time (see groupCommit). f may run in a transaction other
// writes share, so it must do nothing but its own statements in tx.
func (db *DB) inGroupTx(ctx context.Context, f func(*sql.Tx) error) error {
	if db.group == nil {
		return db.inTx(ctx, f)
	}
	return db.group.run(ctx, f)
}

// profileJSON is the shape of characters.profile, kept apart from domain.CharacterProfile
// so renaming a domain field never changes what is stored. Empty fields are left out: an
// empty profile is {}, as rows from before profiles read.
type profileJSON struct {
	Description             string   `json:"description,omitempty"`
	Scenario                string   `json:"scenario,omitempty"`
	FirstMessage            string   `json:"first_message,omitempty"`
	AlternateGreetings      []string `json:"alternate_greetings,omitempty"`
	ExampleMessages         string   `json:"example_messages,omitempty"`
	SystemPrompt            string   `json:"system_prompt,omitempty"`
	PostHistoryInstructions string   `json:"post_history_instructions,omitempty"`
	Tags                    []string `json:"tags,omitempty"`
	Creator                 string   `json:"creator,omitempty"`
	CreatorNotes            string   `json:"creator_notes,omitempty"`
	CharacterVersion        string   `json:"character_version,omitempty"`
	Nickname                string   `json:"nickname,omitempty"`
}

func encodeProfile(p domain.CharacterProfile) (string, error) {
	b, err := json.Marshal(profileJSON{
		Description: p.Description, Scenario: p.Scenario, FirstMessage: p.FirstMessage,
		AlternateGreetings: p.AlternateGreetings, ExampleMessages: p.ExampleMessages, SystemPrompt: p.SystemPrompt,
		PostHistoryInstructions: p.PostHistoryInstructions, Tags: p.Tags, Creator: p.Creator,
		CreatorNotes: p.CreatorNotes, CharacterVersion: p.CharacterVersion, Nickname: p.Nickname,
	})
	if err != nil {
		return "", fmt.Errorf("store: encode character profile: %w", err)
	}
	return string(b), nil
}

// decodeProfile reads what encodeProfile wrote; empty lists read as nil.
func decodeProfile(raw string) (domain.CharacterProfile, error) {
	var p profileJSON
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return domain.CharacterProfile{}, fmt.Errorf("profile: %w", err)
	}
	return domain.CharacterProfile{
		Description: p.Description, Scenario: p.Scenario, FirstMessage: p.FirstMessage,
		AlternateGreetings: nilIfEmpty(p.AlternateGreetings), ExampleMessages: p.ExampleMessages, SystemPrompt: p.SystemPrompt,
		PostHistoryInstructions: p.PostHistoryInstructions, Tags: nilIfEmpty(p.Tags), Creator: p.Creator,
		CreatorNotes: p.CreatorNotes, CharacterVersion: p.CharacterVersion, Nickname: p.Nickname,
	}, nil
}
