package domain_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// memJobs is an in-memory JobStore and JobQueue holding one job: enough to drive the
// runner through every way an attempt can end. Methods the runner does not call are left
// to the embedded interfaces (and would panic).
type memJobs struct {
	domain.JobStore
	domain.JobQueue
	mu       sync.Mutex
	job      domain.Job
	busy     bool
	released int
	outcomes []domain.JobOutcome
	// finishErr, when set, is what Finish answers, the first finishFailures times (every
	// time when 0).
	finishErr      error
	finishFailures int
	finishCalls    int
	// claimErr, when set, is what ClaimJob answers.
	claimErr error
}

func (m *memJobs) ClaimJob(_ context.Context, id string, c domain.Claim) (*domain.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.claimErr != nil:
		return nil, m.claimErr
	case m.job.Status.Terminal():
		return nil, domain.ErrConflict
	case m.busy:
		return nil, domain.ErrJobBusy
	}
	m.job.Status, m.job.Attempts = domain.JobProcessing, m.job.Attempts+1
	j := m.job
	return &j, nil
}

// CachedResult finds nothing: these tests are about how attempts end, not the cache.
func (m *memJobs) CachedResult(context.Context, string, string) (*domain.CacheEntry, error) {
	return nil, domain.ErrNotFound
}

func (m *memJobs) ReleaseJob(context.Context, string, string, time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.released++
	return nil
}

func (m *memJobs) Finish(ctx context.Context, out domain.JobOutcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finishCalls++
	if err := ctx.Err(); err != nil {
		return err // as a database call would
	}
	if m.finishErr != nil && (m.finishFailures == 0 || m.finishCalls <= m.finishFailures) {
		return m.finishErr
	}
	m.job.Status = out.Status
	m.outcomes = append(m.outcomes, out)
	return nil
}

// memMedia is a MediaStore in memory.
type memMedia struct {
	domain.MediaStore
	mu    sync.Mutex
	files map[string]bool
}

func (m *memMedia) Put(_ context.Context, f *domain.File, _ []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[f.ID] = true
	return nil
}

func (m *memMedia) Delete(_ context.Context, f *domain.File) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.files, f.ID)
	return nil
}

// imagesFunc is an ImageModel from a function.
type imagesFunc func(ctx context.Context) (domain.ImageResult, error)

func (f imagesFunc) Generate(ctx context.Context, _ domain.ImageRequest) (domain.ImageResult, error) {
	return f(ctx)
}

func (imagesFunc) Status(context.Context) domain.DependencyHealth { return domain.DependencyHealth{} }

func png(context.Context) (domain.ImageResult, error) {
	return domain.ImageResult{Data: []byte("png"), ContentType: "image/png"}, nil
}

func newRunner(jobs *memJobs, media *memMedia, images imagesFunc) *domain.JobRunner {
	jobs.job = domain.Job{ID: "job_1", TenantID: "t", Type: domain.JobAvatar, Status: domain.JobPending, Request: []byte(`{}`)}
	return &domain.JobRunner{Store: jobs, Queue: jobs, Images: images, Media: media,
		Settings: domain.RunSettings{Runner: "me", MaxAttempts: 3, FinishTimeout: finishTimeout}}
}

// finishTimeout is the runner's limit on writing an outcome here; slowImages outlasts it.
const finishTimeout = 250 * time.Millisecond

func slowImages(ctx context.Context) (domain.ImageResult, error) {
	select {
	case <-time.After(4 * finishTimeout):
	case <-ctx.Done():
		return domain.ImageResult{}, ctx.Err()
	}
	return png(ctx)
}

func TestJobRunnerEndings(t *testing.T) {
	t.Parallel()
	providerDown := domain.Errorf(domain.CodeFalServiceError, "down").WithDetails(map[string]any{"upstream_status": 503})
	cases := map[string]struct {
		images      imagesFunc
		prior       int // attempts made before this one
		lastAttempt bool
		finishErr   error
		finishFails int
		claimErr    error
		busy        bool
		cancel      bool
		// what the run returns, and how the job ends (empty: not ended by this run)
		wantErr    error
		wantStatus domain.JobStatus
		wantCode   domain.Code
		wantFiles  int
	}{
		"work done":                   {images: png, wantStatus: domain.JobCompleted, wantFiles: 1},
		"retryable failure, early":    {images: failWith(providerDown), wantErr: providerDown},
		"retryable failure, last":     {images: failWith(providerDown), prior: 2, wantStatus: domain.JobFailed, wantCode: domain.CodeFalServiceError},
		"queue says last attempt":     {images: failWith(providerDown), lastAttempt: true, wantStatus: domain.JobFailed, wantCode: domain.CodeFalServiceError},
		"the request's fault":         {images: failWith(domain.ValidationError()), wantStatus: domain.JobFailed, wantCode: domain.CodeValidation},
		"interrupted too often":       {images: png, prior: 3, wantStatus: domain.JobFailed, wantCode: domain.CodeInternal},
		"another attempt holds it":    {images: png, busy: true, wantErr: domain.ErrJobBusy},
		"taken over meanwhile":        {images: png, finishErr: domain.ErrConflict},
		"the claim cannot be written": {images: png, claimErr: errors.New("database gone"), wantErr: domain.ErrNotStarted},
		// The outcome's time limit counts from the end of the work, not its start.
		"work longer than the outcome limit": {images: slowImages, wantStatus: domain.JobCompleted, wantFiles: 1},
		"a hiccup writing the outcome":       {images: png, finishErr: errors.New("hiccup"), finishFails: 2, wantStatus: domain.JobCompleted, wantFiles: 1},
		"canceled or shutting down":          {images: failWithContext, cancel: true, wantErr: context.Canceled},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			jobs, media := &memJobs{}, &memMedia{files: map[string]bool{}}
			r := newRunner(jobs, media, c.images)
			jobs.job.Attempts, jobs.finishErr, jobs.finishFailures, jobs.claimErr, jobs.busy = c.prior, c.finishErr, c.finishFails, c.claimErr, c.busy
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if c.cancel {
				cancel()
			}
			err := r.RunImage(ctx, "job_1", c.lastAttempt)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("run returned %v, want %v", err, c.wantErr)
			}
			if c.wantStatus == "" {
				if len(jobs.outcomes) != 0 {
					t.Fatalf("the job ended: %+v", jobs.outcomes)
				}
			} else {
				if len(jobs.outcomes) != 1 || jobs.outcomes[0].Status != c.wantStatus || !strings.HasPrefix(jobs.outcomes[0].Claim, "clm_") {
					t.Fatalf("outcomes %+v, want one %s", jobs.outcomes, c.wantStatus)
				}
				if e := jobs.outcomes[0].Error; c.wantCode != "" && (e == nil || e.Code != c.wantCode) {
					t.Fatalf("error %+v, want %s", e, c.wantCode)
				}
			}
			if len(media.files) != c.wantFiles {
				t.Fatalf("%d media files kept, want %d", len(media.files), c.wantFiles)
			}
			if retried := c.wantErr != nil && !c.busy && c.claimErr == nil; retried && jobs.released != 1 {
				t.Fatalf("a job handed back to the queue was released %d times", jobs.released)
			}
		})
	}
}

func failWith(err error) imagesFunc {
	return func(context.Context) (domain.ImageResult, error) { return domain.ImageResult{}, err }
}

func failWithContext(ctx context.Context) (domain.ImageResult, error) {
	<-ctx.Done()
	return domain.ImageResult{}, ctx.Err()
}
