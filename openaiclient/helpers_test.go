package openaiclient

import (
	"errors"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
)

// testKey is the API key tests configure; it must never appear in an error.
const testKey = "sk-test-5ecr3t-key-0123456789"

// newTestClient is a client of srv with fast retries, and the changes of each test.
func newTestClient(srv *openaitest.Server, edit ...func(*Config)) *Client {
	cfg := Config{
		BaseURL:   srv.URL(),
		Model:     "test-model",
		Timeout:   2 * time.Second,
		RetryBase: time.Millisecond,
		RetryMax:  5 * time.Millisecond,
	}
	for _, e := range edit {
		if e != nil {
			e(&cfg)
		}
	}
	return New(cfg)
}

// hello is a small two-message request.
func hello() domain.TextRequest {
	return domain.TextRequest{
		Task:        domain.TaskDialogue,
		System:      "You are Bram, a blacksmith.",
		Messages:    []domain.ChatMessage{{Role: domain.RoleUser, Content: "Good morning, smith"}},
		Temperature: 0.7,
	}
}

// wantDomainError fails unless err is a *domain.Error with code, and returns it.
func wantDomainError(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a *domain.Error %s", err, err, code)
	}
	if de.Code != code {
		t.Fatalf("code = %s, want %s (error: %v)", de.Code, code, err)
	}
	if de.Details["engine"] != Engine {
		t.Errorf("details engine = %v, want %q", de.Details["engine"], Engine)
	}
	return de
}
