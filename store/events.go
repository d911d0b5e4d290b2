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

var (
	_ domain.EventStore     = (*DB)(nil)
	_ domain.EventRetention = (*DB)(nil)
)

const endpointColumns = `id, tenant_id, url, events, description, enabled, secret, previous_secret, previous_secret_expires_at, created_at, updated_at`

// CreateEndpoint stores a new webhook endpoint.
func (db *DB) CreateEndpoint(ctx context.Context, e *domain.WebhookEndpoint) error {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, db.q(`INSERT INTO webhook_endpoints (`+endpointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.ID, e.TenantID, e.URL, string(events), e.Description, e.Enabled, e.Secret, optString(e.PreviousSecret),
		optMicros(e.PreviousSecretExpiresAt), e.CreatedAt.UnixMicro(), e.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: insert webhook endpoint: %w", err)
	}
	return nil
}

// GetEndpoint returns the space's endpoint, or domain.ErrNotFound.
func (db *DB) GetEndpoint(ctx context.Context, tenantID, id string) (*domain.WebhookEndpoint, error) {
	return oneEndpoint(db.readRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

// EndpointByID returns an endpoint whatever its space, or domain.ErrNotFound.
func (db *DB) EndpointByID(ctx context.Context, id string) (*domain.WebhookEndpoint, error) {
	return oneEndpoint(db.readRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = ?`, id))
}

// ListEndpoints returns a page of the space's endpoints, newest first.
func (db *DB) ListEndpoints(ctx context.Context, tenantID string, page domain.Page) ([]domain.WebhookEndpoint, int, error) {
	return listPage(ctx, db, "webhook_endpoints", endpointColumns, `tenant_id = ?`, []any{tenantID}, page, scanEndpoint)
}

// UpdateEndpoint writes the endpoint's URL, events, description, enabled flag and
// updated time.
func (db *DB) UpdateEndpoint(ctx context.Context, e *domain.WebhookEndpoint) error {
	events, err := json.Marshal(e.Events)
	if err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, enabled = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`), e.URL, string(events), e.Description, e.Enabled, e.UpdatedAt.UnixMicro(), e.TenantID, e.ID)
	if err != nil {
		return fmt.Errorf("store: update webhook endpoint: %w", err)
	}
	return oneRow(res)
}

// RotateEndpointSecret implements domain.EventStore. The right-hand sides of an UPDATE
// see the row as it was, so the current secret becomes the previous one in the same
// statement that replaces it.
func (db *DB) RotateEndpointSecret(ctx context.Context, tenantID, id, secret string, previousUntil *time.Time, at time.Time) (*domain.WebhookEndpoint, error) {
	keep := previousUntil != nil
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE webhook_endpoints SET
			previous_secret = CASE WHEN ? THEN secret ELSE NULL END,
			previous_secret_expires_at = ?, secret = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`), keep, optMicros(previousUntil), secret, at.UnixMicro(), tenantID, id)
	if err != nil {
		return nil, fmt.Errorf("store: rotate webhook secret: %w", err)
	}
	if err := oneRow(res); err != nil {
		return nil, err
	}
	// Read from the writer: on SQLite a reader could lag the write just made.
	return oneEndpoint(db.write.QueryRowContext(ctx, db.q(`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = ?`), id))
}

// DeleteEndpoint deletes the space's endpoint, or returns domain.ErrNotFound. Its
// deliveries stay in the events' history.
func (db *DB) DeleteEndpoint(ctx context.Context, tenantID, id string) error {
	res, err := db.write.ExecContext(ctx, db.q(`DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`), tenantID, id)
	if err != nil {
		return fmt.Errorf("store: delete webhook endpoint: %w", err)
	}
	return oneRow(res)
}

// SubscribedEndpoints lists the space's enabled endpoints that receive type t.
func (db *DB) SubscribedEndpoints(ctx context.Context, tenantID string, t domain.EventType) ([]domain.WebhookEndpoint, error) {
	return db.subscribed(ctx, db.read, tenantID, t)
}

// SubscribedEndpointIDsTx is SubscribedEndpoints inside the caller's transaction (the
// one that records the event), returning the ids.
func (db *DB) SubscribedEndpointIDsTx(ctx context.Context, tx *sql.Tx, tenantID string, t domain.EventType) ([]string, error) {
	eps, err := db.subscribed(ctx, tx, tenantID, t)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(eps))
	for i := range eps {
		ids[i] = eps[i].ID
	}
	return ids, nil
}

// subscribed filters in Go rather than in SQL: a space has a handful of endpoints, and
// matching inside the JSON text would differ between the two databases.
func (db *DB) subscribed(ctx context.Context, q querier, tenantID string, t domain.EventType) ([]domain.WebhookEndpoint, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = ? AND enabled = ? ORDER BY created_at, id`), tenantID, true)
	if err != nil {
		return nil, fmt.Errorf("store: subscribed endpoints: %w", err)
	}
	defer rows.Close()
	var out []domain.WebhookEndpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		if e.Subscribes(t) {
			out = append(out, *e)
		}
	}
	return out, rows.Err()
}

