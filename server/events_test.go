package server_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// eventReceiver is a webhook endpoint that records every delivery and signals each on got.
type eventReceiver struct {
	mu      sync.Mutex
	headers []http.Header
	bodies  [][]byte
	got     chan struct{}
}

func newEventReceiver(t *testing.T) (*eventReceiver, string) {
	r := &eventReceiver{got: make(chan struct{}, 16)}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv.URL + "/events"
}

func (r *eventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.bodies = append(r.bodies, body)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	r.got <- struct{}{}
}

// next waits for the next delivery and returns its headers and body.
func (r *eventReceiver) next(t *testing.T) (http.Header, []byte) {
	t.Helper()
	select {
	case <-r.got:
	case <-t.Context().Done():
		t.Fatal("no delivery arrived")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.headers)
	return r.headers[n-1], r.bodies[n-1]
}

func (r *eventReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.headers)
}

// deliveryBody is what an event delivery carries.
type deliveryBody struct {
	ID        string        `json:"id"`
	Type      gen.EventType `json:"type"`
	Timestamp time.Time     `json:"timestamp"`
	Data      gen.EventData `json:"data"`
}

// jobEvent finds the event of a job's end.
func jobEvent(t *testing.T, c *gen.ClientWithResponses, jobID string) gen.Event {
	t.Helper()
	res, err := c.ListEventsWithResponse(t.Context(), &gen.ListEventsParams{Limit: ptr(100)})
	if err != nil || res.JSON200 == nil {
		t.Fatalf("list events: %v %s", err, res.Body)
	}
	for _, e := range res.JSON200.Items {
		if e.Data.Job != nil && e.Data.Job.JobId == jobID {
			return e
		}
	}
	t.Fatalf("no event for job %s in %s", jobID, res.Body)
	return gen.Event{}
}

