-- Pinned memory entries and where each entry came from. pinned (0 or 1, like summarized)
-- keeps an entry out of every summary fold. source_type is speak, react, summary or api;
-- entries written before sources were kept stay 'unknown'. source_request_id is the
-- X-Request-Id of the request that wrote the entry, NULL when there was none.
ALTER TABLE memory_entries ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memory_entries ADD COLUMN source_type TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE memory_entries ADD COLUMN source_request_id TEXT;
