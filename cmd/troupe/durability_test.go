package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// TestServeSubprocess is not a test: it is the server process the durability tests start
// and kill (the test binary re-executed with TROUPE_SUBPROCESS=1).
func TestServeSubprocess(t *testing.T) {
	if os.Getenv("TROUPE_SUBPROCESS") != "1" {
		t.Skip("run by the durability tests")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// startProcess runs the server in a child process with env and waits until it answers.
func startProcess(t *testing.T, port int, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSubprocess$", "-test.v")
	cmd.Env = append(os.Environ(), append([]string{"TROUPE_SUBPROCESS=1", "HOST=127.0.0.1", "PORT=" + strconv.Itoa(port)}, env...)...)
	logf, _ := os.Create(filepath.Join(t.TempDir(), "server.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(url + "/health"); err == nil {
			res.Body.Close()
			return cmd
		}
		if time.Now().After(deadline) {
			t.Fatal("the server process did not answer")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestJobSurvivesAKilledServer kills the server process (SIGKILL: no shutdown at all)
// while a job is processing, starts it again on the same data with the default settings,
// and checks the job completes within 30 seconds of the restart, once, with one result.
func TestJobSurvivesAKilledServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	// A fal whose image jobs stay in progress for a few polls (the client polls every
	// 500 ms), so the kill lands mid-job.
	fake := faltest.New(t, faltest.WithQueueSteps(0, 6))
	dataDir := t.TempDir()
	port := freePort(t)
	env := falImagesEnv(fake, dataDir)
	proc := startProcess(t, port, env...)
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	c := servertest.Client(t, url, servertest.DemoKey)
	av, err := c.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a dwarf", Seed: ptr(int64(3))})
	if err != nil || av.JSON202 == nil {
		t.Fatalf("avatar: %v", err)
	}
	id := av.JSON202.JobId
	waitStatus(t, c, id, gen.JobStatusProcessing, 20*time.Second)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	submitsBefore := fake.Count(falclient.FluxDevEndpoint, faltest.KindSubmit)

	startProcess(t, port, env...)
	c = servertest.Client(t, url, servertest.DemoKey)
	j := waitStatus(t, c, id, gen.JobStatusCompleted, 30*time.Second)
	if j.Attempts != 2 || j.Result == nil {
		t.Fatalf("after the restart: %+v", j)
	}
	if after := fake.Count(falclient.FluxDevEndpoint, faltest.KindSubmit); after != submitsBefore+1 {
		t.Fatalf("fal saw %d submits after the restart, want exactly one more", after-submitsBefore)
	}
	list, _ := c.ListJobsWithResponse(t.Context(), nil)
	if list.JSON200.Total != 1 {
		t.Fatalf("%d jobs, want 1", list.JSON200.Total)
	}
}

// falImagesEnv is the environment of a server process whose images come from the fake
// fal (text stays local), with the demo keys and its data under dataDir; extra settings
// follow.
func falImagesEnv(fake *faltest.Server, dataDir string, extra ...string) []string {
	return append([]string{
		"DATA_DIR=" + dataDir, "API_KEYS=", "FAL_KEY=" + fake.Key(), "FAL_RUN_URL=" + fake.URL(), "FAL_QUEUE_URL=" + fake.URL(),
		"TEXT_ENGINE=local", "IMAGE_ENGINE=fal",
	}, extra...)
}

func waitStatus(t *testing.T, c *gen.ClientWithResponses, id string, want gen.JobStatus, within time.Duration) gen.Job {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := c.GetJobWithResponse(context.Background(), id)
		if err == nil && res.JSON200 != nil {
			if res.JSON200.Status == want {
				return *res.JSON200
			}
			if res.JSON200.Status != gen.JobStatusPending && res.JSON200.Status != gen.JobStatusProcessing {
				t.Fatalf("job ended %s, want %s: %s", res.JSON200.Status, want, res.Body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s never reached %s", id, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
