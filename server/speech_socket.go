package server

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// speechSocketPath is the WebSocket for streamed speech, served on Echo directly: the
// strict server cannot answer an upgrade. The middleware before it (key, scope, rate
// limits, request validation) is the same as for every operation.
const speechSocketPath = "/v1/voice/tts/ws"

// socketPingInterval is how often an open speech socket is pinged, so proxies keep it
// and a dead peer is found.
var socketPingInterval = 15 * time.Second

// maxSocketFrame is the largest frame a client may send; larger closes the socket (1009).
const maxSocketFrame = 64 << 10

// socketWriteTimeout bounds one frame's write, and a ping's pong: a peer that reads
// nothing for this long is gone, and its socket is closed.
var socketWriteTimeout = 10 * time.Second

// socketRequest is a client's text frame.
type socketRequest struct {
	Type        string   `json:"type"`
	Text        string   `json:"text"`
	VoiceID     string   `json:"voice_id"`
	CharacterID string   `json:"character_id"`
	Speed       *float64 `json:"speed"`
}

// speechSocket answers GET /v1/voice/tts/ws: it upgrades to a WebSocket and speaks each
// speech.create it is sent (see the operation's description for the frames).
func (h *handlers) speechSocket(c echo.Context) error {
	ctx := c.Request().Context()
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return err
	}
	conn, err := websocket.Accept(c.Response(), c.Request(), nil)
	if err != nil {
		return nil // Accept has answered the bad handshake itself
	}
	conn.SetReadLimit(maxSocketFrame)
	// A hijacked connection's request context does not end when the peer goes; the read
	// loop's end does.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	s := &speechSession{h: h, conn: conn, tenant: tenant, requestID: requestIDFrom(ctx)}
	go s.ping(ctx)
	err = s.serve(ctx)
	// Cancelled first, so a synthesis blocked writing to a peer that stopped reading
	// gives up at once instead of holding the tenant's slot.
	cancel()
	s.stop()
	if errors.Is(err, context.Canceled) || websocket.CloseStatus(err) != -1 {
		conn.CloseNow()
		return nil
	}
	conn.Close(websocket.StatusInternalError, "")
	return nil
}

// speechSession is one open speech socket: at most one synthesis at a time.
type speechSession struct {
	h         *handlers
	conn      *websocket.Conn
	tenant    string
	requestID string

	writeMu sync.Mutex // one frame, or a delta and its binary frame, at a time
	seq     int

	mu      sync.Mutex
	running *runningSpeech
}

// runningSpeech is the synthesis a session runs now.
type runningSpeech struct {
	stream *domain.SpeechStream
	cancel context.CancelFunc
	done   chan struct{}
}

// serve reads the client's frames until the socket closes.
func (s *speechSession) serve(ctx context.Context) error {
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			return err
		}
		if typ != websocket.MessageText {
			s.refuse(ctx, domain.ValidationError(domain.FieldError{Field: "frame", Message: "must be a JSON text frame"}))
			continue
		}
		var req socketRequest
		if err := json.Unmarshal(data, &req); err != nil {
			s.refuse(ctx, domain.ValidationError(domain.FieldError{Field: "frame", Message: "is not a JSON object"}))
			continue
		}
		switch req.Type {
		case "speech.create":
			s.create(ctx, req)
		case "speech.cancel":
			s.cancelRunning()
			s.send(ctx, "speech.canceled", map[string]any{}, nil)
		default:
			s.refuse(ctx, domain.ValidationError(domain.FieldError{Field: "type", Message: "must be speech.create or speech.cancel"}))
		}
	}
}

