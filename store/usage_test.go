package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
)

func TestUsageUpsertConcurrent(t *testing.T) {
	t.Parallel()
	hour := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			const writers, each = 8, 10
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range each {
						errs <- db.AddUsage(t.Context(), []domain.UsageRecord{
							{TenantID: "acme", KeyID: "key_a", Hour: hour.Add(17 * time.Minute), Metric: domain.MetricImages,
								Engine: "fal", Model: "fal-ai/flux/dev", Detail: "512x512", Quantity: 1, CostNanoUSD: 7},
							// The same counter twice in one write.
							{TenantID: "acme", KeyID: "key_a", Hour: hour, Metric: domain.MetricImages,
								Engine: "fal", Model: "fal-ai/flux/dev", Detail: "512x512", Quantity: 2, CostNanoUSD: 14},
						})
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			q, cost, err := db.SumUsage(t.Context(), "acme", []domain.UsageMetric{domain.MetricImages}, hour, hour.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if q != 3*writers*each || cost != 21*writers*each {
				t.Fatalf("sum %d, cost %d; want %d and %d", q, cost, 3*writers*each, 21*writers*each)
			}
		})
	}
}

// On PostgreSQL a transaction holds the row it upserted until it commits; were one key's
// counter one row, every concurrent metered write of that key would wait for the one
// before it to commit. Here a second write of the same counter commits while the first
// is still open (without shards it would wait for the first forever, and the test would
// end at its deadline), and both are counted.
func TestUsageWritersOfOneCounterDoNotWaitForEachOther(t *testing.T) {
	t.Parallel()
	db, ok := backends(t)[store.Postgres]
	if !ok {
		t.Skip("no PostgreSQL")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	hour := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	rec := []domain.UsageRecord{{TenantID: "acme", KeyID: "key_a", Hour: hour, Metric: domain.MetricTokensIn,
		Engine: "local", Model: "m", Quantity: 5, CostNanoUSD: 1}}
	first, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if err := db.AddUsageTx(ctx, first, rec); err != nil {
		t.Fatal(err)
	}
	if err := db.AddUsage(ctx, rec); err != nil {
		t.Fatalf("the second write, while the first is open: %v", err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	q, cost, err := db.SumUsage(ctx, "acme", nil, hour, hour.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if q != 10 || cost != 2 {
		t.Fatalf("sum %d, cost %d; want 10 and 2", q, cost)
	}
}

// A replica of the release before the counters were sharded, still running during a
// rolling deploy, upserts into usage_counters as it always did; that succeeds, and every
// read counts its use with the sharded counters', on both databases.
func TestUsageOfThePreviousReleaseIsCounted(t *testing.T) {
	t.Parallel()
	hour := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			old := `INSERT INTO usage_counters
				(tenant_id, key_id, hour, metric, engine, model, detail, quantity, cost_nano_usd)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (tenant_id, hour, key_id, metric, engine, model, detail) DO UPDATE SET
				quantity = usage_counters.quantity + excluded.quantity,
				cost_nano_usd = usage_counters.cost_nano_usd + excluded.cost_nano_usd`
			if dialect == store.Postgres {
				for i := 9; i >= 1; i-- {
					old = strings.Replace(old, "?", "$"+strconv.Itoa(10-i), 1)
				}
			}
			for range 2 {
				if _, err := db.SQL().ExecContext(ctx, old, "acme", "key_a", hour.Unix(), string(domain.MetricTokensIn), "local", "m", "", 3, 5); err != nil {
					t.Fatalf("the previous release's upsert: %v", err)
				}
			}
			if err := db.AddUsage(ctx, []domain.UsageRecord{{TenantID: "acme", KeyID: "key_a", Hour: hour,
				Metric: domain.MetricTokensIn, Engine: "local", Model: "m", Quantity: 4, CostNanoUSD: 1}}); err != nil {
				t.Fatal(err)
			}
			q, cost, err := db.SumUsage(ctx, "acme", []domain.UsageMetric{domain.MetricTokensIn}, hour, hour.Add(time.Hour))
			if err != nil || q != 10 || cost != 11 {
				t.Fatalf("sum %d, cost %d, %v; want 10 and 11", q, cost, err)
			}
			rows, err := db.UsageRows(ctx, domain.UsageQuery{TenantID: "acme", KeyID: "key_a", From: hour, To: hour.Add(time.Hour), Step: time.Hour})
			if err != nil || len(rows) != 1 || rows[0].Line.Quantity != 10 || rows[0].Line.CostNanoUSD != 11 {
				t.Fatalf("report %+v, %v; want one line of 10 and 11", rows, err)
			}
		})
	}
}

func TestUsageRows(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	recs := []domain.UsageRecord{
		{TenantID: "acme", KeyID: "key_a", Hour: day.Add(1 * time.Hour), Metric: domain.MetricTokensIn, Engine: "fal", Model: "m", Quantity: 10, CostNanoUSD: 1},
		{TenantID: "acme", KeyID: "key_a", Hour: day.Add(5 * time.Hour), Metric: domain.MetricTokensIn, Engine: "fal", Model: "m", Quantity: 5, CostNanoUSD: 2},
		{TenantID: "acme", KeyID: "key_b", Hour: day.Add(5 * time.Hour), Metric: domain.MetricTokensIn, Engine: "fal", Model: "m", Quantity: 1},
		{TenantID: "acme", KeyID: "key_a", Hour: day.Add(26 * time.Hour), Metric: domain.MetricJobs, Detail: "avatar.completed", Quantity: 1},
		{TenantID: "acme/test", KeyID: "key_t", Hour: day.Add(1 * time.Hour), Metric: domain.MetricTokensIn, Engine: "local", Model: "m", Quantity: 99},
		{TenantID: "acme", KeyID: "key_a", Hour: day.Add(-1 * time.Hour), Metric: domain.MetricTokensIn, Engine: "fal", Model: "m", Quantity: 1000},
	}
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			if err := db.AddUsage(t.Context(), recs); err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name string
				q    domain.UsageQuery
				want []string // bucket offset in hours / key / metric / quantity
			}{
				{"one key by day", domain.UsageQuery{TenantID: "acme", KeyID: "key_a", From: day, To: day.Add(48 * time.Hour), Step: 24 * time.Hour},
					[]string{"0 key_a tokens_in 15", "24 key_a jobs 1"}},
				{"all keys by hour", domain.UsageQuery{TenantID: "acme", AllKeys: true, From: day, To: day.Add(24 * time.Hour), Step: time.Hour},
					[]string{"1 key_a tokens_in 10", "5 key_a tokens_in 5", "5 key_b tokens_in 1"}},
				{"test space apart", domain.UsageQuery{TenantID: "acme/test", AllKeys: true, From: day, To: day.Add(24 * time.Hour), Step: time.Hour},
					[]string{"1 key_t tokens_in 99"}},
			}
			for _, tt := range tests {
				rows, err := db.UsageRows(t.Context(), tt.q)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows {
					got = append(got, fmtRow(day, r))
				}
				if len(got) != len(tt.want) {
					t.Fatalf("%s: rows %v, want %v", tt.name, got, tt.want)
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Fatalf("%s: rows %v, want %v", tt.name, got, tt.want)
					}
				}
			}
		})
	}
}

