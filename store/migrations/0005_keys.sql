-- Tenants and their API keys. A key's secret is never stored: secret_hash is its hex
-- SHA-256 (keys are random enough that a slow hash would add nothing) and display the few
-- characters lists show. scopes is a comma-separated list; times are Unix microseconds.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    mode          TEXT NOT NULL,
    name          TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    tier          TEXT NOT NULL,
    display       TEXT NOT NULL,
    secret_hash   TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE INDEX api_keys_by_tenant_newest ON api_keys (tenant_id, created_at DESC, id DESC);
