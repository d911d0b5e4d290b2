package openaiclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// events reads every event of input.
func events(input string) ([]string, error) {
	r := newSSEReader(strings.NewReader(input))
	var out []string
	for {
		data, err := r.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return out, err
		}
		out = append(out, string(data))
	}
}

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
		wantErr     error
	}{
		{"two events", "data: a\n\ndata: b\n\n", []string{"a", "b"}, nil},
		{"CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n", []string{"a", "b"}, nil},
		{"multi-line data joined by LF", "data: a\ndata: b\n\n", []string{"a\nb"}, nil},
		{"only one leading space is removed", "data:  a\n\ndata:b\n\n", []string{" a", "b"}, nil},
		{"comments, event names, ids and retries skipped", ": keep-alive\nevent: message\nid: 7\nretry: 10\ndata: x\n\n", []string{"x"}, nil},
		{"events without data skipped", "event: ping\n\n\n\ndata: x\n\n", []string{"x"}, nil},
		{"last event without a blank line", "data: a\n\ndata: [DONE]", []string{"a", "[DONE]"}, nil},
		{"empty data field", "data:\n\n", []string{""}, nil},
		{"field without colon", "data\n\n", []string{""}, nil},
		{"empty stream", "", nil, nil},
		{"line too long", "data: " + strings.Repeat("x", maxEventBytes) + "\n\n", nil, errEventTooLarge},
		{"event too long", strings.Repeat("data: "+strings.Repeat("x", 1000)+"\n", maxEventBytes/1000+1), nil, errEventTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := events(tt.input)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSSEReaderByteAtATime checks that events split across reads come out whole.
func TestSSEReaderByteAtATime(t *testing.T) {
	const input = "data: {\"a\":1}\r\n\r\n: c\ndata: x\ndata: y\n\n"
	r := newSSEReader(&oneByteReader{r: strings.NewReader(input)})
	var got []string
	for {
		data, err := r.next()
		if err != nil {
			break
		}
		got = append(got, string(data))
	}
	if want := []string{`{"a":1}`, "x\ny"}; !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

// FuzzParseSSE feeds arbitrary bytes to the SSE reader and to the stream decoder on top of
// it: neither may panic or loop, events stay within the cap, and the text a stream returns
// is exactly the deltas it delivered.
func FuzzParseSSE(f *testing.F) {
	seeds := []string{
		"data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
			"data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n" +
			"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
		"data: {\"error\":{\"message\":\"boom\",\"code\":500}}\n\n",
		"data: {\"choices\":[{\"delta\":{\"content\":null},\"finish_reason\":null}]}\r\n\r\n",
		": ping\nevent: x\ndata: a\ndata: b\n\n",
		"data: [DONE]",
		"data:{\"choices\":[{}]}\n\ndata: {\"choices\":null}\n\n",
		"\n\n\r\n:\ndata",
		"data: {\"choices\":[{\"delta\":{\"content\":\"\\u00e9\"}}]}\n\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	c := New(Config{BaseURL: "http://fuzz.invalid/v1", APIKey: testKey})
	f.Fuzz(func(t *testing.T, input []byte) {
		r := newSSEReader(bytes.NewReader(input))
		for n := 0; ; n++ {
			if n > len(input)+1 {
				t.Fatalf("more events than bytes: the reader is not making progress")
			}
			data, err := r.next()
			if err != nil {
				break
			}
			if len(data) > maxEventBytes {
				t.Fatalf("event of %d bytes passed the cap", len(data))
			}
		}

		ctx, cancel := context.WithCancelCause(t.Context())
		defer cancel(nil)
		wd := newWatchdog(time.Hour, cancel)
		defer wd.stop()
		st := &streamState{}
		var deltas strings.Builder
		resp := &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(input))}
		fail := c.readEvents(ctx, ctx, resp, wd, st, func(d string) error {
			if d == "" {
				t.Error("empty delta delivered")
			}
			deltas.WriteString(d)
			return nil
		})
		if deltas.String() != st.text.String() {
			t.Errorf("deltas %q differ from the text %q", deltas.String(), st.text.String())
		}
		if fail != nil && strings.Contains(fail.err.Error(), testKey) {
			t.Errorf("the key leaked: %v", fail.err)
		}
	})
}
