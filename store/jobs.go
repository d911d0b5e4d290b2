package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.JobStore = (*DB)(nil)

const jobColumns = `id, tenant_id, type, status, request, result, error, webhook_url, attempts, created_at, started_at, completed_at, key_id`

// InsertJobTx writes a new job's row inside the caller's transaction, the one that also
// enqueues its work.
func (db *DB) InsertJobTx(ctx context.Context, tx *sql.Tx, j *domain.Job) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO jobs (id, tenant_id, type, status, request, webhook_url, attempts, created_at, key_id)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`),
		j.ID, j.TenantID, string(j.Type), string(j.Status), string(j.Request), j.WebhookURL, j.CreatedAt.UnixMicro(), j.KeyID)
	if err != nil {
		return fmt.Errorf("store: insert job: %w", err)
	}
	return nil
}

// GetJob returns the tenant's job with its webhook deliveries.
func (db *DB) GetJob(ctx context.Context, tenantID, id string) (*domain.Job, error) {
	return db.oneJob(ctx, db.read, `WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

// JobByID returns a job whatever its tenant.
func (db *DB) JobByID(ctx context.Context, id string) (*domain.Job, error) {
	return db.oneJob(ctx, db.read, `WHERE id = ?`, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (db *DB) oneJob(ctx context.Context, q querier, where string, args ...any) (*domain.Job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, db.q(`SELECT `+jobColumns+` FROM jobs `+where), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if j.Deliveries, err = db.deliveries(ctx, q, j.ID); err != nil {
		return nil, err
	}
	return j, nil
}

// ListJobs returns a page of the tenant's jobs, newest first, filtered by type and status.
func (db *DB) ListJobs(ctx context.Context, tenantID string, f domain.JobFilter, page domain.Page) ([]domain.Job, int, error) {
	where := `tenant_id = ?`
	args := []any{tenantID}
	if f.Type != "" {
		where += ` AND type = ?`
		args = append(args, string(f.Type))
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	jobs, total, err := listPage(ctx, db, "jobs", jobColumns, where, args, page, scanJob)
	if err != nil {
		return nil, 0, err
	}
	for i := range jobs {
		if jobs[i].Deliveries, err = db.deliveries(ctx, db.read, jobs[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return jobs, total, nil
}

// RecordDelivery appends a webhook delivery attempt.
func (db *DB) RecordDelivery(ctx context.Context, jobID string, d domain.WebhookDelivery) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO webhook_deliveries (job_id, attempt, status_code, error, at, duration_us) VALUES (?, ?, ?, ?, ?, ?)`),
		jobID, d.Attempt, d.StatusCode, d.Error, d.At.UnixMicro(), d.Duration.Microseconds())
	if err != nil {
		return fmt.Errorf("store: record delivery: %w", err)
	}
	return nil
}

func (db *DB) deliveries(ctx context.Context, q querier, jobID string) ([]domain.WebhookDelivery, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT attempt, status_code, error, at, duration_us FROM webhook_deliveries WHERE job_id = ? ORDER BY at, attempt`), jobID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []domain.WebhookDelivery
	for rows.Next() {
		var d domain.WebhookDelivery
		var at, dur int64
		if err := rows.Scan(&d.Attempt, &d.StatusCode, &d.Error, &at, &dur); err != nil {
			return nil, err
		}
		d.At, d.Duration = time.UnixMicro(at).UTC(), time.Duration(dur)*time.Microsecond
		out = append(out, d)
	}
	return out, rows.Err()
}

// ExpiredJobs lists up to limit jobs created before the time, and their files.
func (db *DB) ExpiredJobs(ctx context.Context, before time.Time, limit int) ([]domain.Job, []domain.File, error) {
	rows, err := db.readRows(ctx, `SELECT `+jobColumns+` FROM jobs WHERE created_at < ? ORDER BY created_at LIMIT ?`, before.UnixMicro(), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("store: expired jobs: %w", err)
	}
	var jobs []domain.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		jobs = append(jobs, *j)
	}
	rows.Close()
	if len(jobs) == 0 {
		return nil, nil, rows.Err()
	}
	ids := make([]any, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	frows, err := db.readRows(ctx, `SELECT id, tenant_id, job_id, content_type, size, created_at FROM files WHERE job_id IN (`+placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: expired files: %w", err)
	}
	defer frows.Close()
	var files []domain.File
	for frows.Next() {
		f, err := scanFile(frows)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, *f)
	}
	return jobs, files, frows.Err()
}

// DeleteJobs deletes the jobs, their files' rows, the cache entries pointing at those
// files, and their delivery records, and unlinks the avatars and sprites they were.
func (db *DB) DeleteJobs(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := `(` + placeholders(len(ids)) + `)`
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.unlinkFacesTx(ctx, tx, in, args); err != nil {
			return err
		}
		// Cache entries live as long as their files.
		for _, q := range []string{`DELETE FROM media_cache WHERE file_id IN (SELECT id FROM files WHERE job_id IN ` + in + `)`,
			`DELETE FROM files WHERE job_id IN ` + in, `DELETE FROM webhook_deliveries WHERE job_id IN ` + in, `DELETE FROM jobs WHERE id IN ` + in} {
			if _, err := tx.ExecContext(ctx, db.q(q), args...); err != nil {
				return fmt.Errorf("store: delete jobs: %w", err)
			}
		}
		return nil
	})
}

// GetFile returns the tenant's file.
func (db *DB) GetFile(ctx context.Context, tenantID, id string) (*domain.File, error) {
	return db.oneFile(ctx, `WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

// FileByID returns a file whatever its tenant.
func (db *DB) FileByID(ctx context.Context, id string) (*domain.File, error) {
	return db.oneFile(ctx, `WHERE id = ?`, id)
}

func (db *DB) oneFile(ctx context.Context, where string, args ...any) (*domain.File, error) {
	f, err := scanFile(db.readRow(ctx, `SELECT id, tenant_id, job_id, content_type, size, created_at FROM files `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return f, err
}

// WebhookSecret returns the tenant's webhook signing secret, creating it on first use.
func (db *DB) WebhookSecret(ctx context.Context, tenantID string) (string, error) {
	return db.secret(ctx, `SELECT webhook_secret FROM tenant_secrets WHERE tenant_id = ?`,
		`INSERT INTO tenant_secrets (tenant_id, webhook_secret, created_at) VALUES (?, ?, ?) ON CONFLICT (tenant_id) DO NOTHING`,
		tenantID, "whsec_")
}

// ServerSecret returns a named server-wide secret (such as the key that signs file URLs),
// creating it on first use, so every replica shares it.
func (db *DB) ServerSecret(ctx context.Context, name string) (string, error) {
	return db.secret(ctx, `SELECT value FROM server_secrets WHERE name = ?`,
		`INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`, name, "")
}

// secret reads a secret, or inserts a fresh random one; when two callers race, the insert
// that loses does nothing and both read the winner's.
func (db *DB) secret(ctx context.Context, read, insert, key, prefix string) (string, error) {
	var s string
	err := db.write.QueryRowContext(ctx, db.q(read), key).Scan(&s)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: read secret: %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	if _, err := db.write.ExecContext(ctx, db.q(insert), key, prefix+base64.StdEncoding.EncodeToString(b[:]), time.Now().UnixMicro()); err != nil {
		return "", fmt.Errorf("store: create secret: %w", err)
	}
	if err := db.write.QueryRowContext(ctx, db.q(read), key).Scan(&s); err != nil {
		return "", fmt.Errorf("store: read secret: %w", err)
	}
	return s, nil
}

// storedError is a job error as stored.
type storedError struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

func scanJob(s scanner) (*domain.Job, error) {
	var (
		j                      domain.Job
		typ, status, request   string
		result, jobErr         sql.NullString
		createdAt              int64
		startedAt, completedAt sql.NullInt64
	)
	if err := s.Scan(&j.ID, &j.TenantID, &typ, &status, &request, &result, &jobErr, &j.WebhookURL, &j.Attempts,
		&createdAt, &startedAt, &completedAt, &j.KeyID); err != nil {
		return nil, err
	}
	j.Type, j.Status, j.Request = domain.JobType(typ), domain.JobStatus(status), json.RawMessage(request)
	j.CreatedAt = time.UnixMicro(createdAt).UTC()
	if startedAt.Valid {
		t := time.UnixMicro(startedAt.Int64).UTC()
		j.StartedAt = &t
	}
	if completedAt.Valid {
		t := time.UnixMicro(completedAt.Int64).UTC()
		j.CompletedAt = &t
	}
	if result.Valid {
		var err error
		switch j.Type {
		case domain.JobTTS:
			j.Speech = &domain.SpeechJobResult{}
			err = json.Unmarshal([]byte(result.String), j.Speech)
		case domain.JobSprites:
			j.Sprites = &domain.SpriteSetResult{}
			err = json.Unmarshal([]byte(result.String), j.Sprites)
		default:
			j.Result = &domain.ImageJobResult{}
			err = json.Unmarshal([]byte(result.String), j.Result)
		}
		if err != nil {
			return nil, fmt.Errorf("store: decode job result: %w", err)
		}
	}
	if jobErr.Valid {
		var se storedError
		if err := json.Unmarshal([]byte(jobErr.String), &se); err != nil {
			return nil, fmt.Errorf("store: decode job error: %w", err)
		}
		j.Error = &domain.Error{Code: domain.Code(se.Code), Message: se.Message, Details: se.Details}
	}
	return &j, nil
}

func scanFile(s scanner) (*domain.File, error) {
	var f domain.File
	var createdAt int64
	if err := s.Scan(&f.ID, &f.TenantID, &f.JobID, &f.ContentType, &f.Size, &createdAt); err != nil {
		return nil, err
	}
	f.CreatedAt = time.UnixMicro(createdAt).UTC()
	return &f, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// SetQueueIDTx records the queue's own id for a job, inside the enqueueing transaction, so
// a cancel can find the running work.
func (db *DB) SetQueueIDTx(ctx context.Context, tx *sql.Tx, jobID string, queueID int64) error {
	_, err := tx.ExecContext(ctx, db.q(`UPDATE jobs SET queue_id = ? WHERE id = ?`), queueID, jobID)
	return err
}

// QueueID returns the queue's id for a job, or ErrNotFound.
func (db *DB) QueueID(ctx context.Context, jobID string) (int64, error) {
	var id sql.NullInt64
	err := db.readRow(ctx, `SELECT queue_id FROM jobs WHERE id = ?`, jobID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !id.Valid {
		return 0, domain.ErrNotFound
	}
	return id.Int64, err
}

// JobCounts returns how many jobs there are in each status (the queue-depth gauge).
func (db *DB) JobCounts(ctx context.Context) (map[domain.JobStatus]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT status, COUNT(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count jobs: %w", err)
	}
	defer rows.Close()
	out := map[domain.JobStatus]int{}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: count jobs: %w", err)
		}
		out[domain.JobStatus(status)] = n
	}
	return out, rows.Err()
}

// unlinkFacesTx clears the avatars and removes the sprites that are files of the jobs
// (jobsIn is "(?, …)" over jobArgs), so a character never hands out a URL of a deleted
// file: its sprite for that emotion falls back to its neutral one, or to none.
func (db *DB) unlinkFacesTx(ctx context.Context, tx *sql.Tx, jobsIn string, jobArgs []any) error {
	files := `SELECT id FROM files WHERE job_id IN ` + jobsIn
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE characters SET avatar_url = '' WHERE avatar_url IN (`+files+`)`), jobArgs...); err != nil {
		return fmt.Errorf("store: unlink avatars: %w", err)
	}
	rows, err := tx.QueryContext(ctx, db.q(`SELECT c.tenant_id, c.id, c.sprites, f.id FROM characters c
		JOIN files f ON f.tenant_id = c.tenant_id AND c.sprites LIKE '%"' || f.id || '"%'
		WHERE c.sprites IS NOT NULL AND f.job_id IN `+jobsIn), jobArgs...)
	if err != nil {
		return fmt.Errorf("store: find sprites: %w", err)
	}
	type owner struct{ tenantID, id, sprites string }
	var owners []owner
	gone := map[string]map[string]bool{}
	for rows.Next() {
		var o owner
		var fileID string
		if err := rows.Scan(&o.tenantID, &o.id, &o.sprites, &fileID); err != nil {
			rows.Close()
			return err
		}
		key := o.tenantID + "/" + o.id
		if gone[key] == nil {
			gone[key] = map[string]bool{}
			owners = append(owners, o)
		}
		gone[key][fileID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range owners {
		var sprites map[string]string
		if err := json.Unmarshal([]byte(o.sprites), &sprites); err != nil {
			return fmt.Errorf("store: decode sprites of %s: %w", o.id, err)
		}
		for e, f := range sprites {
			if gone[o.tenantID+"/"+o.id][f] {
				delete(sprites, e)
			}
		}
		kept, err := json.Marshal(sprites)
		if err != nil {
			return err
		}
		// Only if unchanged since read: a set merged meanwhile is newer, and its sprites
		// are not these files.
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE characters SET sprites = ? WHERE tenant_id = ? AND id = ? AND sprites = ?`),
			string(kept), o.tenantID, o.id, o.sprites); err != nil {
			return fmt.Errorf("store: unlink sprites: %w", err)
		}
	}
	return nil
}
