-- Conversations between a tenant's characters, their turns, and the players and turns
-- memory entries name. JSON columns are TEXT so one schema serves SQLite and PostgreSQL.
-- Times are Unix microseconds (UTC).
--
-- conversations: participants is a JSON array of character ids in creation order; players
-- a JSON array of {"id", "name"}, grown by the turns that name new players; world_id is
-- NULL when the scene has no world. turn_count is the character turns taken so far and
-- guards every append (an advance writes turn turn_count + 1 only if no other got there
-- first); status is 'active' or 'ended', which it becomes once turn_count reaches
-- max_turns. seed makes the director's tie-breaks reproducible.
CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    participants     TEXT NOT NULL,
    world_id         TEXT,
    scene            TEXT NOT NULL,
    topic            TEXT NOT NULL,
    players          TEXT NOT NULL,
    max_turns        INTEGER NOT NULL,
    max_consecutive  INTEGER NOT NULL,
    seed             BIGINT NOT NULL,
    turn_count       INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'active',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE INDEX conversations_by_tenant_newest ON conversations (tenant_id, created_at DESC, id DESC);

-- conversation_turns: idx counts a conversation's character turns from 1; the unique
-- (conversation_id, idx) is the last line of defence against two advances writing the
-- same turn, and serves listing turns in order. message is the player's line the turn
-- answers as JSON {"speaker", "text", "player_id"}, NULL when there was none. decisions is
-- the director's record, a JSON array of {"character_id", "name", "decision", "priority",
-- "reason", "excluded_because"}; moderation is JSON {"flagged", "action", "categories"}.
-- No foreign key to conversations: the store deletes a conversation's turns with it.
CREATE TABLE conversation_turns (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL,
    conversation_id    TEXT NOT NULL,
    idx                INTEGER NOT NULL,
    message            TEXT,
    speaker_id         TEXT NOT NULL,
    speaker_name       TEXT NOT NULL,
    text               TEXT NOT NULL,
    emotion            TEXT NOT NULL,
    chosen_because     TEXT NOT NULL,
    decisions          TEXT NOT NULL,
    engine             TEXT NOT NULL,
    model              TEXT NOT NULL,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    moderation         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    UNIQUE (conversation_id, idx)
);

-- memory_entries: player_id is the game's id of the player an entry is about, NULL when
-- none was named; the index lets every entry about one player be found (and erased)
-- without scanning the tenant's memory. source_conversation_id and source_turn_id name the
-- conversation turn that wrote the entry, NULL for entries no turn wrote. Entries outlive
-- the conversation: they belong to the characters.
ALTER TABLE memory_entries ADD COLUMN player_id TEXT;
ALTER TABLE memory_entries ADD COLUMN source_conversation_id TEXT;
ALTER TABLE memory_entries ADD COLUMN source_turn_id TEXT;

CREATE INDEX memory_by_player ON memory_entries (tenant_id, player_id);
