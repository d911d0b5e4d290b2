package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// The idempotency headers: the client's key, and the two a replayed answer carries.
const (
	headerIdempotencyKey     = "Idempotency-Key"
	headerIdempotentReplayed = "Idempotent-Replayed"
	headerOriginalRequestID  = "Original-Request-Id"
)

// idempotencyOptions configure the idempotency middleware; zero fields take the defaults.
type idempotencyOptions struct {
	// LockTimeout is how long a claim holds its key if its request never answers (the
	// process died): a retry after that runs the request again. A request that really runs
	// longer can be taken over by a retry, so it must exceed the slowest operation.
	// Default 5 minutes.
	LockTimeout time.Duration
	// Retention is how long a key and its answer are kept; the same key after that is a
	// new request. Default 24 hours.
	Retention time.Duration
	// MaxResponseBytes caps the body kept for replay. A larger answer is still sent in
	// full, but not kept: its key is released, so a retry runs again. Default 4 MiB.
	MaxResponseBytes int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger reports answers that could not be stored; default slog.Default().
	Logger *slog.Logger
}

const (
	defaultIdempotencyLock      = 5 * time.Minute
	defaultIdempotencyRetention = 24 * time.Hour
	defaultIdempotencyMaxBody   = 4 << 20
	maxIdempotencyKeyLen        = 255
)

// idempotency makes a POST or PATCH carrying an Idempotency-Key safe to retry. The first
// request with a key claims it in the store, runs, and its answer (status, the headers the
// handler set, body; a stream as the bytes it sent) is kept for the retention period. A
// retry with the same key and the same method, path and body gets that answer again,
// marked Idempotent-Replayed, without running; one with another request gets 422, and one
// while the first is still running gets 409. Keys are scoped to the data space, so tenants
// and modes never share them.
//
// Answers of 500 and above are not kept, nor are streams that broke or ended in such an
// error, nor answers over MaxResponseBytes: the key is released and a retry runs afresh
// (the work is transactional, so a failed request changed nothing).
//
// It must run after authentication, which puts the data space in the request context, and
// after request validation, so requests the validator refuses are never kept and stay
// retryable. It hands the handler's error to the error handler itself, to keep the error
// body, and returns nil.
func idempotency(store domain.IdempotencyStore, opts idempotencyOptions) echo.MiddlewareFunc {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = defaultIdempotencyLock
	}
	if opts.Retention <= 0 {
		opts.Retention = defaultIdempotencyRetention
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = defaultIdempotencyMaxBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodPost && req.Method != http.MethodPatch {
				return next(c)
			}
			values := req.Header.Values(headerIdempotencyKey)
			if len(values) == 0 {
				return next(c)
			}
			key, ok := parseIdempotencyKey(values)
			if !ok {
				return domain.Errorf(domain.CodeBadRequest,
					"The %s header must be one value of 1 to %d printable ASCII characters (a quoted string is accepted too).",
					headerIdempotencyKey, maxIdempotencyKeyLen)
			}
			space, err := domain.TenantFrom(req.Context())
			if err != nil {
				// An operation without authentication has nobody to scope a key to; the
				// handler answers as it would without one.
				return next(c)
			}
			body, err := rereadBody(req)
			if err != nil {
				return err
			}
			fingerprint := requestFingerprint(req, body)
			now := opts.Now()
			lease, rec, err := store.ClaimIdempotencyKey(req.Context(), domain.IdempotencyClaim{
				Space: space, Key: key, Fingerprint: fingerprint, RequestID: requestIDOf(c),
				At: now, LockUntil: now.Add(opts.LockTimeout), ExpiresAt: now.Add(opts.Retention),
			})
			if err != nil {
				return fmt.Errorf("idempotency: %w", err)
			}
			if rec != nil {
				return answerHeld(c, rec, fingerprint)
			}
			return runIdempotent(c, next, store, *lease, opts)
		}
	}
}

