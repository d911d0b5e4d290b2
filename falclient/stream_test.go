package falclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

// collect streams routerIn from c and returns each event's output.
func collect(ctx context.Context, c *falclient.Client) ([]faltest.RouterOutput, error) {
	var evs []faltest.RouterOutput
	err := c.Stream(ctx, router, routerIn, func(data json.RawMessage) error {
		var ev faltest.RouterOutput
		if err := json.Unmarshal(data, &ev); err != nil {
			return err
		}
		evs = append(evs, ev)
		return nil
	})
	return evs, err
}

func TestStream(t *testing.T) {
	srv := faltest.New(t)
	srv.Handle(router, faltest.Reply("Well met, traveller of the north."))
	evs, err := collect(t.Context(), newClient(srv))
	if err != nil {
		t.Fatal(err)
	}
	var outputs []string
	for _, ev := range evs {
		outputs = append(outputs, ev.Output)
	}
	want := []string{"Well ", "Well met, ", "Well met, traveller ", "Well met, traveller of ", "Well met, traveller of the ",
		"Well met, traveller of the north.", "Well met, traveller of the north."}
	if !slices.Equal(outputs, want) {
		t.Fatalf("outputs %q", outputs)
	}
	last := evs[len(evs)-1]
	if last.Partial || last.Usage == nil || !evs[0].Partial {
		t.Errorf("first %+v, last %+v", evs[0], last)
	}
	r := srv.Requests()[0]
	if r.Path != "/openrouter/router/stream" || r.Kind != faltest.KindStream || r.Header.Get("Accept") != "text/event-stream" {
		t.Errorf("request %s %s accept %q", r.Kind, r.Path, r.Header.Get("Accept"))
	}
}

func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name     string
		inject   func(s *faltest.Server)
		timeout  time.Duration
		code     domain.Code // "" for success
		status   int
		attempts int
		events   int // delivered before the end
	}{
		{"503 before the start is retried", func(s *faltest.Server) { s.FailNext(router, 1, 503, "") }, 0, "", 0, 2, 3},
		{"dropped before the start is retried", func(s *faltest.Server) { s.DropNext(router, 1) }, 0, "", 0, 2, 3},
		{"401 is not retried", func(s *faltest.Server) { s.FailNext(router, 1, 401, "") }, 0, domain.CodeFalServiceError, 401, 1, 0},
		{"error event mid-stream", func(s *faltest.Server) { s.StreamErrorAfter(router, 1, "upstream model overloaded") }, 0, domain.CodeFalServiceError, 0, 1, 1},
		{"connection cut mid-stream is not retried", func(s *faltest.Server) { s.StreamErrorAfter(router, 2, "") }, 0, domain.CodeFalServiceError, 0, 1, 2},
		{"stall before the start", func(s *faltest.Server) { s.StallNext(router, 1) }, 50 * time.Millisecond, domain.CodeProviderTimeout, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			srv.Handle(router, faltest.Reply("one two"))
			tt.inject(srv)
			c := newClient(srv, func(c *falclient.Config) { c.Timeout = cmpOr(tt.timeout, c.Timeout) })
			evs, err := collect(t.Context(), c)
			if n := len(srv.Requests()); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if len(evs) != tt.events {
				t.Errorf("%d events delivered, want %d", len(evs), tt.events)
			}
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			de := domainErr(t, err)
			if de.Code != tt.code || (tt.status != 0 && de.Details["upstream_status"] != tt.status) {
				t.Errorf("%v %v", de, de.Details)
			}
		})
	}
}

func cmpOr(d, def time.Duration) time.Duration {
	if d != 0 {
		return d
	}
	return def
}

func TestStreamErrorEventDetail(t *testing.T) {
	srv := faltest.New(t)
	srv.StreamErrorAfter(router, 0, "upstream model overloaded")
	_, err := collect(t.Context(), newClient(srv))
	if de := domainErr(t, err); de.Details["upstream_error"] != "upstream model overloaded" || de.Details["endpoint"] != router {
		t.Errorf("details %v", de.Details)
	}
}

