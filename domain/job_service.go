package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// JobService accepts async work, runs it, and reports on it.
type JobService struct {
	Store      JobStore
	Queue      JobQueue
	Images     ImageModel
	Speech     SpeechSynth
	Media      MediaStore
	Characters CharacterStore
	Webhooks   Webhooks
	Secrets    SecretStore
	// WebhookBody renders a job as the webhook payload (the API's job resource).
	WebhookBody func(*Job) ([]byte, error)
	Now         func() time.Time
}

// imageJobRequest is an image job's stored input.
type imageJobRequest struct {
	ImageRequest
	CharacterID string `json:"character_id,omitempty"`
}

// SubmitImage validates an image request and queues it as a job.
func (s *JobService) SubmitImage(ctx context.Context, tenantID string, req ImageRequest, characterID, webhookURL string) (*Job, error) {
	if err := s.checkWebhook(ctx, webhookURL); err != nil {
		return nil, err
	}
	if characterID != "" {
		if _, err := s.Characters.GetCharacter(ctx, tenantID, characterID); errors.Is(err, ErrNotFound) {
			return nil, charNotFound(characterID)
		} else if err != nil {
			return nil, err
		}
	}
	if req.Seed < 0 {
		req.Seed = RandomSeed()
	}
	body, err := json.Marshal(imageJobRequest{ImageRequest: req, CharacterID: characterID})
	if err != nil {
		return nil, err
	}
	now := s.now()
	job := &Job{
		ID: NewID(PrefixJob, now), TenantID: tenantID, Type: JobType(req.Kind), Status: JobPending,
		Request: body, WebhookURL: webhookURL, CreatedAt: now,
	}
	if err := s.Queue.Enqueue(ctx, job); err != nil {
		return nil, err
	}
	return job, nil
}

func (s *JobService) checkWebhook(ctx context.Context, url string) error {
	if url == "" {
		return nil
	}
	if err := s.Webhooks.CheckURL(ctx, url); err != nil {
		return ValidationError(FieldError{Field: "webhook_url", Message: err.Error()})
	}
	return nil
}

// Get returns the tenant's job, or CodeJobNotFound.
func (s *JobService) Get(ctx context.Context, tenantID, id string) (*Job, error) {
	j, err := s.Store.GetJob(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, jobNotFound(id)
	}
	return j, err
}

// List returns a page of the tenant's jobs, newest first, and the total.
func (s *JobService) List(ctx context.Context, tenantID string, f JobFilter, page Page) ([]Job, int, error) {
	return s.Store.ListJobs(ctx, tenantID, f, page)
}

// Cancel cancels the tenant's pending or processing job. A job that has already ended
// answers CodeJobNotCancelable.
func (s *JobService) Cancel(ctx context.Context, tenantID, id string) (*Job, error) {
	j, err := s.Store.CancelJob(ctx, tenantID, id, s.now())
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, jobNotFound(id)
	case errors.Is(err, ErrConflict):
		return nil, Errorf(CodeJobNotCancelable, "The job has already ended with status %q.", j.Status).
			WithDetails(map[string]any{"status": string(j.Status)})
	case err != nil:
		return nil, err
	}
	// The row is canceled already; stopping the running work only saves effort.
	_ = s.Queue.Cancel(ctx, id)
	if err := s.notify(ctx, j); err != nil {
		return nil, err
	}
	return j, nil
}

// output is what one run of a job made: the media bytes and the result that points at
// them (its file id is filled in by run).
type output struct {
	data        []byte
	contentType string
	// result builds the job's result for the stored file.
	result func(fileID string) any
	// after runs once the job is completed (linking an avatar to its character).
	after func(ctx context.Context, fileID string) error
}

// run is the one shape of every job's work: start it (a job already ended is left alone),
// do the work, store the media and finish the job with its result, all or nothing. It
// returns nil when the job reached a terminal status (or had already), and an error when
// the queue should try again later: only failures that retrying can help, and never on
// the last attempt.
func (s *JobService) run(ctx context.Context, jobID string, lastAttempt bool, work func(*Job) (output, error)) error {
	job, err := s.Store.StartJob(ctx, jobID, s.now())
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return nil // canceled or cleaned up meanwhile
	}
	if err != nil {
		return err
	}
	out, err := work(job)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down or canceled: the queue decides
		}
		if retryable(err) && !lastAttempt {
			return err
		}
		return s.fail(ctx, job, publicError(err))
	}
	file := &File{
		ID: NewID(PrefixFile, s.now()), TenantID: job.TenantID, JobID: job.ID,
		ContentType: out.contentType, Size: int64(len(out.data)), CreatedAt: s.now(),
	}
	if err := s.Media.Put(ctx, file, out.data); err != nil {
		return err
	}
	if err := s.Store.FinishJob(ctx, job.ID, JobCompleted, out.result(file.ID), nil, file, s.now()); err != nil {
		_ = s.Media.Delete(ctx, file)
		if errors.Is(err, ErrConflict) {
			return nil
		}
		return err
	}
	if out.after != nil {
		if err := out.after(ctx, file.ID); err != nil {
			return err
		}
	}
	job.Status = JobCompleted
	return s.notify(ctx, job)
}

