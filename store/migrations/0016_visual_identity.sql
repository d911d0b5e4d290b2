-- A character's sprites, and the cache of identical image and speech requests.
-- Times are Unix microseconds (UTC).
--
-- characters.sprites is a JSON object of emotion to file id (the character's portrait per
-- emotion), NULL until a sprites job made some. A finishing sprites job merges its emotions
-- into it in one statement, so two sets made at once never lose one's sprites.
ALTER TABLE characters ADD COLUMN sprites TEXT;

-- media_cache: the stored result of an image or speech request, by the SHA-256 of the
-- normalised request (engine, model and parameters included), per tenant. file_id is the
-- newest copy of the result: each hit copies the bytes into its own job's file and points
-- the entry at it. An entry lives as long as its file: lookups join files, and deleting a
-- job's files deletes the entries that point at them.
CREATE TABLE media_cache (
    tenant_id   TEXT NOT NULL,
    cache_key   TEXT NOT NULL,
    job_type    TEXT NOT NULL,
    file_id     TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, cache_key)
);

CREATE INDEX media_cache_by_file ON media_cache (file_id);