// answerHeld answers a request whose key another request already claimed.
func answerHeld(c echo.Context, rec *domain.IdempotencyRecord, fingerprint string) error {
	switch {
	case rec.Fingerprint != fingerprint:
		return domain.Errorf(domain.CodeIdempotencyKeyReused,
			"This %s was already used with a different request (method, path or body). Use a new key for a new request.",
			headerIdempotencyKey)
	case rec.InProgress():
		return domain.Errorf(domain.CodeIdempotencyKeyInUse,
			"The request that first used this %s is still running. Retry once it has answered.", headerIdempotencyKey)
	}
	res := c.Response()
	h := res.Header()
	for name, values := range rec.Response.Header {
		h[name] = slices.Clone(values)
	}
	h.Set(headerIdempotentReplayed, "true")
	h.Set(headerOriginalRequestID, rec.RequestID)
	body := rec.Response.Body
	if len(body) == 0 {
		res.WriteHeader(rec.Response.Status)
		return nil
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	res.WriteHeader(rec.Response.Status)
	_, err := res.Write(body)
	return err
}

// runIdempotent runs the handler for a claimed key, passing its answer through while
// capturing it, then keeps the answer or releases the key.
func runIdempotent(c echo.Context, next echo.HandlerFunc, store domain.IdempotencyStore, lease domain.IdempotencyLease, opts idempotencyOptions) error {
	res := c.Response()
	capture := &captureWriter{ResponseWriter: res.Writer, before: res.Header().Clone(), limit: opts.MaxResponseBytes}
	res.Writer = capture
	// The store calls outlive a client that went away: its answer may already be made.
	ctx := context.WithoutCancel(c.Request().Context())
	settled := false
	defer func() {
		res.Writer = capture.ResponseWriter
		if !settled {
			// A panic is on its way up to the recover middleware; the answer is unknown.
			releaseIdempotent(ctx, store, lease, requestIDOf(c), opts.Logger)
		}
	}()

	err := next(c)
	// An error after the status was sent can only cut a stream short.
	broken := err != nil && res.Committed
	if err != nil {
		c.Error(err)
	}
	settled = true
	if broken || !capture.keepable() {
		releaseIdempotent(ctx, store, lease, requestIDOf(c), opts.Logger)
		return nil
	}
	stored := domain.IdempotentResponse{Status: capture.status, Header: capture.header, Body: capture.body.Bytes()}
	if err := store.CompleteIdempotencyKey(ctx, lease, stored, opts.Now()); err != nil {
		opts.Logger.LogAttrs(ctx, levelOfLeaseError(err), "idempotent answer not stored",
			slog.String("request_id", requestIDOf(c)), slog.Any("error", err))
	}
	return nil
}

func releaseIdempotent(ctx context.Context, store domain.IdempotencyStore, lease domain.IdempotencyLease, requestID string, log *slog.Logger) {
	if err := store.ReleaseIdempotencyKey(ctx, lease); err != nil {
		// Left claimed, the key frees itself when its lock lapses.
		log.LogAttrs(ctx, levelOfLeaseError(err), "idempotency key not released",
			slog.String("request_id", requestID), slog.Any("error", err))
	}
}

// levelOfLeaseError: a lease lost to a takeover is expected after a slow request; any other
// failure is the store's.
func levelOfLeaseError(err error) slog.Level {
	if errors.Is(err, domain.ErrIdempotencyLeaseLost) {
		return slog.LevelWarn
	}
	return slog.LevelError
}

// parseIdempotencyKey returns the key of the header's one value: 1–255 printable ASCII
// characters, bare or as a Structured-Field string ("…", with \" and \\ escapes).
func parseIdempotencyKey(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	v := strings.Trim(values[0], " \t")
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		var ok bool
		if v, ok = unquoteSFString(v[1 : len(v)-1]); !ok {
			return "", false
		}
	}
	if len(v) == 0 || len(v) > maxIdempotencyKeyLen {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return "", false
		}
	}
	return v, true
}

// unquoteSFString undoes a Structured-Field string's escapes: only \" and \\ exist, and a
// bare quote cannot appear inside.
func unquoteSFString(s string) (string, bool) {
	if !strings.ContainsAny(s, `\"`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return "", false
		case '\\':
			i++
			if i == len(s) || s[i] != '"' && s[i] != '\\' {
				return "", false
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}

// rereadBody reads the request body (the validator before has read it already and put it
// back) and puts it back again for the handler.
func rereadBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// requestFingerprint is the SHA-256 of what makes a request the same request: its method,
// path (with the query, if any) and body. A multipart body counts by its parts, since
// clients pick a new random boundary each time they build one.
func requestFingerprint(req *http.Request, body []byte) string {
	h := sha256.New()
	target := req.URL.Path
	if req.URL.RawQuery != "" {
		target += "?" + req.URL.RawQuery
	}
	writeField(h, []byte(req.Method))
	writeField(h, []byte(target))
	if !writeMultipart(h, req.Header.Get(echo.HeaderContentType), body) {
		writeField(h, body)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeField writes b length-prefixed, so no two sequences of fields hash alike.
func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// writeMultipart writes a multipart/form-data body as the digest of its parts (name, file
// name, content type, content) and reports whether body was one; nothing is written
// otherwise.
func writeMultipart(h hash.Hash, contentType string, body []byte) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return false
	}
	parts := sha256.New()
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := r.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return false
		}
		writeField(parts, []byte(p.FormName()))
		writeField(parts, []byte(p.FileName()))
		writeField(parts, []byte(p.Header.Get(echo.HeaderContentType)))
		writeField(parts, content)
	}
	writeField(h, []byte("multipart/form-data"))
	writeField(h, parts.Sum(nil))
	return true
}