// errUnreadableRequest fails a job whose stored request cannot be decoded; retrying
// cannot help.
var errUnreadableRequest = Errorf(CodeValidation, "The job's request could not be read.")

// RunImage does an image job's work.
func (s *JobService) RunImage(ctx context.Context, jobID string, lastAttempt bool) error {
	return s.run(ctx, jobID, lastAttempt, func(job *Job) (output, error) {
		var req imageJobRequest
		if err := json.Unmarshal(job.Request, &req); err != nil {
			return output{}, errUnreadableRequest
		}
		res, err := s.Images.Generate(ctx, req.ImageRequest)
		if err != nil {
			return output{}, err
		}
		out := output{data: res.Data, contentType: res.ContentType, result: func(fileID string) any {
			r := &ImageJobResult{
				FileID: fileID, SeedUsed: res.Seed, Width: res.Width, Height: res.Height,
				Engine: res.Engine, Model: res.Model, Style: res.Style,
			}
			if res.InferenceTime > 0 {
				ms := float64(res.InferenceTime.Microseconds()) / 1000
				r.InferenceMs = &ms
			}
			return r
		}}
		if req.CharacterID != "" && job.Type == JobAvatar {
			out.after = func(ctx context.Context, fileID string) error {
				err := s.Characters.SetAvatar(ctx, job.TenantID, req.CharacterID, fileID)
				if errors.Is(err, ErrNotFound) {
					return nil // the character was deleted meanwhile
				}
				return err
			}
		}
		return out, nil
	})
}

func (s *JobService) fail(ctx context.Context, job *Job, e *Error) error {
	if err := s.Store.FinishJob(ctx, job.ID, JobFailed, nil, e, nil, s.now()); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil
		}
		return err
	}
	job.Status = JobFailed
	return s.notify(ctx, job)
}

// notify queues the job's webhook, when it has one.
func (s *JobService) notify(ctx context.Context, job *Job) error {
	if job.WebhookURL == "" {
		return nil
	}
	return s.Queue.NotifyWebhook(ctx, job.ID)
}

// DeliverWebhook makes one delivery attempt of a job's webhook and records it. It returns
// done when no further attempt should be made (delivered, or the receiver is gone), and
// otherwise how long the receiver asked to wait.
func (s *JobService) DeliverWebhook(ctx context.Context, jobID string, attempt int) (done bool, retryAfter time.Duration, err error) {
	job, err := s.Store.JobByID(ctx, jobID)
	if errors.Is(err, ErrNotFound) {
		return true, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	secret, err := s.Secrets.WebhookSecret(ctx, job.TenantID)
	if err != nil {
		return false, 0, err
	}
	body, err := s.WebhookBody(job)
	if err != nil {
		return false, 0, err
	}
	// The message id is derived from the job, so every attempt carries the same one and
	// receivers can de-duplicate.
	msgID := "msg_" + job.ID + "_" + string(job.Status)
	out := s.Webhooks.Deliver(ctx, job.WebhookURL, secret, msgID, body)
	d := WebhookDelivery{Attempt: attempt, StatusCode: out.StatusCode, At: s.now(), Duration: out.Duration}
	if out.Err != nil {
		d.Error = clip(out.Err.Error(), 300)
	}
	if err := s.Store.RecordDelivery(ctx, jobID, d); err != nil {
		return false, 0, err
	}
	if out.Err == nil || out.Gone || !out.Retry {
		return true, 0, nil
	}
	return false, out.RetryAfter, fmt.Errorf("webhook delivery failed: %w", out.Err)
}

// Cleanup deletes jobs created before the cutoff, with their media, in batches.
func (s *JobService) Cleanup(ctx context.Context, before time.Time) (int, error) {
	deleted := 0
	for {
		jobs, files, err := s.Store.ExpiredJobs(ctx, before, 500)
		if err != nil || len(jobs) == 0 {
			return deleted, err
		}
		for i := range files {
			if err := s.Media.Delete(ctx, &files[i]); err != nil {
				return deleted, err
			}
		}
		ids := make([]string, len(jobs))
		for i, j := range jobs {
			ids[i] = j.ID
		}
		if err := s.Store.DeleteJobs(ctx, ids); err != nil {
			return deleted, err
		}
		deleted += len(ids)
	}
}

// OpenFile returns the tenant's file and its bytes.
func (s *JobService) OpenFile(ctx context.Context, tenantID, id string) (*File, ReadSeekCloser, error) {
	var f *File
	var err error
	if tenantID == "" {
		f, err = s.Store.FileByID(ctx, id)
	} else {
		f, err = s.Store.GetFile(ctx, tenantID, id)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil, fileNotFound(id)
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Media.Open(ctx, f)
	if err != nil {
		return nil, nil, fileNotFound(id)
	}
	return f, r, nil
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
	case CodeFalServiceError:
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

func (s *JobService) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

func jobNotFound(id string) *Error {
	return Errorf(CodeJobNotFound, "No job with id %q.", id).WithDetails(map[string]any{"id": id})
}

func fileNotFound(id string) *Error {
	return Errorf(CodeFileNotFound, "No file with id %q.", id).WithDetails(map[string]any{"id": id})
}
