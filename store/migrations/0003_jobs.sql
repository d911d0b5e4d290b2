-- Jobs (the API's own record of async work), the media files they make, webhook delivery
-- attempts, and per-tenant secrets. Times are Unix microseconds (UTC).
CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    type          TEXT NOT NULL,
    status        TEXT NOT NULL,
    request       TEXT NOT NULL,
    result        TEXT,
    error         TEXT,
    webhook_url   TEXT NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    queue_id      BIGINT,
    created_at    BIGINT NOT NULL,
    started_at    BIGINT,
    completed_at  BIGINT
);

CREATE INDEX jobs_by_tenant_newest ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_by_created ON jobs (created_at);

CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    job_id        TEXT NOT NULL DEFAULT '',
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE INDEX files_by_job ON files (job_id);

CREATE TABLE webhook_deliveries (
    job_id       TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    status_code  INTEGER NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    duration_us  BIGINT NOT NULL
);

CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id, at);

CREATE TABLE tenant_secrets (
    tenant_id       TEXT PRIMARY KEY,
    webhook_secret  TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
