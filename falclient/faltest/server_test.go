package faltest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/falclient/faltest"
)

// do sends a raw request and returns the status and decoded JSON body.
func do(t *testing.T, method, url, auth, body string, header map[string]string) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(raw, &v)
	if v == nil {
		v = map[string]any{"_raw": string(raw)}
	}
	return resp.StatusCode, v, resp.Header
}

const key = "Key " + faltest.Key

var submitHeader = map[string]string{"X-Fal-Queue-Priority": "normal"}

func TestAuth(t *testing.T) {
	srv := faltest.New(t)
	for _, auth := range []string{"", "Bearer " + faltest.Key, "Key wrong", faltest.Key} {
		code, body, _ := do(t, "POST", srv.URL()+"/openrouter/router", auth, `{"prompt":"x","model":"m"}`, nil)
		if code != 401 || body["detail"] != "Unauthorized" {
			t.Errorf("auth %q: %d %v", auth, code, body)
		}
	}
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("%d requests recorded, want 4", n)
	}
}

func TestRunAndRouting(t *testing.T) {
	srv := faltest.New(t)
	tests := []struct {
		name   string
		path   string
		header map[string]string
		body   string
		code   int
		kind   faltest.Kind
		check  func(map[string]any) bool
	}{
		{"run", "/openrouter/router", nil, `{"prompt":"line one\nline two","model":"m"}`, 200, faltest.KindRun,
			func(b map[string]any) bool { return b["output"] == "Echo: line two" }},
		{"run asking for JSON", "/openrouter/router", nil, `{"prompt":"Say hi.\nAnswer in JSON.","model":"m"}`, 200, faltest.KindRun,
			func(b map[string]any) bool { return b["output"] == `{"echo":"Say hi."}` }},
		{"submit by header", "/openrouter/router", submitHeader, `{"prompt":"x","model":"m"}`, 200, faltest.KindSubmit,
			func(b map[string]any) bool { return b["status"] == "IN_QUEUE" && b["request_id"] != nil }},
		{"submit by webhook", "/openrouter/router?fal_webhook=https%3A%2F%2Fe.x", nil, `{"prompt":"x","model":"m"}`, 200, faltest.KindSubmit,
			func(b map[string]any) bool { return b["status_url"] != nil }},
		{"missing prompt", "/openrouter/router", nil, `{"model":"m"}`, 422, faltest.KindRun,
			func(b map[string]any) bool { return strings.Contains(toJSON(b), "field required") }},
		{"invalid JSON", "/openrouter/router", nil, `{`, 422, faltest.KindRun, nil},
		{"unknown app", "/fal-ai/unknown", nil, `{}`, 404, faltest.KindRun, nil},
		{"unknown route", "/x", nil, `{}`, 404, faltest.KindOther, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := do(t, "POST", srv.URL()+tt.path, key, tt.body, tt.header)
			if code != tt.code || (tt.check != nil && !tt.check(body)) {
				t.Errorf("%d %v", code, body)
			}
			if r := srv.Requests()[i]; r.Kind != tt.kind {
				t.Errorf("recorded as %s", r.Kind)
			}
		})
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestQueueProtocol(t *testing.T) {
	srv := faltest.New(t, faltest.WithQueueSteps(1, 1))
	srv.Handle("fal-ai/flux/dev", func(json.RawMessage) (any, *faltest.Failure) {
		return map[string]any{"images": []any{}}, nil
	})
	code, sub, _ := do(t, "POST", srv.URL()+"/fal-ai/flux/dev", key, `{"prompt":"x"}`, submitHeader)
	id, _ := sub["request_id"].(string)
	base := srv.URL() + "/fal-ai/flux/requests/" + id
	if code != 200 || sub["status_url"] != base+"/status" || sub["response_url"] != base || sub["cancel_url"] != base+"/cancel" ||
		sub["gateway_request_id"] != id || sub["queue_position"] != 1.0 {
		t.Fatalf("submit %d %v", code, sub)
	}

	if code, body, _ := do(t, "GET", base, key, "", nil); code != 400 {
		t.Errorf("result before completion: %d %v", code, body)
	}
	steps := []struct {
		query  string
		code   int
		status string
		logs   int // -1: null
	}{
		{"?logs=0", 202, "IN_QUEUE", -1},
		{"?logs=true", 202, "IN_PROGRESS", 1},
		{"?logs=1", 200, "COMPLETED", 2},
		{"", 200, "COMPLETED", -1},
	}
	for _, s := range steps {
		code, body, _ := do(t, "GET", base+"/status"+s.query, key, "", nil)
		logs, hasLogs := body["logs"]
		if code != s.code || body["status"] != s.status || !hasLogs {
			t.Fatalf("status%s: %d %v", s.query, code, body)
		}
		if (s.logs < 0 && logs != nil) || (s.logs >= 0 && len(logs.([]any)) != s.logs) {
			t.Errorf("status%s: logs %v", s.query, logs)
		}
		if s.status == "COMPLETED" && body["metrics"] == nil {
			t.Errorf("no metrics: %v", body)
		}
	}
	code, res, h := do(t, "GET", base, key, "", nil)
	if code != 200 || res["images"] == nil || h.Get("X-Fal-Request-Id") != id {
		t.Errorf("result %d %v %v", code, res, h)
	}
	if code, body, _ := do(t, "PUT", base+"/cancel", key, "", nil); code != 400 || body["status"] != "ALREADY_COMPLETED" {
		t.Errorf("cancel after completion: %d %v", code, body)
	}
	if code, body, _ := do(t, "PUT", srv.URL()+"/fal-ai/flux/requests/nope/cancel", key, "", nil); code != 404 || body["status"] != "NOT_FOUND" {
		t.Errorf("cancel of an unknown request: %d %v", code, body)
	}
	if code, _, _ := do(t, "GET", srv.URL()+"/fal-ai/other/requests/"+id+"/status", key, "", nil); code != 404 {
		t.Errorf("status under another app: %d", code)
	}

	_, sub, _ = do(t, "POST", srv.URL()+"/fal-ai/flux/dev", key, `{"prompt":"y"}`, submitHeader)
	second := srv.URL() + "/fal-ai/flux/requests/" + sub["request_id"].(string)
	if code, body, _ := do(t, "PUT", second+"/cancel", key, "", nil); code != 202 || body["status"] != "CANCELLATION_REQUESTED" {
		t.Errorf("cancel: %d %v", code, body)
	}
	if code, body, _ := do(t, "GET", second+"/status", key, "", nil); code != 200 || body["status"] != "COMPLETED" || body["error"] == nil {
		t.Errorf("status after cancel: %d %v", code, body)
	}
}

func TestStreamWire(t *testing.T) {
	srv := faltest.New(t)
	srv.Handle(faltest.RouterEndpoint, faltest.Reply("a b"))
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL()+"/openrouter/router/stream", strings.NewReader(`{"prompt":"x","model":"m"}`))
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	want := ": keep-alive\n\n" +
		`data: {"output":"a ","partial":true}` + "\n\n" +
		`data: {"output":"a b","partial":true}` + "\n\n" +
		`data: {"output":"a b","partial":false,"usage":{"completion_tokens":2,"cost":0,"prompt_tokens":1,"total_tokens":3}}` + "\n\n"
	if resp.Header.Get("Content-Type") != "text/event-stream" || string(raw) != want {
		t.Errorf("stream %q:\n%s", resp.Header.Get("Content-Type"), raw)
	}
}
