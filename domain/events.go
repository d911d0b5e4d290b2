package domain

import "time"

// EventType is what happened.
type EventType string

// The event types.
const (
	EventJobCompleted    EventType = "job.completed"
	EventJobFailed       EventType = "job.failed"
	EventJobCanceled     EventType = "job.canceled"
	EventBudgetThreshold EventType = "budget.threshold"
)

// Event is something that happened in a data space, sent to the webhook endpoints that
// subscribe to its type.
type Event struct {
	ID       string
	TenantID string
	Type     EventType
	// JobID is the subject of a job event.
	JobID string
	// Budget is the subject of a budget event.
	Budget    *BudgetThreshold
	CreatedAt time.Time
}
