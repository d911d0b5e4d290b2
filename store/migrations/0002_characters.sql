-- Characters and their memory. JSON columns (taboo_words, metadata, places) are TEXT so
-- one schema serves SQLite and PostgreSQL. Times are Unix microseconds (UTC).
CREATE TABLE characters (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    archetype       TEXT NOT NULL,
    skill_tier      TEXT NOT NULL,
    world_id        TEXT NOT NULL DEFAULT '',
    mood            TEXT NOT NULL,
    personality     TEXT NOT NULL,
    custom_lore     TEXT NOT NULL,
    acting_prompt   TEXT NOT NULL,
    voice_id        TEXT NOT NULL,
    avatar_url      TEXT NOT NULL DEFAULT '',
    taboo_words     TEXT NOT NULL,
    metadata        TEXT NOT NULL,
    seed            BIGINT NOT NULL,
    engine          TEXT NOT NULL,
    model           TEXT NOT NULL,
    home            TEXT NOT NULL DEFAULT '',
    world_name      TEXT NOT NULL DEFAULT '',
    world_brief     TEXT NOT NULL DEFAULT '',
    places          TEXT NOT NULL,
    memory_summary  TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE INDEX characters_by_tenant_newest ON characters (tenant_id, created_at DESC, id DESC);

CREATE TABLE memory_entries (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    character_id  TEXT NOT NULL,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    speaker       TEXT NOT NULL DEFAULT '',
    importance    DOUBLE PRECISION NOT NULL,
    summarized    INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE INDEX memory_by_character_newest ON memory_entries (tenant_id, character_id, created_at DESC, id DESC);
CREATE INDEX memory_unsummarized ON memory_entries (tenant_id, character_id, summarized, created_at);
