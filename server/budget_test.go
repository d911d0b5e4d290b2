package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// freshBudgets makes every generation request read the budget and the month's use again,
// so a test sees a cap the moment the use reaches it.
func freshBudgets(o *setupOptions) {
	prev := o.config
	o.config = func(c *app.Config) {
		if prev != nil {
			prev(c)
		}
		c.BudgetCacheTTL = time.Nanosecond
	}
}

// TestHardCapRefusesGenerationOnly: a cap of one image, reached by one avatar job,
// announces 80 % and 100 % and refuses the next generation with 402, while reads and
// free writes go on; removing the cap lifts the refusal at once.
func TestHardCapRefusesGenerationOnly(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend, freshBudgets)
			ctx := t.Context()
			admin := servertest.Client(t, b.url, issueKey(t, b, uniqueTenant(t), domain.ModeLive,
				domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))

			st, err := admin.GetBudgetWithResponse(ctx)
			if err != nil || st.JSON200 == nil || st.JSON200.MonthlyLimit != nil || st.JSON200.Refusing || st.JSON200.Metric != gen.BudgetMetricCostUsd {
				t.Fatalf("no cap yet: %v %s", err, st.Body)
			}
			set, err := admin.SetBudgetWithResponse(ctx, nil, gen.BudgetRequest{Metric: ptr(gen.BudgetMetricImages), MonthlyLimit: 1})
			if err != nil || set.JSON200 == nil || *set.JSON200.MonthlyLimit != 1 || !set.JSON200.HardLimit || set.JSON200.Used != 0 {
				t.Fatalf("set: %v %s", err, set.Body)
			}
			c := createCharacter(t, admin, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor"})
			avatarReq := gen.AvatarRequest{Description: "A dwarf smith", Seed: ptr(int64(1))}
			avatarKey := &gen.CreateAvatarParams{IdempotencyKey: ptr("avatar-" + name)}
			av, err := admin.CreateAvatarWithResponse(ctx, avatarKey, avatarReq)
			if err != nil || av.JSON202 == nil {
				t.Fatalf("avatar: %v %s", err, av.Body)
			}
			if j := waitJob(t, admin, av.JSON202.JobId); j.Status != gen.JobStatusCompleted {
				t.Fatalf("job %+v", j)
			}

			// A retry of the job made before the cap was reached gets its stored answer.
			again, err := admin.CreateAvatarWithResponse(ctx, avatarKey, avatarReq)
			if err != nil || again.JSON202 == nil || again.JSON202.JobId != av.JSON202.JobId ||
				again.HTTPResponse.Header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry past the cap: %v %d %s", err, again.StatusCode(), again.Body)
			}
			hello := gen.SpeakRequest{ContextMessages: []gen.Message{said("Arin", "Hello")}}
			speakKey := &gen.SpeakCharacterParams{IdempotencyKey: ptr("speak-" + name)}
			res, err := admin.SpeakCharacterWithResponse(ctx, c.Id, speakKey, hello)
			if err != nil {
				t.Fatal(err)
			}
			e := expectError(t, res.HTTPResponse, res.Body, http.StatusPaymentRequired, "BUDGET_EXCEEDED")
			if e.Details.AdditionalProperties["metric"] != "images" || e.Details.AdditionalProperties["used"] != 1.0 {
				t.Fatalf("details %v", e.Details)
			}
			// Reads and writes that cost nothing still work past the cap.
			if res, _ := admin.GetCharacterWithResponse(ctx, c.Id); res.JSON200 == nil {
				t.Fatalf("read past the cap: %d", res.StatusCode())
			}
			if res, _ := admin.CreateWorldWithResponse(ctx, nil, gen.CreateWorldRequest{Seed: ptr(int64(5))}); res.JSON201 == nil {
				t.Fatalf("free write past the cap: %d %s", res.StatusCode(), res.Body)
			}

			got, err := admin.GetBudgetWithResponse(ctx)
			if err != nil || got.JSON200 == nil {
				t.Fatal(err)
			}
			g := got.JSON200
			if g.Used != 1 || !g.Refusing || g.UsedFraction == nil || *g.UsedFraction != 1 ||
				len(g.ThresholdsReached) != 2 || g.ThresholdsReached[0] != 80 || g.ThresholdsReached[1] != 100 {
				t.Fatalf("budget after the job: %s", got.Body)
			}
			// Both thresholds are events of the tenant, once each.
			evs, err := admin.ListEventsWithResponse(ctx, &gen.ListEventsParams{Type: ptr(gen.EventTypeBudgetThreshold)})
			if err != nil || evs.JSON200 == nil || evs.JSON200.Total != 2 {
				t.Fatalf("threshold events: %v %s", err, evs.Body)
			}
			seen := map[int]bool{}
			for _, ev := range evs.JSON200.Items {
				if ev.Data.Budget == nil || ev.Data.Budget.MonthlyLimit != 1 || ev.Data.Budget.Metric != gen.BudgetMetricImages {
					t.Fatalf("event %+v", ev)
				}
				seen[ev.Data.Budget.Threshold] = true
			}
			if !seen[80] || !seen[100] {
				t.Fatalf("thresholds announced: %v", seen)
			}

			if res, err := admin.DeleteBudgetWithResponse(ctx); err != nil || res.StatusCode() != http.StatusNoContent {
				t.Fatalf("delete: %v %d", err, res.StatusCode())
			}
			// The refusal was not kept: the same request, retried with its key, now runs.
			if res, err := admin.SpeakCharacterWithResponse(ctx, c.Id, speakKey, hello); err != nil || res.JSON200 == nil {
				t.Fatalf("retry once the cap is gone: %v %d %s", err, res.StatusCode(), res.Body)
			}
		})
	}
}

