-- Metered use: one counter per (data space, hour, key, metric, engine, model, detail),
-- added to by upsert in the transaction of the work it counts. hour is the Unix time in
-- seconds of the hour's start (UTC); quantities are in each metric's base unit (audio in
-- milliseconds); cost is the estimate in billionths of a US dollar.
CREATE TABLE usage_counters (
    tenant_id      TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    hour           BIGINT NOT NULL,
    metric         TEXT NOT NULL,
    engine         TEXT NOT NULL,
    model          TEXT NOT NULL,
    detail         TEXT NOT NULL,
    quantity       BIGINT NOT NULL,
    cost_nano_usd  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, hour, key_id, metric, engine, model, detail)
);

-- The key whose request created a job, so the job's use is counted for it.
ALTER TABLE jobs ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
