package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// The job transitions. The ones that must commit with the queue's own records (finish,
// cancel, requeue) take the caller's transaction; the queue adapter opens it, so the job
// row, its file row, its character's avatar and its webhook job commit together.

// aliveRunners is the set of replicas that heartbeat at or after the bound parameter.
const aliveRunners = `(SELECT id FROM replicas WHERE heartbeat_at >= ?)`

// ClaimJob moves a job to processing for the claim's runner and counts the attempt: from
// pending, or from processing when nobody holds it (released, lease run out, or its runner
// stopped heartbeating).
func (db *DB) ClaimJob(ctx context.Context, id string, c domain.Claim) (*domain.Job, error) {
	var job *domain.Job
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// COALESCE keeps the first start time across attempts.
		res, err := tx.ExecContext(ctx, db.q(`UPDATE jobs SET status = 'processing', attempts = attempts + 1,
			started_at = COALESCE(started_at, ?), runner_id = ?, claim_token = ?, lease_until = ?
			WHERE id = ? AND (status = 'pending' OR status = 'processing' AND (claim_token IS NULL OR lease_until < ?
				OR runner_id NOT IN `+aliveRunners+`))`),
			c.At.UnixMicro(), c.Runner, c.Token, c.LeaseUntil.UnixMicro(), id, c.At.UnixMicro(), c.AliveSince.UnixMicro())
		if err != nil {
			return fmt.Errorf("store: claim job: %w", err)
		}
		claimed := oneRow(res) == nil
		// The worker needs the row, not its webhook deliveries.
		job, err = scanJob(tx.QueryRowContext(ctx, db.q(`SELECT `+jobColumns+` FROM jobs WHERE id = ?`), id))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNotFound
		}
		if err != nil {
			return err
		}
		switch {
		case claimed:
			return nil
		case job.Status.Terminal():
			return domain.ErrConflict
		default:
			return domain.ErrJobBusy
		}
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}

// ReleaseJob gives up the claim with the token on a processing job. The runner stays
// recorded: should it die before the queue's next attempt comes, its missed heartbeats
// hand the job on, instead of the job waiting out the lease.
func (db *DB) ReleaseJob(ctx context.Context, id, token string, leaseUntil time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`UPDATE jobs SET claim_token = NULL, lease_until = ?
		WHERE id = ? AND claim_token = ? AND status = 'processing'`), leaseUntil.UnixMicro(), id, token)
	if err != nil {
		return fmt.Errorf("store: release job: %w", err)
	}
	return nil
}

// StaleJobs lists processing jobs whose lease ran out at now, or whose runner's last
// heartbeat is older than aliveSince.
func (db *DB) StaleJobs(ctx context.Context, now, aliveSince time.Time, limit int) ([]domain.StaleJob, error) {
	// A slightly old read is fine (RequeueJobTx checks the job is still as seen), so this
	// scan, every few seconds on every replica, keeps off SQLite's single writer.
	rows, err := db.readRows(ctx, `SELECT id, type, COALESCE(runner_id, ''), COALESCE(lease_until, 0) FROM jobs
		WHERE status = 'processing' AND (COALESCE(lease_until, 0) < ? OR runner_id NOT IN `+aliveRunners+`)
		ORDER BY created_at LIMIT ?`, now.UnixMicro(), aliveSince.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: stale jobs: %w", err)
	}
	defer rows.Close()
	var out []domain.StaleJob
	for rows.Next() {
		var j domain.StaleJob
		var lease int64
		var typ string
		if err := rows.Scan(&j.ID, &typ, &j.Runner, &lease); err != nil {
			return nil, err
		}
		j.Type, j.LeaseUntil = domain.JobType(typ), time.UnixMicro(lease).UTC()
		out = append(out, j)
	}
	return out, rows.Err()
}

