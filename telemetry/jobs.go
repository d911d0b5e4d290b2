package telemetry

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/troupe-ai/troupe/domain"
)

// OutcomeRetried is the outcome of a job attempt that ended to be run again (a lost lease,
// a retryable engine failure).
const OutcomeRetried = "retried"

// QueueDepth counts the jobs in each state right now. It runs at every scrape, so it
// should be one cheap query, such as a GROUP BY status over the jobs table; a state it
// leaves out has no series. It may count terminal states too, or only pending and
// processing.
type QueueDepth func(ctx context.Context) (map[domain.JobStatus]int, error)

// queueScrapeTimeout bounds a QueueDepth call: a scrape has no context of its own, and a
// stuck database must not hold scrapes open.
const queueScrapeTimeout = 5 * time.Second

var jobsDesc = prometheus.NewDesc("troupe_jobs",
	"Jobs in each state, counted when scraped.", []string{"state"}, nil)

// RegisterQueue makes troupe_jobs{state} report depth's counts at each scrape, replacing
// any earlier callback; nil removes it. A state outside domain's job statuses is counted
// as "other". When depth fails, the scrape still serves every other metric, and the
// failure is logged and counted in promhttp_metric_handler_errors_total.
func (t *Telemetry) RegisterQueue(depth QueueDepth) {
	if t == nil {
		return
	}
	if depth == nil {
		t.queue.Store(nil)
		return
	}
	t.queue.Store(&depth)
}

// queueCollector is troupe_jobs, read through the registered QueueDepth.
type queueCollector struct{ t *Telemetry }

func (q queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (q queueCollector) Collect(ch chan<- prometheus.Metric) {
	depth := q.t.queue.Load()
	if depth == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), queueScrapeTimeout)
	defer cancel()
	counts, err := (*depth)(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsDesc, fmt.Errorf("counting jobs: %w", err))
		return
	}
	// Every known state is reported, at zero when empty, so a dashboard's series exist
	// before the first job does.
	byState := make(map[string]int, len(jobStates))
	for state := range jobStates {
		byState[state] = 0
	}
	for state, n := range counts {
		byState[bounded(string(state), jobStates)] += n
	}
	for state, n := range byState {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), state)
	}
}

// ObserveJob records one job attempt that ended: how long it waited in the queue before
// it started and how long it ran. Outcome is a terminal job status ("completed",
// "failed", "canceled"), OutcomeRetried, or an error code in lower case; anything else,
// like a type outside domain's job types, is labelled "other". A negative duration (the
// clocks of two replicas disagree) counts as zero.
func (t *Telemetry) ObserveJob(typ domain.JobType, outcome string, queueWait, run time.Duration) {
	if t == nil {
		return
	}
	label := bounded(string(typ), jobTypes)
	t.m.jobQueueWait.WithLabelValues(label).Observe(max(queueWait, 0).Seconds())
	t.m.jobRun.WithLabelValues(label, bounded(outcome, jobOutcomes)).Observe(max(run, 0).Seconds())
}
