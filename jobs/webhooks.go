package jobs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/webhook"
)

// Webhooks is the domain's Webhooks port on the webhook package: an SSRF guard at submit
// and again at connect time, and Standard Webhooks signing.
type Webhooks struct {
	guard  *webhook.Guard
	client *http.Client
}

var _ domain.Webhooks = (*Webhooks)(nil)

// NewWebhooks returns the adapter; allowPrivate (ALLOW_PRIVATE_WEBHOOKS) permits loopback
// and private receivers and plain http, for local development.
func NewWebhooks(allowPrivate bool) *Webhooks {
	g := &webhook.Guard{AllowPrivate: allowPrivate}
	return &Webhooks{guard: g, client: webhook.Client(g, webhook.DefaultTimeout)}
}

// CheckURL refuses a receiver URL that is malformed or resolves to a non-public address.
func (w *Webhooks) CheckURL(ctx context.Context, url string) error { return w.guard.CheckURL(ctx, url) }

// Deliver makes one signed attempt.
func (w *Webhooks) Deliver(ctx context.Context, url, secret, msgID string, body []byte) domain.DeliveryOutcome {
	r := webhook.Deliver(ctx, w.client, url, secret, msgID, body, time.Now())
	return domain.DeliveryOutcome{
		StatusCode: r.Status, Err: r.Err, Retry: r.Retry, Gone: r.Gone, RetryAfter: r.RetryAfter, Duration: r.Duration,
	}
}

// Fetch downloads audio from a URL under the same rules as webhook deliveries: public
// addresses only (checked again at connect time), no redirects, at most max bytes.
func (w *Webhooks) Fetch(ctx context.Context, url string, max int64) ([]byte, string, error) {
	if err := w.guard.CheckURL(ctx, url); err != nil {
		return nil, "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	res, err := w.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetching the audio failed: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("fetching the audio answered HTTP %d", res.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, "", fmt.Errorf("reading the audio failed: %w", err)
	}
	if int64(len(data)) > max {
		return nil, "", domain.Errorf(domain.CodeAudioTooLarge, "The audio is larger than %d bytes.", max).
			WithDetails(map[string]any{"max_bytes": max})
	}
	return data, res.Header.Get("Content-Type"), nil
}
