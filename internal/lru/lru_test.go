package lru_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/internal/lru"
)

func TestTheLeastRecentlyUsedIsDroppedFirst(t *testing.T) {
	t.Parallel()
	c := lru.New[string, int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("a = %d, %v; want 1", v, ok)
	}
	c.Put("c", 3) // drops b: a was read after it
	if _, ok := c.Get("b"); ok {
		t.Fatal("b is still cached")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if v, ok := c.Get(k); !ok || v != want {
			t.Fatalf("%s = %d, %v; want %d", k, v, ok, want)
		}
	}
	if c.Len() != 2 {
		t.Fatalf("%d entries, want 2", c.Len())
	}
}

func TestPutReplacesAndRefreshes(t *testing.T) {
	t.Parallel()
	c := lru.New[string, int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	c.Put("a", 10) // a is now the most recently used
	c.Put("c", 3)  // so b goes
	if v, _ := c.Get("a"); v != 10 {
		t.Fatalf("a = %d, want 10", v)
	}
	if _, ok := c.Get("b"); ok {
		t.Fatal("b is still cached")
	}
}

func TestConcurrentUseStaysWithinItsSize(t *testing.T) {
	t.Parallel()
	c := lru.New[string, int](16)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprint((w*500 + i) % 40)
				c.Put(k, i)
				c.Get(k)
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n != 16 {
		t.Fatalf("%d entries, want 16", n)
	}
}