func TestStreamStops(t *testing.T) {
	t.Run("timeout mid-stream", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithChunkDelay(time.Second))
		c := newClient(srv, func(c *falclient.Config) { c.Timeout = 50 * time.Millisecond })
		_, err := collect(t.Context(), c)
		if de := domainErr(t, err); de.Code != domain.CodeProviderTimeout {
			t.Errorf("code %s", de.Code)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		srv := faltest.New(t, faltest.WithChunkDelay(5*time.Millisecond))
		srv.Handle(router, faltest.Reply("a b c d e f g h"))
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		err := newClient(srv).Stream(ctx, router, routerIn, func(json.RawMessage) error {
			n++
			cancel()
			return nil
		})
		var de *domain.Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &de) || n != 1 {
			t.Fatalf("err %v after %d events", err, n)
		}
	})
	t.Run("onEvent error", func(t *testing.T) {
		srv := faltest.New(t)
		stop := errors.New("enough")
		n := 0
		err := newClient(srv).Stream(t.Context(), router, routerIn, func(json.RawMessage) error { n++; return stop })
		if err != stop || n != 1 {
			t.Fatalf("err %v after %d events", err, n)
		}
	})
}

// sseServer answers every request with body, as text/event-stream unless contentType
// says otherwise.
func sseServer(t *testing.T, contentType, body string) *falclient.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return falclient.New(falclient.Config{Key: "k", RunURL: srv.URL, MaxRetries: -1})
}

func TestStreamWire(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        []string // event data handed out
		code        domain.Code
	}{
		{"done marker ends the stream", "text/event-stream", "data: {\"a\":1}\n\ndata: [DONE]\n\ndata: not json\n\n", []string{`{"a":1}`}, ""},
		{"multi-line data and event names", "text/event-stream; charset=utf-8", "event: message\ndata: {\"a\":\ndata: 2}\n\n: ping\n\n", []string{"{\"a\":\n2}"}, ""},
		{"empty keep-alive data is skipped", "text/event-stream", "data:\n\ndata: {}\n\n", []string{`{}`}, ""},
		{"JSON answer is one event", "application/json", `{"output":"all at once"}`, []string{`{"output":"all at once"}`}, ""},
		{"error event", "text/event-stream", "data: {}\n\nevent: error\ndata: {\"error\":\"boom\"}\n\n", []string{`{}`}, domain.CodeFalServiceError},
		{"error field", "text/event-stream", "data: {\"output\":\"x\",\"error\":{\"message\":\"boom\"}}\n\n", nil, domain.CodeFalServiceError},
		{"null error field is no error", "text/event-stream", "data: {\"output\":\"x\",\"error\":null}\n\n", []string{`{"output":"x","error":null}`}, ""},
		{"data that is not JSON", "text/event-stream", "data: hello\n\n", nil, domain.CodeFalServiceError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sseServer(t, tt.contentType, tt.body)
			var got []string
			err := c.Stream(t.Context(), router, nil, func(d json.RawMessage) error { got = append(got, string(d)); return nil })
			if !slices.Equal(got, tt.want) {
				t.Errorf("events %q, want %q", got, tt.want)
			}
			if tt.code == "" && err != nil {
				t.Fatal(err)
			}
			if tt.code != "" {
				if de := domainErr(t, err); de.Code != tt.code {
					t.Errorf("code %s", de.Code)
				}
			}
		})
	}
}

