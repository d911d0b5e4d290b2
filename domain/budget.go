package domain

import (
	"context"
	"time"
)

// BudgetMetric is what a spend cap counts.
type BudgetMetric string

// The budget metrics.
const (
	BudgetCost          BudgetMetric = "cost_usd"
	BudgetTokens        BudgetMetric = "tokens"
	BudgetTTSCharacters BudgetMetric = "tts_characters"
	BudgetAudioSeconds  BudgetMetric = "audio_seconds"
	BudgetImages        BudgetMetric = "images"
)

// usageOf says which metered metrics a budget metric sums, and how many of their base
// units make one of its own. No metrics means the cost of everything.
var usageOf = map[BudgetMetric]struct {
	metrics []UsageMetric
	perUnit float64
}{
	BudgetCost:          {nil, 1e9},
	BudgetTokens:        {[]UsageMetric{MetricTokensIn, MetricTokensOut}, 1},
	BudgetTTSCharacters: {[]UsageMetric{MetricTTSCharacters}, 1},
	BudgetAudioSeconds:  {[]UsageMetric{MetricTTSAudioSeconds, MetricSTTAudioSeconds}, 1000},
	BudgetImages:        {[]UsageMetric{MetricImages}, 1},
}

// BudgetThresholds are the percentages of a cap announced by a budget.threshold event.
var BudgetThresholds = []int{80, 100}

// Budget is a data space's monthly spend cap.
type Budget struct {
	TenantID string
	Metric   BudgetMetric
	// MonthlyLimit is in the metric's unit: US dollars, tokens, characters, seconds or
	// images.
	MonthlyLimit float64
	// HardLimit refuses generation once the cap is reached; otherwise it is only
	// announced.
	HardLimit bool
	// NotifiedPeriod and NotifiedThreshold are the month (its start) and the highest
	// threshold of it already announced.
	NotifiedPeriod    time.Time
	NotifiedThreshold int
	UpdatedAt         time.Time
}

// BudgetStatus is a budget (nil when none is set) and the month's use of it.
type BudgetStatus struct {
	Budget      *Budget
	Metric      BudgetMetric
	PeriodStart time.Time
	PeriodEnd   time.Time
	// Used is this month's use, in the metric's unit.
	Used float64
	// Reached lists the thresholds already announced this month.
	Reached []int
}

// Fraction is Used over the cap; false without a cap.
func (s *BudgetStatus) Fraction() (float64, bool) {
	if s.Budget == nil || s.Budget.MonthlyLimit <= 0 {
		return 0, false
	}
	return s.Used / s.Budget.MonthlyLimit, true
}

// Refusing reports whether generation is refused now.
func (s *BudgetStatus) Refusing() bool {
	f, ok := s.Fraction()
	return ok && s.Budget.HardLimit && f >= 1
}

// BudgetInput is a cap to set. A nil HardLimit means true.
type BudgetInput struct {
	Metric       BudgetMetric
	MonthlyLimit float64
	HardLimit    *bool
}

// BudgetThreshold is the subject of a budget.threshold event: a threshold of the monthly
// cap was reached.
type BudgetThreshold struct {
	Metric       BudgetMetric
	Threshold    int
	MonthlyLimit float64
	Used         float64
	PeriodStart  time.Time
	HardLimit    bool
}

// BudgetStore keeps the spend caps.
type BudgetStore interface {
	// Budget returns the space's cap, or ErrNotFound.
	Budget(ctx context.Context, tenantID string) (*Budget, error)
	// Budgets returns every cap.
	Budgets(ctx context.Context) ([]Budget, error)
	// PutBudget sets the space's cap, replacing any, with nothing announced yet.
	PutBudget(ctx context.Context, b *Budget) error
	// DeleteBudget removes the space's cap; removing none is no error.
	DeleteBudget(ctx context.Context, tenantID string) error
	// MarkBudgetThreshold records threshold as announced for the month starting at
	// period, unless that (or a higher one) is recorded already or the cap was set again
	// since updatedAt. It reports whether it recorded anything.
	MarkBudgetThreshold(ctx context.Context, tenantID string, updatedAt, period time.Time, threshold int) (bool, error)
}

// EventPublisher records an event and queues its delivery to every enabled webhook
// endpoint of its space that subscribes to its type, in one transaction. An event whose
// id is already recorded is left as it is (no second delivery), so an event with an id
// derived from what it announces is published at most once.
type EventPublisher interface {
	PublishEvent(ctx context.Context, e *Event) error
}

// monthOf returns the UTC calendar month t falls in.
func monthOf(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}
