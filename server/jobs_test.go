package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/server/servertest"
)

// waitJob polls a job until it reaches a terminal status (or the test's deadline).
func waitJob(t *testing.T, c *gen.ClientWithResponses, id string) gen.Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := c.GetJobWithResponse(t.Context(), id)
		if err != nil || res.JSON200 == nil {
			t.Fatalf("get job: %v %d %s", err, res.StatusCode(), res.Body)
		}
		switch res.JSON200.Status {
		case gen.JobStatusCompleted, gen.JobStatusFailed, gen.JobStatusCanceled:
			return *res.JSON200
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", id, res.JSON200.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func imageResult(t *testing.T, j gen.Job) gen.ImageJobResult {
	t.Helper()
	if j.Result == nil {
		t.Fatalf("job %s has no result: %+v", j.JobId, j)
	}
	var r *gen.ImageJobResult
	switch j.Type {
	case gen.JobTypeAvatar:
		r = j.Result.Avatar
	case gen.JobTypeBackground:
		r = j.Result.Background
	}
	if r == nil || j.Result.Avatar != nil && j.Result.Background != nil || j.Result.Tts != nil {
		t.Fatalf("job %s of type %s: result %+v, want only result.%s", j.JobId, j.Type, j.Result, j.Type)
	}
	checkSignedFile(t, r.FileId, r.ImageUrl, r.ExpiresAt)
	return *r
}

// checkSignedFile checks that a result's file_id and expires_at describe its signed URL, so
// clients never parse the URL.
func checkSignedFile(t *testing.T, fileID, signed string, expiresAt time.Time) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fileID, "file_") || u.Path != "/v1/files/"+fileID {
		t.Fatalf("file_id %q does not name the signed URL %s", fileID, signed)
	}
	if got := u.Query().Get("expires"); got != strconv.FormatInt(expiresAt.Unix(), 10) {
		t.Fatalf("expires_at %s, but the URL expires at %s", expiresAt, got)
	}
	if !expiresAt.After(time.Now()) {
		t.Fatalf("expires_at %s is already past", expiresAt)
	}
}

// download fetches a URL the way a game client would: no key, only the signed URL.
func download(t *testing.T, base, signed string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Authorization": ""}
	for k, v := range headers {
		h[k] = v
	}
	return do(t, "GET", base+u.RequestURI(), nil, h)
}

func TestAvatarAndBackgroundJobs(t *testing.T) {
	b := setup(t)
	ctx := t.Context()
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "mentor"})

	av, err := b.demo.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{
		Description: "A scarred dwarf blacksmith with a braided red beard", Seed: ptr(int64(1234)),
		Width: ptr(320), Height: ptr(256), CharacterId: &ch.Id,
	})
	if err != nil || av.JSON202 == nil {
		t.Fatalf("avatar: %v %d %s", err, av.StatusCode(), av.Body)
	}
	if av.JSON202.Status != gen.JobStatusPending || !strings.HasPrefix(av.JSON202.JobId, "job_") || av.HTTPResponse.Header.Get("Location") != "/v1/jobs/"+av.JSON202.JobId {
		t.Fatalf("202 = %+v, Location %q", *av.JSON202, av.HTTPResponse.Header.Get("Location"))
	}
	bg, err := b.demo.CreateBackgroundWithResponse(ctx, nil, gen.BackgroundRequest{Prompt: "A misty mountain pass at dawn", Seed: ptr(int64(99))})
	if err != nil || bg.JSON202 == nil {
		t.Fatalf("background: %v %s", err, bg.Body)
	}

	for _, c := range []struct {
		id            string
		typ           gen.JobType
		width, height int
	}{{av.JSON202.JobId, gen.JobTypeAvatar, 320, 256}, {bg.JSON202.JobId, gen.JobTypeBackground, 1344, 768}} {
		j := waitJob(t, b.demo, c.id)
		if j.Status != gen.JobStatusCompleted || j.Type != c.typ || j.StartedAt == nil || j.CompletedAt == nil || j.Attempts != 1 ||
			j.StartedAt.Before(j.CreatedAt) || j.CompletedAt.Before(*j.StartedAt) {
			t.Fatalf("job %+v", j)
		}
		r := imageResult(t, j)
		if r.Width != c.width || r.Height != c.height || r.Engine != "local" || r.Style == "" || !strings.HasPrefix(r.ImageUrl, "http://troupe.test/v1/files/file_") {
			t.Fatalf("result %+v", r)
		}
		res, body := download(t, b.url, r.ImageUrl, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("Content-Length") == "" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
			t.Fatalf("download: %d %v", res.StatusCode, res.Header)
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil || img.Bounds().Dx() != c.width || img.Bounds().Dy() != c.height {
			t.Fatalf("downloaded image: %v %v", err, img.Bounds())
		}
	}

	// The avatar is now the character's.
	got, _ := b.demo.GetCharacterWithResponse(ctx, ch.Id)
	if got.JSON200.AvatarUrl == nil || !strings.Contains(*got.JSON200.AvatarUrl, "/v1/files/file_") {
		t.Fatalf("character avatar_url = %v", got.JSON200.AvatarUrl)
	}

	// Same request and seed: byte-identical image.
	again, _ := b.demo.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{
		Description: "A scarred dwarf blacksmith with a braided red beard", Seed: ptr(int64(1234)), Width: ptr(320), Height: ptr(256),
	})
	first := imageResult(t, waitJob(t, b.demo, av.JSON202.JobId))
	second := imageResult(t, waitJob(t, b.demo, again.JSON202.JobId))
	_, one := download(t, b.url, first.ImageUrl, nil)
	_, two := download(t, b.url, second.ImageUrl, nil)
	if !bytes.Equal(one, two) || first.SeedUsed != 1234 {
		t.Fatal("the same request and seed gave different images")
	}
}

