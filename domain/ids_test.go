package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

func TestNewID(t *testing.T) {
	base := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	prev := ""
	for i := range 2000 {
		id := domain.NewID(domain.PrefixWorld, base.Add(time.Duration(i)*time.Millisecond))
		suffix, ok := strings.CutPrefix(id, domain.PrefixWorld)
		if !ok || len(suffix) != 26 || strings.ContainsAny(suffix, "ilou") {
			t.Fatalf("id %q is not prefix + 26 Crockford digits", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
		if id <= prev {
			t.Fatalf("ids do not sort by time: %q after %q", id, prev)
		}
		prev = id
	}
}

func TestPageOf(t *testing.T) {
	n := func(v int) *int { return &v }
	cases := []struct {
		limit, offset *int
		want          domain.Page
	}{
		{nil, nil, domain.Page{Limit: 50}},
		{n(10), n(20), domain.Page{Limit: 10, Offset: 20}},
		{n(0), n(-5), domain.Page{Limit: 1}},
		{n(1000), nil, domain.Page{Limit: 100}},
	}
	for _, c := range cases {
		if got := domain.PageOf(c.limit, c.offset); got != c.want {
			t.Errorf("PageOf(%v, %v) = %+v, want %+v", c.limit, c.offset, got, c.want)
		}
	}
}
