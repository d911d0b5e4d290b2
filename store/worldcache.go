package store

import (
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/internal/lru"
)

// worldCache keeps the decoded content of recently read worlds, by id. A world's content
// never changes after it is created, so a cached copy is always exact; the row is still
// read on every request, so tenancy and deletes stay the database's word. It exists
// because decoding the stored JSON was half the cost of GET /v1/worlds/{id}
// (BENCHMARKS.md).
//
// It holds the content only, never a world's LorebookIDs: those change (SetWorldLorebooks,
// DeleteLorebook) and are read from lorebook_links on every request, one small indexed
// query, rather than cached and invalidated. Invalidating would have to reach every
// replica's cache on PostgreSQL, which this in-process cache cannot.
type worldCache = lru.Cache[string, domain.WorldContent]

// worldCacheSize is how many worlds' content a database keeps decoded.
const worldCacheSize = 256

func newWorldCache() *worldCache { return lru.New[string, domain.WorldContent](worldCacheSize) }