func fmtRow(day time.Time, r domain.UsageRow) string {
	return strconv.FormatInt(int64(r.Bucket.Sub(day)/time.Hour), 10) + " " + r.KeyID + " " + string(r.Line.Metric) + " " + strconv.FormatInt(r.Line.Quantity, 10)
}

// A write that rolls back hands its metered use back; the next one writes it once.
func TestUsageMeteredWriteRollback(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 10, 30, 0, 0, time.UTC)
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			m := domain.NewMeter("acme", "key_a", nil, func() time.Time { return now })
			ctx := domain.WithMeter(t.Context(), m)
			m.Add(domain.MetricTokensOut, "fal", "m", "", 42)
			e := domain.MemoryEntry{ID: domain.NewID(domain.PrefixMemory, now), TenantID: "acme", CharacterID: "chr_x",
				Kind: domain.MemorySaid, Text: "hi", Importance: 0.5, CreatedAt: now}
			if err := db.AddMemory(ctx, []domain.MemoryEntry{e, e}); err == nil {
				t.Fatal("a duplicate entry was stored")
			}
			if m.Pending() != 1 {
				t.Fatalf("after the rollback %d records pending, want 1", m.Pending())
			}
			if err := db.AddMemory(ctx, []domain.MemoryEntry{e}); err != nil {
				t.Fatal(err)
			}
			if err := db.AddMemory(ctx, nil); err != nil {
				t.Fatal(err)
			}
			q, _, err := db.SumUsage(t.Context(), "acme", nil, now.Add(-time.Hour), now.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if q != 42 || m.Pending() != 0 {
				t.Fatalf("stored %d, pending %d; want 42 and 0", q, m.Pending())
			}
		})
	}
}

// Request counts not flushed yet are in the report, and flushing neither loses nor
// doubles them.
func TestUsageReportIncludesUnflushedCounts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 10, 30, 0, 0, time.UTC)
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			u := &domain.UsageService{Store: db, Reader: db, Now: func() time.Time { return now }}
			p := domain.Principal{TenantID: "acme", KeyID: "key_a", Mode: domain.ModeLive, Scopes: []domain.Scope{domain.ScopeRead}}
			requests := func() int64 {
				t.Helper()
				r, err := u.Report(t.Context(), p, domain.UsageParams{})
				if err != nil {
					t.Fatal(err)
				}
				return r.Totals.Sum(domain.MetricRequests)
			}
			for range 3 {
				u.CountRequest("acme", "key_a", "listWorlds", domain.MetricRequests)
			}
			u.CountRequest("acme", "key_b", "listWorlds", domain.MetricRequests) // another key's
			if got := requests(); got != 3 {
				t.Fatalf("unflushed: %d requests, want 3", got)
			}
			if err := u.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			u.CountRequest("acme", "key_a", "getWorld", domain.MetricRequests)
			if got := requests(); got != 4 {
				t.Fatalf("after a flush and one more: %d requests, want 4", got)
			}
			if err := u.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := requests(); got != 4 {
				t.Fatalf("all flushed: %d requests, want 4", got)
			}
		})
	}
}
