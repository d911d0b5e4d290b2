-- Idempotency keys: one row per (data space, key). A row without completed_at is claimed by
-- a request still running (or one that died: locked_until says when a retry may take it
-- over); a completed row holds the response to replay. Headers are a JSON object of string
-- lists, the body is base64, so the same TEXT columns serve SQLite and PostgreSQL. Times
-- are Unix microseconds (UTC); a row past expires_at is treated as absent.
CREATE TABLE idempotency_keys (
    tenant_id         TEXT NOT NULL,
    idem_key          TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    request_id        TEXT NOT NULL,
    claim_token       TEXT,
    locked_until      BIGINT,
    response_status   INTEGER,
    response_headers  TEXT,
    response_body     TEXT,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    completed_at      BIGINT,
    PRIMARY KEY (tenant_id, idem_key)
);

CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
