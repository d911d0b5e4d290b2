package faltest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// stream answers POST /{endpoint}/stream with SSE. An output with a string "output" field
// (the LLM shape) is sent in word-sized pieces: events {"output": <text so far>,
// "partial": true} (or only the new piece, WithDeltaStream), then the handler's whole
// output with "partial": false. Any other output is sent as one event.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, rt route, body []byte) {
	out, fail := s.call(rt.endpoint, body)
	if fail != nil {
		writeFailure(w, fail)
		return
	}
	events := s.events(out)
	brk, broken := s.takeStreamFault(rt.endpoint)

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	// Servers send comments to keep connections alive; clients must skip them.
	_, _ = w.Write([]byte(": keep-alive\n\n"))
	_ = rc.Flush()
	for i, ev := range events {
		if broken && i == brk.events {
			break
		}
		if !s.wait(r, s.chunkDelay) {
			return
		}
		writeEvent(w, ev)
		_ = rc.Flush()
	}
	if broken {
		if brk.message == "" {
			panic(http.ErrAbortHandler) // cut the connection mid-stream
		}
		data, _ := json.Marshal(map[string]any{"error": brk.message, "partial": true})
		writeEvent(w, data)
		_ = rc.Flush()
	}
}

func writeEvent(w http.ResponseWriter, data []byte) {
	_, _ = w.Write([]byte("data: " + string(data) + "\n\n"))
}

// events splits a handler's output into stream events.
func (s *Server) events(out []byte) [][]byte {
	var obj map[string]any
	if json.Unmarshal(out, &obj) != nil {
		return [][]byte{out}
	}
	text, ok := obj["output"].(string)
	if !ok {
		return [][]byte{out}
	}
	var events [][]byte
	sofar := ""
	for _, piece := range pieces(text) {
		sofar += piece
		v := sofar
		if s.deltaStream {
			v = piece
		}
		data, _ := json.Marshal(map[string]any{"output": v, "partial": true})
		events = append(events, data)
	}
	obj["partial"] = false
	if s.deltaStream {
		obj["output"] = ""
	}
	final, _ := json.Marshal(obj)
	return append(events, final)
}

// pieces cuts text after each space, so the pieces join back into text.
func pieces(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text, ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func (s *Server) takeStreamFault(endpoint string) (streamFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.streamFaults[endpoint]
	if len(q) == 0 {
		return streamFault{}, false
	}
	s.streamFaults[endpoint] = q[1:]
	return q[0], true
}