// TestBudgetRefusesBadInputAndNeedsAdmin: a refused cap changes nothing, and only an
// admin key may read or set one.
func TestBudgetRefusesBadInputAndNeedsAdmin(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			tenant := uniqueTenant(t)
			admin := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeLive, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))
			writer := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeLive, domain.ScopeRead, domain.ScopeWrite))
			if res, _ := admin.SetBudgetWithResponse(ctx, nil, gen.BudgetRequest{MonthlyLimit: 50}); res.JSON200 == nil {
				t.Fatalf("set: %s", res.Body)
			}
			for _, body := range []string{
				`{"monthly_limit": 0}`, `{"monthly_limit": -3}`, `{"monthly_limit": 2000000000}`,
				`{"monthly_limit": 5, "metric": "gold"}`, `{"metric": "images"}`, `{"monthly_limit": 5, "extra": 1}`,
			} {
				res, err := admin.SetBudgetWithBodyWithResponse(ctx, nil, "application/json", strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				expectError(t, res.HTTPResponse, res.Body, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			}
			got, _ := admin.GetBudgetWithResponse(ctx)
			if got.JSON200 == nil || got.JSON200.MonthlyLimit == nil || *got.JSON200.MonthlyLimit != 50 || got.JSON200.Metric != gen.BudgetMetricCostUsd {
				t.Fatalf("after refused sets: %s", got.Body)
			}
			res, _ := writer.SetBudgetWithResponse(ctx, nil, gen.BudgetRequest{MonthlyLimit: 1})
			expectError(t, res.HTTPResponse, res.Body, http.StatusForbidden, "INSUFFICIENT_SCOPE")
			gr, _ := writer.GetBudgetWithResponse(ctx)
			expectError(t, gr.HTTPResponse, gr.Body, http.StatusForbidden, "INSUFFICIENT_SCOPE")
			// A test key's cap is its test space's own.
			test := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeTest, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))
			if tg, _ := test.GetBudgetWithResponse(ctx); tg.JSON200 == nil || tg.JSON200.MonthlyLimit != nil {
				t.Fatalf("test space sees the live cap: %s", tg.Body)
			}
		})
	}
}
