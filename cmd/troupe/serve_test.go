package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs the real composition root (config, store, server) until the returned stop
// is called, and waits until it answers.
func start(t *testing.T) (url string, stop func()) {
	t.Helper()
	port := freePort(t)
	t.Setenv("HOST", "127.0.0.1")
	t.Setenv("PORT", strconv.Itoa(port))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	go func() { done <- serve(ctx, out) }()
	url = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(url + "/health")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			// Only this server's answer counts: another process may have been handed the
			// same free port between freePort and serve's listen (serve then fails).
			if strings.Contains(string(body), `"dependencies"`) {
				break
			}
			err = fmt.Errorf("/health answered %d %.80s", res.StatusCode, body)
		}
		select {
		case err := <-done:
			t.Fatalf("server exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return url, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}
}

func TestDataSurvivesARestart(t *testing.T) {
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("API_KEYS", "")

	url, stop := start(t)
	c := servertest.Client(t, url, servertest.DemoKey)
	created, err := c.CreateWorldWithResponse(t.Context(), nil, gen.CreateWorldRequest{Seed: ptr(int64(2026))})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create: %v %d", err, created.StatusCode())
	}
	stop()

	url, stop = start(t)
	defer stop()
	c = servertest.Client(t, url, servertest.DemoKey)
	got, err := c.GetWorldWithResponse(t.Context(), created.JSON201.Id)
	if err != nil || got.JSON200 == nil {
		t.Fatalf("after restart: %v %d", err, got.StatusCode())
	}
	if string(mustJSON(t, got.JSON200)) != string(mustJSON(t, created.JSON201)) {
		t.Fatal("the world read after the restart differs from the one created")
	}
}

func TestConfiguredKeysReplaceTheDemoKeys(t *testing.T) {
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("API_KEYS", "studio-secret:tenant_studio")
	url, stop := start(t)
	defer stop()

	res, err := servertest.Client(t, url, "studio-secret").ListWorldsWithResponse(t.Context(), nil)
	if err != nil || res.JSON200 == nil {
		t.Fatalf("configured key refused: %v %d", err, res.StatusCode())
	}
	demo, err := servertest.Client(t, url, servertest.DemoKey).ListWorldsWithResponse(t.Context(), nil)
	if err != nil || demo.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("demo key with API_KEYS set: %v %d, want 401", err, demo.StatusCode())
	}
}

func TestProductionRefusesDemoKeys(t *testing.T) {
	cases := map[string]string{"no keys": "", "demo key listed": "demo-key-123:tenant_demo,k:t"}
	for name, keys := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("ENV", "production")
			t.Setenv("API_KEYS", keys)
			t.Setenv("DATA_DIR", t.TempDir())
			out, _ := os.Create(filepath.Join(t.TempDir(), "log"))
			err := serve(t.Context(), out)
			if err == nil {
				t.Fatal("production started with the demo keys")
			}
		})
	}
}

func TestBadConfigIsRefused(t *testing.T) {
	cases := map[string][2]string{
		"port out of range":   {"PORT", "70000"},
		"port not a number":   {"PORT", "nine"},
		"malformed API_KEYS":  {"API_KEYS", "just-a-key"},
		"mysql DATABASE_URL":  {"DATABASE_URL", "mysql://localhost/db"},
		"zero JOB_TTL_HOURS":  {"JOB_TTL_HOURS", "0"},
		"temperature above 2": {"DIALOGUE_TEMPERATURE", "3"},
		"no job attempts":     {"JOB_MAX_ATTEMPTS", "0"},
		"sub-second timeout":  {"JOB_TIMEOUT", "100ms"},
		// A replica taken for dead between two of its own heartbeats would lose its jobs.
		"staleness within one heartbeat": {"REPLICA_STALE_AFTER", "3s"},
		// Bytes are written just before their row: a short grace sweeps owned files.
		"orphan grace under a minute": {"ORPHAN_MEDIA_GRACE", "5s"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("DATA_DIR", t.TempDir())
			t.Setenv(kv[0], kv[1])
			out, _ := os.Create(filepath.Join(t.TempDir(), "log"))
			if err := serve(t.Context(), out); err == nil {
				t.Fatalf("%s=%s accepted", kv[0], kv[1])
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// slowLLM answers Troupe's text tasks on the fake fal, taking its time over dialogue lines.
func slowLLM(input json.RawMessage) (any, *faltest.Failure) {
	in, fail := faltest.ParseRouterInput(input)
	if fail != nil {
		return nil, fail
	}
	switch {
	case strings.Contains(in.SystemPrompt, `"approved"`):
		return faltest.RouterAnswer(in, `{"approved": true, "reason": "ok"}`), nil
	case strings.Contains(in.SystemPrompt, `"acting_prompt"`):
		return faltest.RouterAnswer(in, `{"personality": "Stern.", "acting_prompt": "You are a guard."}`), nil
	}
	time.Sleep(700 * time.Millisecond)
	return faltest.RouterAnswer(in, "Halt! Who goes there?"), nil
}

// TestShutdownLetsInFlightRequestsFinish stops the server while a speak request is waiting
// on a slow model: the request still gets its answer, and new connections are refused.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	fake := faltest.New(t)
	fake.Handle(faltest.RouterEndpoint, slowLLM)
	t.Setenv("DATA_DIR", t.TempDir())
	t.Setenv("API_KEYS", "")
	t.Setenv("FAL_KEY", fake.Key())
	t.Setenv("FAL_RUN_URL", fake.URL())
	t.Setenv("FAL_QUEUE_URL", fake.URL())
	url, stop := start(t)
	c := servertest.Client(t, url, servertest.DemoKey)
	ch, err := c.CreateCharacterWithResponse(t.Context(), nil, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"})
	if err != nil || ch.JSON201 == nil {
		t.Fatalf("create: %v %s", err, ch.Body)
	}
	done := make(chan *gen.SpeakCharacterResponse, 1)
	go func() {
		res, _ := c.SpeakCharacterWithResponse(context.Background(), ch.JSON201.Id, nil, gen.SpeakRequest{
			ContextMessages: []gen.Message{{Speaker: "p", Text: "Let me pass."}},
		})
		done <- res
	}()
	// Stop once the request is waiting on the model.
	for fake.Count(faltest.RouterEndpoint, faltest.KindRun) < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	res := <-done
	if res == nil || res.JSON200 == nil || res.JSON200.Text != "Halt! Who goes there?" {
		t.Fatalf("the in-flight request did not finish: %+v", res)
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}
}
