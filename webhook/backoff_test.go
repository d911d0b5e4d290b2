package webhook

import (
	"math"
	"testing"
	"time"
)

func half() float64 { return 0.5 }

func TestBackoffSchedule(t *testing.T) {
	want := []time.Duration{
		5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
		10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
	}
	if MaxAttempts != len(want)+1 {
		t.Errorf("MaxAttempts = %d, want %d", MaxAttempts, len(want)+1)
	}
	prev := time.Duration(0)
	for i, w := range want {
		got := Backoff(i+1, half)
		if got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
		if got < prev {
			t.Errorf("Backoff(%d) = %v < Backoff(%d) = %v", i+1, got, i, prev)
		}
		prev = got
	}
	for _, a := range []int{0, -3} {
		if got := Backoff(a, half); got != want[0] {
			t.Errorf("Backoff(%d) = %v, want %v", a, got, want[0])
		}
	}
	for _, a := range []int{MaxAttempts, 100, math.MaxInt} {
		if got := Backoff(a, half); got != 24*time.Hour {
			t.Errorf("Backoff(%d) = %v, want 24h", a, got)
		}
	}
}

func TestBackoffJitterBounded(t *testing.T) {
	rnds := []struct {
		name string
		f    func() float64
	}{
		{"zero", func() float64 { return 0 }},
		{"quarter", func() float64 { return 0.25 }},
		{"almost one", func() float64 { return 0.9999999 }},
		{"one", func() float64 { return 1 }},
		{"negative", func() float64 { return -7 }},
		{"big", func() float64 { return 7 }},
		{"NaN", math.NaN},
		{"default", nil},
	}
	for attempt := 1; attempt < MaxAttempts; attempt++ {
		base := Backoff(attempt, half)
		lo, hi := time.Duration(float64(base)*0.8), time.Duration(float64(base)*1.2)
		for _, r := range rnds {
			for range 50 {
				if got := Backoff(attempt, r.f); got < lo || got > hi {
					t.Errorf("Backoff(%d, %s) = %v, outside [%v, %v]", attempt, r.name, got, lo, hi)
				}
			}
		}
	}
	// The default source actually jitters.
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[Backoff(5, nil)] = true
	}
	if len(seen) < 2 {
		t.Errorf("default jitter gave %d distinct delays in 20 draws", len(seen))
	}
}

func TestBackoffSpan(t *testing.T) {
	if got, want := TotalSpan(), 75*time.Hour+35*time.Minute+5*time.Second; got != want {
		t.Errorf("TotalSpan() = %v, want %v", got, want)
	}
	// Even with every delay jittered down, retries span more than a day.
	var shortest, sum time.Duration
	for a := 1; a < MaxAttempts; a++ {
		shortest += Backoff(a, func() float64 { return 0 })
		sum += Backoff(a, half)
	}
	if shortest <= 24*time.Hour {
		t.Errorf("shortest span %v, want > 24h", shortest)
	}
	if sum != TotalSpan() {
		t.Errorf("sum of Backoff = %v, TotalSpan = %v", sum, TotalSpan())
	}
}
