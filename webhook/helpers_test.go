package webhook

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
)

// resolverFunc adapts a function to Resolver.
type resolverFunc func(ctx context.Context, host string) ([]net.IPAddr, error)

func (f resolverFunc) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return f(ctx, host)
}

// ipAddrs parses addresses the way net's resolver returns them (IPv4 in
// 16-byte form).
func ipAddrs(tb testing.TB, ss ...string) []net.IPAddr {
	tb.Helper()
	out := make([]net.IPAddr, 0, len(ss))
	for _, s := range ss {
		ip := net.ParseIP(s)
		if ip == nil {
			tb.Fatalf("bad test address %q", s)
		}
		out = append(out, net.IPAddr{IP: ip})
	}
	return out
}

// staticResolver answers from a map and fails for unknown hosts. Like DNS, it
// ignores a trailing dot.
func staticResolver(tb testing.TB, m map[string][]string) Resolver {
	tb.Helper()
	answers := make(map[string][]net.IPAddr, len(m))
	for h, ss := range m {
		answers[h] = ipAddrs(tb, ss...)
	}
	return resolverFunc(func(_ context.Context, host string) ([]net.IPAddr, error) {
		if a, ok := answers[strings.TrimSuffix(host, ".")]; ok {
			return a, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
}

// countingResolver answers the n-th lookup (1-based) with answer(n) and
// counts lookups.
type countingResolver struct {
	mu     sync.Mutex
	n      int
	answer func(n int) []string
	tb     testing.TB
}

func (r *countingResolver) LookupIPAddr(_ context.Context, _ string) ([]net.IPAddr, error) {
	r.mu.Lock()
	r.n++
	n := r.n
	r.mu.Unlock()
	return ipAddrs(r.tb, r.answer(n)...), nil
}

func (r *countingResolver) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}
