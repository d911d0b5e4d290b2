package server

import (
	"context"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// GetUsage answers GET /v1/usage.
func (h *handlers) GetUsage(ctx context.Context, req gen.GetUsageRequestObject) (gen.GetUsageResponseObject, error) {
	caller, err := principalOf(ctx)
	if err != nil {
		return nil, err
	}
	in := domain.UsageParams{From: req.Params.From, To: req.Params.To, KeyID: req.Params.KeyId, TenantID: req.Params.TenantId}
	if req.Params.Granularity != nil {
		in.Granularity = string(*req.Params.Granularity)
	}
	rep, err := h.svc.Usage.Report(ctx, caller, in)
	if err != nil {
		return nil, err
	}
	body := gen.UsageReport{
		TenantId: rep.TenantID, Mode: gen.KeyMode(rep.Mode), KeyId: rep.KeyID,
		Granularity: gen.UsageReportGranularity(rep.Granularity), From: rep.From, To: rep.To,
		Totals:  usageTotals(rep.Totals),
		Buckets: make([]gen.UsageBucket, len(rep.Buckets)),
		Keys:    make([]gen.UsageByKey, len(rep.Keys)),
	}
	for i, b := range rep.Buckets {
		body.Buckets[i] = gen.UsageBucket{Start: b.Start, End: b.End, Usage: usageTotals(b.Usage)}
	}
	for i, k := range rep.Keys {
		body.Keys[i] = gen.UsageByKey{KeyId: k.KeyID, Usage: usageTotals(k.Usage)}
	}
	return gen.GetUsage200JSONResponse{Body: body}, nil
}

// usageTotals maps totals to the contract: audio in seconds, cost in dollars.
func usageTotals(t domain.UsageTotals) gen.UsageTotals {
	out := gen.UsageTotals{
		Requests: t.Sum(domain.MetricRequests), RateLimited: t.Sum(domain.MetricRateLimited),
		TokensIn: t.Sum(domain.MetricTokensIn), TokensOut: t.Sum(domain.MetricTokensOut),
		TtsCharacters: t.Sum(domain.MetricTTSCharacters), Images: t.Sum(domain.MetricImages), CacheHits: t.Sum(domain.MetricCacheHits),
		TtsAudioSeconds: seconds(t.Sum(domain.MetricTTSAudioSeconds)), SttAudioSeconds: seconds(t.Sum(domain.MetricSTTAudioSeconds)),
		JobsCompleted: t.Jobs(domain.JobCompleted), JobsFailed: t.Jobs(domain.JobFailed), JobsCanceled: t.Jobs(domain.JobCanceled),
		CostUsd: dollars(t.CostNanoUSD()),
		Lines:   make([]gen.UsageLine, len(t.Lines)),
	}
	for i, l := range t.Lines {
		q := float64(l.Quantity)
		if l.Metric == domain.MetricTTSAudioSeconds || l.Metric == domain.MetricSTTAudioSeconds {
			q = seconds(l.Quantity)
		}
		out.Lines[i] = gen.UsageLine{
			Metric: gen.UsageMetric(l.Metric), Engine: l.Engine, Model: l.Model, Detail: l.Detail,
			Quantity: q, CostUsd: dollars(l.CostNanoUSD),
		}
	}
	return out
}

func seconds(ms int64) float64 { return float64(ms) / 1000 }

func dollars(nano int64) float64 { return float64(nano) / 1e9 }
