-- Worlds. content holds the generated world as JSON; seed and the parameter columns are
-- what it was generated from. Times are Unix microseconds (UTC), portable and sortable.
CREATE TABLE worlds (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    seed        BIGINT NOT NULL,
    name        TEXT NOT NULL,
    param_name  TEXT,
    genre       TEXT NOT NULL,
    tone        TEXT NOT NULL,
    size        TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX worlds_by_tenant_newest ON worlds (tenant_id, created_at DESC, id DESC);