// waitDeliveries polls an event until n deliveries are recorded: the receiver's signal
// comes before the attempt is written.
func waitDeliveries(t *testing.T, c *gen.ClientWithResponses, eventID string, n int) gen.Event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.GetEventWithResponse(t.Context(), eventID)
		if err != nil || res.JSON200 == nil {
			t.Fatalf("get event: %v %s", err, res.Body)
		}
		if len(res.JSON200.Deliveries) >= n {
			return *res.JSON200
		}
		if time.Now().After(deadline) {
			t.Fatalf("event has %d deliveries, want %d", len(res.JSON200.Deliveries), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// queuedDeliveries counts the delivery jobs ever queued for an endpoint, so a test can
// tell "nothing was sent" from "nothing was sent yet".
func queuedDeliveries(t *testing.T, b *bundle, endpointID string) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM river_job WHERE kind = 'troupe.event_delivery' AND args LIKE ?`
	if b.db.Dialect() == "postgres" {
		q = `SELECT COUNT(*) FROM river_job WHERE kind = 'troupe.event_delivery' AND args::text LIKE $1`
	}
	if err := b.db.SQL().QueryRowContext(t.Context(), q, "%"+endpointID+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func verifies(secret string, h http.Header, body []byte) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	return wh.Verify(body, h)
}

func TestJobEventsAreDelivered(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			admin, _ := endpointAdmin(t, b, uniqueTenant(t), domain.ModeLive)
			recv, url := newEventReceiver(t)
			failedOnly, failedURL := newEventReceiver(t)
			off, offURL := newEventReceiver(t)
			ep := createEndpoint(t, admin, gen.WebhookEndpointCreateRequest{Url: url, Events: []gen.EventType{gen.EventTypeJobCompleted}})
			other := createEndpoint(t, admin, gen.WebhookEndpointCreateRequest{Url: failedURL, Events: []gen.EventType{gen.EventTypeJobFailed}})
			disabled := createEndpoint(t, admin, gen.WebhookEndpointCreateRequest{Url: offURL, Events: []gen.EventType{gen.EventTypeJobCompleted}, Enabled: ptr(false)})

			av, err := admin.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "a bard"})
			if err != nil || av.JSON202 == nil {
				t.Fatalf("avatar: %v %s", err, av.Body)
			}
			h, body := recv.next(t)
			if err := verifies(ep.Secret, h, body); err != nil {
				t.Fatalf("delivery does not verify: %v", err)
			}
			var got deliveryBody
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Type != gen.EventTypeJobCompleted || got.Data.Job == nil || got.Data.Job.JobId != av.JSON202.JobId ||
				got.Data.Job.Status != gen.JobStatusCompleted || got.Data.Job.Result == nil || h.Get("webhook-id") != got.ID || got.Timestamp.IsZero() {
				t.Fatalf("delivery %s %s", h.Get("webhook-id"), body)
			}

			ev := jobEvent(t, admin, av.JSON202.JobId)
			if ev.Id != got.ID || ev.Type != gen.EventTypeJobCompleted {
				t.Fatalf("event %+v", ev)
			}
			ev = waitDeliveries(t, admin, ev.Id, 1)
			if d := ev.Deliveries[0]; len(ev.Deliveries) != 1 || d.EndpointId != ep.Id || d.Attempt != 1 || d.StatusCode != 204 || d.Error != nil {
				t.Fatalf("deliveries %+v", ev.Deliveries)
			}
			filtered, _ := admin.ListEventsWithResponse(ctx, &gen.ListEventsParams{Type: ptr(gen.EventTypeJobFailed)})
			if filtered.JSON200 == nil || filtered.JSON200.Total != 0 {
				t.Fatalf("type filter: %s", filtered.Body)
			}
			// The event was queued, in the job's own transaction, only for the subscribed
			// enabled endpoint.
			for _, e := range []struct {
				id   string
				recv *eventReceiver
			}{{other.Id, failedOnly}, {disabled.Id, off}} {
				if n := queuedDeliveries(t, b, e.id); n != 0 || e.recv.count() != 0 {
					t.Fatalf("endpoint %s: %d queued, %d received", e.id, n, e.recv.count())
				}
			}

			// Redelivery keeps the id and records a new attempt 1.
			rd, err := admin.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{})
			if err != nil || rd.StatusCode() != http.StatusAccepted || rd.JSON202 == nil || rd.JSON202.Id != ev.Id {
				t.Fatalf("redeliver: %v %s", err, rd.Body)
			}
			h2, body2 := recv.next(t)
			if h2.Get("webhook-id") != ev.Id || verifies(ep.Secret, h2, body2) != nil {
				t.Fatalf("redelivery %s", h2.Get("webhook-id"))
			}
			ev = waitDeliveries(t, admin, ev.Id, 2)
			if d := ev.Deliveries[1]; d.Attempt != 1 || d.EndpointId != ep.Id || d.StatusCode != 204 {
				t.Fatalf("deliveries %+v", ev.Deliveries)
			}

			// Named, an endpoint gets the event whatever it subscribes to.
			rd, _ = admin.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{EndpointId: &other.Id})
			if rd.StatusCode() != http.StatusAccepted {
				t.Fatalf("redeliver to one: %s", rd.Body)
			}
			h3, body3 := failedOnly.next(t)
			if h3.Get("webhook-id") != ev.Id || verifies(other.Secret, h3, body3) != nil {
				t.Fatalf("named redelivery %s", h3.Get("webhook-id"))
			}
		})
	}
}

func TestEndpointSecretRotationSigns(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			admin, _ := endpointAdmin(t, b, uniqueTenant(t), domain.ModeLive)
			recv, url := newEventReceiver(t)
			ep := createEndpoint(t, admin, gen.WebhookEndpointCreateRequest{Url: url, Events: []gen.EventType{gen.EventTypeJobCompleted}})
			first := ep.Secret
			rot, _ := admin.RotateWebhookEndpointSecretWithResponse(ctx, ep.Id, nil, gen.RotateSecretRequest{OverlapSeconds: ptr(3600)})
			if rot.JSON200 == nil {
				t.Fatalf("rotate: %s", rot.Body)
			}
			second := rot.JSON200.Secret

			av, _ := admin.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "a bard"})
			h, body := recv.next(t)
			for i, s := range []string{first, second} {
				if err := verifies(s, h, body); err != nil {
					t.Fatalf("during the overlap, secret %d does not verify: %v", i+1, err)
				}
			}

			// Rotating again with no overlap: only the newest signs; the one before it
			// stops at once, and the first is long gone.
			rot, _ = admin.RotateWebhookEndpointSecretWithResponse(ctx, ep.Id, nil, gen.RotateSecretRequest{OverlapSeconds: ptr(0)})
			if rot.JSON200 == nil || rot.JSON200.PreviousSecretExpiresAt != nil {
				t.Fatalf("rotate: %s", rot.Body)
			}
			third := rot.JSON200.Secret
			ev := jobEvent(t, admin, av.JSON202.JobId)
			if rd, _ := admin.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{EndpointId: &ep.Id}); rd.StatusCode() != 202 {
				t.Fatalf("redeliver: %s", rd.Body)
			}
			h, body = recv.next(t)
			if err := verifies(third, h, body); err != nil {
				t.Fatalf("new secret: %v", err)
			}
			for i, s := range []string{first, second} {
				if err := verifies(s, h, body); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
					t.Fatalf("old secret %d: Verify = %v, want no match", i+1, err)
				}
			}
		})
	}
}

func TestEventsScopeAndErrors(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend, func(o *setupOptions) { o.noWorkers = true })
			ctx := t.Context()
			tenant := uniqueTenant(t)
			live, _ := endpointAdmin(t, b, tenant, domain.ModeLive)
			test, _ := endpointAdmin(t, b, tenant, domain.ModeTest)
			stranger, _ := endpointAdmin(t, b, uniqueTenant(t), domain.ModeLive)

			// A canceled job gives job.canceled, in the key's own mode only.
			av, _ := test.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "a monk"})
			if c, _ := test.CancelJobWithResponse(ctx, av.JSON202.JobId, nil); c.JSON200 == nil {
				t.Fatalf("cancel: %s", c.Body)
			}
			ev := jobEvent(t, test, av.JSON202.JobId)
			if ev.Type != gen.EventTypeJobCanceled || ev.Data.Job.Status != gen.JobStatusCanceled || len(ev.Deliveries) != 0 {
				t.Fatalf("event %+v", ev)
			}
			got, _ := test.GetEventWithResponse(ctx, ev.Id)
			if got.JSON200 == nil || got.JSON200.Id != ev.Id || got.JSON200.Data.Job.JobId != av.JSON202.JobId {
				t.Fatalf("get event: %s", got.Body)
			}
			for who, c := range map[string]*gen.ClientWithResponses{"live mode": live, "another tenant": stranger} {
				list, _ := c.ListEventsWithResponse(ctx, nil)
				if list.JSON200 == nil || list.JSON200.Total != 0 {
					t.Fatalf("%s lists %s", who, list.Body)
				}
				g, _ := c.GetEventWithResponse(ctx, ev.Id)
				expectError(t, g.HTTPResponse, g.Body, 404, "EVENT_NOT_FOUND")
				r, _ := c.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{})
				expectError(t, r.HTTPResponse, r.Body, 404, "EVENT_NOT_FOUND")
			}

			// Redelivering to an endpoint the caller does not own is 404, and queues nothing.
			liveEp := createEndpoint(t, live, gen.WebhookEndpointCreateRequest{Url: "https://example.com/h", Events: []gen.EventType{gen.EventTypeJobCanceled}})
			for _, id := range []string{liveEp.Id, "we_01jdq3p0000000000000000000"} {
				r, _ := test.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{EndpointId: &id})
				expectError(t, r.HTTPResponse, r.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
			}
			if n := queuedDeliveries(t, b, liveEp.Id); n != 0 {
				t.Fatalf("%d deliveries queued to another mode's endpoint", n)
			}
			after, _ := test.GetEventWithResponse(ctx, ev.Id)
			if after.JSON200 == nil || len(after.JSON200.Deliveries) != 0 {
				t.Fatalf("refused redeliveries changed the event: %s", after.Body)
			}
			g, _ := test.GetEventWithResponse(ctx, "evt_01jdq3p0000000000000000000")
			expectError(t, g.HTTPResponse, g.Body, 404, "EVENT_NOT_FOUND")
			// A read-only key lists events but cannot redeliver them.
			reader := servertest.Client(t, b.url, issueKey(t, b, tenant, domain.ModeTest, domain.ScopeRead))
			if list, _ := reader.ListEventsWithResponse(ctx, nil); list.JSON200 == nil || list.JSON200.Total != 1 {
				t.Fatalf("reader lists %s", list.Body)
			}
			r, _ := reader.RedeliverEventWithResponse(ctx, ev.Id, nil, gen.RedeliverRequest{})
			expectError(t, r.HTTPResponse, r.Body, 403, "INSUFFICIENT_SCOPE")
		})
	}
}
