package faltest

import (
	"fmt"
	"net/http"
	"time"
)

// job is one queued request. Its handler runs at submit; status polls move it along
// IN_QUEUE → IN_PROGRESS → COMPLETED, one step per poll.
type job struct {
	id       string
	endpoint string
	app      string
	output   []byte
	failure  *Failure
	polls    int
	done     bool
	canceled bool
	logs     []logLine
}

// logLine is a runner log entry as fal's status answers carry them.
type logLine struct {
	Message   string `json:"message"`
	Level     string `json:"level"`
	Source    string `json:"source"`
	Timestamp string `json:"timestamp"`
}

// logEpoch makes log timestamps deterministic.
var logEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) submit(w http.ResponseWriter, r *http.Request, rt route, body []byte) {
	out, fail := s.call(rt.endpoint, body)
	if fail != nil && fail.Status == http.StatusNotFound {
		writeFailure(w, fail) // an unknown application is refused at once
		return
	}
	s.mu.Lock()
	s.seq++
	j := &job{id: requestID(s.seq), endpoint: rt.endpoint, app: rt.app, output: out, failure: fail}
	s.jobs[j.id] = j
	s.mu.Unlock()
	v := s.urls(j)
	v["status"] = "IN_QUEUE"
	v["queue_position"] = s.queued
	v["gateway_request_id"] = j.id
	writeJSON(w, http.StatusOK, v, nil)
}

// urls are the request's URLs, pointing back at this server with fal's layout: the
// owner/app only, whatever the endpoint's sub-path.
func (s *Server) urls(j *job) map[string]any {
	base := fmt.Sprintf("%s/%s/requests/%s", s.srv.URL, j.app, j.id)
	return map[string]any{
		"request_id":   j.id,
		"response_url": base,
		"status_url":   base + "/status",
		"cancel_url":   base + "/cancel",
	}
}

func (s *Server) lookup(w http.ResponseWriter, rt route) (*job, bool) {
	j, ok := s.jobs[rt.id]
	if !ok || j.app != rt.app {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Request not found"}, nil)
		return nil, false
	}
	return j, true
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, rt route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.lookup(w, rt)
	if !ok {
		return
	}
	v := s.urls(j)
	k := j.polls
	j.polls++
	switch {
	case j.done:
		v["status"] = "COMPLETED"
	case j.canceled:
		j.done = true
		v["status"] = "COMPLETED"
	case k < s.queued:
		v["status"] = "IN_QUEUE"
		v["queue_position"] = s.queued - 1 - k
	case k < s.queued+s.running:
		step := k - s.queued + 1
		j.log(fmt.Sprintf("step %d/%d", step, s.running), step)
		v["status"] = "IN_PROGRESS"
	default:
		j.done = true
		j.log("done", k)
		v["status"] = "COMPLETED"
	}
	code := http.StatusAccepted
	if v["status"] == "COMPLETED" {
		code = http.StatusOK
		v["metrics"] = map[string]any{"inference_time": 0.1}
		if j.canceled {
			v["error"], v["error_type"] = "Request was cancelled", "request_cancelled"
		}
	}
	// fal always sends the logs key: null unless logs were asked for.
	v["logs"] = nil
	if q := r.URL.Query().Get("logs"); q == "1" || q == "true" {
		v["logs"] = append([]logLine{}, j.logs...)
	}
	writeJSON(w, code, v, nil)
}

func (j *job) log(message string, second int) {
	j.logs = append(j.logs, logLine{
		Message: message, Level: "INFO", Source: "USER",
		Timestamp: logEpoch.Add(time.Duration(second) * time.Second).Format("2006-01-02T15:04:05.000Z"),
	})
}

func (s *Server) result(w http.ResponseWriter, rt route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.lookup(w, rt)
	switch {
	case !ok:
	case j.canceled:
		writeJSON(w, http.StatusBadRequest, map[string]any{"detail": "Request was cancelled"}, nil)
	case !j.done:
		writeJSON(w, http.StatusBadRequest, map[string]any{"detail": "Request is still in progress"}, nil)
	case j.failure != nil:
		writeFailure(w, j.failure)
	default:
		writeRaw(w, http.StatusOK, j.output, http.Header{"X-Fal-Request-Id": {j.id}, "X-Fal-Billable-Units": {"1"}})
	}
}

func (s *Server) cancel(w http.ResponseWriter, rt route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[rt.id]
	switch {
	case !ok || j.app != rt.app:
		writeJSON(w, http.StatusNotFound, map[string]any{"status": "NOT_FOUND"}, nil)
	case j.done:
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "ALREADY_COMPLETED"}, nil)
	default:
		j.canceled = true
		writeJSON(w, http.StatusAccepted, map[string]any{"status": "CANCELLATION_REQUESTED"}, nil)
	}
}
