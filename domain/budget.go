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

// EventPublisher records an event and queues its delivery to every enabled webhook
// endpoint of its space that subscribes to its type, in one transaction.
type EventPublisher interface {
	PublishEvent(ctx context.Context, e *Event) error
}
