-- Usage counters in shards: every metered write upserts its hour's counter in the
-- transaction of the work it counts, and on PostgreSQL that row's lock is held until the
-- commit, so every concurrent speak of a key queued behind one row (measured: 64
-- concurrent speaks, a dozen at a time waiting on it, ~300 req/s). Each counter is now
-- up to N rows told apart by shard; writers spread over them and readers sum them, as
-- they already did over hours. Existing counts move to shard 0. (SQLite writes with one
-- connection, so it always writes shard 0.)
CREATE TABLE usage_counters_sharded (
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
INSERT INTO usage_counters_sharded
    (tenant_id, key_id, hour, metric, engine, model, detail, shard, quantity, cost_nano_usd)
    SELECT tenant_id, key_id, hour, metric, engine, model, detail, 0, quantity, cost_nano_usd FROM usage_counters;
DROP TABLE usage_counters;
ALTER TABLE usage_counters_sharded RENAME TO usage_counters;
