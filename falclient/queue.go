package falclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// SubmitOptions tunes a queue submit.
type SubmitOptions struct {
	// Webhook, when set, is the URL fal POSTs the result to (fal_webhook).
	Webhook string
}

// QueueRequest is a request accepted by fal's queue: its id and the URLs fal returned for
// it. Those URLs are always used as given, never rebuilt. It marshals to JSON so a job can
// keep it and resume after a restart.
type QueueRequest struct {
	// Endpoint is the endpoint id it was submitted to.
	Endpoint    string `json:"endpoint"`
	RequestID   string `json:"request_id"`
	StatusURL   string `json:"status_url"`
	ResponseURL string `json:"response_url"`
	CancelURL   string `json:"cancel_url"`
}

// QueueState is where a queued request stands.
type QueueState string

// The queue states. A failed or canceled request is Completed too, with Error set.
const (
	InQueue    QueueState = "IN_QUEUE"
	InProgress QueueState = "IN_PROGRESS"
	Completed  QueueState = "COMPLETED"
)

// QueueStatus is one answer of the status URL.
type QueueStatus struct {
	Status QueueState
	// QueuePosition is the number of requests ahead, while InQueue.
	QueuePosition int
	// Logs are the runner's logs so far, when asked for.
	Logs []LogLine
	// Error and ErrorType say why a Completed request failed; empty when it succeeded.
	Error     string
	ErrorType string
}

// LogLine is one runner log entry.
type LogLine struct {
	Message string `json:"message"`
	// Level is STDOUT, STDERR, DEBUG, INFO, WARN or ERROR.
	Level  string `json:"level"`
	Source string `json:"source"`
	// Timestamp is ISO 8601, as fal sent it.
	Timestamp string `json:"timestamp"`
}

// Submit queues input for endpoint (POST {QueueURL}/{endpoint}). Like every call it is
// retried after a 429, 5xx or broken connection; a submit whose answer was lost on the way
// back can therefore be queued twice.
func (c *Client) Submit(ctx context.Context, endpoint string, input any, opts SubmitOptions) (QueueRequest, error) {
	o, err := c.begin(ctx, endpoint, c.cfg.Timeout)
	if err != nil {
		return QueueRequest{}, err
	}
	defer o.end()
	body, err := encodeInput(input)
	if err != nil {
		return QueueRequest{}, err
	}
	u := c.cfg.QueueURL + "/" + endpoint
	if opts.Webhook != "" {
		u += "?fal_webhook=" + url.QueryEscape(opts.Webhook)
	}
	// fal's JS client always sends the priority; the fake fal server also reads it to tell a
	// submit from a synchronous run when both share one base URL.
	h := http.Header{"X-Fal-Queue-Priority": {"normal"}}
	_, data, err := c.exchange(o, request{method: http.MethodPost, url: u, body: body, header: h})
	if err != nil {
		return QueueRequest{}, err
	}
	var q QueueRequest
	if err := o.decode(data, &q); err != nil {
		return QueueRequest{}, err
	}
	q.Endpoint = endpoint
	if q.RequestID == "" {
		return QueueRequest{}, o.badAnswer(http.StatusOK, data, errors.New("submit answer without request_id"))
	}
	for _, u := range []string{q.StatusURL, q.ResponseURL, q.CancelURL} {
		if err := c.checkQueueURL(u); err != nil {
			return QueueRequest{}, o.badAnswer(http.StatusOK, data, fmt.Errorf("submit answer: %w", err))
		}
	}
	return q, nil
}

// Status asks where q stands (GET its status URL), with the runner's logs when logs is set.
func (c *Client) Status(ctx context.Context, q QueueRequest, logs bool) (QueueStatus, error) {
	o, err := c.begin(ctx, endpointOf(q), c.cfg.Timeout)
	if err != nil {
		return QueueStatus{}, err
	}
	defer o.end()
	u, err := url.Parse(q.StatusURL)
	if err != nil || c.checkQueueURL(q.StatusURL) != nil {
		return QueueStatus{}, fmt.Errorf("falclient: invalid status URL %q", q.StatusURL)
	}
	v := u.Query()
	v.Set("logs", "0")
	if logs {
		v.Set("logs", "1")
	}
	u.RawQuery = v.Encode()
	_, data, err := c.exchange(o, request{method: http.MethodGet, url: u.String()})
	if err != nil {
		return QueueStatus{}, err
	}
	var w struct {
		Status        QueueState `json:"status"`
		QueuePosition int        `json:"queue_position"`
		Logs          []LogLine  `json:"logs"`
		Error         string     `json:"error"`
		ErrorType     string     `json:"error_type"`
	}
	if err := o.decode(data, &w); err != nil {
		return QueueStatus{}, err
	}
	switch w.Status {
	case InQueue, InProgress, Completed:
	default:
		return QueueStatus{}, o.badAnswer(http.StatusOK, data, fmt.Errorf("unknown queue status %q", w.Status))
	}
	return QueueStatus{Status: w.Status, QueuePosition: w.QueuePosition, Logs: w.Logs, Error: w.Error, ErrorType: w.ErrorType}, nil
}