func TestFileAccess(t *testing.T) {
	var signer *server.URLSigner
	b := setup(t, func(o *setupOptions) { o.signer = &signer })
	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "an elf archer"})
	r := imageResult(t, waitJob(t, b.demo, av.JSON202.JobId))
	u, _ := url.Parse(r.ImageUrl)
	plain := b.url + u.Path
	// A key of the owner without the read scope counts as no key: the signature decides.
	writeOnly := "Bearer " + issueKey(t, b, "tenant_demo", domain.ModeLive, domain.ScopeWrite)

	cases := []struct {
		name    string
		url     string
		headers map[string]string
		status  int
		code    string
	}{
		{"owner's key", plain, nil, 200, ""},
		{"signed URL without a key", b.url + u.RequestURI(), map[string]string{"Authorization": ""}, 200, ""},
		{"no key, no signature", plain, map[string]string{"Authorization": ""}, 401, "INVALID_API_KEY"},
		{"another tenant's key", plain, map[string]string{"Authorization": "Bearer " + servertest.TestKey}, 404, "FILE_NOT_FOUND"},
		{"signed URL with a key that cannot read", b.url + u.RequestURI(), map[string]string{"Authorization": writeOnly}, 200, ""},
		{"a key that cannot read, no signature", plain, map[string]string{"Authorization": writeOnly}, 401, "INVALID_API_KEY"},
		{"tampered signature", b.url + u.Path + "?expires=" + u.Query().Get("expires") + "&signature=" + strings.Repeat("A", 43), map[string]string{"Authorization": ""}, 401, "INVALID_API_KEY"},
		{"signature of another file", b.url + "/v1/files/file_other?" + u.RawQuery, map[string]string{"Authorization": ""}, 401, "INVALID_API_KEY"},
		{"extended expiry", b.url + u.Path + "?expires=9999999999&signature=" + u.Query().Get("signature"), map[string]string{"Authorization": ""}, 401, "INVALID_API_KEY"},
		{"unknown file", b.url + "/v1/files/file_nope", nil, 404, "FILE_NOT_FOUND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := do(t, "GET", c.url, nil, c.headers)
			if c.code == "" {
				if res.StatusCode != c.status {
					t.Fatalf("status %d: %s", res.StatusCode, body)
				}
				return
			}
			expectError(t, res, body, c.status, c.code)
		})
	}

	t.Run("an expired URL", func(t *testing.T) {
		signer.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
		defer func() { signer.Now = nil }()
		res, body := download(t, b.url, r.ImageUrl, nil)
		expectError(t, res, body, 401, "INVALID_API_KEY")
	})
}

