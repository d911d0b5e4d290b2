package jobs

import (
	"context"
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
