package domain

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// BudgetService keeps the data spaces' monthly spend caps: it answers what a month has
// used of its cap, announces the 80 % and 100 % thresholds as budget.threshold events
// (once each per month, whichever replica sees them first), and refuses generation once a
// hard cap is reached.
type BudgetService struct {
	Store  BudgetStore
	Usage  UsageStore
	Events EventPublisher
	// CacheTTL is how long a replica trusts what it last read of a space's budget and use
	// before Check reads them again: the delay before a reached cap is refused, and before
	// a cap set on another replica applies. Default 5 seconds.
	CacheTTL time.Duration
	Now      func() time.Time

	mu    sync.Mutex
	cache map[string]cachedBudget
}

type cachedBudget struct {
	status *BudgetStatus
	at     time.Time
}

// maxBudgetLimit bounds a cap, so it stays exact in a float and means something.
const maxBudgetLimit = 1e9

// Status returns the caller's cap and this month's use of it. It returns no error codes
// of its own.
func (s *BudgetService) Status(ctx context.Context, caller Principal) (*BudgetStatus, error) {
	return s.status(ctx, caller.Space(), true)
}

// Set sets the caller's cap, then announces any threshold the month's use already
// passes. It returns CodeValidation for an unknown metric or a limit that is not a
// positive number up to a billion.
func (s *BudgetService) Set(ctx context.Context, caller Principal, in BudgetInput) (*BudgetStatus, error) {
	if in.Metric == "" {
		in.Metric = BudgetCost
	}
	if _, ok := usageOf[in.Metric]; !ok {
		return nil, ValidationError(FieldError{Field: "metric", Message: "must be one of cost_usd, tokens, tts_characters, audio_seconds, images"})
	}
	if math.IsNaN(in.MonthlyLimit) || in.MonthlyLimit <= 0 || in.MonthlyLimit > maxBudgetLimit {
		return nil, ValidationError(FieldError{Field: "monthly_limit", Message: "must be greater than 0 and at most 1000000000"})
	}
	hard := in.HardLimit == nil || *in.HardLimit
	space := caller.Space()
	b := &Budget{TenantID: space, Metric: in.Metric, MonthlyLimit: in.MonthlyLimit, HardLimit: hard, UpdatedAt: s.now()}
	if err := s.Store.PutBudget(ctx, b); err != nil {
		return nil, err
	}
	st, err := s.status(ctx, space, true)
	if err != nil {
		return nil, err
	}
	if err := s.announce(ctx, st); err != nil {
		return nil, err
	}
	s.remember(space, st)
	return st, nil
}

// Delete removes the caller's cap. It returns no error codes of its own.
func (s *BudgetService) Delete(ctx context.Context, caller Principal) error {
	space := caller.Space()
	if err := s.Store.DeleteBudget(ctx, space); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.cache, space)
	s.mu.Unlock()
	return nil
}

// Check returns CodeBudgetExceeded when the space's hard cap is reached. It reads the
// budget and the month's use at most once per CacheTTL, announcing thresholds as it
// does. When they cannot be read it goes on what it read last, and lets a space it knows
// nothing of through: a database hiccup must not stop every game's dialogue, and the
// next read catches up.
func (s *BudgetService) Check(ctx context.Context, space string) error {
	st, fresh := s.cached(space)
	if !fresh {
		read, err := s.status(ctx, space, false)
		switch {
		case err != nil && st == nil:
			return nil
		case err == nil:
			_ = s.announce(ctx, read) // retried on the next read
			s.remember(space, read)
			st = read
		}
	}
	if !st.Refusing() {
		return nil
	}
	b := st.Budget
	return Errorf(CodeBudgetExceeded, "This month's %s cap of %s is reached; it resets at %s.",
		b.Metric, strconv.FormatFloat(b.MonthlyLimit, 'f', -1, 64), st.PeriodEnd.Format(time.RFC3339)).
		WithDetails(map[string]any{
			"metric": string(b.Metric), "monthly_limit": b.MonthlyLimit, "used": st.Used,
			"resets_at": st.PeriodEnd.Format(time.RFC3339),
		})
}

// Sweep reads every cap's use and announces the thresholds passed, so a threshold that
// work in jobs crossed is announced even when no request follows. It returns the first
// error and goes on past it.
func (s *BudgetService) Sweep(ctx context.Context) error {
	all, err := s.Store.Budgets(ctx)
	if err != nil {
		return err
	}
	var first error
	for i := range all {
		st, err := s.status(ctx, all[i].TenantID, false)
		if err == nil {
			err = s.announce(ctx, st)
		}
		if err != nil {
			if first == nil {
				first = fmt.Errorf("budget of %s: %w", all[i].TenantID, err)
			}
			continue
		}
		s.remember(all[i].TenantID, st)
	}
	return first
}