func TestJobLifecycleAndCancel(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.noWorkers = true })
	ctx := t.Context()
	av, _ := b.demo.CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "a knight"})
	id := av.JSON202.JobId
	got, _ := b.demo.GetJobWithResponse(ctx, id)
	if got.JSON200.Status != gen.JobStatusPending || got.JSON200.Attempts != 0 || got.JSON200.Result != nil || got.JSON200.StartedAt != nil {
		t.Fatalf("new job %+v", *got.JSON200)
	}

	other, _ := b.other.CancelJobWithResponse(ctx, id, nil)
	expectError(t, other.HTTPResponse, other.Body, 404, "JOB_NOT_FOUND")
	otherGet, _ := b.other.GetJobWithResponse(ctx, id)
	expectError(t, otherGet.HTTPResponse, otherGet.Body, 404, "JOB_NOT_FOUND")
	otherList, _ := b.other.ListJobsWithResponse(ctx, nil)
	if otherList.JSON200.Total != 0 {
		t.Fatal("another tenant lists the job")
	}

	canceled, err := b.demo.CancelJobWithResponse(ctx, id, nil)
	if err != nil || canceled.JSON200 == nil || canceled.JSON200.Status != gen.JobStatusCanceled || canceled.JSON200.CompletedAt == nil {
		t.Fatalf("cancel: %v %s", err, canceled.Body)
	}
	again, _ := b.demo.CancelJobWithResponse(ctx, id, nil)
	e := expectError(t, again.HTTPResponse, again.Body, 409, "JOB_NOT_CANCELABLE")
	if e.Details.AdditionalProperties["status"] != "canceled" {
		t.Fatalf("details %v", e.Details.AdditionalProperties)
	}
	missing, _ := b.demo.CancelJobWithResponse(ctx, "job_nope", nil)
	expectError(t, missing.HTTPResponse, missing.Body, 404, "JOB_NOT_FOUND")

	bg, _ := b.demo.CreateBackgroundWithResponse(ctx, nil, gen.BackgroundRequest{Prompt: "a desert"})
	cases := []struct {
		params gen.ListJobsParams
		want   []string
	}{
		{gen.ListJobsParams{}, []string{bg.JSON202.JobId, id}},
		{gen.ListJobsParams{Type: ptr(gen.JobTypeAvatar)}, []string{id}},
		{gen.ListJobsParams{Status: ptr(gen.JobStatusPending)}, []string{bg.JSON202.JobId}},
		{gen.ListJobsParams{Status: ptr(gen.JobStatusCompleted)}, nil},
	}
	for _, c := range cases {
		list, err := b.demo.ListJobsWithResponse(ctx, &c.params)
		if err != nil || list.JSON200 == nil || list.JSON200.Total != len(c.want) {
			t.Fatalf("list %+v: %v %s", c.params, err, list.Body)
		}
		for i, j := range list.JSON200.Items {
			if j.JobId != c.want[i] {
				t.Fatalf("list %+v: %v", c.params, list.JSON200.Items)
			}
		}
	}
}

func TestCompletedJobIsNotCancelable(t *testing.T) {
	b := setup(t)
	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a wizard"})
	j := waitJob(t, b.demo, av.JSON202.JobId)
	res, _ := b.demo.CancelJobWithResponse(t.Context(), j.JobId, nil)
	expectError(t, res.HTTPResponse, res.Body, 409, "JOB_NOT_CANCELABLE")
	after, _ := b.demo.GetJobWithResponse(t.Context(), j.JobId)
	if after.JSON200.Status != gen.JobStatusCompleted {
		t.Fatalf("a refused cancel changed the job to %s", after.JSON200.Status)
	}
}

func TestImageRequestsAreValidated(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.noWorkers = true })
	cases := []struct {
		path, body string
		status     int
		code       string
		fields     []string
	}{
		{"avatar", `{"description":"x","width":255,"height":1025,"guidance_scale":0.5,"num_inference_steps":51,"style":"cubism","model":"max"}`, 422, "VALIDATION_ERROR",
			[]string{"guidance_scale", "height", "model", "num_inference_steps", "style", "width"}},
		{"background", `{"prompt":"x","width":511,"height":2049}`, 422, "VALIDATION_ERROR", []string{"height", "width"}},
		{"avatar", `{"description":"x","character_id":"chr_nope"}`, 404, "CHAR_NOT_FOUND", nil},
		{"background", `{}`, 422, "VALIDATION_ERROR", []string{"prompt"}},
	}
	for _, c := range cases {
		res, raw := do(t, "POST", b.url+"/v1/images/"+c.path, strings.NewReader(c.body), nil)
		e := expectError(t, res, raw, c.status, c.code)
		if c.fields != nil && strings.Join(sorted(fieldNames(e)), ",") != strings.Join(c.fields, ",") {
			t.Errorf("%s: fields %v, want %v", c.body, fieldNames(e), c.fields)
		}
	}
	list, _ := b.demo.ListJobsWithResponse(t.Context(), nil)
	if list.JSON200.Total != 0 {
		t.Fatal("refused requests created jobs")
	}
}

