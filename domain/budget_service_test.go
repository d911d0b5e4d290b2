package domain_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// memBudgets is an in-memory BudgetStore.
type memBudgets struct {
	mu sync.Mutex
	m  map[string]domain.Budget
}

func (s *memBudgets) Budget(_ context.Context, id string) (*domain.Budget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &b, nil
}

func (s *memBudgets) Budgets(context.Context) ([]domain.Budget, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.Budget
	for _, b := range s.m {
		out = append(out, b)
	}
	return out, nil
}

func (s *memBudgets) PutBudget(_ context.Context, b *domain.Budget) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]domain.Budget{}
	}
	nb := *b
	nb.NotifiedPeriod, nb.NotifiedThreshold = time.Time{}, 0
	s.m[b.TenantID] = nb
	return nil
}

func (s *memBudgets) DeleteBudget(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
	return nil
}

func (s *memBudgets) MarkBudgetThreshold(_ context.Context, id string, updated, period time.Time, t int) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[id]
	if !ok || !b.UpdatedAt.Equal(updated) || (b.NotifiedPeriod.Equal(period) && b.NotifiedThreshold >= t) {
		return false, nil
	}
	b.NotifiedPeriod, b.NotifiedThreshold = period, t
	s.m[id] = b
	return true, nil
}

// fixedUsage is a UsageStore whose month holds a set quantity and cost, able to fail.
type fixedUsage struct {
	mu        sync.Mutex
	qty, cost int64
	down      bool
}

func (u *fixedUsage) AddUsage(context.Context, []domain.UsageRecord) error { return nil }

func (u *fixedUsage) SumUsage(context.Context, string, []domain.UsageMetric, time.Time, time.Time) (int64, int64, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.down {
		return 0, 0, errors.New("database down")
	}
	return u.qty, u.cost, nil
}

func (u *fixedUsage) set(qty, cost int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.qty, u.cost = qty, cost
}

// eventLog is an EventPublisher that keeps events by id, as the queue does.
type eventLog struct {
	mu      sync.Mutex
	byID    map[string]*domain.Event
	ordered []*domain.Event
}

func (l *eventLog) PublishEvent(_ context.Context, e *domain.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byID == nil {
		l.byID = map[string]*domain.Event{}
	}
	if _, ok := l.byID[e.ID]; ok {
		return nil
	}
	l.byID[e.ID] = e
	l.ordered = append(l.ordered, e)
	return nil
}

func (l *eventLog) thresholds() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []int{}
	for _, e := range l.ordered {
		out = append(out, e.Budget.Threshold)
	}
	return out
}

type budgetFixture struct {
	svc    *domain.BudgetService
	usage  *fixedUsage
	events *eventLog
	now    *time.Time
	caller domain.Principal
}

func newBudgetFixture(t *testing.T) *budgetFixture {
	t.Helper()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := &budgetFixture{usage: &fixedUsage{}, events: &eventLog{}, now: &now,
		caller: domain.Principal{TenantID: "acme", KeyID: "key_1", Mode: domain.ModeLive}}
	f.svc = &domain.BudgetService{Store: &memBudgets{}, Usage: f.usage, Events: f.events, CacheTTL: time.Second,
		Now: func() time.Time { return *f.now }}
	return f
}

func (f *budgetFixture) later(d time.Duration) { *f.now = f.now.Add(d) }

func TestBudgetThresholdsAnnouncedOncePerMonth(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newBudgetFixture(t)
	if _, err := f.svc.Set(ctx, f.caller, domain.BudgetInput{MonthlyLimit: 10}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name     string
		costUSD  float64
		want     []int
		refusing bool
	}{
		{"under 80 %", 7.99, []int{}, false},
		{"at 80 %", 8, []int{80}, false},
		{"still 80 %, again", 9.5, []int{80}, false},
		{"at 100 %", 10, []int{80, 100}, true},
		{"past 100 %, again", 12, []int{80, 100}, true},
	}
	for _, s := range steps {
		f.usage.set(0, int64(s.costUSD*1e9))
		f.later(2 * time.Second) // past the cache
		err := f.svc.Check(ctx, "acme")
		if got := domain.ErrorCode(err); (got == domain.CodeBudgetExceeded) != s.refusing {
			t.Fatalf("%s: Check = %v, refusing want %v", s.name, err, s.refusing)
		}
		if got := f.events.thresholds(); !equalInts(got, s.want) {
			t.Fatalf("%s: events %v, want %v", s.name, got, s.want)
		}
	}
	// A replica that had not recorded the mark (a crash between publishing and marking)
	// publishes the same ids again: nothing new goes out.
	if err := f.svc.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.events.thresholds(); !equalInts(got, []int{80, 100}) {
		t.Fatalf("after sweep: %v", got)
	}
	// The next month starts the count again.
	*f.now = time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	f.usage.set(0, 0)
	if err := f.svc.Check(ctx, "acme"); err != nil {
		t.Fatalf("new month: %v", err)
	}
	f.usage.set(0, 9e9)
	f.later(2 * time.Second)
	_ = f.svc.Check(ctx, "acme")
	if got := f.events.thresholds(); !equalInts(got, []int{80, 100, 80}) {
		t.Fatalf("new month events: %v", got)
	}
}