// status reads the space's cap and this month's use of what it counts. Without a cap it
// reads the month's cost only when uncapped is set: the guard on every generation
// request needs no sum for a space with nothing to enforce.
func (s *BudgetService) status(ctx context.Context, space string, uncapped bool) (*BudgetStatus, error) {
	b, err := s.Store.Budget(ctx, space)
	switch {
	case errors.Is(err, ErrNotFound):
		b = nil
	case err != nil:
		return nil, err
	}
	start, end := monthOf(s.now())
	st := &BudgetStatus{Budget: b, Metric: BudgetCost, PeriodStart: start, PeriodEnd: end, Reached: []int{}}
	if b != nil {
		st.Metric = b.Metric
	} else if !uncapped {
		return st, nil
	}
	u := usageOf[st.Metric]
	qty, cost, err := s.Usage.SumUsage(ctx, space, u.metrics, start, end)
	if err != nil {
		return nil, err
	}
	if st.Metric == BudgetCost {
		qty = cost
	}
	st.Used = roundUsed(float64(qty) / u.perUnit)
	if b != nil && b.NotifiedPeriod.Equal(start) {
		for _, t := range BudgetThresholds {
			if t <= b.NotifiedThreshold {
				st.Reached = append(st.Reached, t)
			}
		}
	}
	return st, nil
}

// announce publishes a budget.threshold event for every threshold the month's use has
// passed and that is not yet announced, then records the highest. Each event's id is
// derived from the space, the cap's version, the month and the threshold, so two
// replicas announcing at once, or a crash between publishing and recording, still send
// each event once.
func (s *BudgetService) announce(ctx context.Context, st *BudgetStatus) error {
	frac, ok := st.Fraction()
	if !ok {
		return nil
	}
	b := st.Budget
	highest := 0
	for _, t := range BudgetThresholds {
		if frac*100 < float64(t) || slices.Contains(st.Reached, t) {
			continue
		}
		e := &Event{
			ID: derivedID(PrefixEvent, b.TenantID, strconv.FormatInt(b.UpdatedAt.UnixMicro(), 10),
				strconv.FormatInt(st.PeriodStart.Unix(), 10), strconv.Itoa(t)),
			TenantID: b.TenantID, Type: EventBudgetThreshold, CreatedAt: s.now(),
			Budget: &BudgetThreshold{
				Metric: b.Metric, Threshold: t, MonthlyLimit: b.MonthlyLimit, Used: st.Used,
				PeriodStart: st.PeriodStart, HardLimit: b.HardLimit,
			},
		}
		if err := s.Events.PublishEvent(ctx, e); err != nil {
			return err
		}
		highest = t
	}
	if highest == 0 {
		return nil
	}
	if _, err := s.Store.MarkBudgetThreshold(ctx, b.TenantID, b.UpdatedAt, st.PeriodStart, highest); err != nil {
		return err
	}
	for _, t := range BudgetThresholds {
		if t <= highest && !slices.Contains(st.Reached, t) {
			st.Reached = append(st.Reached, t)
		}
	}
	return nil
}

// cached returns what the replica last read of the space (nil for nothing) and whether
// it is recent enough to trust.
func (s *BudgetService) cached(space string) (*BudgetStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cache[space]
	if !ok {
		return nil, false
	}
	return c.status, s.now().Sub(c.at) < s.ttl()
}

func (s *BudgetService) remember(space string, st *BudgetStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil {
		s.cache = map[string]cachedBudget{}
	}
	// Entries of spaces no longer asked about are dropped as they expire, so the cache
	// holds only the spaces of the last few seconds.
	now := s.now()
	if len(s.cache) > 1024 {
		for k, c := range s.cache {
			if now.Sub(c.at) >= s.ttl() {
				delete(s.cache, k)
			}
		}
	}
	s.cache[space] = cachedBudget{status: st, at: now}
}

func (s *BudgetService) ttl() time.Duration {
	if s.CacheTTL > 0 {
		return s.CacheTTL
	}
	return 5 * time.Second
}

func (s *BudgetService) now() time.Time { return nowFrom(s.Now) }

// roundUsed keeps a use to a millionth of its unit, so dollars read as dollars.
func roundUsed(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// derivedID is an id of the given prefix that is a function of parts: the same parts
// always give the same id, in the form of every other id.
func derivedID(prefix string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	// 26 characters of 5 bits each, like a generated id.
	out := make([]byte, 26)
	var acc uint64
	bits, j := 0, 0
	for i := 0; j < len(out); {
		if bits < 5 {
			acc = acc<<8 | uint64(sum[i])
			i++
			bits += 8
		}
		bits -= 5
		out[j] = crockford[(acc>>uint(bits))&31]
		j++
	}
	return prefix + string(out)
}
