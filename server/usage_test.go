package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// usageKey issues a key and returns its secret and id.
func usageKey(t *testing.T, b *bundle, tenant, tier string, mode domain.Mode, scopes ...domain.Scope) (string, string) {
	t.Helper()
	keys := &domain.KeyService{Store: b.db}
	k, secret, err := keys.Issue(t.Context(), domain.IssueKey{TenantID: tenant, Mode: mode, Name: "usage", Scopes: scopes, Tier: tier})
	if err != nil {
		t.Fatal(err)
	}
	return secret, k.ID
}

// usage fetches a report, failing the test unless it is a 200.
func usage(t *testing.T, c *gen.ClientWithResponses, p gen.GetUsageParams) gen.UsageReport {
	t.Helper()
	res, err := c.GetUsageWithResponse(t.Context(), &p)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("usage: %v %d %s", err, res.StatusCode(), res.Body)
	}
	return *res.JSON200
}

// line returns the quantity of the totals' lines of metric and detail (any detail when
// empty).
func line(u gen.UsageTotals, metric gen.UsageMetric, detail string) float64 {
	var q float64
	for _, l := range u.Lines {
		if l.Metric == metric && (detail == "" || l.Detail == detail) {
			q += l.Quantity
		}
	}
	return q
}

func TestUsageVisibilityAndWork(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			tenant := uniqueTenant(t)
			adminSecret, adminID := usageKey(t, b, tenant, "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin)
			rwSecret, rwID := usageKey(t, b, tenant, "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite)
			testSecret, testID := usageKey(t, b, tenant, "unlimited", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite)
			opSecret, _ := usageKey(t, b, uniqueTenant(t), "unlimited", domain.ModeLive, domain.ScopeOperator)
			admin, rw, test, op := servertest.Client(t, b.url, adminSecret), servertest.Client(t, b.url, rwSecret),
				servertest.Client(t, b.url, testSecret), servertest.Client(t, b.url, opSecret)

			ch := createCharacter(t, rw, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Seed: ptr(int64(4))})
			speak(t, rw, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Arin", "Do you sell swords?")}})
			av, err := rw.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "A scarred dwarf", Width: ptr(320), Height: ptr(256)})
			if err != nil || av.JSON202 == nil {
				t.Fatalf("avatar: %v %s", err, av.Body)
			}
			if j := waitJob(t, rw, av.JSON202.JobId); j.Status != gen.JobStatusCompleted {
				t.Fatalf("avatar job %s", j.Status)
			}
			tc := createCharacter(t, test, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Seed: ptr(int64(4))})
			speak(t, test, tc.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Arin", "Hello?")}})

			// A key without admin sees its own use, and only its own.
			own := usage(t, rw, gen.GetUsageParams{})
			if own.KeyId == nil || *own.KeyId != rwID || own.TenantId != tenant || own.Mode != gen.KeyModeLive || len(own.Keys) != 0 {
				t.Fatalf("own report: key %v tenant %s mode %s keys %d", own.KeyId, own.TenantId, own.Mode, len(own.Keys))
			}
			tot := own.Totals
			if line(tot, gen.UsageMetricRequests, "createCharacter") != 1 || line(tot, gen.UsageMetricRequests, "speakCharacter") != 1 ||
				line(tot, gen.UsageMetricRequests, "createAvatar") != 1 || tot.TokensIn == 0 || tot.TokensOut == 0 ||
				tot.Images != 1 || line(tot, gen.UsageMetricImages, "320x256") != 1 ||
				tot.JobsCompleted != 1 || line(tot, gen.UsageMetricJobs, "avatar.completed") != 1 || tot.CostUsd != 0 {
				t.Fatalf("own totals %+v", tot)
			}
			if len(own.Buckets) != 30 || own.Granularity != gen.UsageReportGranularityDay {
				t.Fatalf("%d %s buckets, want 30 days", len(own.Buckets), own.Granularity)
			}
			last := own.Buckets[len(own.Buckets)-1]
			if !last.End.Equal(own.To) || last.Usage.TokensIn != tot.TokensIn {
				t.Fatalf("the last bucket %+v does not hold today's use", last)
			}

			// The test key's use is its own space's.
			tr := usage(t, test, gen.GetUsageParams{})
			if tr.Mode != gen.KeyModeTest || tr.KeyId == nil || *tr.KeyId != testID || tr.Totals.TokensIn == 0 ||
				line(tr.Totals, gen.UsageMetricRequests, "createCharacter") != 1 {
				t.Fatalf("test report %+v", tr)
			}

			// Admin sees the whole live space, with each key's totals.
			all := usage(t, admin, gen.GetUsageParams{})
			if all.KeyId != nil || all.Totals.TokensIn != tot.TokensIn || all.Totals.Images != 1 {
				t.Fatalf("admin totals %+v (key %v), want the rw key's tokens %d", all.Totals, all.KeyId, tot.TokensIn)
			}
			perKey := map[string]gen.UsageTotals{}
			for _, k := range all.Keys {
				perKey[k.KeyId] = k.Usage
			}
			if _, ok := perKey[testID]; ok || perKey[rwID].TokensIn != tot.TokensIn || perKey[adminID].Requests == 0 {
				t.Fatalf("per key %+v", all.Keys)
			}
			narrowed := usage(t, admin, gen.GetUsageParams{KeyId: &rwID})
			if narrowed.KeyId == nil || *narrowed.KeyId != rwID || narrowed.Totals.TokensIn != tot.TokensIn {
				t.Fatalf("admin narrowed to the rw key: %+v", narrowed.Totals)
			}

			// Naming another key without admin, or a tenant without operator, is refused.
			for _, p := range []gen.GetUsageParams{{KeyId: &adminID}, {TenantId: &tenant}} {
				res, err := rw.GetUsageWithResponse(ctx, &p)
				if err != nil || res.JSON403 == nil || res.JSON403.Error.Code != gen.ErrorCodeInsufficientScope {
					t.Fatalf("%+v: %v %d %s", p, err, res.StatusCode(), res.Body)
				}
			}
			if res, _ := admin.GetUsageWithResponse(ctx, &gen.GetUsageParams{TenantId: &tenant}); res.JSON403 == nil {
				t.Fatalf("admin named a tenant: %d %s", res.StatusCode(), res.Body)
			}
			// The operator reports on any tenant's live space.
			other := usage(t, op, gen.GetUsageParams{TenantId: &tenant})
			if other.TenantId != tenant || other.Mode != gen.KeyModeLive || other.Totals.TokensIn != tot.TokensIn || len(other.Keys) < 2 {
				t.Fatalf("operator report %+v", other)
			}
			// A test-mode operator key sees the tenant's test space only.
			testOpSecret, _ := usageKey(t, b, uniqueTenant(t), "unlimited", domain.ModeTest, domain.ScopeOperator)
			testSide := usage(t, servertest.Client(t, b.url, testOpSecret), gen.GetUsageParams{TenantId: &tenant})
			if own := usage(t, test, gen.GetUsageParams{}); testSide.Mode != gen.KeyModeTest ||
				testSide.Totals.TokensIn != own.Totals.TokensIn || testSide.Totals.Images != 0 {
				t.Fatalf("test-mode operator report %+v, the test key's own %+v", testSide.Totals, own.Totals)
			}
			unknown := "nobody-" + tenant
			if r := usage(t, op, gen.GetUsageParams{TenantId: &unknown}); len(r.Totals.Lines) != 0 || len(r.Keys) != 0 {
				t.Fatalf("an unknown tenant's report %+v", r)
			}
		})
	}
}