func TestWebhookURLsMustBePublic(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.strictWebhooks = true; o.noWorkers = true })
	for class, u := range map[string]string{
		"loopback v4":    "https://127.0.0.1/hook",
		"loopback v6":    "https://[::1]/hook",
		"localhost":      "https://localhost/hook",
		"private 10/8":   "https://10.1.2.3/hook",
		"private 172":    "https://172.16.0.1/hook",
		"private 192":    "https://192.168.1.1/hook",
		"link-local":     "https://169.254.10.10/hook",
		"metadata":       "https://169.254.169.254/latest/meta-data",
		"cgnat":          "https://100.64.0.1/hook",
		"unspecified":    "https://0.0.0.0/hook",
		"ipv4-mapped v6": "https://[::ffff:127.0.0.1]/hook",
		"plain http":     "http://93.184.216.34/hook",
		"odd ipv4 form":  "https://2130706433/hook",
	} {
		t.Run(class, func(t *testing.T) {
			body, _ := json.Marshal(gen.AvatarRequest{Description: "x", WebhookUrl: &u})
			res, raw := do(t, "POST", b.url+"/v1/images/avatar", bytes.NewReader(body), nil)
			e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
			if fieldNames(e)[0] != "webhook_url" || !strings.HasPrefix((*e.Details.Fields)[0].Message, "webhook_url refused: ") {
				t.Fatalf("fields %+v", *e.Details.Fields)
			}
		})
	}
	list, _ := b.demo.ListJobsWithResponse(t.Context(), nil)
	if list.JSON200.Total != 0 {
		t.Fatal("refused webhooks created jobs")
	}
}

