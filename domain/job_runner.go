package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// JobRunner does the work of queued jobs. Every job's work has one shape (run): claim the
// job, do the work, store the media, and end the job in one transaction. It also keeps the
// replica's heartbeat and hands back the jobs of replicas that stopped (Beat), so work a
// crash interrupted resumes within seconds.
type JobRunner struct {
	Store    JobStore
	Queue    JobQueue
	Images   ImageModel
	Speech   SpeechSynth
	Media    MediaStore
	Settings RunSettings
	Now      func() time.Time
	// Observe, when set, hears of every attempt that ran: the job's type, how it ended
	// ("completed", "failed", "canceled" or "retried"), how long the job waited before
	// this attempt and how long the attempt ran (the job metrics).
	Observe func(typ JobType, outcome string, queueWait, run time.Duration)
	// Usage meters each attempt's work, for the job's tenant and key; nil meters nothing.
	Usage *UsageService
}

// RunSettings tune how jobs are run and recovered. The zero value of each field takes
// its default.
type RunSettings struct {
	// Runner names this replica in claims and heartbeats; it must be unique per process
	// (a restarted process is a new runner). Default "local".
	Runner string
	// MaxAttempts is how many attempts a job gets before it fails, counting those a crash
	// interrupted. Default 4.
	MaxAttempts int
	// AttemptTimeout bounds one attempt; the queue cancels the attempt's context then.
	// Default 5 minutes.
	AttemptTimeout time.Duration
	// RetryBase is the first retry's delay; each further one doubles, up to 64 times the
	// base. Default 1 second.
	RetryBase time.Duration
	// HeartbeatEvery is how often Beat should run. Default 2 seconds.
	HeartbeatEvery time.Duration
	// StaleAfter is how long a replica may miss heartbeats before its jobs are handed to
	// another (or to itself, restarted). It must be several HeartbeatEvery, so a busy
	// replica is not taken for dead. Default 5 heartbeats.
	StaleAfter time.Duration
	// FinishTimeout bounds the writes that record an attempt's outcome, counted from the
	// moment its work ended (retries of a failed write included). Default 30 seconds.
	FinishTimeout time.Duration
}

// WithDefaults returns the settings with every zero field set to its default.
func (s RunSettings) WithDefaults() RunSettings {
	if s.Runner == "" {
		s.Runner = "local"
	}
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 4
	}
	if s.AttemptTimeout <= 0 {
		s.AttemptTimeout = 5 * time.Minute
	}
	if s.RetryBase <= 0 {
		s.RetryBase = time.Second
	}
	if s.HeartbeatEvery <= 0 {
		s.HeartbeatEvery = 2 * time.Second
	}
	if s.StaleAfter <= 0 {
		s.StaleAfter = 5 * s.HeartbeatEvery
	}
	if s.FinishTimeout <= 0 {
		s.FinishTimeout = 30 * time.Second
	}
	return s
}

// RetryDelay is how long to wait before the attempt after the given one (1-based).
func (s RunSettings) RetryDelay(attempt int) time.Duration {
	s = s.WithDefaults()
	return s.RetryBase << min(max(attempt-1, 0), 6)
}

// lease is how long a claim holds: one attempt, then the longest retry delay, so a job
// released for a retry is not taken for abandoned before the retry comes.
func (s RunSettings) lease() time.Duration {
	s = s.WithDefaults()
	return s.AttemptTimeout + s.FinishTimeout + s.RetryDelay(7) + s.StaleAfter
}

// output is what one run of a job made: the media bytes and the result that points at
// them.
type output struct {
	media []media
	// result builds the job's result for the stored files, in the order of media.
	result func(fileIDs []string) (any, error)
	// avatarOf is the character whose avatar the first file becomes.
	avatarOf string
	// sprites, when set, is the character whose sprites the files become, one per
	// emotion, in the order of media.
	sprites *SpriteLink
	// cache, when set, is the entry the job's result is stored under: its Key, and the
	// Result to store when it is a hit's (nil: the job's own result).
	cache *CacheEntry
}

// media is one file a job made.
type media struct {
	data        []byte
	contentType string
}

