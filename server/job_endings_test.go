package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
)

// stuckImages never finishes an image: it waits until the attempt's context ends.
type stuckImages struct{}

func (stuckImages) Generate(ctx context.Context, _ domain.ImageRequest) (domain.ImageResult, error) {
	<-ctx.Done()
	return domain.ImageResult{}, ctx.Err()
}

func (stuckImages) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "stuck"}
}

// fastJobs makes job attempts short and retries immediate, with two attempts per job.
func fastJobs(c *app.Config) {
	c.JobTimeout, c.JobMaxAttempts, c.JobRetryBase = time.Second, 2, 10*time.Millisecond
}

// waitDelivered polls the job until its webhook was delivered, and returns the payload.
func waitDelivered(t *testing.T, c *gen.ClientWithResponses, recv *receiver, id string) gen.Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.GetJobWithResponse(t.Context(), id)
		if err != nil || res.JSON200 == nil {
			t.Fatalf("get job: %v", err)
		}
		if w := res.JSON200.Webhook; w != nil && w.Delivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the webhook of job %s was never delivered: %s", id, res.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	var payload gen.Job
	if err := json.Unmarshal(recv.bodies[len(recv.bodies)-1], &payload); err != nil {
		t.Fatal(err)
	}
	return payload
}

// TestEveryAttemptTimingOutEndsTheJobFailed: when no attempt finishes in time, the job
// ends failed with PROVIDER_TIMEOUT after its last attempt, and its webhook goes out.
func TestEveryAttemptTimingOutEndsTheJobFailed(t *testing.T) {
	t.Parallel()
	engines := map[string]func(t *testing.T) func(*setupOptions){
		"fal never finishes": func(t *testing.T) func(*setupOptions) {
			fake := faltest.New(t, faltest.WithQueueSteps(0, 1<<30))
			return func(o *setupOptions) {
				o.falImages = true
				o.config = func(c *app.Config) {
					fastJobs(c)
					c.FalKey, c.FalRunURL, c.FalQueueURL, c.ImageEngine, c.TextEngine = fake.Key(), fake.URL(), fake.URL(), "fal", "local"
				}
			}
		},
		"local engine stuck": func(*testing.T) func(*setupOptions) {
			return func(o *setupOptions) { o.images, o.config = stuckImages{}, fastJobs }
		},
	}
	for db, onDB := range backends(t) {
		for name, engine := range engines {
			t.Run(db+"/"+name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, onDB, engine(t))
				recv := &receiver{}
				hook := httptest.NewServer(recv)
				t.Cleanup(hook.Close)
				av, err := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a lich", WebhookUrl: ptr(hook.URL)})
				if err != nil || av.JSON202 == nil {
					t.Fatalf("submit: %v", err)
				}
				j := waitJob(t, b.demo, av.JSON202.JobId)
				if j.Status != gen.JobStatusFailed || j.Error == nil || j.Error.Code != "PROVIDER_TIMEOUT" || j.Attempts != 2 {
					t.Fatalf("job %+v", j)
				}
				if got := waitDelivered(t, b.demo, recv, j.JobId); got.Status != gen.JobStatusFailed || got.Error == nil || got.Error.Code != "PROVIDER_TIMEOUT" {
					t.Fatalf("webhook payload %+v", got)
				}
			})
		}
	}
}

// TestAnErrorOnTheLastAttemptEndsTheJobFailed: a failure after the work (here, the media
// store cannot write) is retried, and the last attempt ends the job failed, opaquely.
func TestAnErrorOnTheLastAttemptEndsTheJobFailed(t *testing.T) {
	t.Parallel()
	for db, onDB := range backends(t) {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// A file where the media folder should be: every write fails.
			if err := os.WriteFile(filepath.Join(dir, "media"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			b := setup(t, onDB, func(o *setupOptions) {
				o.config = func(c *app.Config) { fastJobs(c); c.DataDir = dir }
			})
			av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a golem"})
			j := waitJob(t, b.demo, av.JSON202.JobId)
			if j.Status != gen.JobStatusFailed || j.Error == nil || j.Error.Code != "INTERNAL_ERROR" || j.Attempts != 2 || j.Result != nil {
				t.Fatalf("job %+v", j)
			}
		})
	}
}

// TestOrphanedMediaIsSwept: media bytes no file row owns (a crash between writing the bytes
// and the row), and unfinished temporary files, are deleted by the periodic cleanup once
// older than the grace period; owned files of the same age stay.
func TestOrphanedMediaIsSwept(t *testing.T) {
	t.Parallel()
	for db, onDB := range backends(t) {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			b := setup(t, onDB, func(o *setupOptions) {
				o.config = func(c *app.Config) {
					c.DataDir, c.OrphanMediaGrace, c.CleanupEvery = dir, time.Minute, 100*time.Millisecond
				}
			})
			av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a monk"})
			owned := imageResult(t, waitJob(t, b.demo, av.JSON202.JobId))
			ownedID := fileIDOf(t, owned.ImageUrl)
			media := filepath.Join(dir, "media")
			old := time.Now().Add(-time.Hour)
			orphan := filepath.Join(media, "zz", "file_01ORPHANORPHANORPHANORPHzz")
			tmp := filepath.Join(media, "zz", ".tmp-12345")
			for _, p := range []string{orphan, tmp} {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("left by a crash"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			young := filepath.Join(media, "zz", "file_01YOUNGYOUNGYOUNGYOUNGYzz")
			if err := os.WriteFile(young, []byte("about to be owned"), 0o644); err != nil {
				t.Fatal(err)
			}
			ownedPath := filepath.Join(media, ownedID[len(ownedID)-2:], ownedID)
			for _, p := range []string{orphan, tmp, ownedPath} {
				if err := os.Chtimes(p, old, old); err != nil {
					t.Fatal(err)
				}
			}
			deadline := time.Now().Add(30 * time.Second)
			for exists(orphan) || exists(tmp) {
				if time.Now().After(deadline) {
					t.Fatal("orphaned media still there")
				}
				time.Sleep(50 * time.Millisecond)
			}
			if !exists(young) {
				t.Fatal("unowned media younger than the grace period was deleted")
			}
			if res, _ := download(t, b.url, owned.ImageUrl, nil); res.StatusCode != 200 {
				t.Fatalf("the owned file answers %d after the sweep", res.StatusCode)
			}
		})
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fileIDOf takes the file id out of a signed file URL.
func fileIDOf(t *testing.T, signed string) string {
	t.Helper()
	_, rest, _ := strings.Cut(signed, "/v1/files/")
	id, _, _ := strings.Cut(rest, "?")
	if !strings.HasPrefix(id, "file_") {
		t.Fatalf("no file id in %q", signed)
	}
	return id
}
