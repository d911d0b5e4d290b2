package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.IdempotencyStore = (*DB)(nil)

// claimIdempotencyKey inserts a fresh claim, or turns an existing row into one when nobody
// holds it: the row expired (any fingerprint: the key is free again), or it is an
// unfinished claim whose lock lapsed and the retry is the same request. One statement, so
// two requests racing for a key cannot both take it: PostgreSQL serialises them on the
// row and re-checks the WHERE against the winner's version; SQLite has one writer.
const claimIdempotencyKey = `INSERT INTO idempotency_keys
	(tenant_id, idem_key, fingerprint, request_id, claim_token, locked_until, created_at, expires_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (tenant_id, idem_key) DO UPDATE SET
		fingerprint = excluded.fingerprint, request_id = excluded.request_id,
		claim_token = excluded.claim_token, locked_until = excluded.locked_until,
		response_status = NULL, response_headers = NULL, response_body = NULL,
		created_at = excluded.created_at, expires_at = excluded.expires_at, completed_at = NULL
	WHERE idempotency_keys.expires_at <= ?
		OR (idempotency_keys.completed_at IS NULL AND idempotency_keys.locked_until <= ?
			AND idempotency_keys.fingerprint = excluded.fingerprint)`

const idempotencyColumns = `tenant_id, idem_key, fingerprint, request_id, locked_until,
	response_status, response_headers, response_body, created_at, expires_at, completed_at`

// idempotencyDeleteBatch bounds one cleanup statement, so SQLite's single writer is never
// held for long.
const idempotencyDeleteBatch = 1000

// ClaimIdempotencyKey implements domain.IdempotencyStore.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, c domain.IdempotencyClaim) (*domain.IdempotencyLease, *domain.IdempotencyRecord, error) {
	token, err := claimToken()
	if err != nil {
		return nil, nil, err
	}
	at := c.At.UnixMicro()
	// The row another request holds can vanish between the claim and the read (released
	// after a failure, or deleted as expired); the key is then free, so claim again.
	for range 3 {
		res, err := db.write.ExecContext(ctx, db.q(claimIdempotencyKey),
			c.Space, c.Key, c.Fingerprint, c.RequestID, token, c.LockUntil.UnixMicro(), at, c.ExpiresAt.UnixMicro(), at, at)
		if err != nil {
			return nil, nil, fmt.Errorf("store: claim idempotency key: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, nil, err
		}
		if n == 1 {
			return &domain.IdempotencyLease{Space: c.Space, Key: c.Key, Token: token}, nil, nil
		}
		rec, err := db.IdempotencyKey(ctx, c.Space, c.Key, c.At)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return nil, rec, nil
	}
	return nil, nil, fmt.Errorf("store: claim idempotency key: the key kept changing hands")
}

// IdempotencyKey returns the record of a key that has not expired at now, or
// domain.ErrNotFound.
func (db *DB) IdempotencyKey(ctx context.Context, space, key string, now time.Time) (*domain.IdempotencyRecord, error) {
	rec, err := scanIdempotencyRecord(db.readRow(ctx, `SELECT `+idempotencyColumns+`
		FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ? AND expires_at > ?`, space, key, now.UnixMicro()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read idempotency key: %w", err)
	}
	return rec, nil
}

// CompleteIdempotencyKey implements domain.IdempotencyStore.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, l domain.IdempotencyLease, r domain.IdempotentResponse, at time.Time) error {
	header := r.Header
	if header == nil {
		header = map[string][]string{}
	}
	headers, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("store: encode idempotent headers: %w", err)
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE idempotency_keys
		SET response_status = ?, response_headers = ?, response_body = ?, completed_at = ?,
			claim_token = NULL, locked_until = NULL
		WHERE tenant_id = ? AND idem_key = ? AND claim_token = ? AND completed_at IS NULL`),
		r.Status, string(headers), base64.StdEncoding.EncodeToString(r.Body), at.UnixMicro(), l.Space, l.Key, l.Token)
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	return leaseHeld(res)
}

// ReleaseIdempotencyKey implements domain.IdempotencyStore.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, l domain.IdempotencyLease) error {
	res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM idempotency_keys
		WHERE tenant_id = ? AND idem_key = ? AND claim_token = ? AND completed_at IS NULL`), l.Space, l.Key, l.Token)
	if err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return leaseHeld(res)
}

// DeleteExpiredIdempotencyKeys implements domain.IdempotencyStore, in batches.
func (db *DB) DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (int, error) {
	deleted := 0
	for {
		res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM idempotency_keys WHERE (tenant_id, idem_key) IN
			(SELECT tenant_id, idem_key FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)`),
			before.UnixMicro(), idempotencyDeleteBatch)
		if err != nil {
			return deleted, fmt.Errorf("store: delete expired idempotency keys: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return deleted, err
		}
		deleted += int(n)
		if n < idempotencyDeleteBatch {
			return deleted, nil
		}
	}
}

func scanIdempotencyRecord(s scanner) (*domain.IdempotencyRecord, error) {
	var (
		rec                       domain.IdempotencyRecord
		lockedUntil, status, done sql.NullInt64
		headers, body             sql.NullString
		createdAt, expiresAt      int64
	)
	if err := s.Scan(&rec.Space, &rec.Key, &rec.Fingerprint, &rec.RequestID, &lockedUntil,
		&status, &headers, &body, &createdAt, &expiresAt, &done); err != nil {
		return nil, err
	}
	rec.CreatedAt, rec.ExpiresAt = time.UnixMicro(createdAt).UTC(), time.UnixMicro(expiresAt).UTC()
	if lockedUntil.Valid {
		rec.LockedUntil = time.UnixMicro(lockedUntil.Int64).UTC()
	}
	if !done.Valid {
		return &rec, nil
	}
	resp := &domain.IdempotentResponse{Status: int(status.Int64), Header: map[string][]string{}}
	if err := json.Unmarshal([]byte(headers.String), &resp.Header); err != nil {
		return nil, fmt.Errorf("decode idempotent headers: %w", err)
	}
	var err error
	if resp.Body, err = base64.StdEncoding.DecodeString(body.String); err != nil {
		return nil, fmt.Errorf("decode idempotent body: %w", err)
	}
	rec.Response = resp
	return &rec, nil
}

// leaseHeld reports whether a statement conditioned on a lease's token changed its row.
func leaseHeld(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.ErrIdempotencyLeaseLost
	}
	return nil
}

// claimToken is the secret that ties a claim to the one request that made it.
func claimToken() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: claim token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
