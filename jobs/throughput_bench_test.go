package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/store/storetest"
)

// instantImages is an image engine that answers at once, so the benchmark measures the
// queue and the store, not rendering.
type instantImages struct{}

func (instantImages) Generate(_ context.Context, r domain.ImageRequest) (domain.ImageResult, error) {
	return domain.ImageResult{Data: []byte("\x89PNG fake"), ContentType: "image/png", Width: r.Width, Height: r.Height, Seed: r.Seed, Engine: "bench", Model: "instant", Style: r.Style}, nil
}

func (instantImages) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "bench"}
}

// BenchmarkJobThroughput submits 200 image jobs as fast as it can and waits until all have
// completed, on SQLite and (when reachable) PostgreSQL. It reports jobs/s from the first
// submit to the last completion, and the queue latency (created → started) p50 and p99.
func BenchmarkJobThroughput(b *testing.B) {
	backends := map[string]store.Options{"sqlite": {SQLitePath: filepath.Join(b.TempDir(), "bench.db")}}
	if url := storetest.PostgresSchemaURL(b); url != "" {
		backends["postgres"] = store.Options{URL: url}
	}
	for name, opt := range backends {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db, svc := startQueue(b, opt)
			const n = 200
			var rates []float64
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				ids := make([]string, n)
				for i := range ids {
					j, err := svc.SubmitImage(ctx, "tenant_bench", domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: "x", Width: 64, Height: 64, Seed: int64(i)}, "", "", false)
					if err != nil {
						b.Fatal(err)
					}
					ids[i] = j.ID
				}
				for _, id := range ids {
					for {
						j, err := db.GetJob(ctx, "tenant_bench", id)
						if err != nil {
							b.Fatal(err)
						}
						if j.Status == domain.JobCompleted {
							lat = append(lat, j.StartedAt.Sub(j.CreatedAt))
							break
						}
						time.Sleep(2 * time.Millisecond)
					}
				}
				rates = append(rates, n/time.Since(start).Seconds())
			}
			slices.Sort(rates)
			slices.Sort(lat)
			b.ReportMetric(rates[len(rates)/2], "jobs/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-queue-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-queue-ms")
		})
	}
}

// BenchmarkJobLatencyIdle submits one job at a time to an idle queue and reports how long
// it waited to start (created → started), p50 and p99, on SQLite and PostgreSQL.
func BenchmarkJobLatencyIdle(b *testing.B) {
	backends := map[string]store.Options{"sqlite": {SQLitePath: filepath.Join(b.TempDir(), "bench.db")}}
	if url := storetest.PostgresSchemaURL(b); url != "" {
		backends["postgres"] = store.Options{URL: url}
	}
	for name, opt := range backends {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db, svc := startQueue(b, opt)
			var lat []time.Duration
			for b.Loop() {
				j, err := svc.SubmitImage(ctx, "tenant_bench", domain.ImageRequest{Kind: domain.ImageAvatar, Prompt: "x", Width: 64, Height: 64, Seed: 1}, "", "", true)
				if err != nil {
					b.Fatal(err)
				}
				for {
					got, err := db.GetJob(ctx, "tenant_bench", j.ID)
					if err != nil {
						b.Fatal(err)
					}
					if got.Status == domain.JobCompleted {
						lat = append(lat, got.StartedAt.Sub(got.CreatedAt))
						break
					}
					time.Sleep(time.Millisecond)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-queue-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-queue-ms")
		})
	}
}

// startQueue builds the application (as `troupe serve` does) on the store with 8
// workers and an image engine that answers at once, and starts its workers; all stop when
// the benchmark ends.
func startQueue(b *testing.B, opt store.Options) (*store.DB, *domain.JobService) {
	ctx := context.Background()
	cfg := app.Defaults()
	cfg.DataDir, cfg.DatabaseURL, cfg.JobWorkers = b.TempDir(), opt.URL, 8
	a, err := app.New(ctx, cfg, app.Overrides{
		Images: instantImages{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if err := a.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Stop(ctx) })
	return a.DB, a.Services.Jobs
}
