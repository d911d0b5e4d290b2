package app

import (
	"testing"
	"time"
)

// TestFalWaitsLessThanAJobAttempt: fal's queue wait is derived from JOB_TIMEOUT and always
// ends first, leaving the attempt time to record the outcome.
func TestFalWaitsLessThanAJobAttempt(t *testing.T) {
	t.Parallel()
	for _, timeout := range []time.Duration{time.Second, 5 * time.Second, 5 * time.Minute, time.Hour} {
		cfg := Defaults()
		cfg.JobTimeout = timeout
		wait := cfg.FalQueueTimeout()
		if wait >= timeout || wait < timeout*9/10 || timeout-wait > 30*time.Second {
			t.Errorf("JOB_TIMEOUT %s: fal waits %s", timeout, wait)
		}
	}
}

// TestDefaultsAreValid: the configuration of an empty environment starts.
func TestDefaultsAreValid(t *testing.T) {
	t.Parallel()
	if err := Defaults().Check(); err != nil {
		t.Fatal(err)
	}
}
