-- Lorebooks (world info, as Character Card V2/V3 books), which characters and worlds they
-- are attached to, and the Character Card fields of a character that have no other home.
-- Times are Unix microseconds (UTC); booleans are 0/1 integers, as everywhere else.
--
-- lorebooks.entries is the book's entries as a JSON array of {"id", "name", "comment",
-- "keys", "secondary_keys", "selective", "selective_logic", "content", "constant",
-- "enabled", "case_sensitive", "use_regex", "insertion_order", "priority", "position",
-- "category", "decorators": [{"name", "value", "supported"}], "extensions"}; extensions
-- (the book's column and each entry's) are the card's own JSON objects, kept as written.
-- world_id is the world the book was generated from, '' for a studio's own book; a book
-- outlives its world. updated_at is what an update compares before it writes.
CREATE TABLE lorebooks (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    scan_depth          INTEGER NOT NULL,
    token_budget        INTEGER NOT NULL,
    recursive_scanning  INTEGER NOT NULL DEFAULT 0,
    world_id            TEXT NOT NULL DEFAULT '',
    extensions          TEXT NOT NULL DEFAULT '{}',
    entries             TEXT NOT NULL DEFAULT '[]',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

CREATE INDEX lorebooks_by_tenant_newest ON lorebooks (tenant_id, created_at DESC, id DESC);

-- lorebook_links: one row per owner (a character or a world, by id: the prefixes keep the
-- two apart) and book it knows, position ordering an owner's books from 0. Deleting a book
-- deletes its links (by lorebook_links_by_book), deleting an owner deletes its own.
CREATE TABLE lorebook_links (
    tenant_id    TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    lorebook_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, owner_id, lorebook_id)
);

CREATE INDEX lorebook_links_by_book ON lorebook_links (tenant_id, lorebook_id);

-- characters.profile is a JSON object of {"description", "scenario", "first_message",
-- "alternate_greetings", "example_messages", "system_prompt", "post_history_instructions",
-- "tags", "creator", "creator_notes", "character_version", "nickname"}, every key optional;
-- characters from before profiles read as an empty one.
ALTER TABLE characters ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
