package server_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/server/servertest"
)

// BenchmarkStreamFirstDelta measures the streaming overhead: the time from the moment a
// fal-protocol upstream flushes its first token event to the moment the client reads the
// first dialogue.delta, through falclient, the domain's moderation window and the SSE
// writer. The upstream's first event carries a whole clause (six words), so the
// moderation window (which holds back the last words until no taboo phrase can still
// form) releases text at once; what remains is Troupe's own overhead. Reported as the
// median and p99 over b.N streams, in microseconds.
func BenchmarkStreamFirstDelta(b *testing.B) {
	firstToken := make(chan time.Time, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/stream") {
			// Memory folds call the model without streaming.
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"output":"They talked about swords."}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		rc := http.NewResponseController(w)
		rc.Flush()
		outputs := []string{"Steel is dear this winter, friend, ", "Steel is dear this winter, friend, but for you ", "Steel is dear this winter, friend, but for you a fair price."}
		for i, out := range outputs {
			fmt.Fprintf(w, "data: {\"output\":%q,\"partial\":%t}\n\n", out, i < len(outputs)-1)
			if i == 0 {
				firstToken <- time.Now()
			}
			rc.Flush()
			time.Sleep(2 * time.Millisecond)
		}
	}))
	defer upstream.Close()
	client := falclient.New(falclient.Config{Key: "k", RunURL: upstream.URL, QueueURL: upstream.URL})
	h, db := newHandler(b, func(o *setupOptions) { o.text = falclient.NewTextModel(client, falclient.TextDefaults{Model: "m"}) })
	srv := httptest.NewServer(h)
	defer srv.Close()
	// Stored directly: creating it through the API would need a JSON-speaking upstream.
	now := time.Now().UTC().Truncate(time.Microsecond)
	id := domain.NewID(domain.PrefixCharacter, now)
	if err := db.CreateCharacters(b.Context(), []*domain.Character{{
		ID: id, TenantID: "tenant_demo", Name: "Maren", Role: "blacksmith", Archetype: "mentor", SkillTier: "skilled",
		Mood: "calm", ActingPrompt: "You are Maren.", VoiceID: "local-en-us-f1", Seed: 1, Engine: "fal", Model: "m",
		CreatedAt: now, UpdatedAt: now,
	}}); err != nil {
		b.Fatal(err)
	}
	body := `{"context_messages":[{"speaker":"player","text":"What do swords cost?"}]}`
	var lags []time.Duration
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/characters/"+id+"/speak", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(res.Body)
		sawDelta := false
		for sc.Scan() {
			if sc.Text() == "event: dialogue.delta" {
				lags = append(lags, time.Since(<-firstToken))
				sawDelta = true
				break
			}
			if sc.Text() == "event: error" {
				sc.Scan()
				b.Fatalf("stream failed: %s", sc.Text())
			}
		}
		for sc.Scan() {
		}
		res.Body.Close()
		if !sawDelta {
			b.Fatal("no dialogue.delta")
		}
	}
	b.StopTimer()
	slices.Sort(lags)
	if len(lags) > 0 {
		b.ReportMetric(float64(lags[len(lags)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds()), "p99-µs")
	}
}