func TestBudgetRefusalDetailsAndSoftCap(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newBudgetFixture(t)
	f.usage.set(5, 0)
	if _, err := f.svc.Set(ctx, f.caller, domain.BudgetInput{Metric: domain.BudgetImages, MonthlyLimit: 5}); err != nil {
		t.Fatal(err)
	}
	err := f.svc.Check(ctx, "acme")
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeBudgetExceeded {
		t.Fatalf("Check = %v, want BUDGET_EXCEEDED", err)
	}
	if e.Details["metric"] != "images" || e.Details["monthly_limit"] != 5.0 || e.Details["used"] != 5.0 ||
		e.Details["resets_at"] != "2027-01-01T00:00:00Z" {
		t.Fatalf("details = %v", e.Details)
	}
	// A soft cap announces but never refuses; setting it again starts the count over.
	soft := false
	f.later(time.Millisecond)
	st, err := f.svc.Set(ctx, f.caller, domain.BudgetInput{Metric: domain.BudgetImages, MonthlyLimit: 5, HardLimit: &soft})
	if err != nil {
		t.Fatal(err)
	}
	if st.Refusing() || !equalInts(st.Reached, []int{80, 100}) {
		t.Fatalf("soft cap: refusing %v, reached %v", st.Refusing(), st.Reached)
	}
	if err := f.svc.Check(ctx, "acme"); err != nil {
		t.Fatalf("soft cap refused: %v", err)
	}
	if got := f.events.thresholds(); !equalInts(got, []int{80, 100, 80, 100}) {
		t.Fatalf("events %v", got)
	}
	// Another space is not capped.
	if err := f.svc.Check(ctx, "acme/test"); err != nil {
		t.Fatalf("test space refused: %v", err)
	}
}

func TestBudgetCheckPassesWhenUsageCannotBeRead(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newBudgetFixture(t)
	f.usage.set(0, 20e9)
	if _, err := f.svc.Set(ctx, f.caller, domain.BudgetInput{MonthlyLimit: 10}); err != nil {
		t.Fatal(err)
	}
	f.later(2 * time.Second)
	f.usage.mu.Lock()
	f.usage.down = true
	f.usage.mu.Unlock()
	// What the replica read last stands in: the capped space stays refused…
	if err := f.svc.Check(ctx, "acme"); domain.ErrorCode(err) != domain.CodeBudgetExceeded {
		t.Fatalf("capped space during an outage: %v, want BUDGET_EXCEEDED", err)
	}
	// …and a space it knows nothing of is let through rather than refused.
	if err := f.svc.Check(ctx, "globex"); err != nil {
		t.Fatalf("unknown space during an outage: %v", err)
	}
}

func TestBudgetSetRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newBudgetFixture(t)
	for _, in := range []domain.BudgetInput{
		{MonthlyLimit: 0}, {MonthlyLimit: -1}, {MonthlyLimit: 2e9}, {Metric: "gold", MonthlyLimit: 1},
	} {
		if _, err := f.svc.Set(t.Context(), f.caller, in); domain.ErrorCode(err) != domain.CodeValidation {
			t.Errorf("Set(%+v) = %v, want VALIDATION_ERROR", in, err)
		}
	}
	st, err := f.svc.Status(t.Context(), f.caller)
	if err != nil || st.Budget != nil {
		t.Fatalf("after refused sets: %+v, %v", st, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
