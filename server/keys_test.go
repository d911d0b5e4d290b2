package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/apikey"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/server/servertest"
)

// issueKey makes an unlimited key the way `troupe keys create` does, on the server's own
// store.
func issueKey(t *testing.T, b *bundle, tenant string, mode domain.Mode, scopes ...domain.Scope) string {
	t.Helper()
	return issueTierKey(t, b, tenant, "unlimited", mode, scopes...)
}

func issueTierKey(t *testing.T, b *bundle, tenant, tier string, mode domain.Mode, scopes ...domain.Scope) string {
	t.Helper()
	keys := &domain.KeyService{Store: b.db}
	_, secret, err := keys.Issue(t.Context(), domain.IssueKey{TenantID: tenant, Mode: mode, Name: "test", Scopes: scopes, Tier: tier})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			adminSecret := issueKey(t, b, "acme", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin)
			admin := servertest.Client(t, b.url, adminSecret)

			created, err := admin.CreateApiKeyWithResponse(ctx, gen.ApiKeyCreateRequest{Name: "dashboard", Scopes: &[]gen.KeyScope{gen.KeyScopeRead}})
			if err != nil || created.JSON201 == nil {
				t.Fatalf("create: %v %s", err, created.Body)
			}
			k := created.JSON201
			if !strings.HasPrefix(k.Secret, "sk_live_") || k.Mode != gen.KeyModeLive || k.Tier != "unlimited" || k.RevokedAt != nil {
				t.Fatalf("created %+v", k)
			}
			if _, ok := apikey.Parse(k.Secret); !ok {
				t.Fatalf("secret %q fails its own checksum", k.Secret)
			}
			reader := servertest.Client(t, b.url, k.Secret)
			if res, err := reader.ListWorldsWithResponse(ctx, nil); err != nil || res.JSON200 == nil {
				t.Fatalf("read with the read key: %v %s", err, res.Body)
			}
			res, err := reader.CreateWorldWithResponse(ctx, nil, gen.CreateWorldRequest{})
			if err != nil || res.StatusCode() != http.StatusForbidden || res.JSON403.Error.Code != gen.ErrorCodeInsufficientScope ||
				res.JSON403.Error.Details.AdditionalProperties["required"] != "write" {
				t.Fatalf("write with the read key: %v %d %s", err, res.StatusCode(), res.Body)
			}
			if res, _ := reader.ListApiKeysWithResponse(ctx, nil); res.StatusCode() != http.StatusForbidden {
				t.Fatalf("keys with the read key: %d", res.StatusCode())
			}
			// The webhook signing secret would let its holder forge webhooks: admin only.
			if res, _ := reader.GetWebhookSecretWithResponse(ctx); res.StatusCode() != http.StatusForbidden {
				t.Fatalf("webhook secret with the read key: %d", res.StatusCode())
			}

			// Key creation takes no Idempotency-Key: a replay would hand the secret out again
			// (and keep it stored), so the header is ignored and each request makes a key.
			var twice []string
			for range 2 {
				res, body := do(t, http.MethodPost, b.url+"/v1/keys", strings.NewReader(`{"name":"retried"}`), map[string]string{
					"Authorization": "Bearer " + adminSecret, "Idempotency-Key": "same-key",
				})
				if res.StatusCode != http.StatusCreated || res.Header.Get("Idempotent-Replayed") != "" {
					t.Fatalf("create with Idempotency-Key: %d %s", res.StatusCode, body)
				}
				twice = append(twice, string(body))
			}
			if twice[0] == twice[1] {
				t.Fatal("the second create replayed the first")
			}
			list, err := admin.ListApiKeysWithResponse(ctx, nil)
			if err != nil || list.JSON200 == nil || list.JSON200.Total != 4 {
				t.Fatalf("list: %v %s", err, list.Body)
			}
			if strings.Contains(string(list.Body), k.Secret) || strings.Contains(string(list.Body), k.Secret[8:30]) {
				t.Fatal("the list shows a secret")
			}
			// Another tenant sees none of acme's keys and cannot revoke them.
			globex := servertest.Client(t, b.url, issueKey(t, b, "globex", domain.ModeLive, domain.ScopeAdmin))
			if res, _ := globex.RevokeApiKeyWithResponse(ctx, k.Id); res.StatusCode() != http.StatusNotFound {
				t.Fatalf("globex revoking acme's key: %d %s", res.StatusCode(), res.Body)
			}
			if res, _ := globex.ListApiKeysWithResponse(ctx, nil); res.JSON200 == nil || res.JSON200.Total != 1 {
				t.Fatalf("globex lists %s", res.Body)
			}

			revoked, err := admin.RevokeApiKeyWithResponse(ctx, k.Id)
			if err != nil || revoked.JSON200 == nil || revoked.JSON200.RevokedAt == nil {
				t.Fatalf("revoke: %v %s", err, revoked.Body)
			}
			if res, _ := reader.ListWorldsWithResponse(ctx, nil); res.StatusCode() != http.StatusUnauthorized {
				t.Fatalf("the revoked key still reads: %d", res.StatusCode())
			}
		})
	}
}

