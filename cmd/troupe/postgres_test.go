package main

import (
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store/storetest"
)

// TestTwoReplicasShareTheQueue starts two server processes on one PostgreSQL database and
// submits jobs to both: every job completes exactly once, whichever replica ran it.
func TestTwoReplicasShareTheQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dbURL := storetest.PostgresSchemaURL(t)
	if dbURL == "" {
		t.Skip("no PostgreSQL")
	}
	fake := faltest.New(t, faltest.WithQueueSteps(0, 1))
	env := falImagesEnv(fake, t.TempDir(), "DATABASE_URL="+dbURL)
	ports := []int{freePort(t), freePort(t)}
	var clients []*gen.ClientWithResponses
	for _, p := range ports {
		startProcess(t, p, env...)
		clients = append(clients, servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(p), servertest.DemoKey))
	}
	const n = 12
	var ids []string
	for i := range n {
		res, err := clients[i%2].CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a guard", Seed: ptr(int64(i))})
		if err != nil || res.JSON202 == nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		ids = append(ids, res.JSON202.JobId)
	}
	for i, id := range ids {
		// Either replica answers for any job: they share the database.
		j := waitStatus(t, clients[(i+1)%2], id, gen.JobStatusCompleted, 60*time.Second)
		if j.Attempts != 1 {
			t.Fatalf("job %s ran %d times", id, j.Attempts)
		}
	}
	if got := fake.Count(falclient.FluxDevEndpoint, faltest.KindSubmit); got != n {
		t.Fatalf("fal saw %d submits for %d jobs", got, n)
	}
}

// TestASurvivingReplicaTakesOverADeadOnesJobs kills a replica (SIGKILL) while it runs a
// job and does not restart it: the other replica, on the same PostgreSQL, completes the
// job within 30 seconds, once.
func TestASurvivingReplicaTakesOverADeadOnesJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dbURL := storetest.PostgresSchemaURL(t)
	if dbURL == "" {
		t.Skip("no PostgreSQL")
	}
	// Image jobs stay in progress for a few polls, so the kill lands mid-job.
	fake := faltest.New(t, faltest.WithQueueSteps(0, 6))
	env := falImagesEnv(fake, t.TempDir(), "DATABASE_URL="+dbURL)
	// The doomed replica starts alone, so the job is its.
	doomedPort := freePort(t)
	doomed := startProcess(t, doomedPort, env...)
	c := servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(doomedPort), servertest.DemoKey)
	av, err := c.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a sentry", Seed: ptr(int64(9))})
	if err != nil || av.JSON202 == nil {
		t.Fatalf("submit: %v", err)
	}
	id := av.JSON202.JobId
	waitStatus(t, c, id, gen.JobStatusProcessing, 20*time.Second)
	// The kill comes first: starting the survivor takes seconds on a loaded machine, time
	// in which the doomed replica could finish the job and leave nothing to take over.
	if err := doomed.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	doomed.Wait()
	survivorPort := freePort(t)
	startProcess(t, survivorPort, env...)

	survivor := servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(survivorPort), servertest.DemoKey)
	j := waitStatus(t, survivor, id, gen.JobStatusCompleted, 30*time.Second)
	if j.Attempts != 2 || j.Result == nil {
		t.Fatalf("after the takeover: %+v", j)
	}
}
