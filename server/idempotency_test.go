package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			body := `{"role":"bard","archetype":"jester","seed":7}`
			post := func(key, body string) (*http.Response, []byte) {
				return do(t, http.MethodPost, b.url+"/v1/characters", strings.NewReader(body), map[string]string{"Idempotency-Key": key})
			}
			first, firstBody := post("create-bard-1", body)
			retry, retryBody := post("create-bard-1", body)
			if first.StatusCode != http.StatusCreated || retry.StatusCode != http.StatusCreated || !bytes.Equal(firstBody, retryBody) {
				t.Fatalf("first %d, retry %d:\n%s\n%s", first.StatusCode, retry.StatusCode, firstBody, retryBody)
			}
			if retry.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" ||
				retry.Header.Get("Original-Request-Id") != first.Header.Get("X-Request-Id") ||
				retry.Header.Get("X-Request-Id") == first.Header.Get("X-Request-Id") {
				t.Fatalf("headers: first %v, retry %v", first.Header, retry.Header)
			}
			list, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
			if list.JSON200 == nil || list.JSON200.Total != 1 {
				t.Fatalf("a retried create made %s", list.Body)
			}

			// The same key with another body changes nothing.
			res, resBody := post("create-bard-1", `{"role":"bard","archetype":"jester","seed":8}`)
			expectError(t, res, resBody, http.StatusUnprocessableEntity, string(gen.ErrorCodeIdempotencyKeyReused))
			// A request the validator refuses is not kept: fixed, the same key runs.
			res, resBody = post("create-bard-2", `{"role":"bard"}`)
			expectError(t, res, resBody, http.StatusUnprocessableEntity, string(gen.ErrorCodeValidationError))
			if res, _ := post("create-bard-2", body); res.StatusCode != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("the corrected request: %d replayed=%q", res.StatusCode, res.Header.Get("Idempotent-Replayed"))
			}
			// Another tenant's identical key and body is its own request.
			other, _ := do(t, http.MethodPost, b.url+"/v1/characters", strings.NewReader(body),
				map[string]string{"Idempotency-Key": "create-bard-1", "Authorization": "Bearer " + servertest.TestKey})
			if other.StatusCode != http.StatusCreated || other.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("the other tenant got a replay: %d", other.StatusCode)
			}
			if list, _ := b.demo.ListCharactersWithResponse(t.Context(), nil); list.JSON200.Total != 2 {
				t.Fatalf("demo has %d characters, want 2", list.JSON200.Total)
			}
		})
	}
}

// TestIdempotentStreamedSpeak checks that a retried streaming speak replays the line it
// streamed without running the model again: the character remembers saying it once.
func TestIdempotentStreamedSpeak(t *testing.T) {
	t.Parallel()
	b := setup(t)
	secret := issueKey(t, b, "acme", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite)
	test := servertest.Client(t, b.url, secret)
	c := createCharacter(t, test, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	stream := func() []byte {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, b.url+"/v1/characters/"+c.Id+"/speak/stream",
			strings.NewReader(`{"context_messages":[{"speaker":"player","text":"Sing me something!"}]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "sing-1")
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := servertest.HTTPClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(data), "dialogue.completed") {
			t.Fatalf("stream: %d %s", res.StatusCode, data)
		}
		return data
	}
	first, retry := stream(), stream()
	if !bytes.Equal(first, retry) {
		t.Fatalf("the replay differs:\n%s\n%s", first, retry)
	}
	mem, err := test.GetCharacterMemoryWithResponse(t.Context(), c.Id, nil)
	if err != nil || mem.JSON200 == nil {
		t.Fatal(err)
	}
	said := 0
	for _, e := range mem.JSON200.Items {
		if e.Kind == gen.MemoryEntryKindSaid {
			said++
		}
	}
	if said != 1 {
		raw, _ := json.Marshal(mem.JSON200.Items)
		t.Fatalf("the character said %d lines, want 1: %s", said, raw)
	}
}
