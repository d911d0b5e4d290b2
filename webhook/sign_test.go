package webhook

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The Standard Webhooks specification's published test vector.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestGenerateSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		s, err := GenerateSecret()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(s, SecretPrefix) {
			t.Fatalf("secret %q lacks %q", s, SecretPrefix)
		}
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, SecretPrefix))
		if err != nil || len(key) != 32 {
			t.Fatalf("secret %q: %d bytes, err %v; want 32 bytes", s, len(key), err)
		}
		if seen[s] {
			t.Fatalf("secret %q repeated", s)
		}
		seen[s] = true
	}
}

func TestSignVector(t *testing.T) {
	for _, secret := range []string{vectorSecret, strings.TrimPrefix(vectorSecret, SecretPrefix)} {
		got, err := Sign(secret, vectorID, time.Unix(vectorTS, 0), []byte(vectorBody))
		if err != nil {
			t.Fatal(err)
		}
		if got != vectorSig {
			t.Errorf("Sign(%q) = %q, want %q", secret, got, vectorSig)
		}
	}
}

// TestSignVerifiedIndependently checks our signatures with the reference Go
// library, and that tampering with any signed part makes it reject them.
func TestSignVerifiedIndependently(t *testing.T) {
	secret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	other, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := []byte(`{"type":"job.succeeded","timestamp":"2026-01-01T00:00:00Z","data":{"id":"job_1"}}`)
	h, err := Headers(secret, "msg_01J0000000000000000000000", now, body)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		secret  string
		body    []byte
		mutate  func(h http.Header)
		wantErr error
	}{
		{name: "untouched", secret: secret, body: body},
		{name: "tampered body", secret: secret, body: bytes.Replace(body, []byte("job_1"), []byte("job_2"), 1), wantErr: standardwebhooks.ErrNoMatchingSignature},
		{name: "tampered id", secret: secret, body: body, mutate: func(h http.Header) { h.Set(HeaderID, "msg_other") }, wantErr: standardwebhooks.ErrNoMatchingSignature},
		{name: "tampered timestamp", secret: secret, body: body, mutate: func(h http.Header) {
			h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix()-1, 10))
		}, wantErr: standardwebhooks.ErrNoMatchingSignature},
		{name: "wrong secret", secret: other, body: body, wantErr: standardwebhooks.ErrNoMatchingSignature},
		{name: "stale timestamp", secret: secret, body: body, mutate: func(h http.Header) {
			ts := now.Add(-10 * time.Minute)
			sig, err := Sign(secret, h.Get(HeaderID), ts, body)
			if err != nil {
				t.Fatal(err)
			}
			h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
			h.Set(HeaderSignature, sig)
		}, wantErr: standardwebhooks.ErrMessageTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hh := h.Clone()
			if tt.mutate != nil {
				tt.mutate(hh)
			}
			wh, err := standardwebhooks.NewWebhook(tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			err = wh.Verify(tt.body, hh)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestSignMatchesLibrary compares with the library's own signer over a range
// of inputs, including empty and binary bodies and old timestamps.
func TestSignMatchesLibrary(t *testing.T) {
	secret, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		ts   time.Time
		body []byte
	}{
		{"msg_1", time.Unix(0, 0), nil},
		{"msg_2", time.Unix(1, 999), []byte{0, 0xff, '.', '\n'}},
		{"job_01J9ZZZZZZZZZZZZZZZZZZZZZZ", time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC), []byte(strings.Repeat("x", 20000))},
	}
	for _, tt := range tests {
		got, err := Sign(secret, tt.id, tt.ts, tt.body)
		if err != nil {
			t.Fatal(err)
		}
		want, err := wh.Sign(tt.id, tt.ts, tt.body)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Sign(%q, %v) = %q, library says %q", tt.id, tt.ts, got, want)
		}
		h := http.Header{}
		h.Set(HeaderID, tt.id)
		h.Set(HeaderTimestamp, strconv.FormatInt(tt.ts.Unix(), 10))
		h.Set(HeaderSignature, got)
		if err := wh.VerifyIgnoringTimestamp(tt.body, h); err != nil {
			t.Errorf("VerifyIgnoringTimestamp(%q): %v", tt.id, err)
		}
	}
}

func TestHeaders(t *testing.T) {
	ts := time.Unix(vectorTS, 0)
	h, err := Headers(vectorSecret, vectorID, ts, []byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"webhook-id":        vectorID,
		"webhook-timestamp": "1614265330",
		"webhook-signature": vectorSig,
		"Content-Type":      "application/json",
		"User-Agent":        "Troupe-Webhooks/1",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if len(h) != len(want) {
		t.Errorf("got %d headers, want %d: %v", len(h), len(want), h)
	}
}

func TestSignRejects(t *testing.T) {
	short := SecretPrefix + base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := SecretPrefix + base64.StdEncoding.EncodeToString(make([]byte, 65))
	tests := []struct {
		name, secret, id string
		want             error
	}{
		{"not base64", "whsec_***", "msg_1", ErrInvalidSecret},
		{"empty secret", "", "msg_1", ErrInvalidSecret},
		{"short key", short, "msg_1", ErrInvalidSecret},
		{"long key", long, "msg_1", ErrInvalidSecret},
		{"empty id", vectorSecret, "", ErrInvalidMsgID},
		{"dot in id", vectorSecret, "msg.1", ErrInvalidMsgID},
		{"space in id", vectorSecret, "msg 1", ErrInvalidMsgID},
		{"newline in id", vectorSecret, "msg\r\nX-Evil: 1", ErrInvalidMsgID},
		{"long id", vectorSecret, strings.Repeat("m", 257), ErrInvalidMsgID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Sign(tt.secret, tt.id, time.Now(), nil); !errors.Is(err, tt.want) {
				t.Errorf("Sign err = %v, want %v", err, tt.want)
			}
			if _, err := Headers(tt.secret, tt.id, time.Now(), nil); !errors.Is(err, tt.want) {
				t.Errorf("Headers err = %v, want %v", err, tt.want)
			}
		})
	}
}
