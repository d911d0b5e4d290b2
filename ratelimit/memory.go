package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// shards splits Memory's buckets so concurrent requests of different tenants rarely wait
// on one another's lock.
const shards = 32

// minSweep is the bucket count under which a shard never sweeps.
const minSweep = 1024

// Memory is an exact GCRA Limiter inside one process. Each bucket holds one number, its
// theoretical arrival time (TAT): the time at which its budget would be full again.
// Buckets whose TAT has passed are full, and equal to absent ones, so Memory drops them:
// a shard sweeps them out whenever it has doubled since its last sweep, which keeps its
// memory within twice the buckets in use plus a constant.
type Memory struct {
	now    func() time.Time
	origin time.Time
	seed   maphash.Seed
	shards [shards]memShard
}

type memShard struct {
	mu sync.Mutex
	// tat holds each bucket's TAT in nanoseconds since Memory's origin.
	tat map[string]int64
	// sweepAt is the size at which the shard sweeps next.
	sweepAt int
}

// NewMemory returns an empty Memory. It reads WithClock.
func NewMemory(opts ...Option) *Memory {
	o := newOptions(opts)
	m := &Memory{now: o.now, origin: o.now(), seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].tat = map[string]int64{}
		m.shards[i].sweepAt = minSweep
	}
	return m
}

// elapsed is the time since the origin; time.Time's monotonic reading keeps it steady
// when the wall clock is set.
func (m *Memory) elapsed() int64 { return int64(m.now().Sub(m.origin)) }

func (m *Memory) shard(bucket string) *memShard {
	return &m.shards[maphash.String(m.seed, bucket)%shards]
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, bucket string, p Policy) (Result, error) {
	if err := p.usable(); err != nil {
		return Result{}, err
	}
	interval := int64(p.Interval())
	burst := interval * int64(p.Quota)
	s := m.shard(bucket)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := m.elapsed()
	tat, ok := s.tat[bucket]
	tat = max(tat, now)
	newTAT := tat + interval
	// The request fits when the new TAT is at most one burst ahead of now.
	ahead := now - (newTAT - burst)
	if ahead < 0 {
		return Result{RetryAfter: time.Duration(-ahead), ResetAfter: time.Duration(tat - now)}, nil
	}
	s.tat[bucket] = newTAT
	if !ok && len(s.tat) >= s.sweepAt {
		s.sweep(now)
	}
	return Result{Allowed: true, Remaining: int(ahead / interval), ResetAfter: time.Duration(newTAT - now)}, nil
}

// Refund implements Refunder: it moves the bucket's TAT back by one interval.
func (m *Memory) Refund(_ context.Context, bucket string, p Policy) (Result, error) {
	if err := p.usable(); err != nil {
		return Result{}, err
	}
	interval := int64(p.Interval())
	s := m.shard(bucket)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := m.elapsed()
	tat := s.tat[bucket] - interval
	if tat <= now {
		delete(s.tat, bucket)
		return Result{Allowed: true, Remaining: p.Quota}, nil
	}
	s.tat[bucket] = tat
	ahead := now - (tat - interval*int64(p.Quota))
	return Result{Allowed: true, Remaining: int(ahead / interval), ResetAfter: time.Duration(tat - now)}, nil
}

func (s *memShard) sweep(now int64) {
	for b, tat := range s.tat {
		if tat <= now {
			delete(s.tat, b)
		}
	}
	s.sweepAt = max(2*len(s.tat), minSweep)
}

// Len returns the number of buckets Memory holds, full ones not yet swept included.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tat)
		s.mu.Unlock()
	}
	return n
}

// Engine names what keeps the budgets, for health reports.
func (m *Memory) Engine() string { return "memory" }

// Status reports Memory's health, which is always ok.
func (m *Memory) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: m.Engine()}
}
