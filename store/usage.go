package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

var (
	_ domain.UsageStore  = (*DB)(nil)
	_ domain.UsageReader = (*DB)(nil)
)

// AddUsage adds the records to their hour's counters, in one transaction.
func (db *DB) AddUsage(ctx context.Context, recs []domain.UsageRecord) error {
	if len(recs) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.AddUsageTx(ctx, tx, recs) })
}

const addUsageSQL = `INSERT INTO usage_counter_shards
	(tenant_id, key_id, hour, metric, engine, model, detail, shard, quantity, cost_nano_usd)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (tenant_id, hour, key_id, metric, engine, model, detail, shard) DO UPDATE SET
	quantity = usage_counter_shards.quantity + excluded.quantity,
	cost_nano_usd = usage_counter_shards.cost_nano_usd + excluded.cost_nano_usd`

// usageIn is the counters matching where (a condition on their columns, its arguments
// args), as a table for a FROM clause: the sharded counters and those of usage_counters,
// the table written before they were sharded (and by replicas of that release during a
// rolling deploy), each filtered by where so both read by their key's index. The
// arguments are args twice, in order.
func usageIn(where string, args []any) (string, []any) {
	const cols = `key_id, hour, metric, engine, model, detail, quantity, cost_nano_usd`
	return `(SELECT ` + cols + ` FROM usage_counter_shards WHERE ` + where +
		` UNION ALL SELECT ` + cols + ` FROM usage_counters WHERE ` + where + `) AS u`, append(append([]any{}, args...), args...)
}

// AddUsageTx adds the records to their hour's counters inside the caller's transaction,
// the one that writes the work they count. The upsert adds in the database, so writers on
// any replica never lose one another's counts.
func (db *DB) AddUsageTx(ctx context.Context, tx *sql.Tx, recs []domain.UsageRecord) error {
	shard := db.usageShards.next()
	for _, r := range sumRecords(recs) {
		if _, err := db.txExec(ctx, tx, addUsageSQL,
			r.TenantID, r.KeyID, r.Hour.UTC().Truncate(time.Hour).Unix(), string(r.Metric), r.Engine, r.Model, r.Detail,
			shard, r.Quantity, r.CostNanoUSD); err != nil {
			return fmt.Errorf("store: add usage: %w", err)
		}
	}
	return nil
}

// sumRecords folds records of one counter together, in first-seen order, so a write
// upserts each counter once (PostgreSQL refuses one statement touching a row twice, and
// fewer statements are cheaper anyway).
func sumRecords(recs []domain.UsageRecord) []domain.UsageRecord {
	type key struct {
		tenant, keyID, metric, engine, model, detail string
		hour                                         int64
	}
	out := make([]domain.UsageRecord, 0, len(recs))
	at := make(map[key]int, len(recs))
	for _, r := range recs {
		if r.Quantity == 0 && r.CostNanoUSD == 0 {
			continue
		}
		k := key{r.TenantID, r.KeyID, string(r.Metric), r.Engine, r.Model, r.Detail, r.Hour.UTC().Truncate(time.Hour).Unix()}
		if i, ok := at[k]; ok {
			out[i].Quantity += r.Quantity
			out[i].CostNanoUSD += r.CostNanoUSD
			continue
		}
		at[k] = len(out)
		out = append(out, r)
	}
	return out
}

// SumUsage returns the total quantity and cost of the space's use of the metrics in
// [from, to), counted by the hours that start in it; no metrics means every metric.
func (db *DB) SumUsage(ctx context.Context, tenantID string, metrics []domain.UsageMetric, from, to time.Time) (int64, int64, error) {
	where := `tenant_id = ? AND hour >= ? AND hour < ?`
	args := []any{tenantID, hourCeil(from), hourCeil(to)}
	if len(metrics) > 0 {
		where += ` AND metric IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(metrics)), ", ") + `)`
		for _, m := range metrics {
			args = append(args, string(m))
		}
	}
	counters, args := usageIn(where, args)
	query := `SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT), CAST(COALESCE(SUM(cost_nano_usd), 0) AS BIGINT) FROM ` + counters
	var q, cost int64
	if err := db.readRow(ctx, query, args...).Scan(&q, &cost); err != nil {
		return 0, 0, fmt.Errorf("store: sum usage: %w", err)
	}
	return q, cost, nil
}

// hourCeil is the Unix second of the first hour starting at or after t: an hour's
// counter is in a range when the hour starts in it.
func hourCeil(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	if r := s % 3600; r != 0 {
		if s > 0 {
			s += 3600 - r
		} else {
			s -= r
		}
	}
	return s
}

// UsageRows sums the query's counters by bucket (the hour rounded down to the step),
// key and line, in the database.
func (db *DB) UsageRows(ctx context.Context, q domain.UsageQuery) ([]domain.UsageRow, error) {
	step := int64(q.Step / time.Second)
	if step <= 0 {
		return nil, fmt.Errorf("store: usage step %s is not a whole number of seconds", q.Step)
	}
	where := `tenant_id = ? AND hour >= ? AND hour < ?`
	args := []any{q.TenantID, hourCeil(q.From), hourCeil(q.To)}
	if !q.AllKeys {
		where += ` AND key_id = ?`
		args = append(args, q.KeyID)
	}
	counters, args := usageIn(where, args)
	rows, err := db.readRows(ctx, `SELECT bucket, key_id, metric, engine, model, detail, CAST(SUM(quantity) AS BIGINT), CAST(SUM(cost_nano_usd) AS BIGINT)
		FROM (SELECT hour - hour % ? AS bucket, key_id, metric, engine, model, detail, quantity, cost_nano_usd
			FROM `+counters+`) AS c
		GROUP BY bucket, key_id, metric, engine, model, detail
		ORDER BY bucket, key_id, metric, engine, model, detail`, append([]any{step}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: usage report: %w", err)
	}
	defer rows.Close()
	var out []domain.UsageRow
	for rows.Next() {
		var (
			r      domain.UsageRow
			bucket int64
			metric string
		)
		if err := rows.Scan(&bucket, &r.KeyID, &metric, &r.Line.Engine, &r.Line.Model, &r.Line.Detail, &r.Line.Quantity, &r.Line.CostNanoUSD); err != nil {
			return nil, fmt.Errorf("store: usage report: %w", err)
		}
		r.Bucket, r.Line.Metric = time.Unix(bucket, 0).UTC(), domain.UsageMetric(metric)
		out = append(out, r)
	}
	return out, rows.Err()
}

// inMeteredTx runs f in a transaction that also writes the pending use of the meter of
// ctx, so billable units commit with the work they count. The meter marks them written
// only once the commit succeeded: a rolled-back transaction hands them back.
func (db *DB) inMeteredTx(ctx context.Context, f func(*sql.Tx) error) error {
	m := domain.MeterFrom(ctx)
	if m.Pending() == 0 {
		return db.inGroupTx(ctx, f)
	}
	recs, done := m.Claim()
	err := db.inGroupTx(ctx, func(tx *sql.Tx) error {
		if err := f(tx); err != nil {
			return err
		}
		return db.AddUsageTx(ctx, tx, recs)
	})
	done(err == nil)
	return err
}
