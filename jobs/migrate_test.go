package jobs_test

import (
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/jobs"
	"github.com/troupe-ai/troupe/store"
	"github.com/troupe-ai/troupe/store/storetest"
)

// TestReplicasStartingTogetherMigrateOnce: replicas that start at the same moment on a new
// PostgreSQL database each set up the queue's tables without failing one another.
func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresSchemaURL(t)
	if url == "" {
		t.Skip("no PostgreSQL")
	}
	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(t.Context(), store.Options{URL: url})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			q, err := jobs.NewQueue(t.Context(), db, 1, "")
			if err != nil {
				errs[i] = err
				return
			}
			q.Close()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}
