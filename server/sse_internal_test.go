package server

import (
	"errors"
	"testing"
	"time"
)

// signalWriter hands every write to the test as it happens.
type signalWriter chan string

func (w signalWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestHeartbeatBeatsUntilTheStreamCloses(t *testing.T) {
	t.Parallel()
	w := make(signalWriter, 16)
	s := &sseStream{w: w}
	stop := s.heartbeat(time.Millisecond)
	// The timer re-arms itself: a second beat proves it is not a one-shot.
	for range 2 {
		if got := <-w; got != ": heartbeat\n\n" {
			t.Fatalf("beat wrote %q", got)
		}
	}
	s.close(stop)
	if err := s.comment("late"); !errors.Is(err, errStreamClosed) {
		t.Fatalf("a comment after close: %v, want errStreamClosed", err)
	}
	if err := s.event("late", map[string]any{}); !errors.Is(err, errStreamClosed) {
		t.Fatalf("an event after close: %v, want errStreamClosed", err)
	}
	// Nothing may reach the client's writer once closed, a beat already due included.
	for len(w) > 0 {
		if got := <-w; got != ": heartbeat\n\n" {
			t.Fatalf("after close, %q was written", got)
		}
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		t.Fatal("close left the stream open")
	}
}
