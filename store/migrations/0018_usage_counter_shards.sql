-- Usage counters in shards: every metered write upserts its hour's counter in the
-- transaction of the work it counts, and on PostgreSQL that row's lock is held until the
-- commit, so every concurrent speak of a key queued behind one row (measured: 64
-- concurrent speaks, a dozen at a time waiting on it, ~300 req/s). Counters are now
-- written here, each up to N rows told apart by shard, so writers spread over them.
--
-- usage_counters stays as it was and readers sum both tables: it holds the counts from
-- before this migration, and replicas of the previous release, still running during a
-- rolling deploy, go on writing their 7-column upserts to it unharmed. (Rebuilding it
-- with a shard in its key would have failed those upserts, and a copy would have lost
-- whatever they committed while it ran.) SQLite writes with one connection, so it always
-- writes shard 0.
CREATE TABLE usage_counter_shards (
    tenant_id      TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    hour           BIGINT NOT NULL,
    metric         TEXT NOT NULL,
    engine         TEXT NOT NULL,
    model          TEXT NOT NULL,
    detail         TEXT NOT NULL,
    shard          INTEGER NOT NULL,
    quantity       BIGINT NOT NULL,
    cost_nano_usd  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, hour, key_id, metric, engine, model, detail, shard)
);