// RequeueJobTx releases a stale job as it was seen, inside the transaction that queues
// its new work. It reports false, changing nothing, when the job has moved on since.
func (db *DB) RequeueJobTx(ctx context.Context, tx *sql.Tx, j domain.StaleJob, leaseUntil time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, db.q(`UPDATE jobs SET runner_id = NULL, claim_token = NULL, lease_until = ?
		WHERE id = ? AND status = 'processing' AND COALESCE(runner_id, '') = ? AND COALESCE(lease_until, 0) = ?`),
		leaseUntil.UnixMicro(), j.ID, j.Runner, j.LeaseUntil.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("store: requeue job: %w", err)
	}
	return oneRow(res) == nil, nil
}

// Heartbeat records that the replica is alive.
func (db *DB) Heartbeat(ctx context.Context, replicaID string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO replicas (id, started_at, heartbeat_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`), replicaID, at.UnixMicro(), at.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: heartbeat: %w", err)
	}
	return nil
}

// ForgetReplicas deletes the rows of replicas silent since the time.
func (db *DB) ForgetReplicas(ctx context.Context, before time.Time) error {
	_, err := db.write.ExecContext(ctx, db.q(`DELETE FROM replicas WHERE heartbeat_at < ?`), before.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: forget replicas: %w", err)
	}
	return nil
}

// FinishJobTx moves a processing job held by the outcome's claim to its terminal status
// with its result or error, stores the file it made and links an avatar to its character.
// It returns ErrConflict, having written nothing, when the job is not the claim's.
func (db *DB) FinishJobTx(ctx context.Context, tx *sql.Tx, out domain.JobOutcome) error {
	var resultJSON, errJSON sql.NullString
	if out.Result != nil {
		b, err := json.Marshal(out.Result)
		if err != nil {
			return err
		}
		if string(b) != "null" {
			resultJSON = sql.NullString{String: string(b), Valid: true}
		}
	}
	if out.Error != nil {
		b, err := json.Marshal(storedError{Code: string(out.Error.Code), Message: out.Error.Message, Details: out.Error.Details})
		if err != nil {
			return err
		}
		errJSON = sql.NullString{String: string(b), Valid: true}
	}
	res, err := tx.ExecContext(ctx, db.q(`UPDATE jobs SET status = ?, result = ?, error = ?, completed_at = ?,
		runner_id = NULL, claim_token = NULL, lease_until = NULL
		WHERE id = ? AND status = 'processing' AND claim_token = ?`),
		string(out.Status), resultJSON, errJSON, out.At.UnixMicro(), out.JobID, out.Claim)
	if err != nil {
		return fmt.Errorf("store: finish job: %w", err)
	}
	if err := oneRow(res); err != nil {
		return domain.ErrConflict
	}
	for i, f := range out.Files {
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO files (id, tenant_id, job_id, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			f.ID, f.TenantID, f.JobID, f.ContentType, f.Size, f.CreatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("store: insert file: %w", err)
		}
		if i == 0 && out.AvatarOf != "" {
			// A character deleted meanwhile matches no row, which is fine.
			_, err = tx.ExecContext(ctx, db.q(`UPDATE characters SET avatar_url = ? WHERE tenant_id = ? AND id = ?`), f.ID, f.TenantID, out.AvatarOf)
			if err != nil {
				return fmt.Errorf("store: set avatar: %w", err)
			}
		}
	}
	if out.Sprites != nil && len(out.Files) > 0 {
		if err := db.MergeSpritesTx(ctx, tx, out.Files[0].TenantID, out.Sprites); err != nil {
			return err
		}
	}
	if e := out.Cache; e != nil {
		_, err = tx.ExecContext(ctx, db.q(`INSERT INTO media_cache (tenant_id, cache_key, job_type, file_id, result, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, cache_key) DO UPDATE SET job_type = excluded.job_type, file_id = excluded.file_id,
			result = excluded.result, created_at = excluded.created_at`),
			e.TenantID, e.Key, string(e.JobType), e.FileID, string(e.Result), e.CreatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("store: cache result: %w", err)
		}
	}
	return nil
}

// MergeSpritesTx sets the character's sprites of the link's emotions to its files,
// keeping its other emotions', in one statement: two sets finishing at once both land.
// A character deleted meanwhile matches no row, which is fine.
func (db *DB) MergeSpritesTx(ctx context.Context, tx *sql.Tx, tenantID string, link *domain.SpriteLink) error {
	set := make(map[string]string, len(link.Emotions))
	for i, e := range link.Emotions {
		if i < len(link.FileIDs) {
			set[string(e)] = link.FileIDs[i]
		}
	}
	patch, err := json.Marshal(set)
	if err != nil {
		return err
	}
	merge := `json_patch(COALESCE(sprites, '{}'), ?)`
	if db.dialect == Postgres {
		merge = `(COALESCE(sprites, '{}')::jsonb || ?::jsonb)::text`
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE characters SET sprites = `+merge+` WHERE tenant_id = ? AND id = ?`),
		string(patch), tenantID, link.CharacterID); err != nil {
		return fmt.Errorf("store: set sprites: %w", err)
	}
	return nil
}

