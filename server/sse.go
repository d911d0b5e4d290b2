package server

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sseStream writes server-sent events to a pipe the strict handler copies to the client.
// Writes are serialised because heartbeats come from their own goroutine.
type sseStream struct {
	mu  sync.Mutex
	w   io.WriteCloser
	seq int
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

// heartbeat writes a comment every interval so proxies keep an idle stream open; the
// returned func stops it.
func (s *sseStream) heartbeat(interval time.Duration) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				s.mu.Lock()
				_, err := io.WriteString(s.w, ": heartbeat\n\n")
				s.mu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
