-- Memory and relationship reads on every exchange, by partial indexes holding only the rows each read wants,
-- so their cost stays flat however long a character's history grows (without them both
-- walked every entry of the character).
--
-- memory_to_fold: the heard and said lines neither folded into the summary nor pinned,
-- oldest first. Each exchange counts them (is a fold due?), and a fold reads them.
CREATE INDEX memory_to_fold ON memory_entries (tenant_id, character_id, created_at, id)
    WHERE summarized = 0 AND pinned = 0 AND kind IN ('heard', 'said');
-- It replaces this one, which also held every fact (never summarized), so the planner
-- walked them all to count a dozen lines.
DROP INDEX memory_unsummarized;

-- memory_by_kind_newest: a character's newest entries of one kind (its last said lines
-- go in every prompt, so it does not repeat itself), without walking the other kinds.
CREATE INDEX memory_by_kind_newest ON memory_entries (tenant_id, character_id, kind, created_at DESC, id DESC);

-- memory_recallable: facts and pinned lines, newest first: what a prompt's recall picks
-- among.
CREATE INDEX memory_recallable ON memory_entries (tenant_id, character_id, created_at DESC, id DESC)
    WHERE kind = 'fact' OR (pinned = 1 AND kind IN ('heard', 'said'));

-- relationship_changes_by_pair_newest: a relationship's latest changes, in the order they
-- are read (newest first, ties by id). It replaces relationship_changes_by_pair, whose
-- order lacked the id, so reading the latest five sorted a whole history.
CREATE INDEX relationship_changes_by_pair_newest
    ON relationship_changes (tenant_id, character_id, target_type, target_id, created_at DESC, id DESC);
DROP INDEX relationship_changes_by_pair;
