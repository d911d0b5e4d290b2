package server_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/apikey"
	"github.com/troupe-ai/troupe/ratelimit"
	"github.com/troupe-ai/troupe/store/storetest"
)

// withTiers configures the rate-limit tiers (and, when redisURL is set, Redis).
func withTiers(spec, redisURL string) func(*setupOptions) {
	return func(o *setupOptions) {
		prev := o.config
		o.config = func(c *app.Config) {
			if prev != nil {
				prev(c)
			}
			c.RateLimitTierSpec, c.RedisURL = spec, redisURL
		}
	}
}

// uniqueTenant names a tenant no other test (or earlier run, on the shared Redis) used.
func uniqueTenant(t *testing.T) string {
	return "t" + strings.ToLower(apikey.New(false)[8:24])
}

// getWorlds lists worlds with key and returns the response.
func getWorlds(t *testing.T, b *bundle, key string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, b.url+"/v1/worlds", nil, map[string]string{"Authorization": "Bearer " + key})
}

// remaining reads the r of the named policy from a RateLimit header.
func remaining(t *testing.T, res *http.Response, policy string) int {
	t.Helper()
	items, err := ratelimit.ParseHeader(res.Header.Get("RateLimit"))
	if err != nil {
		t.Fatalf("RateLimit %q: %v", res.Header.Get("RateLimit"), err)
	}
	for _, it := range items {
		if it.Name == policy {
			return int(it.Params["r"])
		}
	}
	t.Fatalf("RateLimit %q has no %q", res.Header.Get("RateLimit"), policy)
	return 0
}

func TestRateLimitBurst(t *testing.T) {
	t.Parallel()
	b := setup(t, withTiers("tiny=requests:5/h", ""))
	acme := issueTierKey(t, b, uniqueTenant(t), "tiny", domain.ModeLive, domain.ScopeRead)
	globex := issueTierKey(t, b, uniqueTenant(t), "tiny", domain.ModeLive, domain.ScopeRead)
	var refused int
	for i := range 8 {
		res, body := getWorlds(t, b, acme)
		if got := res.Header.Get("RateLimit-Policy"); got != `"hour";q=5;w=3600` {
			t.Fatalf("RateLimit-Policy %q", got)
		}
		if i < 5 {
			if res.StatusCode != http.StatusOK || remaining(t, res, "hour") != 4-i {
				t.Fatalf("request %d: %d, r=%d", i+1, res.StatusCode, remaining(t, res, "hour"))
			}
			continue
		}
		refused++
		e := expectError(t, res, body, http.StatusTooManyRequests, "RATE_LIMITED")
		if ra, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || ra < 1 || e.Details.AdditionalProperties["policy"] != "hour" {
			t.Fatalf("429 with Retry-After %q, details %v", res.Header.Get("Retry-After"), e.Details)
		}
		if remaining(t, res, "hour") != 0 {
			t.Fatalf("refused request shows r=%d", remaining(t, res, "hour"))
		}
	}
	if refused != 3 {
		t.Fatalf("%d refusals, want 3", refused)
	}
	// Another tenant of the same tier has its own budget.
	if res, _ := getWorlds(t, b, globex); res.StatusCode != http.StatusOK || remaining(t, res, "hour") != 4 {
		t.Fatalf("globex after acme's burst: %d r=%d", res.StatusCode, remaining(t, res, "hour"))
	}
	// The demo key's tier is unlimited: no headers, never refused.
	for range 10 {
		if res, _ := getWorlds(t, b, "demo-key-123"); res.StatusCode != http.StatusOK || res.Header.Get("RateLimit") != "" {
			t.Fatalf("demo key: %d %q", res.StatusCode, res.Header.Get("RateLimit"))
		}
	}
}

