package openaiclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
)

func TestStream(t *testing.T) {
	tests := []struct {
		name    string
		opts    []openaitest.Option
		reply   string
		noUsage bool
	}{
		{"several words", nil, "Morning, traveller. The forge is hot today.\nNeed a blade?", false},
		{"one word", nil, "Aye.", false},
		{"empty answer", nil, "", false},
		{"unicode", nil, "Ça va — très bien, 谢谢 🙂", false},
		{"slow chunks", []openaitest.Option{openaitest.WithChunkDelay(time.Millisecond)}, "one two three", false},
		{"no usage", []openaitest.Option{openaitest.WithoutUsage()}, "estimate this please", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t, tt.opts...)
			srv.Reply(func(openaitest.ChatRequest) string { return tt.reply })
			var deltas []string
			res, err := newTestClient(srv).Stream(t.Context(), hello(), func(d string) error {
				deltas = append(deltas, d)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := openaitest.Deltas(tt.reply); !slices.Equal(deltas, want) {
				t.Errorf("deltas = %q, want %q", deltas, want)
			}
			if joined := strings.Join(deltas, ""); joined != res.Text || res.Text != tt.reply {
				t.Errorf("joined deltas %q, text %q, want %q", joined, res.Text, tt.reply)
			}
			if res.Engine != Engine || res.Model != "test-model" {
				t.Errorf("engine/model = %s/%s", res.Engine, res.Model)
			}
			got := srv.Requests()[0].Chat
			if !got.Stream || got.StreamOptions == nil || !got.StreamOptions.IncludeUsage {
				t.Errorf("request did not ask for a stream with usage: %s", srv.Requests()[0].Raw)
			}
			want := domain.Usage{PromptTokens: openaitest.PromptTokens(got), CompletionTokens: openaitest.CountTokens(tt.reply)}
			if tt.noUsage {
				want = estimateUsage(hello(), tt.reply)
			}
			if res.Usage != want {
				t.Errorf("usage = %+v, want %+v", res.Usage, want)
			}
		})
	}
}

func TestStreamCancelStopsUpstream(t *testing.T) {
	srv := openaitest.New(t, openaitest.WithChunkDelay(20*time.Millisecond))
	srv.Reply(func(openaitest.ChatRequest) string { return strings.Repeat("word ", 200) })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n := 0
	_, err := newTestClient(srv).Stream(ctx, hello(), func(string) error {
		if n++; n == 2 {
			cancel() // the game client hung up
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n != 2 {
		t.Errorf("%d deltas after cancel, want none", n-2)
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("%d requests, want 1 (a canceled stream is not retried)", len(srv.Requests()))
	}
	// The server notices the closed connection asynchronously.
	deadline := time.Now().Add(2 * time.Second)
	for srv.Disconnects() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server never saw the client go away")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStreamOnDeltaErrorStops(t *testing.T) {
	srv := openaitest.New(t)
	srv.Reply(func(openaitest.ChatRequest) string { return "one two three four" })
	stop := &domain.Error{Code: domain.CodeInternal, Message: "client write failed"}
	n := 0
	_, err := newTestClient(srv).Stream(t.Context(), hello(), func(string) error {
		n++
		return stop
	})
	if err != stop {
		t.Fatalf("error = %v, want onDelta's error unchanged", err)
	}
	if n != 1 || stop.Details != nil {
		t.Errorf("onDelta called %d times; details %v", n, stop.Details)
	}
}

// TestStreamNotRetriedAfterContent cuts a stream after its first delta: the caller has shown
// that text, so the failure must be returned rather than retried.
func TestStreamNotRetriedAfterContent(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantAttempts int // 1 + DefaultMaxRetries when retried
		wantDeltas   int
	}{
		{"cut after content", "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", 1, 1},
		{"cut before content", "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n", 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var attempts atomic.Int32
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, tt.body) // then end without a finish or [DONE]
			}))
			t.Cleanup(hs.Close)
			c := New(Config{BaseURL: hs.URL, Model: "m", RetryBase: time.Millisecond, RetryMax: time.Millisecond})
			deltas := 0
			_, err := c.Stream(t.Context(), hello(), func(string) error { deltas++; return nil })
			wantDomainError(t, err, domain.CodeProviderError)
			if int(attempts.Load()) != tt.wantAttempts || deltas != tt.wantDeltas {
				t.Errorf("attempts = %d, deltas = %d; want %d, %d", attempts.Load(), deltas, tt.wantAttempts, tt.wantDeltas)
			}
		})
	}
}

// TestStreamUnstreamedAnswers covers servers that ignore "stream": true.
func TestStreamUnstreamedAnswers(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		wantText                string
		wantCode                domain.Code
	}{
		{"plain JSON answer", "application/json",
			`{"model":"m2","choices":[{"message":{"content":"whole answer"}}],"usage":{"prompt_tokens":3,"completion_tokens":2}}`,
			"whole answer", ""},
		{"HTML page", "text/html", "<html>proxy login</html>", "", domain.CodeProviderError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				io.WriteString(w, tt.body)
			}))
			t.Cleanup(hs.Close)
			var deltas []string
			res, err := New(Config{BaseURL: hs.URL, Model: "m"}).Stream(t.Context(), hello(), func(d string) error {
				deltas = append(deltas, d)
				return nil
			})
			if tt.wantCode != "" {
				de := wantDomainError(t, err, tt.wantCode)
				if de.Details["upstream_body"] != tt.body {
					t.Errorf("upstream_body = %v", de.Details["upstream_body"])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tt.wantText || !slices.Equal(deltas, []string{tt.wantText}) || res.Model != "m2" ||
				res.Usage != (domain.Usage{PromptTokens: 3, CompletionTokens: 2}) {
				t.Errorf("result %+v, deltas %q", res, deltas)
			}
		})
	}
}

// TestStreamEndings covers the ways real servers end a stream.
func TestStreamEndings(t *testing.T) {
	const delta = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
	const finish = "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
	tests := []struct {
		name     string
		body     string
		hang     bool // hold the connection open after the body
		wantCode domain.Code
	}{
		{"[DONE]", delta + finish + "data: [DONE]\n\n", false, ""},
		{"[DONE] without a blank line", delta + "data: [DONE]", false, ""},
		{"finish then close, no [DONE]", delta + finish, false, ""},
		{"finish then silence", delta + finish, true, ""},
		{"no finish then silence", delta, true, domain.CodeProviderTimeout},
		{"garbage event", delta + "data: {not json\n\n", false, domain.CodeProviderError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, tt.body)
				w.(http.Flusher).Flush()
				if tt.hang {
					<-r.Context().Done()
				}
			}))
			t.Cleanup(hs.Close)
			c := New(Config{BaseURL: hs.URL, Model: "m", Timeout: 50 * time.Millisecond, MaxRetries: -1})
			res, _, err := call(t.Context(), c, true, hello())
			if tt.wantCode != "" {
				wantDomainError(t, err, tt.wantCode)
				return
			}
			if err != nil || res.Text != "Hi" {
				t.Fatalf("result %q, error %v", res.Text, err)
			}
		})
	}
}