func TestUsageHourBuckets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant := uniqueTenant(t)
	secret, _ := usageKey(t, b, tenant, "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite)
	c := servertest.Client(t, b.url, secret)
	createWorld(t, c, gen.CreateWorldRequest{Seed: ptr(int64(3))})

	now := time.Now().UTC()
	from, to := now.Add(-5*time.Hour-7*time.Minute), now.Add(time.Minute)
	hour := gen.GetUsageParamsGranularityHour
	r := usage(t, c, gen.GetUsageParams{From: &from, To: &to, Granularity: &hour})
	wantFrom := from.Truncate(time.Hour)
	wantTo := to.Truncate(time.Hour).Add(time.Hour)
	if !r.From.Equal(wantFrom) || !r.To.Equal(wantTo) || len(r.Buckets) != int(wantTo.Sub(wantFrom)/time.Hour) {
		t.Fatalf("range %s–%s with %d buckets, want %s–%s", r.From, r.To, len(r.Buckets), wantFrom, wantTo)
	}
	var used int
	for i, bk := range r.Buckets {
		if !bk.Start.Equal(wantFrom.Add(time.Duration(i)*time.Hour)) || !bk.End.Equal(bk.Start.Add(time.Hour)) {
			t.Fatalf("bucket %d: %s–%s", i, bk.Start, bk.End)
		}
		if bk.Usage.Requests > 0 {
			used++
		}
	}
	// The world and the report itself fall in this hour (or, across an hour's turn, the next).
	if used == 0 || used > 2 || r.Totals.Requests < 2 || line(r.Totals, gen.UsageMetricRequests, "createWorld") != 1 {
		t.Fatalf("%d buckets used, totals %+v", used, r.Totals)
	}
}

