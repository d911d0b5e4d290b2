package domain

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// JobService accepts async work and reports on it; JobRunner does the work.
type JobService struct {
	Store      JobStore
	Queue      JobQueue
	Characters CharacterStore
	Webhooks   Webhooks
	// Speech is the active speech engine, which says at submit time whether a voice exists.
	Speech SpeechSynth
	Now    func() time.Time
}

// imageJobRequest is an image job's stored input.
type imageJobRequest struct {
	ImageRequest
	CharacterID string `json:"character_id,omitempty"`
	// NoCache makes a new model call even when an identical request's result is stored.
	NoCache bool `json:"no_cache,omitempty"`
}

// SubmitImage validates an image request and queues it as a job. It returns
// CodeValidation for a refused webhook URL and CodeCharNotFound for an unknown character.
// With noCache, the job draws anew even when an identical request's image is stored.
func (s *JobService) SubmitImage(ctx context.Context, tenantID string, req ImageRequest, characterID, webhookURL string, noCache bool) (*Job, error) {
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
	// What is stored is what is drawn and what the cache keys on: a prompt that differs
	// only in white space is the same request.
	req.Prompt = collapseSpace(req.Prompt)
	body, err := json.Marshal(imageJobRequest{ImageRequest: req, CharacterID: characterID, NoCache: noCache})
	if err != nil {
		return nil, err
	}
	return s.enqueue(ctx, tenantID, JobType(req.Kind), body, webhookURL)
}

// enqueue writes a new pending job and queues its work, in one transaction.
func (s *JobService) enqueue(ctx context.Context, tenantID string, typ JobType, body []byte, webhookURL string) (*Job, error) {
	now := nowFrom(s.Now)
	job := &Job{
		ID: NewID(PrefixJob, now), TenantID: tenantID, Type: typ, Status: JobPending,
		Request: body, WebhookURL: webhookURL, CreatedAt: now,
	}
	if p, ok := PrincipalFrom(ctx); ok {
		job.KeyID = p.KeyID
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
		return ValidationError(urlFieldError("webhook_url", err))
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

// Cancel cancels the tenant's pending or processing job and queues its webhook, in one
// transaction. It returns CodeJobNotFound, or CodeJobNotCancelable when the job has
// already ended.
func (s *JobService) Cancel(ctx context.Context, tenantID, id string) (*Job, error) {
	j, err := s.Queue.Cancel(ctx, tenantID, id, nowFrom(s.Now))
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, jobNotFound(id)
	case errors.Is(err, ErrConflict):
		return nil, Errorf(CodeJobNotCancelable, "The job has already ended with status %q.", j.Status).
			WithDetails(map[string]any{"status": string(j.Status)})
	case err != nil:
		return nil, err
	}
	return j, nil
}

// nowFrom reads a service's clock (time.Now when nil) at the stores' precision.
func nowFrom(now func() time.Time) time.Time {
	if now == nil {
		now = time.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

func jobNotFound(id string) *Error {
	return Errorf(CodeJobNotFound, "No job with id %q.", id).WithDetails(map[string]any{"id": id})
}