func TestRateLimitGenerationsHaveTheirOwnBudget(t *testing.T) {
	t.Parallel()
	b := setup(t, withTiers("gen=requests:100/h,generations:2/h", ""))
	key := issueTierKey(t, b, uniqueTenant(t), "gen", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite)
	h := map[string]string{"Authorization": "Bearer " + key}
	res, body := do(t, http.MethodPost, b.url+"/v1/characters", strings.NewReader(`{"role":"bard","archetype":"jester"}`), h)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	id := strings.Split(strings.Split(string(body), `"id":"`)[1], `"`)[0]
	speakURL := b.url + "/v1/characters/" + id + "/speak"
	line := `{"context_messages":[{"speaker":"player","text":"Hello!"}]}`
	if res, body := do(t, http.MethodPost, speakURL, strings.NewReader(line), h); res.StatusCode != http.StatusOK {
		t.Fatalf("first speak: %d %s", res.StatusCode, body)
	}
	res, body = do(t, http.MethodPost, speakURL, strings.NewReader(line), h)
	e := expectError(t, res, body, http.StatusTooManyRequests, "RATE_LIMITED")
	if e.Details.AdditionalProperties["policy"] != "generation-hour" {
		t.Fatalf("refused by %v", e.Details)
	}
	// Reads still pass, and the refused speak cost the request budget nothing.
	res, _ = getWorlds(t, b, key)
	if res.StatusCode != http.StatusOK || remaining(t, res, "hour") != 97 { // create, speak, this GET
		t.Fatalf("GET after the generation budget ran out: %d r=%d", res.StatusCode, remaining(t, res, "hour"))
	}
}

// TestRateLimitIsSharedAcrossReplicasOnRedis runs two servers on one database and one
// Redis: they share one budget.
func TestRateLimitIsSharedAcrossReplicasOnRedis(t *testing.T) {
	t.Parallel()
	pg := storetest.PostgresSchemaURL(t)
	if pg == "" {
		t.Skip("PostgreSQL not reachable")
	}
	redisURL := "redis://127.0.0.1:6379/0"
	if !redisUp(t) {
		t.Skip("Redis not reachable")
	}
	shared := func(o *setupOptions) { o.postgresURL = pg }
	a := setup(t, shared, withTiers("tiny=requests:6/h", redisURL))
	b := setup(t, shared, withTiers("tiny=requests:6/h", redisURL))
	key := issueTierKey(t, a, uniqueTenant(t), "tiny", domain.ModeLive, domain.ScopeRead)
	statuses := map[int]int{}
	for i := range 10 {
		replica := a
		if i%2 == 1 {
			replica = b
		}
		res, _ := getWorlds(t, replica, key)
		statuses[res.StatusCode]++
	}
	if statuses[http.StatusOK] != 6 || statuses[http.StatusTooManyRequests] != 4 {
		t.Fatalf("statuses over two replicas: %v, want 6 OK and 4 refused", statuses)
	}
}

// TestRateLimiterDownKeepsServing points the server at a Redis that is not there: every
// request is still served, under the in-memory limits, and /health says degraded.
func TestRateLimiterDownKeepsServing(t *testing.T) {
	t.Parallel()
	b := setup(t, withTiers("tiny=requests:3/h", "redis://127.0.0.1:1/0"))
	key := issueTierKey(t, b, uniqueTenant(t), "tiny", domain.ModeLive, domain.ScopeRead)
	var codes []int
	for range 4 {
		res, _ := getWorlds(t, b, key)
		codes = append(codes, res.StatusCode)
	}
	if fmt.Sprint(codes) != "[200 200 200 429]" {
		t.Fatalf("statuses with Redis down: %v", codes)
	}
	h, err := b.anon.GetHealthWithResponse(t.Context())
	if err != nil || h.JSON200 == nil {
		t.Fatalf("health: %v", err)
	}
	rl := h.JSON200.Dependencies.RateLimiter
	if h.JSON200.Status != "degraded" || rl.Status != "degraded" || rl.Engine != "memory" {
		t.Fatalf("health with Redis down: %s, rate limiter %+v", h.JSON200.Status, rl)
	}
}

// redisUp reports whether the test Redis answers; in CI (CI set) it must.
func redisUp(t *testing.T) bool {
	t.Helper()
	conn, err := net.DialTimeout("tcp", "127.0.0.1:6379", time.Second)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redis must be up in CI: %v", err)
		}
		return false
	}
	conn.Close()
	return true
}