// Result fetches a completed request's output (GET its response URL) into out.
func (c *Client) Result(ctx context.Context, q QueueRequest, out any) error {
	o, err := c.begin(ctx, endpointOf(q), c.cfg.Timeout)
	if err != nil {
		return err
	}
	defer o.end()
	if err := c.checkQueueURL(q.ResponseURL); err != nil {
		return fmt.Errorf("falclient: invalid response URL: %w", err)
	}
	_, data, err := c.exchange(o, request{method: http.MethodGet, url: q.ResponseURL})
	if err != nil {
		return err
	}
	return o.decode(data, out)
}

// Cancel asks fal to cancel q (PUT its cancel URL). A queued request is dropped; a running
// one is signalled and may still finish. It returns an error wrapping ErrAlreadyCompleted
// when q had already completed.
func (c *Client) Cancel(ctx context.Context, q QueueRequest) error {
	o, err := c.begin(ctx, endpointOf(q), c.cfg.Timeout)
	if err != nil {
		return err
	}
	defer o.end()
	if err := c.checkQueueURL(q.CancelURL); err != nil {
		return fmt.Errorf("falclient: invalid cancel URL: %w", err)
	}
	resp, data, err := c.exchange(o, request{method: http.MethodPut, url: q.CancelURL, accept: http.StatusBadRequest})
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusBadRequest {
		var v struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(data, &v) == nil && v.Status == "ALREADY_COMPLETED" {
			return fmt.Errorf("fal %s: cancel %s: %w", o.endpoint, q.RequestID, ErrAlreadyCompleted)
		}
		return o.upstream(resp.StatusCode, resp.Header, data)
	}
	return nil
}

// Subscribe runs endpoint through the queue: it submits input, polls the status URL every
// PollInterval until the request completes, and decodes the result into out. QueueTimeout
// (or ctx's deadline, if nearer) bounds the whole wait; each HTTP call is also bounded by
// Timeout. When it stops waiting before the request completed (ctx ended, the wait timed
// out, polling kept failing), it asks fal to cancel the request before returning.
func (c *Client) Subscribe(ctx context.Context, endpoint string, input, out any) error {
	if !c.Configured() {
		return errNoKey()
	}
	budget := c.cfg.QueueTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < budget {
		budget = max(time.Until(dl), 0)
	}
	qctx, cancel := context.WithTimeout(ctx, c.cfg.QueueTimeout)
	defer cancel()
	fail := func(err error) error { return queueErr(ctx, qctx, endpoint, budget, err) }
	q, err := c.Submit(qctx, endpoint, input, SubmitOptions{})
	if err != nil {
		return fail(err)
	}
	for {
		st, err := c.Status(qctx, q, false)
		if err != nil {
			c.abandon(ctx, q)
			return fail(err)
		}
		if st.Status == Completed {
			if st.Error != "" {
				extra := map[string]any{"request_id": q.RequestID}
				if st.ErrorType != "" {
					extra["error_type"] = st.ErrorType
				}
				return (&op{endpoint: endpoint, key: c.cfg.Key}).inBand(st.Error, extra)
			}
			return fail(c.Result(qctx, q, out))
		}
		if err := sleepCtx(qctx, c.cfg.PollInterval); err != nil {
			c.abandon(ctx, q)
			return fail(err)
		}
	}
}

// abandon cancels q upstream, best effort, when Subscribe stops waiting before the
// request completed (ctx ended, the queue timeout passed, or polling kept failing), so fal
// does not run (and bill) work nobody will read. It outlives ctx, briefly.
func (c *Client) abandon(ctx context.Context, q QueueRequest) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(c.cfg.Timeout, 5*time.Second))
	defer cancel()
	_ = c.Cancel(cctx, q)
}

// queueErr maps a Subscribe failure. Once its wait is over, inner calls only saw their
// parent end; what counts is why: the caller canceled, or time ran out.
func queueErr(ctx, qctx context.Context, endpoint string, budget time.Duration, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); errors.Is(cerr, context.Canceled) {
		return fmt.Errorf("fal %s: %w", endpoint, cerr)
	}
	if qctx.Err() != nil {
		return timeoutError(endpoint, budget)
	}
	return err
}

// endpointOf names q in errors: its endpoint id, or a placeholder for a QueueRequest
// built without one.
func endpointOf(q QueueRequest) string {
	if q.Endpoint != "" {
		return q.Endpoint
	}
	return "fal-queue-request"
}
