package telemetry

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

func TestStreamsGaugeReturnsToZero(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	var wg sync.WaitGroup
	opened := make(chan func(), 50)
	for range cap(opened) {
		wg.Go(func() { opened <- tel.TrackStream() })
	}
	wg.Wait()
	close(opened)
	if got := gauge(t, tel, "troupe_sse_streams_open", nil); got != 50 {
		t.Fatalf("streams open = %v, want 50", got)
	}
	for closed := range opened {
		wg.Go(func() {
			closed()
			closed() // a deferred call after an early one
		})
	}
	wg.Wait()
	if got := gauge(t, tel, "troupe_sse_streams_open", nil); got != 0 {
		t.Errorf("streams open after all closed = %v, want 0", got)
	}
}

func TestRateLimitRefusalsByTierAndPolicy(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	tel.RateLimited("free", "requests_per_minute")
	tel.RateLimited("free", "requests_per_minute")
	tel.RateLimited("studio", "engine_calls_per_day")
	for labels, want := range map[[2]string]float64{
		{"free", "requests_per_minute"}:    2,
		{"studio", "engine_calls_per_day"}: 1,
	} {
		if got := counter(t, tel, "troupe_rate_limit_refusals_total", map[string]string{"tier": labels[0], "policy": labels[1]}); got != want {
			t.Errorf("refusals %v = %v, want %v", labels, got, want)
		}
	}
}

func TestJobsGaugeIsReadAtScrapeTime(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	if got := series(t, tel, "troupe_jobs"); len(got) != 0 {
		t.Fatalf("troupe_jobs before a queue is registered: %v", got)
	}
	counts := map[domain.JobStatus]int{domain.JobPending: 3, domain.JobProcessing: 1, "lost_in_space": 2, "wld_0123": 1}
	var mu sync.Mutex
	tel.RegisterQueue(func(ctx context.Context) (map[domain.JobStatus]int, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the queue callback runs without a deadline")
		}
		mu.Lock()
		defer mu.Unlock()
		return counts, nil
	})
	// Every known state has a series (zero when empty); unknown ones collapse to other.
	want := map[string]float64{"pending": 3, "processing": 1, "completed": 0, "failed": 0, "canceled": 0, labelOther: 3}
	for state, n := range want {
		if got := gauge(t, tel, "troupe_jobs", map[string]string{"state": state}); got != n {
			t.Errorf("troupe_jobs{state=%q} = %v, want %v", state, got, n)
		}
	}
	if got := len(series(t, tel, "troupe_jobs")); got != len(want) {
		t.Errorf("%d job series, want %d", got, len(want))
	}
	mu.Lock()
	counts = map[domain.JobStatus]int{domain.JobPending: 0}
	mu.Unlock()
	if got := gauge(t, tel, "troupe_jobs", map[string]string{"state": "pending"}); got != 0 {
		t.Errorf("after the queue drained, pending = %v, want 0", got)
	}
	tel.RegisterQueue(nil)
	if got := series(t, tel, "troupe_jobs"); len(got) != 0 {
		t.Errorf("troupe_jobs after the queue was removed: %v", got)
	}
}

func TestAFailingQueueCallbackCostsOnlyItsOwnSeries(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	tel.RegisterQueue(func(context.Context) (map[domain.JobStatus]int, error) {
		return nil, errors.New("database is locked")
	})
	tel.RateLimited("free", "rpm")
	body := scrape(t, tel)
	if strings.Contains(body, "troupe_jobs{") {
		t.Error("troupe_jobs served although its callback failed")
	}
	for _, name := range []string{"troupe_rate_limit_refusals_total", "go_goroutines", "process_cpu_seconds_total", "troupe_build_info"} {
		if !strings.Contains(body, name) {
			t.Errorf("%s missing from a scrape whose queue callback failed", name)
		}
	}
	// A scrape counts its own failure after it has gathered, so the next one shows it.
	if want := `promhttp_metric_handler_errors_total{cause="gathering"} 1`; !strings.Contains(scrape(t, tel), want) {
		t.Errorf("the failure is not counted as %s", want)
	}
}

func TestObserveJobKeepsLabelsBounded(t *testing.T) {
	t.Parallel()
	tel := newUntraced(t)
	tel.ObserveJob(domain.JobAvatar, "completed", 2*time.Second, 5*time.Second)
	tel.ObserveJob(domain.JobTTS, "provider_timeout", -time.Second, 30*time.Second)
	tel.ObserveJob("chr_01jdq3kxw2e5r7t9y1u3i5o7p9", "job_01jdq3kxw2e5r7t9y1u3i5o7p9", time.Second, time.Second)
	cases := []struct {
		typ, outcome string
	}{
		{"avatar", "completed"},
		{"tts", "provider_timeout"},
		{labelOther, labelOther},
	}
	for _, tc := range cases {
		if got := observations(t, tel, "troupe_job_run_seconds", map[string]string{"type": tc.typ, "outcome": tc.outcome}); got != 1 {
			t.Errorf("troupe_job_run_seconds{type=%q,outcome=%q} has %d observations, want 1", tc.typ, tc.outcome, got)
		}
		if got := observations(t, tel, "troupe_job_queue_wait_seconds", map[string]string{"type": tc.typ}); got != 1 {
			t.Errorf("troupe_job_queue_wait_seconds{type=%q} has %d observations, want 1", tc.typ, got)
		}
	}
	wait := find(t, tel, "troupe_job_queue_wait_seconds", map[string]string{"type": "tts"}).GetHistogram()
	if wait.GetSampleSum() != 0 {
		t.Errorf("a negative wait was observed as %v, want 0", wait.GetSampleSum())
	}
}

