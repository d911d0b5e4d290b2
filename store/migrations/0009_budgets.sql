-- Monthly spend caps, one per data space. monthly_limit is in the metric's API unit (US
-- dollars, tokens, characters, seconds, images). notified_period (Unix microseconds of
-- the month's start) and notified_threshold (0, 80 or 100) record the highest threshold
-- already announced that month, so each is announced once whichever replica sees it
-- first; setting the cap again starts the count over. updated_at is Unix microseconds.
CREATE TABLE budgets (
    tenant_id           TEXT PRIMARY KEY,
    metric              TEXT NOT NULL,
    monthly_limit       DOUBLE PRECISION NOT NULL,
    hard_limit          BOOLEAN NOT NULL,
    notified_period     BIGINT NOT NULL,
    notified_threshold  INTEGER NOT NULL,
    updated_at          BIGINT NOT NULL
);
