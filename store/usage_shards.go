package store

import (
	"math/rand/v2"
	"sync/atomic"
)

// usageShardCount is how many rows one usage counter may spread over on PostgreSQL. A
// transaction holds its counter row's lock until it commits, so concurrent writers of
// one key's counter wait for each other unless they land on different rows; a replica
// has at most its pool's 16 transactions open, and twice that leaves a writer a free
// row even when a few transactions run long.
const usageShardCount = 32

// usageShards hands each metered transaction the shard of the counters it adds to:
// round robin, so a replica's concurrent transactions land on different rows, from a
// random start, so replicas started together do not walk the same rows in step. The
// zero value always answers 0, which is what SQLite, with its single writer, uses.
type usageShards struct {
	count uint32
	at    atomic.Uint32
}

func newUsageShards(count uint32) *usageShards {
	s := &usageShards{count: count}
	s.at.Store(rand.Uint32())
	return s
}

// next returns the shard for the next transaction.
func (s *usageShards) next() int {
	if s == nil || s.count <= 1 {
		return 0
	}
	return int(s.at.Add(1) % s.count)
}