func TestParseSSE(t *testing.T) {
	ev := func(name, data, id string) falclient.SSEEvent {
		return falclient.SSEEvent{Name: name, Data: data, ID: id}
	}
	tests := []struct {
		name string
		in   string
		want []falclient.SSEEvent
	}{
		{"one event", "data: a\n\n", []falclient.SSEEvent{ev("", "a", "")}},
		{"multi-line data", "data: a\ndata: b\n\n", []falclient.SSEEvent{ev("", "a\nb", "")}},
		{"comments", ": hi\ndata: x\n: there\n\n", []falclient.SSEEvent{ev("", "x", "")}},
		{"event name", "event: update\ndata: x\n\ndata: y\n\n", []falclient.SSEEvent{ev("update", "x", ""), ev("", "y", "")}},
		{"blank line resets the name", "event: a\n\ndata: x\n\n", []falclient.SSEEvent{ev("", "x", "")}},
		{"CRLF", "data: x\r\n\r\ndata: y\r\n\r\n", []falclient.SSEEvent{ev("", "x", ""), ev("", "y", "")}},
		{"CR", "data: x\r\rdata: y\r\r", []falclient.SSEEvent{ev("", "x", ""), ev("", "y", "")}},
		{"no space after the colon", "data:x\n\n", []falclient.SSEEvent{ev("", "x", "")}},
		{"only one space stripped", "data:  x\n\n", []falclient.SSEEvent{ev("", " x", "")}},
		{"field without a colon", "data\n\n", []falclient.SSEEvent{ev("", "", "")}},
		{"empty data lines", "data\ndata\n\n", []falclient.SSEEvent{ev("", "\n", "")}},
		{"byte order mark", "\uFEFFdata: x\n\n", []falclient.SSEEvent{ev("", "x", "")}},
		{"pending event at the end", "data: x\n\ndata: last", []falclient.SSEEvent{ev("", "x", ""), ev("", "last", "")}},
		{"ids persist", "id: 7\ndata: x\n\ndata: y\n\nid\ndata: z\n\n", []falclient.SSEEvent{ev("", "x", "7"), ev("", "y", "7"), ev("", "z", "")}},
		{"id with NUL ignored", "id: 1\n\nid: a\x00b\ndata: x\n\n", []falclient.SSEEvent{ev("", "x", "1")}},
		{"retry and unknown fields ignored", "retry: 10\nfoo: bar\ndata: x\n\n", []falclient.SSEEvent{ev("", "x", "")}},
		{"no data, no event", "event: a\nid: 1\n\n: c\n\n", nil},
		{"colon in the value", "data: {\"a\":\"b:c\"}\n\n", []falclient.SSEEvent{ev("", `{"a":"b:c"}`, "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readers := map[string]io.Reader{
				"whole":              strings.NewReader(tt.in),
				"one byte at a time": iotest.OneByteReader(strings.NewReader(tt.in)),
			}
			for name, r := range readers {
				got, err := falclient.ParseSSE(r)
				if err != nil || !slices.Equal(got, tt.want) {
					t.Errorf("%s: %q, %v; want %q", name, got, err, tt.want)
				}
			}
		})
	}
	t.Run("line too long", func(t *testing.T) {
		huge := "data: " + strings.Repeat("x", 9<<20) + "\n\n"
		if _, err := falclient.ParseSSE(strings.NewReader(huge)); err == nil {
			t.Error("no error for a 9 MiB line")
		}
	})
}

// FuzzSSE feeds arbitrary bytes to the SSE parser: it never panics, parses the same
// events however the input is cut into reads, and never leaves a CR in an event.
func FuzzSSE(f *testing.F) {
	for _, seed := range []string{
		"data: a\n\n", "data: a\r\ndata: b\r\n\r\n", "data: x\r\rdata: y\r", ": c\nevent: e\nid: 1\ndata\n\n",
		"\uFEFFdata: x", "data: {\"output\":\"Hel\",\"partial\":true}\n\ndata: [DONE]\n\n", "\r\n\r", "id: \x00\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		whole, err1 := falclient.ParseSSE(bytes.NewReader(b))
		bytewise, err2 := falclient.ParseSSE(iotest.OneByteReader(bytes.NewReader(b)))
		if (err1 == nil) != (err2 == nil) || !slices.Equal(whole, bytewise) {
			t.Fatalf("whole %q (%v) != one byte at a time %q (%v)", whole, err1, bytewise, err2)
		}
		for _, ev := range whole {
			if strings.ContainsRune(ev.Data, '\r') || strings.ContainsAny(ev.Name, "\r\n") || strings.ContainsAny(ev.ID, "\r\n\x00") {
				t.Fatalf("line break left in %q", ev)
			}
		}
	})
}
