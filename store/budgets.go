package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var _ domain.BudgetStore = (*DB)(nil)

const budgetColumns = `tenant_id, metric, monthly_limit, hard_limit, notified_period, notified_threshold, updated_at`

// Budget returns the space's cap, or domain.ErrNotFound.
func (db *DB) Budget(ctx context.Context, tenantID string) (*domain.Budget, error) {
	row := db.readRow(ctx, `SELECT `+budgetColumns+` FROM budgets WHERE tenant_id = ?`, tenantID)
	b, err := scanBudget(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read budget: %w", err)
	}
	return b, nil
}

// Budgets returns every cap.
func (db *DB) Budgets(ctx context.Context) ([]domain.Budget, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+budgetColumns+` FROM budgets ORDER BY tenant_id`)
	if err != nil {
		return nil, fmt.Errorf("store: list budgets: %w", err)
	}
	defer rows.Close()
	var out []domain.Budget
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list budgets: %w", err)
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// PutBudget sets the space's cap, with nothing announced yet.
func (db *DB) PutBudget(ctx context.Context, b *domain.Budget) error {
	_, err := db.write.ExecContext(ctx, db.q(`INSERT INTO budgets (`+budgetColumns+`) VALUES (?, ?, ?, ?, 0, 0, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET metric = excluded.metric, monthly_limit = excluded.monthly_limit,
		hard_limit = excluded.hard_limit, notified_period = 0, notified_threshold = 0, updated_at = excluded.updated_at`),
		b.TenantID, string(b.Metric), b.MonthlyLimit, b.HardLimit, b.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store: put budget: %w", err)
	}
	return nil
}

// DeleteBudget removes the space's cap.
func (db *DB) DeleteBudget(ctx context.Context, tenantID string) error {
	if _, err := db.write.ExecContext(ctx, db.q(`DELETE FROM budgets WHERE tenant_id = ?`), tenantID); err != nil {
		return fmt.Errorf("store: delete budget: %w", err)
	}
	return nil
}

// MarkBudgetThreshold records threshold as announced for the month starting at period,
// in one conditional update, so of replicas racing only one records it.
func (db *DB) MarkBudgetThreshold(ctx context.Context, tenantID string, updatedAt, period time.Time, threshold int) (bool, error) {
	res, err := db.write.ExecContext(ctx, db.q(`UPDATE budgets SET notified_period = ?, notified_threshold = ?
		WHERE tenant_id = ? AND updated_at = ? AND (notified_period <> ? OR notified_threshold < ?)`),
		period.UnixMicro(), threshold, tenantID, updatedAt.UnixMicro(), period.UnixMicro(), threshold)
	if err != nil {
		return false, fmt.Errorf("store: mark budget threshold: %w", err)
	}
	return oneRow(res) == nil, nil
}

func scanBudget(r scanner) (*domain.Budget, error) {
	var b domain.Budget
	var metric string
	var period, updated int64
	if err := r.Scan(&b.TenantID, &metric, &b.MonthlyLimit, &b.HardLimit, &period, &b.NotifiedThreshold, &updated); err != nil {
		return nil, err
	}
	b.Metric = domain.BudgetMetric(metric)
	b.NotifiedPeriod = time.UnixMicro(period).UTC()
	b.UpdatedAt = time.UnixMicro(updated).UTC()
	return &b, nil
}
