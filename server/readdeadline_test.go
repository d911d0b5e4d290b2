package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store"
)

// deadlineServer serves the API with the given body read deadlines over a SQLite store,
// with characters on text (none when nil). setup builds its server through app.New,
// whose configuration does not carry the deadlines.
func deadlineServer(t *testing.T, body, upload time.Duration, text domain.TextModel) string {
	t.Helper()
	db, err := store.Open(t.Context(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "troupe.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	defaults, err := domain.ParseDefaults(data.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	svc := server.Services{Defaults: defaults}
	if text != nil {
		svc.Characters = &domain.CharacterService{
			Store: db, Worlds: db, Text: text, Defaults: defaults,
			Models: domain.TextModels{Generation: "gen-model", Dialogue: "dialogue-model", Validation: "validation-model"},
		}
	}
	h, err := server.New(server.Config{
		Version: "test", Auth: server.NewKeyring(server.DemoKeys), Logger: testLogger(t),
		BodyReadTimeout: body, UploadReadTimeout: upload,
	}, svc)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(servertest.RecordStatuses(h))
	t.Cleanup(srv.Close)
	return srv.URL
}

// stall sends a request whose headers promise more body than it then sends, and keeps the
// connection open: the answer is whatever the server says on its own.
func stall(t *testing.T, base, path, headers, partial string) (*http.Response, []byte) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A guard, not a measure: a server that never answers fails here instead of hanging.
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n%s\r\n%s", path, u.Host, servertest.DemoKey, headers, partial)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", base+path, nil)
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := servertest.Validate(req, nil, res, body); err != nil {
		t.Fatalf("the answer does not match openapi.yaml: %v: %s", err, body)
	}
	return res, body
}

// TestSlowBodiesAreCutOff sends bodies that stop arriving: once the configured deadline
// passes, each gets a 400 BAD_REQUEST in the standard shape, the upload operation on its
// own deadline.
func TestSlowBodiesAreCutOff(t *testing.T) {
	t.Parallel()
	const short, long = 50 * time.Millisecond, time.Hour
	jsonBody := "Content-Type: application/json\r\nContent-Length: 40\r\n"
	cases := []struct {
		name             string
		body, upload     time.Duration
		path, headers    string
		partial, timeout string
	}{
		{"a JSON body", short, long, "/v1/worlds", jsonBody, `{"seed":`, "50ms"},
		{"a chunked JSON body", short, long, "/v1/worlds", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "8\r\n{\"seed\":\r\n", "50ms"},
		{"a body behind a path id", short, long, "/v1/characters/chr_x/react", jsonBody, `{"last_`, "50ms"},
		{"an audio upload", long, short, "/v1/voice/stt", "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 4000\r\n",
			"--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\nRIFF", "50ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			base := deadlineServer(t, c.body, c.upload, nil)
			res, body := stall(t, base, c.path, c.headers, c.partial)
			e := expectError(t, res, body, 400, "BAD_REQUEST")
			if !strings.Contains(e.Message, "did not arrive within "+c.timeout) {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

// holdingText streams like the local engine but holds the line after its first piece for
// hold, as a slow model would; it fails if the request's context ends meanwhile.
type holdingText struct {
	domain.TextModel
	hold time.Duration
}

func (h holdingText) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	first := true
	return h.TextModel.Stream(ctx, req, func(delta string) error {
		if first {
			first = false
			// Time passing is the point here: the body deadline must pass mid-stream.
			select {
			case <-ctx.Done():
				return fmt.Errorf("the stream's context ended while it was held: %w", context.Cause(ctx))
			case <-time.After(h.hold):
			}
		}
		return onDelta(delta)
	})
}

// TestStreamsOutliveTheBodyDeadline streams a line that takes far longer than the body
// read deadline: once the body is in, the deadline is lifted, so the stream is not cut.
func TestStreamsOutliveTheBodyDeadline(t *testing.T) {
	t.Parallel()
	const deadline = 50 * time.Millisecond
	engine, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	base := deadlineServer(t, deadline, deadline, holdingText{TextModel: engine, hold: 8 * deadline})
	c := createCharacter(t, servertest.Client(t, base, servertest.DemoKey), gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})

	events := streamSpeak(t, base, c.Id)
	if len(events) == 0 || events[len(events)-1].name != "dialogue.completed" {
		var names []string
		for _, ev := range events {
			names = append(names, fmt.Sprintf("%s %s", ev.name, ev.data))
		}
		t.Fatalf("the stream did not complete: %v", names)
	}
}