func TestMetricsHoldNoTenantData(t *testing.T) {
	t.Parallel()
	secrets := []string{
		"ten_acme", "key_9f8e7d", "sk_live_acme_123", // who is calling
		"wld_01jdq3kxw2e5r7t9y1u3i5o7p9", "chr_01jdq3kxw2e5r7t9y1u3i5o7p9", "job_01jdq3kxw2e5r7t9y1u3i5o7p9", // what they work on
		"sig_abcdef", "my-private-model", "the-taboo-word", "Bram the smith",
	}
	tel, _ := newTelemetry(t)
	e := newEcho(tel)
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := domain.Principal{TenantID: "ten_acme", KeyID: "key_9f8e7d", Mode: domain.ModeLive, Tier: "free"}
			c.SetRequest(c.Request().WithContext(domain.WithPrincipal(c.Request().Context(), p)))
			return next(c)
		}
	})
	header := http.Header{"Authorization": {"Bearer sk_live_acme_123"}, "X-Request-Id": {"ten_acme"}, "User-Agent": {"ten_acme"}}
	for _, target := range []string{
		"/v1/worlds/wld_01jdq3kxw2e5r7t9y1u3i5o7p9",
		"/v1/worlds/wld_01jdq3kxw2e5r7t9y1u3i5o7p9/characters?tenant=ten_acme",
		"/v1/characters/chr_01jdq3kxw2e5r7t9y1u3i5o7p9/speak",
		"/v1/jobs/job_01jdq3kxw2e5r7t9y1u3i5o7p9/cancel",
		"/v1/files/file_1?signature=sig_abcdef",
		"/ten_acme/wld_01jdq3kxw2e5r7t9y1u3i5o7p9",
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost, "TEN_ACME"} {
			serve(e, method, target, header)
		}
	}
	text := tel.InstrumentText(engine{err: domain.Errorf(domain.CodeProviderError, "Bram the smith said the-taboo-word")}, "local")
	text.Complete(t.Context(), domain.TextRequest{Model: "my-private-model", System: "Bram the smith"})
	tel.InstrumentImage(engine{}, "local").Generate(t.Context(), domain.ImageRequest{Model: "my-private-model", Prompt: "Bram the smith"})
	tel.ObserveJob("job_01jdq3kxw2e5r7t9y1u3i5o7p9", "ten_acme", time.Second, time.Second)
	tel.RegisterQueue(func(context.Context) (map[domain.JobStatus]int, error) {
		return map[domain.JobStatus]int{"ten_acme": 1}, nil
	})
	body := scrape(t, tel)
	for _, s := range secrets {
		if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
			i := strings.Index(strings.ToLower(body), strings.ToLower(s))
			t.Errorf("/metrics holds %q: …%s…", s, body[max(0, i-120):min(len(body), i+len(s)+20)])
		}
	}
}

func TestNewRejectsWhatItCannotUse(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]Config{
		"a ratio above 1":               {SampleRatio: 1.5},
		"a negative ratio":              {SampleRatio: -0.1},
		"a ratio that is no number":     {SampleRatio: math.NaN()},
		"an endpoint without scheme":    {OTLPEndpoint: "collector:4318"},
		"an endpoint of another scheme": {OTLPEndpoint: "grpc://collector:4317"},
		"an endpoint without host":      {OTLPEndpoint: "http://"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New accepted %s: %+v", name, cfg)
		}
	}
}

func TestANilTelemetryDoesNothing(t *testing.T) {
	t.Parallel()
	var tel *Telemetry
	e := newEcho(tel)
	if res := serve(e, http.MethodGet, "/v1/worlds/wld_1", nil); res.Code != http.StatusOK {
		t.Errorf("request through a nil Telemetry's middleware = %d", res.Code)
	}
	if res := serve(tel.Handler(), http.MethodGet, "/metrics", nil); res.Code != http.StatusNotFound {
		t.Errorf("nil Handler answered %d, want 404", res.Code)
	}
	tel.TrackStream()()
	tel.RateLimited("free", "rpm")
	tel.ObserveJob(domain.JobTTS, "completed", 0, 0)
	tel.RegisterQueue(nil)
	if _, err := tel.InstrumentText(engine{}, "fake").Complete(t.Context(), domain.TextRequest{}); err != nil {
		t.Error(err)
	}
	ctx, end := tel.StartSpan(t.Context(), "store.GetWorld")
	end(nil)
	if TraceID(ctx) != "" || tel.Tracing() {
		t.Error("a nil Telemetry traced")
	}
	tel.Tracer().Start(ctx, "noop")
	if err := tel.Shutdown(ctx); err != nil {
		t.Error(err)
	}
}
