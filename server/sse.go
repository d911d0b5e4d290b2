package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sseStream writes server-sent events to the client (see eventStreamResponse). Writes are
// serialised because heartbeats come from a timer's goroutine.
type sseStream struct {
	mu     sync.Mutex
	w      io.Writer
	seq    int
	closed bool
}

// errStreamClosed is what writing to a stream after close returns.
var errStreamClosed = errors.New("event stream closed")

// close stops the heartbeat and refuses every later write, waiting for one under way.
func (s *sseStream) close(stopBeat func()) {
	stopBeat()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
}

// writeSSE writes one event, with an id: line when id > 0. Data is split on newlines into
// several data: lines, as the SSE format requires, so any payload round-trips; the event
// name is stripped of line breaks so it cannot inject fields.
func writeSSE(w io.Writer, id int, event string, data []byte) error {
	var b bytes.Buffer
	if id > 0 {
		b.WriteString("id: ")
		b.WriteString(strconv.Itoa(id))
		b.WriteByte('\n')
	}
	if event != "" {
		b.WriteString("event: ")
		b.WriteString(strings.NewReplacer("\r", "", "\n", "").Replace(event))
		b.WriteByte('\n')
	}
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n"), "\n")
	for _, line := range lines {
		b.WriteString("data: ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// event sends a JSON event whose data carries its type and the next sequence number
// (merged into payload's fields) and whose SSE id is that number, so a typed client can
// decode every event from its data alone.
func (s *sseStream) event(name string, payload map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errStreamClosed
	}
	s.seq++
	data, err := eventJSON(name, s.seq, payload)
	if err != nil {
		return err
	}
	return writeSSE(s.w, s.seq, name, data)
}

// eventJSON is an event's JSON: payload's fields with its type and sequence number, as
// SSE events and WebSocket frames both carry them.
func eventJSON(name string, seq int, payload map[string]any) ([]byte, error) {
	payload["type"] = name
	payload["sequence_number"] = seq
	return json.Marshal(payload)
}

// comment writes an SSE comment line, which clients skip.
func (s *sseStream) comment(text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errStreamClosed
	}
	_, err := io.WriteString(s.w, ": "+text+"\n\n")
	return err
}

// heartbeat writes a comment every interval so proxies keep an idle stream open; the
// returned func stops it. A timer that re-arms itself rather than a goroutine with a
// ticker: a stream that waits holds no goroutine for its heartbeat, which matters with
// thousands open.
func (s *sseStream) heartbeat(interval time.Duration) func() {
	var (
		mu      sync.Mutex // guards t and stopped
		t       *time.Timer
		stopped bool
	)
	beat := func() {
		err := s.comment("heartbeat")
		mu.Lock()
		defer mu.Unlock()
		if err == nil && !stopped {
			t.Reset(interval)
		}
	}
	mu.Lock()
	t = time.AfterFunc(interval, beat)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}
