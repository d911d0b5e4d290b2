package openaiclient

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	c := New(Config{BaseURL: "http://x/v1", RetryBase: 100 * time.Millisecond, RetryMax: time.Second})
	tests := []struct {
		n          int
		retryAfter time.Duration
		lo, hi     time.Duration
		ok         bool
	}{
		{0, 0, 50 * time.Millisecond, 100 * time.Millisecond, true},
		{1, 0, 100 * time.Millisecond, 200 * time.Millisecond, true},
		{3, 0, 400 * time.Millisecond, 800 * time.Millisecond, true},
		{4, 0, 500 * time.Millisecond, time.Second, true}, // capped
		{200, 0, 500 * time.Millisecond, time.Second, true},
		{0, 700 * time.Millisecond, 700 * time.Millisecond, 700 * time.Millisecond, true}, // Retry-After wins
		{0, 2 * time.Second, 0, 0, false},                                                 // beyond RetryMax
	}
	for _, tt := range tests {
		for range 50 { // the jitter is random: sample it
			got, ok := c.backoff(tt.n, tt.retryAfter)
			if ok != tt.ok || got < tt.lo || got > tt.hi {
				t.Fatalf("backoff(%d, %v) = %v, %v; want %v..%v, %v", tt.n, tt.retryAfter, got, ok, tt.lo, tt.hi, tt.ok)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"absent", http.Header{}, 0},
		{"seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"zero", http.Header{"Retry-After": {"0"}}, 0},
		{"negative", http.Header{"Retry-After": {"-4"}}, 0},
		{"HTTP date", http.Header{"Retry-After": {now.Add(10 * time.Second).Format(http.TimeFormat)}}, 10 * time.Second},
		{"past date", http.Header{"Retry-After": {now.Add(-time.Hour).Format(http.TimeFormat)}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"milliseconds win", http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"3"}}, 250 * time.Millisecond},
		{"bad milliseconds fall back", http.Header{"Retry-After-Ms": {"x"}, "Retry-After": {"3"}}, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
