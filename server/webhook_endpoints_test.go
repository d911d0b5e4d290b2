package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// endpointAdmin issues a key with every scope for a fresh tenant in the mode, and returns
// a client with it and the key.
func endpointAdmin(t *testing.T, b *bundle, tenant string, mode domain.Mode) (*gen.ClientWithResponses, string) {
	t.Helper()
	key := issueKey(t, b, tenant, mode, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin)
	return servertest.Client(t, b.url, key), key
}

// createEndpoint registers an endpoint and fails the test unless it is created.
func createEndpoint(t *testing.T, c *gen.ClientWithResponses, req gen.WebhookEndpointCreateRequest) gen.WebhookEndpointWithSecret {
	t.Helper()
	res, err := c.CreateWebhookEndpointWithResponse(t.Context(), nil, req)
	if err != nil || res.JSON201 == nil {
		t.Fatalf("create endpoint: %v %d %s", err, res.StatusCode(), res.Body)
	}
	return *res.JSON201
}

func TestWebhookEndpointLifecycle(t *testing.T) {
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

			ep := createEndpoint(t, live, gen.WebhookEndpointCreateRequest{
				Url: "https://game.example.com/hooks", Events: []gen.EventType{gen.EventTypeJobCompleted, gen.EventTypeJobFailed, gen.EventTypeJobCompleted},
				Description: ptr("game server"),
			})
			if !strings.HasPrefix(ep.Id, "we_") || !strings.HasPrefix(ep.Secret, "whsec_") || !ep.Enabled ||
				ep.PreviousSecretExpiresAt != nil || ep.Description != "game server" || len(ep.Events) != 2 {
				t.Fatalf("created %+v", ep)
			}

			got, err := live.GetWebhookEndpointWithResponse(ctx, ep.Id)
			if err != nil || got.JSON200 == nil || got.JSON200.Url != ep.Url || bytes.Contains(got.Body, []byte("whsec_")) {
				t.Fatalf("get: %v %s", err, got.Body)
			}

			// PATCH changes only what it sends.
			upd, err := live.UpdateWebhookEndpointWithResponse(ctx, ep.Id, nil, gen.WebhookEndpointUpdateRequest{Enabled: ptr(false)})
			if err != nil || upd.JSON200 == nil {
				t.Fatalf("update: %v %s", err, upd.Body)
			}
			if u := upd.JSON200; u.Enabled || u.Url != ep.Url || u.Description != ep.Description || len(u.Events) != 2 || u.UpdatedAt.Before(ep.UpdatedAt) {
				t.Fatalf("updated %+v", u)
			}
			upd, _ = live.UpdateWebhookEndpointWithResponse(ctx, ep.Id, nil, gen.WebhookEndpointUpdateRequest{
				Url: ptr("https://game.example.com/v2"), Events: &[]gen.EventType{gen.EventTypeBudgetThreshold},
			})
			if u := upd.JSON200; u == nil || u.Url != "https://game.example.com/v2" || len(u.Events) != 1 || u.Events[0] != gen.EventTypeBudgetThreshold || u.Enabled || u.Description != "game server" {
				t.Fatalf("updated %s", upd.Body)
			}

			// Test mode and other tenants see none of it.
			for who, c := range map[string]*gen.ClientWithResponses{"test mode": test, "another tenant": stranger} {
				list, _ := c.ListWebhookEndpointsWithResponse(ctx, nil)
				if list.JSON200 == nil || list.JSON200.Total != 0 || len(list.JSON200.Items) != 0 {
					t.Fatalf("%s lists %s", who, list.Body)
				}
				g, _ := c.GetWebhookEndpointWithResponse(ctx, ep.Id)
				expectError(t, g.HTTPResponse, g.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
				p, _ := c.UpdateWebhookEndpointWithResponse(ctx, ep.Id, nil, gen.WebhookEndpointUpdateRequest{Enabled: ptr(true)})
				expectError(t, p.HTTPResponse, p.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
				r, _ := c.RotateWebhookEndpointSecretWithResponse(ctx, ep.Id, nil, gen.RotateSecretRequest{})
				expectError(t, r.HTTPResponse, r.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
				d, _ := c.DeleteWebhookEndpointWithResponse(ctx, ep.Id)
				expectError(t, d.HTTPResponse, d.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
			}
			testEp := createEndpoint(t, test, gen.WebhookEndpointCreateRequest{Url: "https://ci.example.com/hooks", Events: []gen.EventType{gen.EventTypeJobCanceled}})
			if g, _ := live.GetWebhookEndpointWithResponse(ctx, testEp.Id); g.StatusCode() != 404 {
				t.Fatalf("live key reads a test endpoint: %d", g.StatusCode())
			}

			list, _ := live.ListWebhookEndpointsWithResponse(ctx, &gen.ListWebhookEndpointsParams{Limit: ptr(1)})
			if list.JSON200 == nil || list.JSON200.Total != 1 || list.JSON200.Items[0].Id != ep.Id || list.JSON200.Limit != 1 || bytes.Contains(list.Body, []byte("whsec_")) {
				t.Fatalf("list %s", list.Body)
			}

			// Rotation: the new secret is shown once, the old one signs until the overlap ends.
			rot, err := live.RotateWebhookEndpointSecretWithResponse(ctx, ep.Id, nil, gen.RotateSecretRequest{})
			if err != nil || rot.JSON200 == nil || rot.JSON200.Secret == ep.Secret || rot.JSON200.PreviousSecretExpiresAt == nil {
				t.Fatalf("rotate: %v %s", err, rot.Body)
			}
			if d := rot.JSON200.PreviousSecretExpiresAt.Sub(rot.JSON200.UpdatedAt).Hours(); d < 23.9 || d > 24.1 {
				t.Fatalf("default overlap %.2f h", d)
			}
			rot, _ = live.RotateWebhookEndpointSecretWithResponse(ctx, ep.Id, nil, gen.RotateSecretRequest{OverlapSeconds: ptr(0)})
			if rot.JSON200 == nil || rot.JSON200.PreviousSecretExpiresAt != nil {
				t.Fatalf("rotate without overlap: %s", rot.Body)
			}

			del, _ := live.DeleteWebhookEndpointWithResponse(ctx, ep.Id)
			if del.StatusCode() != http.StatusNoContent {
				t.Fatalf("delete: %d %s", del.StatusCode(), del.Body)
			}
			del, _ = live.DeleteWebhookEndpointWithResponse(ctx, ep.Id)
			expectError(t, del.HTTPResponse, del.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
			g, _ := live.GetWebhookEndpointWithResponse(ctx, ep.Id)
			expectError(t, g.HTTPResponse, g.Body, 404, "WEBHOOK_ENDPOINT_NOT_FOUND")
			if tl, _ := test.ListWebhookEndpointsWithResponse(ctx, nil); tl.JSON200 == nil || tl.JSON200.Total != 1 {
				t.Fatalf("deleting a live endpoint touched test mode: %s", tl.Body)
			}
		})
	}
}

func TestWebhookEndpointValidation(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend, func(o *setupOptions) { o.noWorkers = true; o.strictWebhooks = true })
			ctx := t.Context()
			admin, key := endpointAdmin(t, b, uniqueTenant(t), domain.ModeLive)
			ep := createEndpoint(t, admin, gen.WebhookEndpointCreateRequest{Url: "https://93.184.216.34/hooks", Events: []gen.EventType{gen.EventTypeJobCompleted}})
			auth := map[string]string{"Authorization": "Bearer " + key}
			tests := []struct {
				name, method, path, body string
				status                   int
				code, field              string
			}{
				{"plain http", "POST", "/v1/webhook_endpoints", `{"url":"http://93.184.216.34/h","events":["job.completed"]}`, 422, "VALIDATION_ERROR", "url"},
				{"loopback", "POST", "/v1/webhook_endpoints", `{"url":"https://127.0.0.1/h","events":["job.completed"]}`, 422, "VALIDATION_ERROR", "url"},
				{"metadata address", "POST", "/v1/webhook_endpoints", `{"url":"https://169.254.169.254/latest","events":["job.completed"]}`, 422, "VALIDATION_ERROR", "url"},
				{"not a URL", "POST", "/v1/webhook_endpoints", `{"url":"hooks please","events":["job.completed"]}`, 422, "VALIDATION_ERROR", "url"},
				{"unknown event type", "POST", "/v1/webhook_endpoints", `{"url":"https://93.184.216.34/h","events":["job.exploded"]}`, 422, "VALIDATION_ERROR", ""},
				{"no events", "POST", "/v1/webhook_endpoints", `{"url":"https://93.184.216.34/h","events":[]}`, 422, "VALIDATION_ERROR", ""},
				{"missing url", "POST", "/v1/webhook_endpoints", `{"events":["job.completed"]}`, 422, "VALIDATION_ERROR", ""},
				{"unknown field", "POST", "/v1/webhook_endpoints", `{"url":"https://93.184.216.34/h","events":["job.completed"],"secret":"whsec_x"}`, 422, "VALIDATION_ERROR", ""},
				{"patch to plain http", "PATCH", "/v1/webhook_endpoints/" + ep.Id, `{"url":"http://93.184.216.34/h","description":"changed"}`, 422, "VALIDATION_ERROR", "url"},
				{"patch no events", "PATCH", "/v1/webhook_endpoints/" + ep.Id, `{"events":[]}`, 422, "VALIDATION_ERROR", ""},
				{"patch unknown type", "PATCH", "/v1/webhook_endpoints/" + ep.Id, `{"events":["nope"],"enabled":false}`, 422, "VALIDATION_ERROR", ""},
				{"overlap too long", "POST", "/v1/webhook_endpoints/" + ep.Id + "/rotate_secret", `{"overlap_seconds":604801}`, 422, "VALIDATION_ERROR", ""},
				{"negative overlap", "POST", "/v1/webhook_endpoints/" + ep.Id + "/rotate_secret", `{"overlap_seconds":-1}`, 422, "VALIDATION_ERROR", ""},
				{"malformed JSON", "POST", "/v1/webhook_endpoints", `{"url":`, 400, "BAD_REQUEST", ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res, raw := do(t, tt.method, b.url+tt.path, strings.NewReader(tt.body), auth)
					e := expectError(t, res, raw, tt.status, tt.code)
					if tt.field != "" && (len(fieldNames(e)) == 0 || fieldNames(e)[0] != tt.field) {
						t.Fatalf("fields %v, want %s", fieldNames(e), tt.field)
					}
				})
			}
			list, _ := admin.ListWebhookEndpointsWithResponse(ctx, nil)
			if list.JSON200 == nil || list.JSON200.Total != 1 {
				t.Fatalf("refused requests created endpoints: %s", list.Body)
			}
			got := list.JSON200.Items[0]
			if got.Url != ep.Url || got.Description != "" || !got.Enabled || len(got.Events) != 1 || got.PreviousSecretExpiresAt != nil || !got.UpdatedAt.Equal(ep.UpdatedAt) {
				t.Fatalf("refused requests changed the endpoint: %+v", got)
			}
			// Admin scope is required; a read/write key is refused.
			rw := servertest.Client(t, b.url, issueKey(t, b, uniqueTenant(t), domain.ModeLive, domain.ScopeRead, domain.ScopeWrite))
			res, _ := rw.CreateWebhookEndpointWithResponse(ctx, nil, gen.WebhookEndpointCreateRequest{Url: "https://93.184.216.34/h", Events: []gen.EventType{gen.EventTypeJobCompleted}})
			expectError(t, res.HTTPResponse, res.Body, 403, "INSUFFICIENT_SCOPE")
		})
	}
}