// receiver is a webhook endpoint that fails its first `failures` deliveries.
type receiver struct {
	mu       sync.Mutex
	failures int
	got      []http.Header
	bodies   [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, req.Header.Clone())
	r.bodies = append(r.bodies, body)
	if len(r.got) <= r.failures {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestWebhooksAreSignedAndRetried(t *testing.T) {
	b := setup(t)
	recv := &receiver{failures: 2}
	hook := httptest.NewServer(recv)
	defer hook.Close()
	secret, err := b.demo.GetWebhookSecretWithResponse(t.Context())
	if err != nil || secret.JSON200 == nil || !strings.HasPrefix(secret.JSON200.Secret, "whsec_") {
		t.Fatalf("secret: %v %s", err, secret.Body)
	}
	otherSecret, _ := b.other.GetWebhookSecretWithResponse(t.Context())
	if otherSecret.JSON200.Secret == secret.JSON200.Secret {
		t.Fatal("two tenants share a webhook secret")
	}

	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a bard", WebhookUrl: ptr(hook.URL + "/troupe")})
	waitJob(t, b.demo, av.JSON202.JobId)
	deadline := time.Now().Add(60 * time.Second)
	var j gen.Job
	for {
		res, _ := b.demo.GetJobWithResponse(t.Context(), av.JSON202.JobId)
		j = *res.JSON200
		if j.Webhook != nil && j.Webhook.Delivered || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if j.Webhook == nil || !j.Webhook.Delivered || len(j.Webhook.Deliveries) != 3 {
		t.Fatalf("webhook %+v", j.Webhook)
	}
	for i, d := range j.Webhook.Deliveries {
		if d.Attempt != i+1 || (i < 2) != (d.StatusCode == 500) {
			t.Fatalf("delivery %d: %+v", i, d)
		}
	}

	verifier, err := standardwebhooks.NewWebhook(secret.JSON200.Secret)
	if err != nil {
		t.Fatal(err)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	ids := map[string]bool{}
	for i, h := range recv.got {
		if err := verifier.Verify(recv.bodies[i], h); err != nil {
			t.Fatalf("attempt %d does not verify: %v", i+1, err)
		}
		ids[h.Get("webhook-id")] = true
		var payload gen.Job
		if err := json.Unmarshal(recv.bodies[i], &payload); err != nil || payload.JobId != av.JSON202.JobId || payload.Status != gen.JobStatusCompleted {
			t.Fatalf("payload %s", recv.bodies[i])
		}
	}
	if len(ids) != 1 {
		t.Fatalf("attempts carried %d different webhook-ids", len(ids))
	}
	tampered := append([]byte{}, recv.bodies[2]...)
	tampered[len(tampered)-2] ^= 1
	if verifier.Verify(tampered, recv.got[2]) == nil {
		t.Fatal("a tampered body verified")
	}
}

func TestExpiredJobsAreCleanedUp(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.jobTTL = 300 * time.Millisecond; o.cleanupEvery = 200 * time.Millisecond })
	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a thief"})
	id := av.JSON202.JobId
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, _ := b.demo.GetJobWithResponse(t.Context(), id)
		if res.StatusCode() == 404 {
			expectError(t, res.HTTPResponse, res.Body, 404, "JOB_NOT_FOUND")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s not cleaned up: %s", id, res.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	left, files, _ := b.db.ExpiredJobs(t.Context(), time.Now().Add(time.Hour), 10)
	if len(left) != 0 || len(files) != 0 {
		t.Fatalf("%d jobs and %d files left after cleanup", len(left), len(files))
	}
}

func TestAvatarJobOnFal(t *testing.T) {
	fake := faltest.New(t, faltest.WithQueueSteps(1, 1))
	client := falclient.New(falclient.Config{
		Key: fake.Key(), RunURL: fake.URL(), QueueURL: fake.URL(), PollInterval: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
	})
	b := setup(t, func(o *setupOptions) { o.images = falclient.NewImageModel(client) })
	av, err := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{
		Description: "an orc chieftain", Model: ptr(gen.ImageModelSchnell), Seed: ptr(int64(5)), Width: ptr(512), Height: ptr(384),
	})
	if err != nil || av.JSON202 == nil {
		t.Fatalf("avatar: %v %s", err, av.Body)
	}
	r := imageResult(t, waitJob(t, b.demo, av.JSON202.JobId))
	if r.Engine != "fal" || r.Model != "fal-ai/flux/schnell" || r.Width != 512 || r.Height != 384 || r.SeedUsed != 5 || r.InferenceTimeMs == nil {
		t.Fatalf("fal result %+v", r)
	}
	// The image was copied into Troupe's own store: it downloads from Troupe, not fal.
	res, body := download(t, b.url, r.ImageUrl, nil)
	if res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if img, err := png.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() != 512 {
		t.Fatalf("image: %v", err)
	}

	t.Run("a provider that keeps failing ends the job failed", func(t *testing.T) {
		fake.FailNext(falclient.FluxDevEndpoint, 100, 401, `{"detail":"Unauthorized"}`)
		av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "x"})
		j := waitJob(t, b.demo, av.JSON202.JobId)
		if j.Status != gen.JobStatusFailed || j.Error == nil || j.Error.Code != "FAL_SERVICE_ERROR" || j.Result != nil {
			t.Fatalf("job %+v", j)
		}
	})
}

// blockingImages holds every Generate until release is closed, so a test can act while a
// job is processing.
type blockingImages struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingImages) Generate(ctx context.Context, r domain.ImageRequest) (domain.ImageResult, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return domain.ImageResult{}, ctx.Err()
	}
	return pixelart.New().Generate(ctx, r)
}

func (b *blockingImages) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "blocking"}
}

func TestCancelWhileProcessing(t *testing.T) {
	engine := &blockingImages{started: make(chan struct{}, 1), release: make(chan struct{})}
	b := setup(t, func(o *setupOptions) { o.images = engine })
	av, _ := b.demo.CreateAvatarWithResponse(t.Context(), nil, gen.AvatarRequest{Description: "a ranger"})
	<-engine.started
	got, _ := b.demo.GetJobWithResponse(t.Context(), av.JSON202.JobId)
	if got.JSON200.Status != gen.JobStatusProcessing || got.JSON200.Attempts != 1 || got.JSON200.StartedAt == nil {
		t.Fatalf("running job %+v", *got.JSON200)
	}
	res, err := b.demo.CancelJobWithResponse(t.Context(), av.JSON202.JobId, nil)
	if err != nil || res.JSON200 == nil || res.JSON200.Status != gen.JobStatusCanceled {
		t.Fatalf("cancel: %v %s", err, res.Body)
	}
	close(engine.release)
	// The work that was running ends without touching the canceled job.
	time.Sleep(200 * time.Millisecond)
	after, _ := b.demo.GetJobWithResponse(t.Context(), av.JSON202.JobId)
	if after.JSON200.Status != gen.JobStatusCanceled || after.JSON200.Result != nil {
		t.Fatalf("a canceled job changed: %+v", *after.JSON200)
	}
}