// run is the one shape of every job's work. It returns nil when the job reached a terminal
// status (or had already, or is no longer this attempt's), ErrJobBusy when another attempt
// holds it, ErrNotStarted when the attempt could not begin, and another error when the
// queue should try again later: only for failures that retrying can help, and never on
// the last attempt, which always ends the job.
func (r *JobRunner) run(ctx context.Context, jobID string, lastAttempt bool, work func(context.Context, *Job) (output, error)) error {
	set := r.Settings.WithDefaults()
	now := r.now()
	// The token, new for every claim, is what finishes or releases the job: an attempt
	// whose claim was handed to another (even one in this same process) touches nothing.
	token := NewID(prefixClaim, now)
	job, err := r.Store.ClaimJob(ctx, jobID, Claim{
		Runner: set.Runner, Token: token, At: now, LeaseUntil: now.Add(set.lease()), AliveSince: now.Add(-set.StaleAfter),
	})
	switch {
	case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		return nil // ended, canceled or cleaned up meanwhile
	case errors.Is(err, ErrJobBusy):
		return err
	case err != nil:
		// Nothing was claimed: the queue must try again, but this was no attempt.
		return fmt.Errorf("%w: %w", ErrNotStarted, err)
	}
	// The attempt's use travels with its outcome; whatever no outcome took (a retried,
	// canceled or lost attempt) is written on its own, since the work was done.
	meter := r.Usage.NewMeter(job.TenantID, job.KeyID)
	a := &attempt{r: r, job: job, token: token, meter: meter}
	defer a.writeLeftover(ctx)
	if job.Attempts > set.MaxAttempts {
		// Every start so far ended without an outcome: the process running it died.
		return a.fail(ctx, Errorf(CodeInternal, "The job was interrupted %d times (the server running it stopped) and was given up.", job.Attempts-1))
	}
	last := lastAttempt || job.Attempts >= set.MaxAttempts

	observe := func(outcome string) {
		if r.Observe != nil {
			r.Observe(job.Type, outcome, now.Sub(job.CreatedAt), r.now().Sub(now))
		}
	}
	// The engines tell a test-mode job's work from live work by the tenant of ctx.
	out, err := work(WithMeter(WithTenant(ctx, job.TenantID), meter), job)
	if err == nil {
		err = a.complete(ctx, out)
		if err == nil || errors.Is(err, ErrConflict) {
			observe(string(JobCompleted))
			return nil
		}
	}
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		// Shutting down, or canceled: the queue decides what comes next; meanwhile nobody
		// holds the job, so a restarted replica may take it at once.
		a.release(ctx, r.now().Add(set.lease()))
		observe(string(JobCanceled))
		return ctx.Err()
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = Errorf(CodeProviderTimeout, "The job's work did not finish within %s.", set.AttemptTimeout).
			WithDetails(map[string]any{"timeout_ms": set.AttemptTimeout.Milliseconds()})
	}
	if retryable(err) && !last {
		a.release(ctx, r.now().Add(set.lease()))
		observe("retried")
		return err
	}
	observe(string(JobFailed))
	return a.fail(ctx, publicError(err))
}

// prefixClaim starts the token of one claim (never shown to clients).
const prefixClaim = "clm_"

// attempt is one claimed run of a job; its token is what ends or releases it.
type attempt struct {
	r     *JobRunner
	job   *Job
	token string
	meter *Meter
}

// usage claims the attempt's pending use for an outcome ending the job with status,
// adding the job's own line. done(true) once the outcome committed, done(false) if not.
func (a *attempt) usage(status JobStatus) ([]UsageRecord, func(bool)) {
	recs, done := a.meter.Claim()
	if a.meter != nil {
		recs = append(recs, a.meter.Record(MetricJobs, "", "", string(a.job.Type)+"."+string(status), 1))
	}
	return recs, done
}

// writeLeftover writes the use no outcome took, best effort: losing it loses only a
// cost estimate, never the job.
func (a *attempt) writeLeftover(ctx context.Context) {
	if a.meter.Pending() == 0 {
		return
	}
	ctx, cancel := a.outcomeContext(ctx)
	defer cancel()
	_ = a.r.Usage.WriteMeter(ctx, a.meter)
}

// outcomeContext is the context an attempt's outcome is written on, from now on: the
// attempt's own may have timed out or been canceled, and the outcome must still be
// recorded.
func (a *attempt) outcomeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), a.r.Settings.WithDefaults().FinishTimeout)
}

