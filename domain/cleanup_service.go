package domain

import (
	"context"
	"time"
)

// CleanupService deletes what has expired: jobs past their time to live with their media,
// media bytes no row owns (left by a crash between writing the bytes and the row), and the
// heartbeat rows of replicas long gone, idempotency keys past their retention, and
// memory entries about players older than their data space keeps them.
type CleanupService struct {
	Store JobStore
	Media MediaStore
	// Idempotency, when set, has its expired keys deleted too.
	Idempotency IdempotencyStore
	// Events, when set, has events older than EventTTL deleted with their deliveries.
	Events EventRetention
	// Players, when set, has each data space's retention of memory entries about players
	// applied (PUT /v1/data_retention): entries with a player id older than it are
	// deleted, pinned ones too.
	Players PlayerRetentionStore
	// JobTTL is how long jobs and their media are kept. Default 24 hours.
	JobTTL time.Duration
	// OrphanGrace is how old unowned media bytes must be before they are deleted: bytes
	// are written just before their row, so younger ones may be about to be owned.
	// Default 1 hour.
	OrphanGrace time.Duration
	Now         func() time.Time
}

// CleanupReport counts what one Run deleted.
type CleanupReport struct {
	Jobs, OrphanFiles, IdempotencyKeys, Events int
	// PlayerMemories counts memory entries about players deleted by their space's
	// retention.
	PlayerMemories int
}

// Run deletes expired jobs with their media, then orphaned media, idempotency keys, events
// and memory entries about players past their retention, then forgotten replicas.
func (s *CleanupService) Run(ctx context.Context) (CleanupReport, error) {
	now := nowFrom(s.Now)
	var rep CleanupReport
	ttl, grace := s.JobTTL, s.OrphanGrace
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if grace <= 0 {
		grace = time.Hour
	}
	n, err := s.deleteJobs(ctx, now.Add(-ttl))
	rep.Jobs = n
	if err != nil {
		return rep, err
	}
	if rep.OrphanFiles, err = s.deleteOrphans(ctx, now.Add(-grace)); err != nil {
		return rep, err
	}
	if s.Idempotency != nil {
		if rep.IdempotencyKeys, err = s.Idempotency.DeleteExpiredIdempotencyKeys(ctx, now); err != nil {
			return rep, err
		}
	}
	if s.Events != nil {
		if rep.Events, err = s.Events.DeleteEventsBefore(ctx, now.Add(-EventTTL)); err != nil {
			return rep, err
		}
	}
	if s.Players != nil {
		if rep.PlayerMemories, err = deletePlayerMemories(ctx, s.Players, now); err != nil {
			return rep, err
		}
	}
	return rep, s.Store.ForgetReplicas(ctx, now.Add(-ttl))
}

// deleteJobs deletes jobs created before the cutoff, with their media, in batches.
func (s *CleanupService) deleteJobs(ctx context.Context, before time.Time) (int, error) {
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

// deleteOrphans deletes media bytes written before the cutoff that no file row owns.
func (s *CleanupService) deleteOrphans(ctx context.Context, before time.Time) (int, error) {
	deleted := 0
	err := s.Media.Written(ctx, before, func(ids []string) error {
		known, err := s.Store.KnownFiles(ctx, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if known[id] {
				continue
			}
			if err := s.Media.Delete(ctx, &File{ID: id}); err != nil {
				return err
			}
			deleted++
		}
		return nil
	})
	return deleted, err
}
