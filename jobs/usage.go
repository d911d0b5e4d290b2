package jobs

import (
	"context"
	"database/sql"

	"github.com/troupe-ai/troupe/domain"
)

// finishUsageTx writes the metered use of a finished attempt (skeleton).
func (q *Queue) finishUsageTx(ctx context.Context, tx *sql.Tx, out domain.JobOutcome) error { return nil }

// cancelUsageTx counts a canceled job (skeleton).
func (q *Queue) cancelUsageTx(ctx context.Context, tx *sql.Tx, job *domain.Job) error { return nil }
