package speech

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// inCI says whether the tests run in CI, where a missing program is a failure, not a
// reason to skip.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "0" && v != "false"
}

// requireTools skips the test when a program is not installed, or fails it in CI.
func requireTools(t testing.TB, programs ...string) {
	t.Helper()
	var missing []string
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, ", ") + " not installed: run tools/install-voice-engines.sh"
	if inCI() {
		t.Fatal("CI: " + msg)
	}
	t.Skip(msg + " (set CI=true to fail instead of skipping)")
}

// synth speaks a request with the real engine, failing the test on error.
func synth(t testing.TB, req domain.SpeechRequest) domain.SpeechResult {
	t.Helper()
	res, err := New().Synthesize(t.Context(), req)
	if err != nil {
		t.Fatalf("Synthesize(%+v): %v", req, err)
	}
	return res
}

// without returns a lookPath that pretends the named programs are not installed.
func without(programs ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, p := range programs {
			if name == p {
				return "", exec.ErrNotFound
			}
		}
		return exec.LookPath(name)
	}
}

// pretend returns a lookPath that finds every program at a fake path except the named
// ones: for checks made before anything is run.
func pretend(missing ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, p := range missing {
			if name == p {
				return "", exec.ErrNotFound
			}
		}
		return "/nonexistent/" + name, nil
	}
}

// asDomainError returns err's *domain.Error, failing the test if there is none.
func asDomainError(t testing.TB, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	return de
}

// ms formats a duration in milliseconds for messages.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