// create starts a synthesis, unless one runs or the request is bad.
func (s *speechSession) create(ctx context.Context, req socketRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		s.refuse(ctx, domain.ValidationError(domain.FieldError{Field: "type",
			Message: "a synthesis is running on this socket: wait for audio.completed or send speech.cancel"}))
		return
	}
	if err := domain.CheckSpeechText(req.Text); err != nil {
		s.refuse(ctx, err)
		return
	}
	in := domain.SpeechStreamInput{VoiceID: req.VoiceID, CharacterID: req.CharacterID}
	if req.Speed != nil {
		if *req.Speed == 0 {
			// 0 would mean "the default" to the domain; the contract says 0.5–2.
			s.refuse(ctx, domain.ValidationError(domain.FieldError{Field: "speed", Message: "must be between 0.5 and 2"}))
			return
		}
		in.Speed = *req.Speed
	}
	runCtx, cancel := context.WithCancel(ctx)
	stream, err := s.h.svc.Voice.StreamSpeech(runCtx, s.tenant, in, domain.SpeechEvents{
		// Frames are written under the socket's context: a write whose context ends
		// closes the socket, and a cancelled synthesis must not.
		Start: func(st domain.SpeechStreamStart) error {
			return s.send(ctx, "audio.started", audioStartedEvent(st), nil)
		},
		Chunk: func(c domain.SpeechChunk) error { return s.send(ctx, "audio.delta", audioDeltaEvent(c, false), c.PCM) },
	})
	if err != nil {
		cancel()
		s.refuse(ctx, err)
		return
	}
	r := &runningSpeech{stream: stream, cancel: cancel, done: make(chan struct{})}
	s.running = r
	go func() {
		defer close(r.done)
		defer cancel()
		_ = stream.Write(req.Text)
		sum, err := stream.Close()
		// The last frame goes out before the socket takes the next request, so a
		// client's next audio.started never comes before this audio.completed.
		switch {
		case runCtx.Err() != nil:
			// speech.cancel is answered by its own frame; a closed socket needs nothing
		case err != nil:
			s.refuse(ctx, err)
		default:
			s.send(ctx, "audio.completed", audioCompletedEvent(sum), nil)
		}
		s.mu.Lock()
		if s.running == r {
			s.running = nil
		}
		s.mu.Unlock()
	}()
}

// cancelRunning stops the synthesis that runs now, if any, and waits for it.
func (s *speechSession) cancelRunning() {
	s.mu.Lock()
	r := s.running
	s.running = nil
	s.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// stop ends the session's synthesis when the socket closes.
func (s *speechSession) stop() { s.cancelRunning() }

// send writes one JSON text frame of the given type, then pcm as a binary frame when it
// is not nil, with nothing in between.
func (s *speechSession) send(ctx context.Context, name string, payload map[string]any, pcm []byte) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.seq++
	data, err := eventJSON(name, s.seq, payload)
	if err != nil {
		return err
	}
	// A write that times out closes the socket: its peer has stopped reading.
	ctx, cancel := context.WithTimeout(ctx, socketWriteTimeout)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, data); err != nil {
		return err
	}
	if pcm != nil {
		return s.conn.Write(ctx, websocket.MessageBinary, pcm)
	}
	return nil
}

// refuse sends err as an error frame with the standard error object; the socket stays
// open.
func (s *speechSession) refuse(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return // the socket is closing: nobody to tell
	}
	de := toDomainError(err, s.h.cfg.MaxBodyBytes)
	if de.Code == domain.CodeInternal {
		s.h.cfg.Logger.Error("speech socket failed", "request_id", s.requestID, "error", err)
	}
	s.send(ctx, "error", map[string]any{"error": gen.ApiError{
		Code: gen.ErrorCode(de.Code), Message: de.Message, Details: toDetails(de.Details), RequestId: s.requestID,
	}}, nil)
}

// ping keeps the socket alive until ctx ends.
func (s *speechSession) ping(ctx context.Context) {
	t := time.NewTicker(socketPingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pingCtx, cancel := context.WithTimeout(ctx, socketWriteTimeout)
			err := s.conn.Ping(pingCtx)
			cancel()
			if err != nil {
				s.conn.CloseNow() // no pong: the peer is gone, and the read loop ends
				return
			}
		}
	}
}
