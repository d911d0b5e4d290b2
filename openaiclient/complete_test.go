package openaiclient

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
)

func TestComplete(t *testing.T) {
	tests := []struct {
		name      string
		opts      []openaitest.Option
		edit      func(*domain.TextRequest)
		reply     string
		wantModel string
		wantUsage func(req openaitest.ChatRequest) domain.Usage
	}{
		{
			name:      "default model and server usage",
			reply:     "Morning. Need a blade?",
			wantModel: "test-model",
			wantUsage: func(req openaitest.ChatRequest) domain.Usage {
				return domain.Usage{PromptTokens: openaitest.PromptTokens(req), CompletionTokens: 4}
			},
		},
		{
			name:      "request model wins over the default",
			edit:      func(r *domain.TextRequest) { r.Model = "llama3" },
			reply:     "Aye.",
			wantModel: "llama3",
		},
		{
			name:      "server's model name wins over the requested one",
			opts:      []openaitest.Option{openaitest.WithModel("llama3:latest")},
			reply:     "Aye.",
			wantModel: "llama3:latest",
		},
		{
			name:      "usage is estimated when the server reports none",
			opts:      []openaitest.Option{openaitest.WithoutUsage()},
			reply:     "twelve chars",
			wantModel: "test-model",
			wantUsage: func(openaitest.ChatRequest) domain.Usage {
				r := hello()
				return domain.Usage{
					PromptTokens:     estimateTokens(r.System) + estimateTokens(r.Messages[0].Content),
					CompletionTokens: 3,
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t, tt.opts...)
			srv.Reply(func(openaitest.ChatRequest) string { return tt.reply })
			req := hello()
			if tt.edit != nil {
				tt.edit(&req)
			}
			res, err := newTestClient(srv).Complete(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != tt.reply || res.Engine != Engine || res.Model != tt.wantModel {
				t.Errorf("result = %q %s %s, want %q %s %s", res.Text, res.Engine, res.Model, tt.reply, Engine, tt.wantModel)
			}
			if res.Latency <= 0 {
				t.Errorf("latency = %v, want > 0", res.Latency)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if tt.wantUsage != nil {
				if want := tt.wantUsage(reqs[0].Chat); res.Usage != want {
					t.Errorf("usage = %+v, want %+v", res.Usage, want)
				}
			}
		})
	}
}

func TestCompleteRequestBody(t *testing.T) {
	tests := []struct {
		name string
		req  domain.TextRequest
		want []openaitest.Message
		// wantRaw are substrings of the raw body; wantNot must be absent.
		wantRaw, wantNot []string
		check            func(t *testing.T, got openaitest.ChatRequest)
	}{
		{
			name: "system first, then messages in order with their roles",
			req: domain.TextRequest{
				System: "sys",
				Messages: []domain.ChatMessage{
					{Role: domain.RoleUser, Content: "u1"},
					{Role: domain.RoleAssistant, Content: "a1"},
					{Role: domain.RoleSystem, Content: "s2"},
					{Role: domain.RoleUser, Content: "u2"},
				},
				Temperature: 0.25,
				MaxTokens:   64,
			},
			want: []openaitest.Message{
				{Role: "system", Content: "sys"}, {Role: "user", Content: "u1"},
				{Role: "assistant", Content: "a1"}, {Role: "system", Content: "s2"}, {Role: "user", Content: "u2"},
			},
			wantNot: []string{`"stream"`, `"response_format"`},
			check: func(t *testing.T, got openaitest.ChatRequest) {
				if got.Temperature == nil || *got.Temperature != 0.25 {
					t.Errorf("temperature = %v, want 0.25", got.Temperature)
				}
				if got.MaxTokens == nil || *got.MaxTokens != 64 {
					t.Errorf("max_tokens = %v, want 64", got.MaxTokens)
				}
			},
		},
		{
			name:    "no system message, zero max_tokens omitted, zero temperature sent",
			req:     domain.TextRequest{Messages: []domain.ChatMessage{{Role: domain.RoleUser, Content: "hi"}}},
			want:    []openaitest.Message{{Role: "user", Content: "hi"}},
			wantRaw: []string{`"temperature":0`},
			wantNot: []string{`"max_tokens"`},
		},
		{
			name:    "an unset role is sent as user",
			req:     domain.TextRequest{Messages: []domain.ChatMessage{{Content: "hi"}}},
			want:    []openaitest.Message{{Role: "user", Content: "hi"}},
			wantRaw: []string{`"model":"test-model"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openaitest.New(t, openaitest.WithAPIKey(testKey))
			if _, err := newTestClient(srv, func(c *Config) { c.APIKey = testKey }).Complete(t.Context(), tt.req); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()[0]
			if got.Path != "/v1/chat/completions" || got.Method != "POST" {
				t.Errorf("sent %s %s", got.Method, got.Path)
			}
			if a := got.Header.Get("Authorization"); a != "Bearer "+testKey {
				t.Errorf("Authorization = %q", a)
			}
			if !slices.Equal(got.Chat.Messages, tt.want) {
				t.Errorf("messages = %+v, want %+v", got.Chat.Messages, tt.want)
			}
			for _, s := range tt.wantRaw {
				if !strings.Contains(string(got.Raw), s) {
					t.Errorf("body %s lacks %s", got.Raw, s)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(string(got.Raw), s) {
					t.Errorf("body %s has %s", got.Raw, s)
				}
			}
			if tt.check != nil {
				tt.check(t, got.Chat)
			}
		})
	}
}

func TestNoAPIKeyNoAuthorization(t *testing.T) {
	srv := openaitest.New(t)
	if _, err := newTestClient(srv).Complete(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header; h.Get("Authorization") != "" {
		t.Errorf("Authorization sent without a key: %q", h.Get("Authorization"))
	}
}

func TestCompleteJSON(t *testing.T) {
	const object = `{"approved": true, "reason": "fits the world"}`
	tests := []struct {
		name, reply string
	}{
		{"bare", object},
		{"json fence", "```json\n" + object + "\n```"},
		{"bare fence and blank lines", "\n```\n" + object + "\n```\n\n"},
		{"one-line fence", "```json " + object + "```"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			name := tt.name
			if stream {
				name += " streamed"
			}
			t.Run(name, func(t *testing.T) {
				srv := openaitest.New(t)
				srv.Reply(func(openaitest.ChatRequest) string { return tt.reply })
				req := hello()
				req.Task, req.JSON = domain.TaskValidate, true
				c := newTestClient(srv)
				var res domain.TextResult
				var err error
				if stream {
					res, err = c.Stream(t.Context(), req, func(string) error { return nil })
				} else {
					res, err = c.Complete(t.Context(), req)
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Text != object {
					t.Errorf("text = %q, want %q", res.Text, object)
				}
				if !json.Valid([]byte(res.Text)) {
					t.Errorf("text is not JSON: %q", res.Text)
				}
				if !srv.Requests()[0].Chat.JSONMode() {
					t.Errorf("response_format not sent: %s", srv.Requests()[0].Raw)
				}
			})
		}
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantStatus domain.Status
	}{
		{"configured", Config{BaseURL: "http://localhost:11434/v1", Model: "llama3"}, domain.StatusOK},
		{"no base URL", Config{Model: "llama3"}, domain.StatusUnavailable},
		{"no scheme", Config{BaseURL: "localhost:11434/v1", Model: "llama3"}, domain.StatusUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.cfg)
			h := c.Status(t.Context())
			if h.Status != tt.wantStatus || h.Engine != Engine || h.Model != "llama3" {
				t.Errorf("status = %+v, want %s %s llama3", h, tt.wantStatus, Engine)
			}
			if tt.wantStatus != domain.StatusOK {
				if h.Detail == "" {
					t.Error("an unavailable status has no detail")
				}
				_, err := c.Complete(t.Context(), hello())
				wantDomainError(t, err, domain.CodeEngineUnavailable)
				_, err = c.Stream(t.Context(), hello(), func(string) error { return nil })
				wantDomainError(t, err, domain.CodeEngineUnavailable)
			}
		})
	}
}

// An unresponsive server gives PROVIDER_TIMEOUT after the configured Timeout, which the
// error reports, for Complete and for Stream; unset, the bound is DefaultTimeout, 20 s.
func TestTimeoutSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		stream  bool
	}{
		{"complete", 40 * time.Millisecond, false},
		{"stream", 65 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.New(t, openaitest.WithStall())
			c := newTestClient(srv, func(c *Config) { c.Timeout = tc.timeout })
			var err error
			if tc.stream {
				_, err = c.Stream(t.Context(), hello(), func(string) error { return nil })
			} else {
				_, err = c.Complete(t.Context(), hello())
			}
			de := wantDomainError(t, err, domain.CodeProviderTimeout)
			if de.Details["timeout_ms"] != tc.timeout.Milliseconds() {
				t.Errorf("timeout_ms = %v, want %d", de.Details["timeout_ms"], tc.timeout.Milliseconds())
			}
		})
	}
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		if c := New(Config{BaseURL: "http://127.0.0.1:1/v1"}); c.timeout != 20*time.Second || DefaultTimeout != 20*time.Second {
			t.Errorf("default timeout %s (DefaultTimeout %s), want 20s", c.timeout, DefaultTimeout)
		}
		if c := New(Config{BaseURL: "http://127.0.0.1:1/v1", Timeout: 3 * time.Second}); c.timeout != 3*time.Second {
			t.Errorf("configured timeout %s, want 3s", c.timeout)
		}
	})
}
