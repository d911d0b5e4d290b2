package webhook

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrNoSecret is returned when a message is to be signed with no secret at all.
var ErrNoSecret = errors.New("webhook: no signing secret")

// SignAll returns the webhook-signature value for the message signed with each secret:
// "v1,<sig1> v1,<sig2> …", space-separated as Standard Webhooks allows, in the order of
// the secrets. A receiver accepts the message when any one of them verifies, which is what
// lets an endpoint's secret be rotated without missing a delivery.
func SignAll(secrets []string, msgID string, ts time.Time, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", ErrNoSecret
	}
	sigs := make([]string, len(secrets))
	for i, s := range secrets {
		sig, err := Sign(s, msgID, ts, body)
		if err != nil {
			return "", err
		}
		sigs[i] = sig
	}
	return strings.Join(sigs, " "), nil
}

// HeadersAll is [Headers] with a signature for each secret (see [SignAll]).
func HeadersAll(secrets []string, msgID string, ts time.Time, body []byte) (http.Header, error) {
	sig, err := SignAll(secrets, msgID, ts, body)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, 5)
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	return h, nil
}

// DeliverAll is [Deliver] with the message signed with each of secrets (see [SignAll]).
func DeliverAll(ctx context.Context, client *http.Client, url string, secrets []string, msgID string, body []byte, now time.Time) Result {
	if now.IsZero() {
		now = time.Now()
	}
	h, err := HeadersAll(secrets, msgID, now, body)
	if err != nil {
		return Result{Err: err}
	}
	return send(ctx, client, url, h, body, now)
}
