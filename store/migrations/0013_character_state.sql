-- What characters feel, what they think of the players and characters they meet, and what
-- game events told them.
-- Times are Unix microseconds (UTC); trust, affinity and emotion levels are floating point.
--
-- characters.emotion_levels is a JSON object of Plutchik's eight emotions to levels 0–1, as
-- they were at emotion_updated_at; a reader decays them to the present toward the mood's
-- baseline. Both are NULL for a character never moved, which feels its baseline. Writers
-- compare both before replacing them, so two exchanges at once never lose one's move.
ALTER TABLE characters ADD COLUMN emotion_levels TEXT;
ALTER TABLE characters ADD COLUMN emotion_updated_at BIGINT;

-- characters.game_state is a JSON object of what game events told the character of the
-- game's state ("time_of_day": "night"), NULL until an event sets some; writers compare
-- it before replacing it, as they do the feelings. memory_entries.source_event_id names the
-- game event (gev_…) that wrote an entry, NULL for entries no event wrote.
ALTER TABLE characters ADD COLUMN game_state TEXT;
ALTER TABLE memory_entries ADD COLUMN source_event_id TEXT;

-- relationships: one row per character and target (a player by the game's id, or another
-- character by id), made at the first interaction. trust and affinity are −1…1 and are
-- moved in place by one upsert, so concurrent moves add up. target_name is what the target
-- was last called; a move that knows no name (a game event) keeps it.
CREATE TABLE relationships (
    tenant_id     TEXT NOT NULL,
    character_id  TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     TEXT NOT NULL,
    target_name   TEXT NOT NULL,
    trust         DOUBLE PRECISION NOT NULL DEFAULT 0,
    affinity      DOUBLE PRECISION NOT NULL DEFAULT 0,
    interactions  INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, character_id, target_type, target_id)
);

CREATE INDEX relationships_by_recent ON relationships (tenant_id, character_id, updated_at DESC);
CREATE INDEX relationships_by_target ON relationships (tenant_id, target_type, target_id);

-- relationship_changes: every non-zero move, with the values it left and its cause, and
-- the source that made it as memory entries name theirs.
CREATE TABLE relationship_changes (
    id                      TEXT PRIMARY KEY,
    tenant_id               TEXT NOT NULL,
    character_id            TEXT NOT NULL,
    target_type             TEXT NOT NULL,
    target_id               TEXT NOT NULL,
    trust_delta             DOUBLE PRECISION NOT NULL,
    affinity_delta          DOUBLE PRECISION NOT NULL,
    trust_after             DOUBLE PRECISION NOT NULL,
    affinity_after          DOUBLE PRECISION NOT NULL,
    cause                   TEXT NOT NULL,
    source_type             TEXT NOT NULL,
    source_request_id       TEXT,
    source_conversation_id  TEXT,
    source_turn_id          TEXT,
    source_event_id         TEXT,
    created_at              BIGINT NOT NULL
);

CREATE INDEX relationship_changes_by_pair ON relationship_changes (tenant_id, character_id, target_type, target_id, created_at DESC);
-- Erasing a player and applying a retention find every change toward a player by target.
CREATE INDEX relationship_changes_by_target ON relationship_changes (tenant_id, target_type, target_id, created_at);