// CachedResult returns the tenant's cache entry of key whose file still exists, or
// ErrNotFound.
func (db *DB) CachedResult(ctx context.Context, tenantID, key string) (*domain.CacheEntry, error) {
	var (
		e         = domain.CacheEntry{TenantID: tenantID, Key: key}
		typ, res  string
		createdAt int64
	)
	err := db.readRow(ctx, `SELECT c.job_type, c.file_id, c.result, c.created_at FROM media_cache c
		JOIN files f ON f.id = c.file_id AND f.tenant_id = c.tenant_id
		WHERE c.tenant_id = ? AND c.cache_key = ?`, tenantID, key).Scan(&typ, &e.FileID, &res, &createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("store: cached result: %w", err)
	}
	e.JobType, e.Result, e.CreatedAt = domain.JobType(typ), json.RawMessage(res), time.UnixMicro(createdAt).UTC()
	return &e, nil
}

// CancelJobTx moves the tenant's pending or processing job to canceled. On ErrConflict the
// returned job shows the status it had already reached.
func (db *DB) CancelJobTx(ctx context.Context, tx *sql.Tx, tenantID, id string, at time.Time) (*domain.Job, error) {
	res, err := tx.ExecContext(ctx, db.q(`UPDATE jobs SET status = 'canceled', completed_at = ?, runner_id = NULL, claim_token = NULL, lease_until = NULL
		WHERE tenant_id = ? AND id = ? AND status IN ('pending', 'processing')`), at.UnixMicro(), tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("store: cancel job: %w", err)
	}
	changed := oneRow(res) == nil
	job, err := db.oneJob(ctx, tx, `WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err != nil {
		return nil, err
	}
	if !changed {
		return job, domain.ErrConflict
	}
	return job, nil
}

// KnownFiles returns which of the ids have a file row.
func (db *DB) KnownFiles(ctx context.Context, ids []string) (map[string]bool, error) {
	known := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return known, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.readRows(ctx, `SELECT id FROM files WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: known files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		known[id] = true
	}
	return known, rows.Err()
}

// PendingJob is a pending job and the id of the queue's work for it.
type PendingJob struct {
	ID      string
	Type    domain.JobType
	QueueID int64
}

// OldPendingJobs lists up to limit pending jobs created before the time, oldest first: the
// ones whose queued work the queue should have started by now.
func (db *DB) OldPendingJobs(ctx context.Context, createdBefore time.Time, limit int) ([]PendingJob, error) {
	rows, err := db.readRows(ctx, `SELECT id, type, COALESCE(queue_id, 0) FROM jobs
		WHERE status = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?`, createdBefore.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending jobs: %w", err)
	}
	defer rows.Close()
	var out []PendingJob
	for rows.Next() {
		var j PendingJob
		var typ string
		if err := rows.Scan(&j.ID, &typ, &j.QueueID); err != nil {
			return nil, err
		}
		j.Type = domain.JobType(typ)
		out = append(out, j)
	}
	return out, rows.Err()
}

// StillPendingTx reports, inside the transaction that would queue new work for it,
// whether the job is still pending with the same queued work as seen.
func (db *DB) StillPendingTx(ctx context.Context, tx *sql.Tx, j PendingJob) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, db.q(`SELECT count(*) FROM jobs WHERE id = ? AND status = 'pending' AND COALESCE(queue_id, 0) = ?`),
		j.ID, j.QueueID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: pending job: %w", err)
	}
	return n == 1, nil
}
