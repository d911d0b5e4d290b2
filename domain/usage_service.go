package domain

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// UsageService meters use and reports it.
//
// Billable units reach the store with the work they count (see Meter). Plain request
// counts, which are not billable, are gathered in memory and written by Flush, so a
// request costs no write: a process killed outright (SIGKILL, a crash) loses the counts
// of its last flush interval, and nothing else. Report includes what this process has
// not flushed yet.
type UsageService struct {
	Store UsageStore
	// Reader sums stored use for reports.
	Reader UsageReader
	// Prices prices metered use; nil prices everything at nothing.
	Prices *PriceTable
	Now    func() time.Time

	// mu guards counts; flushMu keeps a flush and a report's read apart, so a report never
	// sees counts both in memory and, committed meanwhile, in the store.
	mu      sync.Mutex
	counts  map[requestCount]int64
	flushMu sync.Mutex
}

// requestCount is one in-memory counter: the requests (or refusals) of one key for one
// operation in one hour.
type requestCount struct {
	space, keyID, operation string
	hour                    time.Time
	metric                  UsageMetric
}

// NewMeter returns a meter for work done by the key keyID in the data space.
func (s *UsageService) NewMeter(space, keyID string) *Meter {
	if s == nil {
		return nil
	}
	return NewMeter(space, keyID, s.Prices, s.Now)
}

// CountRequest adds one to the in-memory count of metric (MetricRequests or
// MetricRateLimited) for the key's requests of operation in the current hour.
func (s *UsageService) CountRequest(space, keyID, operation string, metric UsageMetric) {
	if s == nil {
		return
	}
	c := requestCount{space: space, keyID: keyID, operation: operation, hour: UsageHour(nowFrom(s.Now)), metric: metric}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[requestCount]int64{}
	}
	s.counts[c]++
}

