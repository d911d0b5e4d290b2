package servertest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
)

var (
	seenMu sync.Mutex
	// seen holds the statuses the server answered each operation with.
	seen = map[operation]map[int]bool{}
)

// operation is one operation of the spec: a method on a path template.
type operation struct{ method, path string }

// RecordStatuses wraps the server under test so every status it answers an operation of
// the spec with is noted, whoever sent the request (typed client, raw request, stream).
// UndeclaredStatuses then lists those the spec does not declare.
func RecordStatuses(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		_, router, err := loadSpec()
		if err != nil {
			return
		}
		route, _, err := router.FindRoute(r)
		if err != nil {
			return // not an operation: unknown routes and methods, the docs
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		key := operation{r.Method, route.Path}
		seenMu.Lock()
		defer seenMu.Unlock()
		if seen[key] == nil {
			seen[key] = map[int]bool{}
		}
		seen[key][status] = true
	})
}

// UndeclaredStatuses returns each "METHOD /path → status" that a recorded server answered
// and the spec does not declare for that operation.
func UndeclaredStatuses() ([]string, error) {
	sw, _, err := loadSpec()
	if err != nil {
		return nil, err
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	var out []string
	for key, statuses := range seen {
		op := sw.Paths.Find(key.path).GetOperation(key.method)
		for status := range statuses {
			if op.Responses.Value(strconv.Itoa(status)) == nil {
				out = append(out, fmt.Sprintf("%s %s → %d", key.method, key.path, status))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// statusRecorder notes the status a handler writes. It passes Flush through, which event
// streams need, and Unwrap, for http.ResponseController.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