// complete stores the media, then ends the job completed with its file, its character's
// avatar and its webhook in one transaction. The bytes go first: a crash in between leaves
// bytes no row owns, which Cleanup sweeps, never a row without its bytes.
func (a *attempt) complete(ctx context.Context, out output) error {
	ctx, cancel := a.outcomeContext(ctx)
	defer cancel()
	now := a.r.now()
	files := make([]*File, 0, len(out.media))
	ids := make([]string, 0, len(out.media))
	forget := func() {
		for _, f := range files {
			_ = a.r.Media.Delete(ctx, f)
		}
	}
	for _, m := range out.media {
		file := &File{
			ID: NewID(PrefixFile, now), TenantID: a.job.TenantID, JobID: a.job.ID,
			ContentType: m.contentType, Size: int64(len(m.data)), CreatedAt: now,
		}
		if err := a.r.Media.Put(ctx, file, m.data); err != nil {
			forget()
			return fmt.Errorf("store media: %w", err)
		}
		files, ids = append(files, file), append(ids, file.ID)
	}
	result, err := out.result(ids)
	if err != nil {
		forget()
		return err
	}
	outcome := JobOutcome{
		JobID: a.job.ID, Claim: a.token, Status: JobCompleted,
		Result: result, Files: files, AvatarOf: out.avatarOf, WebhookURL: a.job.WebhookURL, At: now,
	}
	if out.sprites != nil {
		link := *out.sprites
		link.FileIDs = ids
		outcome.Sprites = &link
	}
	if out.cache != nil && len(ids) > 0 {
		entry := *out.cache
		entry.TenantID, entry.JobType, entry.FileID, entry.CreatedAt = a.job.TenantID, a.job.Type, ids[0], now
		if entry.Result == nil {
			if entry.Result, err = json.Marshal(result); err != nil {
				forget()
				return err
			}
		}
		outcome.Cache = &entry
	}
	recs, done := a.usage(JobCompleted)
	outcome.Usage = recs
	err = a.finish(ctx, outcome)
	done(err == nil)
	if errors.Is(err, ErrConflict) {
		// The job ended or passed to another attempt meanwhile: these bytes are nobody's.
		forget()
	}
	return err
}

// fail ends the job failed with its webhook. A job no longer this attempt's is left alone.
// When even that cannot be written, the claim's lease is cut short, so the heartbeat hands
// the job on at once instead of after the lease.
func (a *attempt) fail(ctx context.Context, e *Error) error {
	ctx, cancel := a.outcomeContext(ctx)
	defer cancel()
	recs, done := a.usage(JobFailed)
	err := a.finish(ctx, JobOutcome{
		JobID: a.job.ID, Claim: a.token, Status: JobFailed, Error: e, WebhookURL: a.job.WebhookURL, At: a.r.now(),
		Usage: recs,
	})
	done(err == nil)
	switch {
	case errors.Is(err, ErrConflict):
		return nil
	case err != nil:
		a.release(ctx, a.r.now())
	}
	return err
}

// finishTries is how many times an outcome's write is tried before the attempt gives up.
const finishTries = 3

