-- Webhook endpoints, the events they receive and every delivery attempt. tenant_id is the
-- data space (a test key's endpoints and events live in its tenant's test space). events
-- is a JSON array of event types; previous_secret signs too until
-- previous_secret_expires_at, so a receiver can switch secrets without missing an event.
-- An event's data holds the subject of events that are not about a job (a budget
-- threshold, as JSON); a job event names its job and renders it when it is sent. Times are
-- Unix microseconds (UTC).
CREATE TABLE webhook_endpoints (
    id                          TEXT PRIMARY KEY,
    tenant_id                   TEXT NOT NULL,
    url                         TEXT NOT NULL,
    events                      TEXT NOT NULL,
    description                 TEXT NOT NULL,
    enabled                     BOOLEAN NOT NULL,
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  BIGINT,
    created_at                  BIGINT NOT NULL,
    updated_at                  BIGINT NOT NULL
);

CREATE INDEX webhook_endpoints_by_tenant_newest ON webhook_endpoints (tenant_id, created_at DESC, id DESC);

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    type        TEXT NOT NULL,
    job_id      TEXT,
    data        TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX events_by_tenant_newest ON events (tenant_id, created_at);
CREATE INDEX events_by_age ON events (created_at);

-- No foreign keys: a delivery outlives the endpoint it went to (the event still lists it)
-- and retention deletes events and their deliveries together.
CREATE TABLE event_deliveries (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL,
    endpoint_id  TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    status_code  INTEGER NOT NULL,
    error        TEXT,
    at           BIGINT NOT NULL,
    duration_us  BIGINT NOT NULL
);

CREATE INDEX event_deliveries_by_event ON event_deliveries (event_id, at);
