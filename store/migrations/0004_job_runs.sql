-- Who is running a job (the replica, and the token of its one claim), until when, and
-- which replicas are alive: a processing job whose replica stopped heartbeating, or whose
-- lease ran out, is handed back to the queue.
ALTER TABLE jobs ADD COLUMN runner_id TEXT;
ALTER TABLE jobs ADD COLUMN claim_token TEXT;
ALTER TABLE jobs ADD COLUMN lease_until BIGINT;

CREATE INDEX jobs_by_status ON jobs (status, lease_until);

CREATE TABLE replicas (
    id            TEXT PRIMARY KEY,
    started_at    BIGINT NOT NULL,
    heartbeat_at  BIGINT NOT NULL
);
