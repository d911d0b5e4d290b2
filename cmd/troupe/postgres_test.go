package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// postgresURL returns a URL to a fresh schema on the test PostgreSQL server, or skips.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL does not answer in CI: %v", err)
		}
		t.Skipf("PostgreSQL not reachable at %s: %v", base, err)
	}
	schema := fmt.Sprintf("t_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	return base + "&search_path=" + schema
}

// TestTwoReplicasShareTheQueue starts two server processes on one PostgreSQL database and
// submits jobs to both: every job completes exactly once, whichever replica ran it.
func TestTwoReplicasShareTheQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dbURL := postgresURL(t)
	fake := faltest.New(t, faltest.WithQueueSteps(0, 1))
	env := []string{
		"DATA_DIR=" + t.TempDir(), "DATABASE_URL=" + dbURL, "API_KEYS=", "FAL_KEY=" + fake.Key(),
		"FAL_RUN_URL=" + fake.URL(), "FAL_QUEUE_URL=" + fake.URL(), "TEXT_ENGINE=local", "IMAGE_ENGINE=fal",
	}
	ports := []int{freePort(t), freePort(t)}
	var clients []*gen.ClientWithResponses
	for _, p := range ports {
		startProcess(t, p, env...)
		clients = append(clients, servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(p), servertest.DemoKey))
	}
	const n = 12
	var ids []string
	for i := range n {
		res, err := clients[i%2].CreateAvatarWithResponse(t.Context(), gen.AvatarRequest{Description: "a guard", Seed: ptr(int64(i))})
		if err != nil || res.JSON202 == nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		ids = append(ids, res.JSON202.JobId)
	}
	for i, id := range ids {
		// Either replica answers for any job: they share the database.
		j := waitStatus(t, clients[(i+1)%2], id, gen.Completed, 60*time.Second)
		if j.Attempts != 1 {
			t.Fatalf("job %s ran %d times", id, j.Attempts)
		}
	}
	if got := fake.Count(falclient.FluxDevEndpoint, faltest.KindSubmit); got != n {
		t.Fatalf("fal saw %d submits for %d jobs", got, n)
	}
}
