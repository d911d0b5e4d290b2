-- How long each data space keeps memory entries about players, for the periodic cleanup.
-- One row per data space that set a retention; a space without one keeps the entries
-- until they are erased. player_memory_days is 1 to 3650; updated_at is Unix
-- microseconds (UTC).
CREATE TABLE player_retention (
    tenant_id           TEXT PRIMARY KEY,
    player_memory_days  INTEGER NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- The cleanup deletes a space's entries about players older than its retention, oldest
-- first: this partial index holds only entries that name a player, by age, so the delete
-- reads what it removes and nothing else (memory_by_player serves one player's entries).
CREATE INDEX memory_by_player_age ON memory_entries (tenant_id, created_at) WHERE player_id IS NOT NULL;