func TestUsageBadParameters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tenant := uniqueTenant(t)
	secret, _ := usageKey(t, b, tenant, "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite)
	c := servertest.Client(t, b.url, secret)
	createWorld(t, c, gen.CreateWorldRequest{Seed: ptr(int64(3))})
	before := usage(t, c, gen.GetUsageParams{})

	tests := []struct {
		name, query, field string
	}{
		{"from after to", "from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z", "from"},
		{"from equals to", "from=2026-05-01T00:00:00Z&to=2026-05-01T00:00:00Z&granularity=day", "from"},
		{"hours over 31 days", "granularity=hour&from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:00Z", "to"},
		{"days over 400 days", "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
		{"hours far back", "granularity=hour&from=2020-01-01T00:00:00Z", "from"},
		{"unknown granularity", "granularity=week", "granularity"},
		{"not a time", "from=yesterday", "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := do(t, http.MethodGet, b.url+"/v1/usage?"+tt.query, nil, map[string]string{"Authorization": "Bearer " + secret})
			e := expectError(t, res, body, http.StatusBadRequest, "BAD_REQUEST")
			if e.Details.Fields == nil || len(*e.Details.Fields) == 0 || (*e.Details.Fields)[0].Field != tt.field {
				t.Fatalf("fields %+v, want %s", e.Details.Fields, tt.field)
			}
		})
	}
	after := usage(t, c, gen.GetUsageParams{})
	// Only request counts moved (the refused reports and this one).
	if after.Totals.TokensIn != before.Totals.TokensIn || line(after.Totals, gen.UsageMetricRequests, "createWorld") != 1 ||
		line(after.Totals, gen.UsageMetricRequests, "getUsage") != line(before.Totals, gen.UsageMetricRequests, "getUsage")+float64(len(tests))+1 {
		t.Fatalf("before %+v, after %+v", before.Totals, after.Totals)
	}
}

func TestUsageCountsRateLimitRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, withTiers("tiny=requests:3/h", ""))
	tenant := uniqueTenant(t)
	tiny, tinyID := usageKey(t, b, tenant, "tiny", domain.ModeLive, domain.ScopeRead)
	adminSecret, _ := usageKey(t, b, tenant, "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeAdmin)
	for range 5 {
		getWorlds(t, b, tiny)
	}
	r := usage(t, servertest.Client(t, b.url, adminSecret), gen.GetUsageParams{KeyId: &tinyID})
	if r.Totals.Requests != 5 || r.Totals.RateLimited != 2 || line(r.Totals, gen.UsageMetricRateLimited, "listWorlds") != 2 {
		t.Fatalf("totals %+v, want 5 requests of which 2 refused", r.Totals)
	}
}

func TestUsageCountsCanceledJobs(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend, func(o *setupOptions) { o.noWorkers = true })
			secret, _ := usageKey(t, b, uniqueTenant(t), "unlimited", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite)
			c := servertest.Client(t, b.url, secret)
			av, err := c.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a ranger"})
			if err != nil || av.JSON202 == nil {
				t.Fatalf("avatar: %v %s", err, av.Body)
			}
			if res, err := c.CancelJobWithResponse(t.Context(), av.JSON202.JobId, nil); err != nil || res.JSON200 == nil {
				t.Fatalf("cancel: %v %s", err, res.Body)
			}
			r := usage(t, c, gen.GetUsageParams{})
			if r.Totals.JobsCanceled != 1 || line(r.Totals, gen.UsageMetricJobs, "avatar.canceled") != 1 || r.Totals.Images != 0 {
				t.Fatalf("totals %+v", r.Totals)
			}
		})
	}
}
