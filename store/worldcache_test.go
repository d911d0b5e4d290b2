package store

import (
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestWorldCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	c := newWorldCache(2)
	c.put("a", domain.WorldContent{Name: "A"})
	c.put("b", domain.WorldContent{Name: "B"})
	if got, ok := c.get("a"); !ok || got.Name != "A" {
		t.Fatal("a missing")
	}
	c.put("c", domain.WorldContent{Name: "C"}) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Fatal("b survived eviction")
	}
	for _, id := range []string{"a", "c"} {
		if _, ok := c.get(id); !ok {
			t.Fatalf("%s evicted", id)
		}
	}
}
