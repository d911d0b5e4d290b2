package jobs

import (
	"context"
	"database/sql"

	"github.com/troupe-ai/troupe/domain"
)

// finishUsageTx writes the metered use of a finished attempt (its jobs line included) in
// the transaction that ends the job, so the units commit with the outcome.
func (q *Queue) finishUsageTx(ctx context.Context, tx *sql.Tx, out domain.JobOutcome) error {
	return q.db.AddUsageTx(ctx, tx, out.Usage)
}

// cancelUsageTx counts a canceled job, for the key that created it, in the transaction
// that cancels it.
func (q *Queue) cancelUsageTx(ctx context.Context, tx *sql.Tx, job *domain.Job) error {
	at := job.CreatedAt
	if job.CompletedAt != nil {
		at = *job.CompletedAt
	}
	return q.db.AddUsageTx(ctx, tx, []domain.UsageRecord{{
		TenantID: job.TenantID, KeyID: job.KeyID, Hour: domain.UsageHour(at), Metric: domain.MetricJobs,
		Detail: string(job.Type) + "." + string(domain.JobCanceled), Quantity: 1,
	}})
}
