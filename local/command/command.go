// Package command runs the command-line programs the local engines are built on (espeak-ng,
// pocketsphinx, lame, sox): with the caller's context, a bounded stderr for logs, and a
// deadline reported as a provider timeout.
package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// Run starts a command with stdin as its input and returns what it wrote to stdout. The
// command dies with ctx; its stderr (trimmed) is kept in the error for logs only.
func Run(ctx context.Context, bin string, args []string, stdin io.Reader) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = stdin
	var stdout bytes.Buffer
	stderr := &tailBuffer{max: 2048}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	// WaitDelay bounds how long Wait blocks on the pipes after the process is killed, in
	// case a grandchild keeps them open.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		if cerr := ContextError(ctx); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// ContextError turns a finished or cancelled ctx into the error to return: a deadline is
// a provider timeout the job runner may retry; a cancellation is passed on as it is.
func ContextError(ctx context.Context) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &domain.Error{Code: domain.CodeProviderTimeout, Message: "The local engine took too long.", Err: err}
	default:
		return err
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   []byte
}

// Write implements io.Writer.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// String returns the kept bytes.
func (t *tailBuffer) String() string { return string(t.b) }
