package store

import (
	"container/list"
	"sync"

	"github.com/troupe-ai/troupe/domain"
)

// worldCache keeps the decoded content of recently read worlds. A world's content never
// changes after it is created, so a cached copy is always exact; the row is still read on
// every request, so tenancy and deletes stay the database's word. It exists because
// decoding the stored JSON was half the cost of GET /v1/worlds/{id} (BENCHMARKS.md).
//
// It holds the content only, never a world's LorebookIDs: those change (SetWorldLorebooks,
// DeleteLorebook) and are read from lorebook_links on every request, one small indexed
// query, rather than cached and invalidated. Invalidating would have to reach every
// replica's cache on PostgreSQL, which this in-process cache cannot.
type worldCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used world id
	items map[string]*list.Element
}

type cachedWorld struct {
	id      string
	content domain.WorldContent
}

func newWorldCache(max int) *worldCache {
	return &worldCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

// get returns the content of the world with the id, if cached. Callers must not modify it.
func (c *worldCache) get(id string) (domain.WorldContent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[id]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cachedWorld).content, true
	}
	return domain.WorldContent{}, false
}

func (c *worldCache) put(id string, content domain.WorldContent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[id]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.items[id] = c.order.PushFront(&cachedWorld{id: id, content: content})
	if c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cachedWorld).id)
	}
}