func oneEndpoint(row *sql.Row) (*domain.WebhookEndpoint, error) {
	e, err := scanEndpoint(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	return e, err
}

func scanEndpoint(s scanner) (*domain.WebhookEndpoint, error) {
	var e domain.WebhookEndpoint
	var events string
	var prev sql.NullString
	var prevUntil sql.NullInt64
	var created, updated int64
	if err := s.Scan(&e.ID, &e.TenantID, &e.URL, &events, &e.Description, &e.Enabled, &e.Secret, &prev, &prevUntil, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("store: scan webhook endpoint: %w", err)
	}
	if err := json.Unmarshal([]byte(events), &e.Events); err != nil {
		return nil, fmt.Errorf("store: webhook endpoint events: %w", err)
	}
	e.PreviousSecret = prev.String
	e.PreviousSecretExpiresAt = optTime(prevUntil)
	e.CreatedAt, e.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &e, nil
}

const eventColumns = `id, tenant_id, type, job_id, data, created_at`

// budgetData is a budget event's subject as stored.
type budgetData struct {
	Metric       string  `json:"metric"`
	Threshold    int     `json:"threshold"`
	MonthlyLimit float64 `json:"monthly_limit"`
	Used         float64 `json:"used"`
	PeriodStart  int64   `json:"period_start"`
	HardLimit    bool    `json:"hard_limit"`
}

// InsertEventTx records an event inside the caller's transaction (the one whose work it
// reports). It reports false, and changes nothing, when an event of that id is recorded
// already.
func (db *DB) InsertEventTx(ctx context.Context, tx *sql.Tx, e *domain.Event) (bool, error) {
	var data any
	if b := e.Budget; b != nil {
		raw, err := json.Marshal(budgetData{Metric: string(b.Metric), Threshold: b.Threshold, MonthlyLimit: b.MonthlyLimit,
			Used: b.Used, PeriodStart: b.PeriodStart.UnixMicro(), HardLimit: b.HardLimit})
		if err != nil {
			return false, err
		}
		data = string(raw)
	}
	res, err := tx.ExecContext(ctx, db.q(`INSERT INTO events (`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`),
		e.ID, e.TenantID, string(e.Type), optString(e.JobID), data, e.CreatedAt.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("store: insert event: %w", err)
	}
	return oneRow(res) == nil, nil
}

// JobEndTx returns the space and status of a job inside the caller's transaction, so
// the event of its end is recorded with the status just written.
func (db *DB) JobEndTx(ctx context.Context, tx *sql.Tx, jobID string) (string, domain.JobStatus, error) {
	var tenant, status string
	err := tx.QueryRowContext(ctx, db.q(`SELECT tenant_id, status FROM jobs WHERE id = ?`), jobID).Scan(&tenant, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", domain.ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("store: job end: %w", err)
	}
	return tenant, domain.JobStatus(status), nil
}

// GetEvent returns the space's event with its deliveries, or domain.ErrNotFound.
func (db *DB) GetEvent(ctx context.Context, tenantID, id string) (*domain.Event, error) {
	return db.oneEvent(ctx, `WHERE tenant_id = ? AND id = ?`, tenantID, id)
}

// EventByID returns an event whatever its space, or domain.ErrNotFound.
func (db *DB) EventByID(ctx context.Context, id string) (*domain.Event, error) {
	return db.oneEvent(ctx, `WHERE id = ?`, id)
}

func (db *DB) oneEvent(ctx context.Context, where string, args ...any) (*domain.Event, error) {
	e, err := scanEvent(db.readRow(ctx, `SELECT `+eventColumns+` FROM events `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	byEvent, err := db.eventDeliveries(ctx, []string{e.ID})
	if err != nil {
		return nil, err
	}
	e.Deliveries = byEvent[e.ID]
	return e, nil
}

// ListEvents returns a page of the space's events, newest first, with their deliveries.
func (db *DB) ListEvents(ctx context.Context, tenantID string, f domain.EventFilter, page domain.Page) ([]domain.Event, int, error) {
	where, args := `tenant_id = ?`, []any{tenantID}
	if f.Type != "" {
		where += ` AND type = ?`
		args = append(args, string(f.Type))
	}
	events, total, err := listPage(ctx, db, "events", eventColumns, where, args, page, scanEvent)
	if err != nil || len(events) == 0 {
		return events, total, err
	}
	ids := make([]string, len(events))
	for i := range events {
		ids[i] = events[i].ID
	}
	byEvent, err := db.eventDeliveries(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range events {
		events[i].Deliveries = byEvent[events[i].ID]
	}
	return events, total, nil
}

// eventDeliveries returns the deliveries of the events, oldest first, in one query.
func (db *DB) eventDeliveries(ctx context.Context, eventIDs []string) (map[string][]domain.EventDelivery, error) {
	args := make([]any, len(eventIDs))
	for i, id := range eventIDs {
		args[i] = id
	}
	rows, err := db.readRows(ctx, `SELECT event_id, id, endpoint_id, attempt, status_code, error, at, duration_us
		FROM event_deliveries WHERE event_id IN (`+placeholders(len(eventIDs))+`) ORDER BY at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: event deliveries: %w", err)
	}
	defer rows.Close()
	out := map[string][]domain.EventDelivery{}
	for rows.Next() {
		var eventID string
		var d domain.EventDelivery
		var msg sql.NullString
		var at, dur int64
		if err := rows.Scan(&eventID, &d.ID, &d.EndpointID, &d.Attempt, &d.StatusCode, &msg, &at, &dur); err != nil {
			return nil, fmt.Errorf("store: event deliveries: %w", err)
		}
		d.Error = msg.String
		d.At, d.Duration = time.UnixMicro(at).UTC(), time.Duration(dur)*time.Microsecond
		out[eventID] = append(out[eventID], d)
	}
	return out, rows.Err()
}

// RecordEventDelivery appends a delivery attempt of the event.
func (db *DB) RecordEventDelivery(ctx context.Context, eventID string, d domain.EventDelivery) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO event_deliveries (id, event_id, endpoint_id, attempt, status_code, error, at, duration_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, eventID, d.EndpointID, d.Attempt, d.StatusCode, optString(d.Error), d.At.UnixMicro(), d.Duration.Microseconds())
	if err != nil {
		return fmt.Errorf("store: record event delivery: %w", err)
	}
	return nil
}

// eventDeleteBatch bounds one retention transaction, so it never holds SQLite's writer
// for long.
const eventDeleteBatch = 500

// DeleteEventsBefore deletes the events created before the time and their deliveries, in
// batches, each batch's deliveries and events in one transaction.
func (db *DB) DeleteEventsBefore(ctx context.Context, before time.Time) (int, error) {
	deleted := 0
	for {
		var n int64
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			// Ordered by id too, so both statements pick the same batch when times tie.
			sub := `SELECT id FROM events WHERE created_at < ? ORDER BY created_at, id LIMIT ?`
			if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM event_deliveries WHERE event_id IN (`+sub+`)`), before.UnixMicro(), eventDeleteBatch); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, db.q(`DELETE FROM events WHERE id IN (`+sub+`)`), before.UnixMicro(), eventDeleteBatch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return deleted, fmt.Errorf("store: delete old events: %w", err)
		}
		deleted += int(n)
		if n < eventDeleteBatch {
			return deleted, nil
		}
	}
}

func scanEvent(s scanner) (*domain.Event, error) {
	var e domain.Event
	var typ string
	var jobID, data sql.NullString
	var created int64
	if err := s.Scan(&e.ID, &e.TenantID, &typ, &jobID, &data, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("store: scan event: %w", err)
	}
	e.Type, e.JobID, e.CreatedAt = domain.EventType(typ), jobID.String, time.UnixMicro(created).UTC()
	if data.Valid && e.Type == domain.EventBudgetThreshold {
		var b budgetData
		if err := json.Unmarshal([]byte(data.String), &b); err != nil {
			return nil, fmt.Errorf("store: event data: %w", err)
		}
		e.Budget = &domain.BudgetThreshold{Metric: domain.BudgetMetric(b.Metric), Threshold: b.Threshold,
			MonthlyLimit: b.MonthlyLimit, Used: b.Used, PeriodStart: time.UnixMicro(b.PeriodStart).UTC(), HardLimit: b.HardLimit}
	}
	return &e, nil
}

// optString stores an empty string as NULL.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
