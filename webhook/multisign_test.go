package webhook

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// TestSignAllEachVerifies checks that a message signed with several secrets verifies,
// with the reference library, under each of them and under no other.
func TestSignAllEachVerifies(t *testing.T) {
	t.Parallel()
	secrets := make([]string, 3)
	for i := range secrets {
		s, err := GenerateSecret()
		if err != nil {
			t.Fatal(err)
		}
		secrets[i] = s
	}
	stranger, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"id":"evt_1","type":"job.completed","timestamp":"2026-01-01T00:00:00Z","data":{}}`)
	tests := []struct {
		name    string
		signers []string
	}{
		{name: "one", signers: secrets[:1]},
		{name: "two", signers: secrets[:2]},
		{name: "three", signers: secrets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := HeadersAll(tt.signers, "evt_01J0000000000000000000000", time.Now(), body)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(strings.Fields(h.Get(HeaderSignature))); got != len(tt.signers) {
				t.Fatalf("%d signatures in %q, want %d", got, h.Get(HeaderSignature), len(tt.signers))
			}
			for i, s := range tt.signers {
				wh, err := standardwebhooks.NewWebhook(s)
				if err != nil {
					t.Fatal(err)
				}
				if err := wh.Verify(body, h); err != nil {
					t.Errorf("secret %d: Verify: %v", i, err)
				}
			}
			wh, err := standardwebhooks.NewWebhook(stranger)
			if err != nil {
				t.Fatal(err)
			}
			if err := wh.Verify(body, h); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
				t.Errorf("another secret: Verify = %v, want no matching signature", err)
			}
		})
	}
}

// TestSignAllOneIsSign checks that one secret gives exactly Sign's value, so a
// single-secret endpoint's deliveries look like the per-job webhook's.
func TestSignAllOneIsSign(t *testing.T) {
	t.Parallel()
	got, err := SignAll([]string{vectorSecret}, vectorID, time.Unix(vectorTS, 0), []byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vectorSig {
		t.Fatalf("SignAll = %q, want %q", got, vectorSig)
	}
}

func TestSignAllBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		secrets []string
		id      string
		want    error
	}{
		{name: "no secret", secrets: nil, id: "evt_1", want: ErrNoSecret},
		{name: "one bad secret", secrets: []string{vectorSecret, "whsec_short"}, id: "evt_1", want: ErrInvalidSecret},
		{name: "bad id", secrets: []string{vectorSecret}, id: "evt.1", want: ErrInvalidMsgID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := SignAll(tt.secrets, tt.id, time.Now(), nil); !errors.Is(err, tt.want) {
				t.Fatalf("SignAll = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestDeliverAll checks a delivery signed with two secrets arrives verifiable with each,
// and is classified like Deliver's.
func TestDeliverAll(t *testing.T) {
	t.Parallel()
	rc := &receiver{status: http.StatusNoContent}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	a, _ := GenerateSecret()
	b, _ := GenerateSecret()
	body := []byte(`{"hello":"world"}`)
	res := DeliverAll(t.Context(), Client(&Guard{AllowPrivate: true}, 5*time.Second), srv.URL, []string{a, b}, "evt_1", body, time.Now())
	if res.Err != nil || res.Status != http.StatusNoContent {
		t.Fatalf("DeliverAll = %+v", res)
	}
	req, got := rc.last(t)
	if req.Header.Get(HeaderID) != "evt_1" {
		t.Errorf("webhook-id = %q", req.Header.Get(HeaderID))
	}
	for _, s := range []string{a, b} {
		wh, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(got, req.Header); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	if res := DeliverAll(t.Context(), nil, srv.URL, []string{a}, "evt_1", body, time.Now()); res.Err == nil {
		t.Error("DeliverAll without a client succeeded")
	}
}
