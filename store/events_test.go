package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/media"
)

// TestEventRetention checks that the cleanup deletes events older than 30 days with their
// deliveries and keeps the rest, budget subjects included, on both databases.
func TestEventRetention(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Now().UTC().Truncate(time.Microsecond)
			old, recent := now.Add(-31*24*time.Hour), now.Add(-29*24*time.Hour)
			budget := &domain.BudgetThreshold{Metric: domain.BudgetCost, Threshold: 80, MonthlyLimit: 50, Used: 40.5,
				PeriodStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), HardLimit: true}
			events := []*domain.Event{
				{ID: domain.NewID(domain.PrefixEvent, old), TenantID: "ten_a", Type: domain.EventJobCompleted, JobID: "job_gone", CreatedAt: old},
				{ID: domain.NewID(domain.PrefixEvent, old), TenantID: "ten_a", Type: domain.EventBudgetThreshold, Budget: budget, CreatedAt: old},
				{ID: domain.NewID(domain.PrefixEvent, recent), TenantID: "ten_a", Type: domain.EventBudgetThreshold, Budget: budget, CreatedAt: recent},
			}
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				for _, e := range events {
					if ok, err := db.InsertEventTx(ctx, tx, e); err != nil || !ok {
						return fmt.Errorf("insert %s: %v, %w", e.ID, ok, err)
					}
				}
				// An event of a recorded id is left as it was.
				again := *events[1]
				again.Budget = &domain.BudgetThreshold{Metric: domain.BudgetImages, Threshold: 80}
				if ok, err := db.InsertEventTx(ctx, tx, &again); err != nil || ok {
					return fmt.Errorf("insert again: %v, %w", ok, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				d := domain.EventDelivery{ID: domain.NewID(domain.PrefixDelivery, e.CreatedAt), EndpointID: "we_1", Attempt: 1,
					StatusCode: 500, Error: "boom", At: e.CreatedAt, Duration: 1500 * time.Microsecond}
				if err := db.RecordEventDelivery(ctx, e.ID, d); err != nil {
					t.Fatal(err)
				}
			}

			cleanup := &domain.CleanupService{Store: db, Media: &media.FS{Dir: t.TempDir()}, Events: db, Now: func() time.Time { return now }}
			rep, err := cleanup.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Events != 2 {
				t.Fatalf("deleted %d events, want 2", rep.Events)
			}
			for _, e := range events[:2] {
				if _, err := db.GetEvent(ctx, "ten_a", e.ID); !errors.Is(err, domain.ErrNotFound) {
					t.Fatalf("old event %s: %v", e.ID, err)
				}
			}
			var left int
			if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM event_deliveries`).Scan(&left); err != nil || left != 1 {
				t.Fatalf("%d deliveries left (%v), want 1", left, err)
			}
			got, err := db.GetEvent(ctx, "ten_a", events[2].ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Budget, budget) || got.JobID != "" || !got.CreatedAt.Equal(recent) || len(got.Deliveries) != 1 {
				t.Fatalf("kept event %+v", got)
			}
			if d := got.Deliveries[0]; d.Error != "boom" || d.StatusCode != 500 || d.Duration != 1500*time.Microsecond || d.EndpointID != "we_1" {
				t.Fatalf("delivery %+v", d)
			}
			if _, err := db.GetEvent(ctx, "ten_b", events[2].ID); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("another space reads the event: %v", err)
			}
		})
	}
}

// TestEndpointSecretRotationStore checks that each rotation keeps exactly the secret it
// replaced, and that a rotation without overlap keeps none.
func TestEndpointSecretRotationStore(t *testing.T) {
	t.Parallel()
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			now := time.Now().UTC().Truncate(time.Microsecond)
			e := &domain.WebhookEndpoint{ID: domain.NewID(domain.PrefixEndpoint, now), TenantID: "ten_a", URL: "https://example.com",
				Events: []domain.EventType{domain.EventJobFailed}, Enabled: true, Secret: "s1", CreatedAt: now, UpdatedAt: now}
			if err := db.CreateEndpoint(ctx, e); err != nil {
				t.Fatal(err)
			}
			until := now.Add(time.Hour)
			steps := []struct {
				secret   string
				until    *time.Time
				wantPrev string
			}{
				{"s2", &until, "s1"},
				{"s3", &until, "s2"},
				{"s4", nil, ""},
			}
			for _, st := range steps {
				got, err := db.RotateEndpointSecret(ctx, "ten_a", e.ID, st.secret, st.until, now)
				if err != nil {
					t.Fatal(err)
				}
				if got.Secret != st.secret || got.PreviousSecret != st.wantPrev || (st.until == nil) != (got.PreviousSecretExpiresAt == nil) {
					t.Fatalf("after rotating to %s: %+v", st.secret, got)
				}
			}
			if _, err := db.RotateEndpointSecret(ctx, "ten_b", e.ID, "x", nil, now); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("another space rotated it: %v", err)
			}
			if got, _ := db.GetEndpoint(ctx, "ten_a", e.ID); got == nil || got.Secret != "s4" {
				t.Fatalf("endpoint %+v", got)
			}
		})
	}
}
