package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// TestReadsRaceAWrite: reads of one world from many goroutines while it is deleted (each
// read a prepared statement shared by every reader connection on SQLite) each see the
// whole world or none of it, and once the delete has returned no read finds it.
func TestReadsRaceAWrite(t *testing.T) {
	for dialect, db := range backends(t) {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			w := sampleWorld("t1", time.Now(), 7)
			if err := db.CreateWorld(ctx, w); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for range 16 {
				wg.Go(func() {
					for range 20 {
						got, err := db.GetWorld(ctx, "t1", w.ID)
						switch {
						case errors.Is(err, domain.ErrNotFound):
							return
						case err != nil:
							errs <- err
							return
						case got.Content.Name != w.Content.Name || got.TenantID != "t1":
							errs <- errors.New("a read saw another world: " + got.Content.Name)
							return
						}
					}
				})
			}
			if err := db.DeleteWorld(ctx, "t1", w.ID); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if _, err := db.GetWorld(ctx, "t1", w.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("after the delete: %v, want ErrNotFound", err)
			}
			if _, err := db.GetWorld(ctx, "t2", w.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("another tenant: %v, want ErrNotFound", err)
			}
		})
	}
}