func TestCreateKeyRefusesEscalation(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			// An admin key that cannot write, and a test-mode admin key.
			admin := servertest.Client(t, b.url, issueKey(t, b, "acme", domain.ModeLive, domain.ScopeRead, domain.ScopeAdmin))
			testAdmin := servertest.Client(t, b.url, issueKey(t, b, "acme", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite, domain.ScopeAdmin))
			live := gen.KeyModeLive
			tests := []struct {
				name   string
				client *gen.ClientWithResponses
				body   string
				status int
				code   gen.ErrorCode
			}{
				{"a scope the caller lacks", admin, `{"name":"x","scopes":["write"]}`, 403, gen.ErrorCodeInsufficientScope},
				{"operator", admin, `{"name":"x","scopes":["operator"]}`, 422, gen.ErrorCodeValidationError},
				{"a live key from a test key", testAdmin, `{"name":"x","mode":"` + string(live) + `"}`, 403, gen.ErrorCodeInsufficientScope},
				{"an expiry in the past", admin, `{"name":"x","expires_at":"2001-01-01T00:00:00Z"}`, 422, gen.ErrorCodeValidationError},
				{"no name", admin, `{"scopes":["read"]}`, 422, gen.ErrorCodeValidationError},
				{"an unknown field", admin, `{"name":"x","tier":"enterprise"}`, 422, gen.ErrorCodeValidationError},
			}
			for _, tt := range tests {
				res, err := tt.client.CreateApiKeyWithBodyWithResponse(ctx, "application/json", strings.NewReader(tt.body))
				if err != nil || res.StatusCode() != tt.status {
					t.Fatalf("%s: %v %d %s", tt.name, err, res.StatusCode(), res.Body)
				}
				var code gen.ErrorCode
				switch {
				case res.JSON403 != nil:
					code = res.JSON403.Error.Code
				case res.JSON422 != nil:
					code = res.JSON422.Error.Code
				}
				if code != tt.code {
					t.Errorf("%s: code %s, want %s", tt.name, code, tt.code)
				}
			}
			// Nothing was made.
			keys, total, err := (&domain.KeyService{Store: b.db}).ListAllKeys(ctx, "acme", domain.Page{Limit: 50})
			if err != nil || total != 2 {
				t.Fatalf("acme has %d keys after refused requests (%v): %+v", total, err, keys)
			}
		})
	}
}

func TestBadKeysAreOneIdentical401(t *testing.T) {
	t.Parallel()
	b := setup(t)
	good := issueKey(t, b, "acme", domain.ModeLive, domain.ScopeRead)
	typo := []byte(good)
	typo[12] ^= 1
	revokedKey := issueKey(t, b, "acme", domain.ModeLive, domain.ScopeRead)
	if _, err := (&domain.KeyService{Store: b.db}).Revoke(t.Context(), revokedKey); err != nil {
		t.Fatal(err)
	}
	var first []byte
	for name, key := range map[string]string{
		"checksum typo": string(typo), "unknown but well-formed": apikey.New(false), "revoked": revokedKey,
		"test prefix on a live key": "sk_test_" + good[8:], "truncated": good[:len(good)-2],
		"a string no configuration lists": "not-a-configured-key",
	} {
		res, body := do(t, http.MethodGet, b.url+"/v1/worlds", nil, map[string]string{"Authorization": "Bearer " + key})
		e := expectError(t, res, body, http.StatusUnauthorized, string(gen.ErrorCodeInvalidApiKey))
		if first == nil {
			first = []byte(e.Message)
		} else if e.Message != string(first) {
			t.Errorf("%s: message %q differs from %q", name, e.Message, first)
		}
	}
	if res, _ := do(t, http.MethodGet, b.url+"/v1/worlds", nil, map[string]string{"Authorization": "Bearer " + good}); res.StatusCode != http.StatusOK {
		t.Fatalf("the good key: %d", res.StatusCode)
	}
}