// Flush writes the request counts gathered in memory. Counts that could not be written
// are kept for the next flush.
func (s *UsageService) Flush(ctx context.Context) error {
	if s == nil {
		return nil
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	counts := s.counts
	s.counts = nil
	s.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	recs := make([]UsageRecord, 0, len(counts))
	for c, n := range counts {
		recs = append(recs, UsageRecord{TenantID: c.space, KeyID: c.keyID, Hour: c.hour, Metric: c.metric, Detail: c.operation, Quantity: n})
	}
	if err := s.Store.AddUsage(ctx, recs); err != nil {
		s.mu.Lock()
		if s.counts == nil {
			s.counts = map[requestCount]int64{}
		}
		for c, n := range counts {
			s.counts[c] += n
		}
		s.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes the request counts every interval until ctx is done, then once more (on a
// context of its own, briefly), so a graceful stop loses nothing. Failures are passed to
// onError when it is set, and retried at the next flush.
func (s *UsageService) Run(ctx context.Context, every time.Duration, onError func(error)) {
	if s == nil {
		return
	}
	if every <= 0 {
		every = 10 * time.Second
	}
	report := func(err error) {
		if err != nil && onError != nil {
			onError(err)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			report(s.Flush(fctx))
			cancel()
			return
		case <-t.C:
			report(s.Flush(ctx))
		}
	}
}

// WriteMeter writes what is still pending on m in a transaction of its own: the use of
// work no store write took with it (a synchronous synthesis, a model call whose request
// then failed).
func (s *UsageService) WriteMeter(ctx context.Context, m *Meter) error {
	if s == nil || m.Pending() == 0 {
		return nil
	}
	recs, done := m.Claim()
	err := s.Store.AddUsage(ctx, recs)
	done(err == nil)
	return err
}

// Granularities of usage reports.
const (
	GranularityHour = "hour"
	GranularityDay  = "day"
)

// UsageParams are what a caller asks a report for; nil and empty fields take their
// defaults.
type UsageParams struct {
	From, To    *time.Time
	Granularity string
	KeyID       *string
	TenantID    *string
}

// UsageReport is what was used over a range, in buckets and in total.
type UsageReport struct {
	TenantID string
	Mode     Mode
	// KeyID is the one key reported on; nil for the whole space.
	KeyID       *string
	Granularity string
	From, To    time.Time
	Totals      UsageTotals
	// Buckets cover the range, oldest first, empty ones included.
	Buckets []UsageBucket
	// Keys are each key's totals, for reports on a whole space (admin and operator).
	Keys []UsageKeyTotals
}

// UsageBucket is the use of one hour or day.
type UsageBucket struct {
	Start, End time.Time
	Usage      UsageTotals
}

// UsageKeyTotals is one key's use over a report's range.
type UsageKeyTotals struct {
	KeyID string
	Usage UsageTotals
}

// UsageTotals are the lines of some use, sorted by metric (in the order of the metric
// constants), engine, model and detail.
type UsageTotals struct {
	Lines []UsageLine
}

// Sum is the quantity of metric, over every line.
func (t UsageTotals) Sum(metric UsageMetric) int64 {
	var n int64
	for _, l := range t.Lines {
		if l.Metric == metric {
			n += l.Quantity
		}
	}
	return n
}

// Jobs is how many jobs ended with the outcome ("completed", "failed", "canceled").
func (t UsageTotals) Jobs(outcome JobStatus) int64 {
	var n int64
	suffix := "." + string(outcome)
	for _, l := range t.Lines {
		if l.Metric == MetricJobs && strings.HasSuffix(l.Detail, suffix) {
			n += l.Quantity
		}
	}
	return n
}

// CostNanoUSD is the estimated cost of every line.
func (t UsageTotals) CostNanoUSD() int64 {
	var n int64
	for _, l := range t.Lines {
		n += l.CostNanoUSD
	}
	return n
}

// Report limits.
const (
	maxHourRange = 31 * 24 * time.Hour
	maxDayRange  = 400 * 24 * time.Hour
)

// Report sums the use p may see over the asked range. A key without admin sees its own
// requests' use; admin sees its whole space with each key's totals and may narrow it to
// one key; operator may name any tenant (its live space).
func (s *UsageService) Report(ctx context.Context, p Principal, in UsageParams) (*UsageReport, error) {
	q, rep, err := s.plan(p, in)
	if err != nil {
		return nil, err
	}
	// The flush lock keeps a flush from moving counts from memory to the store between
	// the two reads below.
	s.flushMu.Lock()
	rows, err := s.Reader.UsageRows(ctx, q)
	if err == nil {
		rows = append(rows, s.unflushed(q)...)
	}
	s.flushMu.Unlock()
	if err != nil {
		return nil, err
	}
	s.assemble(rep, q, rows, p.Has(ScopeAdmin))
	return rep, nil
}

// plan checks the parameters and the caller's right to see what they name.
func (s *UsageService) plan(p Principal, in UsageParams) (UsageQuery, *UsageReport, error) {
	rep := &UsageReport{TenantID: p.TenantID, Mode: p.Mode, Granularity: in.Granularity}
	if rep.Granularity == "" {
		rep.Granularity = GranularityDay
	}
	var step, maxRange time.Duration
	switch rep.Granularity {
	case GranularityHour:
		step, maxRange = time.Hour, maxHourRange
	case GranularityDay:
		step, maxRange = 24*time.Hour, maxDayRange
	default:
		return UsageQuery{}, nil, paramError("granularity", "must be hour or day")
	}
	to := nowFrom(s.Now)
	if in.To != nil {
		to = in.To.UTC()
	}
	if r := to.Truncate(step); !r.Equal(to) {
		to = r.Add(step)
	}
	from := to.Add(-30 * step)
	if rep.Granularity == GranularityHour {
		from = to.Add(-24 * step)
	}
	if in.From != nil {
		from = in.From.UTC().Truncate(step)
	}
	switch {
	case !from.Before(to):
		return UsageQuery{}, nil, paramError("from", "must be before to")
	case to.Sub(from) > maxRange:
		name := "to"
		if in.To == nil {
			name = "from"
		}
		return UsageQuery{}, nil, paramError(name, "the range is longer than "+maxRangeText(rep.Granularity))
	}
	rep.From, rep.To = from, to
	q := UsageQuery{TenantID: p.Space(), From: from, To: to, Step: step}

	if in.TenantID != nil {
		if !p.Has(ScopeOperator) {
			return UsageQuery{}, nil, scopeError(ScopeOperator, "Only an operator key may report on another tenant.")
		}
		if *in.TenantID == "" {
			return UsageQuery{}, nil, paramError("tenant_id", "must not be empty")
		}
		// In the key's own mode: a test-mode operator key sees test usage only.
		rep.TenantID = *in.TenantID
		q.TenantID = SpaceOf(*in.TenantID, p.Mode)
	}
	switch {
	case p.Has(ScopeAdmin) && in.KeyID == nil:
		q.AllKeys = true
	case p.Has(ScopeAdmin):
		q.KeyID = *in.KeyID
		rep.KeyID = &q.KeyID
	case in.KeyID != nil && *in.KeyID != p.KeyID:
		return UsageQuery{}, nil, scopeError(ScopeAdmin, "A key without the admin scope may report only on its own use.")
	default:
		q.KeyID = p.KeyID
		rep.KeyID = &q.KeyID
	}
	return q, rep, nil
}

func maxRangeText(granularity string) string {
	if granularity == GranularityHour {
		return "31 days"
	}
	return "400 days"
}

// paramError is the 400 of one bad query parameter.
func paramError(name, message string) *Error {
	return ParameterError(FieldError{Field: name, Message: message})
}

func scopeError(s Scope, message string) *Error {
	return Errorf(CodeInsufficientScope, "%s", message).WithDetails(map[string]any{"required": string(s)})
}

// unflushed returns the in-memory request counts the query selects, as rows.
func (s *UsageService) unflushed(q UsageQuery) []UsageRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []UsageRow
	for c, n := range s.counts {
		if c.space != q.TenantID || (!q.AllKeys && c.keyID != q.KeyID) || c.hour.Before(q.From) || !c.hour.Before(q.To) {
			continue
		}
		rows = append(rows, UsageRow{
			Bucket: c.hour.Truncate(q.Step), KeyID: c.keyID,
			Line: UsageLine{Metric: c.metric, Detail: c.operation, Quantity: n},
		})
	}
	return rows
}

// assemble sums the rows into the report's buckets, totals and (perKey) key totals.
func (s *UsageService) assemble(rep *UsageReport, q UsageQuery, rows []UsageRow, perKey bool) {
	n := int(q.To.Sub(q.From) / q.Step)
	buckets := make([]lineSums, n)
	for i := range buckets {
		buckets[i] = lineSums{}
	}
	total := lineSums{}
	keys := map[string]lineSums{}
	for _, r := range rows {
		i := int(r.Bucket.Sub(q.From) / q.Step)
		if i < 0 || i >= n {
			continue
		}
		buckets[i].add(r.Line)
		total.add(r.Line)
		if keys[r.KeyID] == nil {
			keys[r.KeyID] = lineSums{}
		}
		keys[r.KeyID].add(r.Line)
	}
	rep.Buckets = make([]UsageBucket, n)
	for i := range buckets {
		start := q.From.Add(time.Duration(i) * q.Step)
		rep.Buckets[i] = UsageBucket{Start: start, End: start.Add(q.Step), Usage: buckets[i].totals()}
	}
	rep.Totals = total.totals()
	rep.Keys = []UsageKeyTotals{}
	if perKey {
		for id, sums := range keys {
			rep.Keys = append(rep.Keys, UsageKeyTotals{KeyID: id, Usage: sums.totals()})
		}
		slices.SortFunc(rep.Keys, func(a, b UsageKeyTotals) int { return cmp.Compare(a.KeyID, b.KeyID) })
	}
}

// lineSums sums lines by metric, engine, model and detail.
type lineSums map[lineKey]*UsageLine

type lineKey struct {
	metric                UsageMetric
	engine, model, detail string
}

func (ls lineSums) add(l UsageLine) {
	k := lineKey{l.Metric, l.Engine, l.Model, l.Detail}
	if have, ok := ls[k]; ok {
		have.Quantity += l.Quantity
		have.CostNanoUSD += l.CostNanoUSD
		return
	}
	c := l
	ls[k] = &c
}

func (ls lineSums) totals() UsageTotals {
	lines := make([]UsageLine, 0, len(ls))
	for _, l := range ls {
		lines = append(lines, *l)
	}
	slices.SortFunc(lines, compareLines)
	return UsageTotals{Lines: lines}
}

// metricOrder is the order lines are listed in.
var metricOrder = map[UsageMetric]int{
	MetricRequests: 0, MetricRateLimited: 1, MetricTokensIn: 2, MetricTokensOut: 3, MetricTTSCharacters: 4,
	MetricTTSAudioSeconds: 5, MetricSTTAudioSeconds: 6, MetricImages: 7, MetricJobs: 8,
}

func compareLines(a, b UsageLine) int {
	oa, oka := metricOrder[a.Metric]
	ob, okb := metricOrder[b.Metric]
	switch {
	case oka != okb:
		if oka {
			return -1 // known metrics first
		}
		return 1
	case oa != ob:
		return cmp.Compare(oa, ob)
	}
	return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Engine, b.Engine), cmp.Compare(a.Model, b.Model), cmp.Compare(a.Detail, b.Detail))
}
