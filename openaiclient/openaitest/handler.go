package openaitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

type faultKind int

const (
	faultStatus faultKind = iota
	faultDrop
	faultInBand
)

// fault is one injected failure, used by one request.
type fault struct {
	kind        faultKind
	status      int
	body        string
	afterChunks int
}

// created is the fixed timestamp of every answer, so answers are reproducible.
const created = 1700000000

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	var req ChatRequest
	decodeErr := json.Unmarshal(raw, &req)

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Chat: req, Raw: raw})
	s.mu.Unlock()

	switch {
	case r.URL.Path != "/v1/chat/completions":
		writeError(w, http.StatusNotFound, ErrorBody("Not found: "+r.URL.Path, "invalid_request_error", nil))
		return
	case r.Method != http.MethodPost:
		writeError(w, http.StatusMethodNotAllowed, ErrorBody("Method not allowed", "invalid_request_error", nil))
		return
	case s.apiKey != "" && r.Header.Get("Authorization") != "Bearer "+s.apiKey:
		writeError(w, http.StatusUnauthorized, ErrorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"))
		return
	}

	f, retryAfter, reply := s.take()
	switch {
	case f != nil && f.kind == faultStatus:
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeError(w, f.status, f.body)
		return
	case f != nil && f.kind == faultDrop:
		drop(w)
		return
	case decodeErr != nil:
		writeError(w, http.StatusBadRequest, ErrorBody("Invalid JSON body: "+decodeErr.Error(), "invalid_request_error", nil))
		return
	case req.Model == "":
		// Ollama and OpenAI both refuse a request without a model.
		writeError(w, http.StatusBadRequest, ErrorBody("model is required", "invalid_request_error", nil))
		return
	case len(req.Messages) == 0:
		writeError(w, http.StatusBadRequest, ErrorBody("messages must not be empty", "invalid_request_error", nil))
		return
	}

	if !s.wait(r, s.latency) {
		return
	}
	if s.stall {
		s.hang(r)
		return
	}
	text := reply(req)
	if req.Stream {
		s.stream(w, r, req, text, f)
		return
	}
	if f != nil { // an in-band failure in a 200 body
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, f.body)
		return
	}
	stop := "stop"
	body := completion{
		ID: "chatcmpl-fake", Object: "chat.completion", Created: created, Model: s.modelFor(req),
		Choices: []choice{{Message: &message{Role: "assistant", Content: &text}, FinishReason: &stop}},
		Usage:   s.usageFor(req, text),
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// stream answers with server-sent events: a role chunk, one chunk per delta, a finish chunk,
// the usage chunk when asked for, and [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, req ChatRequest, text string, f *fault) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	model := s.modelFor(req)
	send := func(chunk any) bool {
		b, _ := json.Marshal(chunk)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			s.disconnected()
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	chunk := func(c choice) completion {
		return completion{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: created, Model: model, Choices: []choice{c}}
	}
	empty := ""
	if !send(chunk(choice{Delta: &message{Role: "assistant", Content: &empty}})) {
		return
	}
	for i, d := range Deltas(text) {
		if f != nil && i == f.afterChunks {
			break
		}
		if i == s.streamStall {
			s.hang(r)
			return
		}
		if !s.wait(r, s.chunkDelay) || !send(chunk(choice{Delta: &message{Content: &d}})) {
			return
		}
	}
	if f != nil {
		fmt.Fprintf(w, "data: %s\n\n", f.body)
		return
	}
	if len(Deltas(text)) == s.streamStall {
		s.hang(r)
		return
	}
	stop := "stop"
	if !send(chunk(choice{Delta: &message{}, FinishReason: &stop})) {
		return
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		if u := s.usageFor(req, text); u != nil {
			send(completion{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: created, Model: model, Choices: []choice{}, Usage: u})
		}
	}
	io.WriteString(w, "data: [DONE]\n\n")
}

// take pops the next fault and reads the settings a request needs, in one lock.
func (s *Server) take() (*fault, string, func(ChatRequest) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f *fault
	if len(s.faults) > 0 {
		f = &s.faults[0]
		s.faults = s.faults[1:]
	}
	return f, s.retryAfter, s.reply
}

func (s *Server) modelFor(req ChatRequest) string {
	if s.model != "" {
		return s.model
	}
	return req.Model
}

func (s *Server) usageFor(req ChatRequest, text string) *usage {
	if s.noUsage {
		return nil
	}
	p, c := PromptTokens(req), CountTokens(text)
	return &usage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}
}

// wait sleeps d, and reports false when the client went away or the test ended first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		s.disconnected()
		return false
	case <-s.closed:
		return false
	}
}

// hang blocks until the client goes away or the test ends.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
		s.disconnected()
	case <-s.closed:
	}
}

func (s *Server) disconnected() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disconnects++
}

func writeError(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the handler, which resets the stream.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
