package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// startBudgetSweep rereads every spend cap each interval and announces the thresholds
// passed, until the returned stop is called. Every replica sweeps: an announcement goes
// out once whichever replica makes it, and a sweep costs one query per capped tenant.
func startBudgetSweep(b *domain.BudgetService, every time.Duration, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := b.Sweep(ctx); err != nil && ctx.Err() == nil {
					log.Warn("budgets: sweep failed; retried at the next one", "error", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
