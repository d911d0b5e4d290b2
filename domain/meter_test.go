package domain_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

func TestMeterClaim(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := func() time.Time { return at }
	prices := domain.NewPriceTable(domain.DefaultPrices)
	tests := []struct {
		name string
		// commits says, for each write, whether its transaction committed.
		commits []bool
		// want is how many records a later write still finds.
		want int
	}{
		{"committed once", []bool{true}, 0},
		{"rolled back, then committed", []bool{false, true}, 0},
		{"rolled back twice", []bool{false, false}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := domain.NewMeter("acme", "key_1", prices, clock)
			m.Add(domain.MetricTokensIn, "fal", "google/gemini-2.5-flash", "", 1000)
			m.Add(domain.MetricImages, "fal", "fal-ai/flux/schnell", "1000x1000", 1)
			m.Add(domain.MetricImages, "fal", "x", "1x1", 0) // nothing
			written := 0
			for _, ok := range tt.commits {
				recs, done := m.Claim()
				if ok {
					written += len(recs)
				}
				done(ok)
				done(!ok) // a second call changes nothing
			}
			if got := m.Pending(); got != tt.want {
				t.Fatalf("pending %d, want %d", got, tt.want)
			}
			if rest, _ := m.Claim(); written+len(rest) != 2 {
				t.Fatalf("written %d + left %d, want 2 in all", written, len(rest))
			}
		})
	}
	t.Run("records", func(t *testing.T) {
		t.Parallel()
		m := domain.NewMeter("acme/test", "key_2", prices, clock)
		m.Add(domain.MetricTokensIn, "fal", "google/gemini-2.5-flash", "", 1000)
		recs, _ := m.Claim()
		r := recs[0]
		if r.TenantID != "acme/test" || r.KeyID != "key_2" || !r.Hour.Equal(time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)) ||
			r.CostNanoUSD != 300_000 {
			t.Fatalf("record %+v", r)
		}
	})
	t.Run("nil meter", func(t *testing.T) {
		t.Parallel()
		var m *domain.Meter
		m.Add(domain.MetricImages, "fal", "m", "1x1", 1)
		recs, done := m.Claim()
		done(false)
		if recs != nil || m.Pending() != 0 || domain.MeterFrom(t.Context()) != nil {
			t.Fatal("a nil meter holds something")
		}
	})
	t.Run("concurrent adds while claimed", func(t *testing.T) {
		t.Parallel()
		m := domain.NewMeter("acme", "", nil, clock)
		var wg sync.WaitGroup
		total := 0
		var mu sync.Mutex
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					m.Add(domain.MetricRequests, "", "", "op", 1)
				}
				recs, done := m.Claim()
				mu.Lock()
				total += len(recs)
				mu.Unlock()
				done(true)
			}()
		}
		wg.Wait()
		rest, _ := m.Claim()
		if total+len(rest) != 800 {
			t.Fatalf("%d records, want 800", total+len(rest))
		}
	})
}

func TestUsageFlushKeepsFailedCounts(t *testing.T) {
	t.Parallel()
	st := &failingUsageStore{fail: true}
	u := &domain.UsageService{Store: st}
	u.CountRequest("acme", "key_1", "listWorlds", domain.MetricRequests)
	u.CountRequest("acme", "key_1", "listWorlds", domain.MetricRequests)
	if err := u.Flush(t.Context()); err == nil {
		t.Fatal("flush over a failing store succeeded")
	}
	st.fail = false
	if err := u.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := u.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(st.added) != 1 || st.added[0].Quantity != 2 || st.added[0].Detail != "listWorlds" {
		t.Fatalf("written %+v, want one count of 2", st.added)
	}
}

type failingUsageStore struct {
	fail  bool
	added []domain.UsageRecord
}

func (s *failingUsageStore) AddUsage(_ context.Context, recs []domain.UsageRecord) error {
	if s.fail {
		return errors.New("down")
	}
	s.added = append(s.added, recs...)
	return nil
}

func (s *failingUsageStore) SumUsage(context.Context, string, []domain.UsageMetric, time.Time, time.Time) (int64, int64, error) {
	return 0, 0, nil
}