// finish writes the outcome, trying again over a brief database hiccup (50, then 100 ms
// later): the work is done, and redoing it costs far more than the wait.
func (a *attempt) finish(ctx context.Context, out JobOutcome) error {
	var err error
	wait := 50 * time.Millisecond
	for try := 1; ; try++ {
		if err = a.r.Queue.Finish(ctx, out); err == nil || errors.Is(err, ErrConflict) || try == finishTries {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// release gives up the claim, best effort: if it fails, the lease still runs out.
func (a *attempt) release(ctx context.Context, leaseUntil time.Time) {
	ctx, cancel := a.outcomeContext(ctx)
	defer cancel()
	_ = a.r.Store.ReleaseJob(ctx, a.job.ID, a.token, leaseUntil)
}

// Beat records this replica's heartbeat, then hands every job nobody is running any more
// (its replica stopped heartbeating, or its lease ran out, or its queued work was lost
// before it started) back to the queue. Every
// replica beats; a job is handed back once, whichever replica sees it first. It returns
// how many jobs it handed back.
func (r *JobRunner) Beat(ctx context.Context) (int, error) {
	set := r.Settings.WithDefaults()
	now := r.now()
	if err := r.Store.Heartbeat(ctx, set.Runner, now); err != nil {
		return 0, err
	}
	stale, err := r.Store.StaleJobs(ctx, now, now.Add(-set.StaleAfter), 100)
	if err != nil {
		return 0, err
	}
	// One job that cannot be handed back (a type this replica does not know, in a rolling
	// deploy) must not hold up the others: go on, and report the first error.
	n, first := 0, error(nil)
	for _, j := range stale {
		ok, err := r.Queue.Requeue(ctx, j, now.Add(set.lease()))
		if err != nil && first == nil {
			first = fmt.Errorf("hand back job %s: %w", j.ID, err)
		}
		if ok {
			n++
		}
	}
	// A worker can also die between taking a job from the queue and claiming it: the job
	// is still pending, but its queued work is held by a dead worker.
	lost, err := r.Queue.RequeueLost(ctx, now.Add(-set.StaleAfter))
	if err != nil && first == nil {
		first = fmt.Errorf("hand back lost pending jobs: %w", err)
	}
	return n + lost, first
}

// errUnreadableRequest fails a job whose stored request cannot be decoded; retrying
// cannot help.
var errUnreadableRequest = Errorf(CodeValidation, "The job's request could not be read.")

// RunImage does the work of an avatar, background or variation job: from the cache of
// identical requests when it may, else with the image engine.
func (r *JobRunner) RunImage(ctx context.Context, jobID string, lastAttempt bool) error {
	return r.run(ctx, jobID, lastAttempt, func(ctx context.Context, job *Job) (output, error) {
		var req imageJobRequest
		if err := json.Unmarshal(job.Request, &req); err != nil {
			return output{}, errUnreadableRequest
		}
		key, err := cacheKey(job.Type, r.Images.Status(ctx), req.ImageRequest)
		if err != nil {
			return output{}, err
		}
		out, hit, err := output{}, false, error(nil)
		if !req.NoCache {
			out, hit, err = r.cachedOutput(ctx, job, key, cachedImageResult)
			if err != nil {
				return output{}, err
			}
		}
		if !hit {
			if out, err = r.generateImage(ctx, job.TenantID, req.ImageRequest); err != nil {
				return output{}, err
			}
			out.cache = &CacheEntry{Key: key}
		}
		if job.Type == JobAvatar {
			out.avatarOf = req.CharacterID
		}
		return out, nil
	})
}

// generateImage draws req, its source's bytes read first for a variation.
func (r *JobRunner) generateImage(ctx context.Context, tenantID string, req ImageRequest) (output, error) {
	if req.Source != nil {
		if err := r.loadSource(ctx, tenantID, req.Source); err != nil {
			return output{}, err
		}
	}
	res, err := r.Images.Generate(ctx, req)
	if err != nil {
		return output{}, err
	}
	return output{media: []media{{data: res.Data, contentType: res.ContentType}}, result: func(ids []string) (any, error) {
		r := imageResult(res, ids[0])
		if req.Source != nil {
			r.SourceFileID = req.Source.FileID
		}
		return r, nil
	}}, nil
}

// imageResult is the job result of an image stored as fileID.
func imageResult(res ImageResult, fileID string) *ImageJobResult {
	r := &ImageJobResult{
		FileID: fileID, SeedUsed: res.Seed, Width: res.Width, Height: res.Height,
		Engine: res.Engine, Model: res.Model, Style: res.Style, Traits: res.Traits,
	}
	if res.InferenceTime > 0 {
		ms := float64(res.InferenceTime.Microseconds()) / 1000
		r.InferenceMs = &ms
	}
	return r
}

// cachedImageResult is a cache hit's image result: the stored one, for the job's copy.
func cachedImageResult(raw json.RawMessage, fileID string) (any, error) {
	var r ImageJobResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("cached image result: %w", err)
	}
	r.FileID, r.Cached = fileID, true
	return &r, nil
}

// retryable reports whether trying a failed call again could succeed: provider timeouts,
// and provider failures that are not the request's fault.
func retryable(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return true // unexpected (a database hiccup): worth another go
	}
	switch e.Code {
	case CodeProviderTimeout:
		return true
	case CodeFalServiceError, CodeProviderError:
		status, ok := e.Details["upstream_status"].(int)
		return !ok || status == 429 || status >= 500
	}
	return false
}

// publicError is what a failed job shows: domain errors as they are, anything else as an
// opaque internal error.
func publicError(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return &Error{Code: e.Code, Message: e.Message, Details: e.Details}
	}
	return Errorf(CodeInternal, "The job failed on our side.")
}

func (r *JobRunner) now() time.Time { return nowFrom(r.Now) }
