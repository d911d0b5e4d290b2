package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/command"
)

func TestRun(t *testing.T) {
	out, err := command.Run(t.Context(), "cat", nil, strings.NewReader("hello"))
	if err != nil || string(out) != "hello" {
		t.Fatalf("cat: %q %v", out, err)
	}
	_, err = command.Run(t.Context(), "sh", []string{"-c", "echo boom >&2; exit 3"}, nil)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("a failing command: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = command.Run(ctx, "sleep", []string{"5"}, nil)
	if domain.ErrorCode(err) != domain.CodeProviderTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("past the deadline: %v", err)
	}
	canceled, stop := context.WithCancel(t.Context())
	stop()
	if _, err := command.Run(canceled, "sleep", []string{"5"}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}