// captureWriter passes a response through to the client while keeping a copy of its
// status, replayable headers and body (up to limit bytes) for the store. It sits under
// echo.Response, which keeps its own status, size and hooks, and it flushes through, so a
// stream reaches the client event by event.
type captureWriter struct {
	http.ResponseWriter
	// before is the header as it stood before the handler ran: what earlier middleware
	// set (request id, CORS, rate limits) is theirs to set again on a replay.
	before   http.Header
	limit    int
	status   int
	header   map[string][]string
	body     bytes.Buffer
	overflow bool
}

// WriteHeader implements http.ResponseWriter, noting the final status and the headers then.
func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
		w.header = replayableHeader(w.ResponseWriter.Header(), w.before)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter, keeping a copy of what was sent until the limit.
func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	if !w.overflow {
		if w.body.Len()+n > w.limit {
			w.overflow = true
			w.body = bytes.Buffer{}
		} else {
			w.body.Write(b[:n])
		}
	}
	return n, err
}

// Flush implements http.Flusher.
func (w *captureWriter) Flush() { _ = w.FlushError() }

// FlushError flushes the client's writer, reporting whether it can; http.ResponseController
// (which echo.Response flushes through) prefers it to Flush.
func (w *captureWriter) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the client's writer, for http.ResponseController.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// keepable reports whether the captured answer may be replayed: complete, under the limit,
// and not a failure on our side (a 5xx, or a stream whose last event is such an error)
// nor a spend-cap refusal (402), which a raised cap or a new month lifts.
func (w *captureWriter) keepable() bool {
	if w.status == 0 || w.status >= 500 || w.status == http.StatusPaymentRequired || w.overflow {
		return false
	}
	ct := ""
	if v := w.header[echo.HeaderContentType]; len(v) > 0 {
		ct = v[0]
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "text/event-stream" {
		return !streamFailed(w.body.Bytes())
	}
	return true
}

// replayableHeader returns the headers of the answer worth replaying: Content-Type,
// Location, and whatever else the handler set, except the headers each response gets
// afresh (request id, timing, rate limits, date, length, framing).
func replayableHeader(now, before http.Header) map[string][]string {
	out := map[string][]string{}
	for name, values := range now {
		if !replayableName(name) {
			continue
		}
		if name != echo.HeaderContentType && name != echo.HeaderLocation && slices.Equal(values, before[name]) {
			continue
		}
		out[name] = slices.Clone(values)
	}
	return out
}

func replayableName(name string) bool {
	lower := strings.ToLower(name)
	switch lower {
	case "x-request-id", "server-timing", "date", "content-length", "transfer-encoding", "connection", "trailer",
		"retry-after", strings.ToLower(headerIdempotentReplayed), strings.ToLower(headerOriginalRequestID):
		return false
	}
	for _, prefix := range []string{"ratelimit", "x-ratelimit", "access-control-"} {
		if strings.HasPrefix(lower, prefix) {
			return false
		}
	}
	return true
}

// streamFailed reports whether an event stream's last event is an error whose code
// answers 500 or above: the line was not said, so the stream is not an answer to keep.
func streamFailed(stream []byte) bool {
	blocks := strings.Split(strings.ReplaceAll(string(stream), "\r\n", "\n"), "\n\n")
	for i := len(blocks) - 1; i >= 0; i-- {
		var event string
		var data []string
		for _, line := range strings.Split(blocks[i], "\n") {
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				event = value
			case "data":
				data = append(data, value)
			}
		}
		if event == "" && data == nil {
			continue // a comment (heartbeat) or the empty tail
		}
		if event != "error" {
			return false
		}
		var payload struct {
			Error struct {
				Code domain.Code `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(strings.Join(data, "\n")), &payload); err != nil {
			return true
		}
		status, known := statusOf[payload.Error.Code]
		return !known || status >= 500
	}
	return false
}
