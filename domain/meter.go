package domain

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Meter gathers the metered use of one request or one job attempt until it is written.
// The engines add to the meter of their context; the store write that ends the work
// claims the pending records and writes them in its own transaction, so the units and
// the work they paid for commit together. A nil *Meter ignores everything, so code can
// meter without asking whether a meter is there.
type Meter struct {
	tenantID, keyID string
	prices          *PriceTable
	now             func() time.Time

	// mu guards pending: a streaming call and the request's own code may add at once.
	mu      sync.Mutex
	pending []UsageRecord
}

// NewMeter returns a meter of the data space tenantID and the key keyID (empty when no
// key is known), pricing with prices (nil: nothing costs anything) at now (nil: the
// clock).
func NewMeter(tenantID, keyID string, prices *PriceTable, now func() time.Time) *Meter {
	return &Meter{tenantID: tenantID, keyID: keyID, prices: prices, now: now}
}

type meterKey struct{}

// WithMeter returns a context carrying m.
func WithMeter(ctx context.Context, m *Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// MeterFrom returns the meter of ctx, or nil.
func MeterFrom(ctx context.Context) *Meter {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	return m
}

// Add records quantity units of metric (priced now) in the current hour. Zero and
// negative quantities are ignored.
func (m *Meter) Add(metric UsageMetric, engine, model, detail string, quantity int64) {
	if m == nil || quantity <= 0 {
		return
	}
	rec := m.record(metric, engine, model, detail, quantity)
	m.mu.Lock()
	m.pending = append(m.pending, rec)
	m.mu.Unlock()
}

// Record returns a record of the meter's space and key, priced and dated now, without
// adding it (for the jobs line an outcome carries).
func (m *Meter) Record(metric UsageMetric, engine, model, detail string, quantity int64) UsageRecord {
	if m == nil {
		return UsageRecord{}
	}
	return m.record(metric, engine, model, detail, quantity)
}

func (m *Meter) record(metric UsageMetric, engine, model, detail string, quantity int64) UsageRecord {
	return UsageRecord{
		TenantID: m.tenantID, KeyID: m.keyID, Hour: UsageHour(nowFrom(m.now)), Metric: metric,
		Engine: engine, Model: model, Detail: detail, Quantity: quantity,
		CostNanoUSD: m.prices.Cost(metric, engine, model, detail, quantity),
	}
}

// Claim takes the pending records for one write. The writer calls done(true) once its
// transaction committed, and done(false) when it rolled back, which puts the records
// back for a later write: so a failed or retried transaction neither loses nor doubles
// them. While claimed, the records are no other write's. done may be called more than
// once; only the first call counts.
func (m *Meter) Claim() (recs []UsageRecord, done func(written bool)) {
	if m == nil {
		return nil, func(bool) {}
	}
	m.mu.Lock()
	recs, m.pending = m.pending, nil
	m.mu.Unlock()
	var once sync.Once
	return recs, func(written bool) {
		once.Do(func() {
			if written || len(recs) == 0 {
				return
			}
			m.mu.Lock()
			m.pending = append(slices.Clip(recs), m.pending...)
			m.mu.Unlock()
		})
	}
}

// Pending reports how many records wait to be written.
func (m *Meter) Pending() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending)
}

// UsageHour is the start of the UTC hour t falls in.
func UsageHour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }
