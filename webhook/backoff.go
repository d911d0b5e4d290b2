package webhook

import (
	"math"
	"math/rand/v2"
	"time"
)

// schedule is the Standard Webhooks example: the delay after the n-th failed
// attempt is schedule[n-1]. The first attempt is immediate.
var schedule = [...]time.Duration{
	5 * time.Second,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	5 * time.Hour,
	10 * time.Hour,
	14 * time.Hour,
	20 * time.Hour,
	24 * time.Hour,
}

// MaxAttempts is how many attempts a message gets: the immediate one and one
// after each delay of the schedule. After the last, notify the owner and
// consider disabling the endpoint.
const MaxAttempts = len(schedule) + 1

// Jitter is the relative spread applied by [Backoff]: each delay is drawn
// uniformly from ±20 % of the schedule, so endpoints that failed together do
// not retry together.
const Jitter = 0.2

// Backoff returns how long to wait after failed attempt number attempt
// (1-based) before the next: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
// 24 h, with ±20 % jitter. Attempts past the schedule get the last delay;
// attempts below 1 count as 1. rnd returns a number in [0, 1) (nil means
// math/rand/v2.Float64); 0.5 gives the schedule exactly. Wait for the larger
// of this and [Result.RetryAfter].
func Backoff(attempt int, rnd func() float64) time.Duration {
	i := min(max(attempt, 1), len(schedule)) - 1
	if rnd == nil {
		rnd = rand.Float64
	}
	r := rnd()
	if math.IsNaN(r) {
		r = 0.5
	}
	r = min(max(r, 0), 1)
	return time.Duration(float64(schedule[i]) * (1 - Jitter + 2*Jitter*r))
}

// TotalSpan is the time from the first attempt to the last without jitter:
// the sum of the schedule, 75 h 35 min 5 s (a little over three days). With
// jitter the span is within ±20 % of it, so always over 24 hours.
func TotalSpan() time.Duration {
	var total time.Duration
	for _, d := range schedule {
		total += d
	}
	return total
}