// TestTestModeIsASeparateOfflineSpace checks that a test-mode key works on a data space of
// its own and always on the local engines, even when fal is configured.
func TestTestModeIsASeparateOfflineSpace(t *testing.T) {
	t.Parallel()
	b, fake := falSetup(t)
	ctx := t.Context()
	live := servertest.Client(t, b.url, issueKey(t, b, "acme", domain.ModeLive, domain.ScopeRead, domain.ScopeWrite))
	test := servertest.Client(t, b.url, issueKey(t, b, "acme", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite))

	w := createWorld(t, test, gen.CreateWorldRequest{Seed: ptr(int64(3))})
	if res, _ := live.GetWorldWithResponse(ctx, w.Id); res.StatusCode() != http.StatusNotFound {
		t.Fatalf("the live key sees the test world: %d", res.StatusCode())
	}
	if res, _ := live.ListWorldsWithResponse(ctx, nil); res.JSON200 == nil || res.JSON200.Total != 0 {
		t.Fatalf("the live key lists %s", res.Body)
	}
	c := createCharacter(t, test, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", WorldId: &w.Id, Seed: ptr(int64(4))})
	line := speak(t, test, c.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("Arin", "Do you sell swords?")}})
	if c.Engine != "local" || line.Engine != "local" {
		t.Fatalf("test mode ran on %s / %s", c.Engine, line.Engine)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("test mode sent %d requests to fal", n)
	}
	// The same tenant's live key reaches fal, and cannot see the test character.
	if res, _ := live.GetCharacterWithResponse(ctx, c.Id); res.StatusCode() != http.StatusNotFound {
		t.Fatalf("the live key sees the test character: %d", res.StatusCode())
	}
	lc := createCharacter(t, live, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor", Seed: ptr(int64(4))})
	if lc.Engine != "fal" || fake.Count(faltest.RouterEndpoint, faltest.KindRun) == 0 {
		t.Fatalf("live mode ran on %s with %d fal calls", lc.Engine, len(fake.Requests()))
	}
}

// TestConfigKeysAreRevokedOnlyByConfig: a key from API_KEYS (here a demo key) would come
// back at the next start, so revoking it over HTTP is refused and changes nothing.
func TestConfigKeysAreRevokedOnlyByConfig(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	list, err := b.demo.ListApiKeysWithResponse(ctx, nil)
	if err != nil || list.JSON200 == nil || len(list.JSON200.Items) != 1 || list.JSON200.Items[0].Source != gen.KeySourceConfig {
		t.Fatalf("the demo tenant's keys: %v %s", err, list.Body)
	}
	res, err := b.demo.RevokeApiKeyWithResponse(ctx, list.JSON200.Items[0].Id)
	if err != nil || res.JSON422 == nil || res.JSON422.Error.Code != gen.ErrorCodeValidationError {
		t.Fatalf("revoking a config key: %v %d %s", err, res.StatusCode(), res.Body)
	}
	if res, _ := b.demo.ListWorldsWithResponse(ctx, nil); res.StatusCode() != http.StatusOK {
		t.Fatalf("the demo key after the refused revocation: %d", res.StatusCode())
	}
}

// TestTestModeSpeaksLocally configures fal for speech: a test key's speech runs on the
// local engine, and a voice only fal has is refused at submit, not failed later.
func TestTestModeSpeaksLocally(t *testing.T) {
	t.Parallel()
	fake := faltest.New(t, faltest.WithQueueSteps(0, 1))
	client := falclient.New(falclient.Config{
		Key: fake.Key(), RunURL: fake.URL(), QueueURL: fake.URL(), PollInterval: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
	})
	b := setup(t, func(o *setupOptions) {
		o.synth, o.recognizer = falclient.NewSpeechSynth(client), falclient.NewSpeechRecognizer(client)
		o.otherSynths = []domain.SpeechSynth{speech.New()}
	})
	test := servertest.Client(t, b.url, issueKey(t, b, "acme", domain.ModeTest, domain.ScopeRead, domain.ScopeWrite))
	ctx := t.Context()
	if res, _ := test.CreateSpeechWithResponse(ctx, nil, gen.SpeechRequest{Text: "Halt!", VoiceId: ptr("fal-kokoro-bm_george")}); res.StatusCode() < 400 || res.StatusCode() >= 500 {
		t.Fatalf("a fal-only voice in test mode: %d %s", res.StatusCode(), res.Body)
	}
	res, err := test.CreateSpeechWithResponse(ctx, nil, gen.SpeechRequest{Text: "Halt, who goes there?", VoiceId: ptr("local-en-us-f3")})
	if err != nil || res.JSON202 == nil {
		t.Fatalf("tts: %v %s", err, res.Body)
	}
	if r := speechResult(t, waitJob(t, test, res.JSON202.JobId)); r.Engine != "local" {
		t.Fatalf("test-mode speech ran on %s", r.Engine)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("test mode sent %d requests to fal", n)
	}
}
