package app

import (
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
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

// TestMemoryWeightsAreChecked: recall weights out of range, all zero, or a decay that is
// not a fraction stop the server at start-up with the setting named.
func TestMemoryWeightsAreChecked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"a negative weight", func(c *Config) { c.MemoryWeightRelevance = -1 }, "MEMORY_WEIGHT_RECENCY, _IMPORTANCE and _RELEVANCE must be 0–10"},
		{"every weight zero", func(c *Config) { c.MemoryWeightRecency, c.MemoryWeightImportance, c.MemoryWeightRelevance = 0, 0, 0 }, "must not all be 0"},
		{"a decay of 1", func(c *Config) { c.MemoryRecencyDecay = 1 }, "MEMORY_RECENCY_DECAY"},
		{"a decay of 0", func(c *Config) { c.MemoryRecencyDecay = 0 }, "MEMORY_RECENCY_DECAY"},
	} {
		cfg := Defaults()
		tt.set(&cfg)
		if err := cfg.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Check() = %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
	cfg := Defaults()
	cfg.MemoryWeightImportance = 0
	if err := cfg.Check(); err != nil {
		t.Errorf("a zero weight beside others: %v", err)
	}
	if got := Defaults().MemoryWeights(); got != domain.DefaultMemoryWeights {
		t.Errorf("default weights %+v, want %+v", got, domain.DefaultMemoryWeights)
	}
}

func TestMediaStoreSettingsAreChecked(t *testing.T) {
	t.Parallel()
	s3 := func(change func(*Config)) Config {
		cfg := Defaults()
		cfg.MediaStore, cfg.S3Endpoint, cfg.S3Bucket = "s3", "s3.example.com", "media"
		change(&cfg)
		return cfg
	}
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"an unknown store", s3(func(c *Config) { c.MediaStore = "ftp" }), "MEDIA_STORE"},
		{"s3 without an endpoint", s3(func(c *Config) { c.S3Endpoint = "" }), "S3_ENDPOINT"},
		{"s3 without a bucket", s3(func(c *Config) { c.S3Bucket = "" }), "S3_BUCKET"},
		{"an endpoint with a scheme", s3(func(c *Config) { c.S3Endpoint = "https://s3.example.com" }), "without a scheme"},
		{"an empty prefix, which would sweep the whole bucket", s3(func(c *Config) { c.S3Prefix = "" }), "S3_PREFIX"},
		{"a prefix that is no folder", s3(func(c *Config) { c.S3Prefix = "troupe" }), "S3_PREFIX"},
	} {
		if err := tt.cfg.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Check() = %v, want an error naming %q", tt.name, err, tt.want)
		}
	}
	if err := s3(func(*Config) {}).Check(); err != nil {
		t.Errorf("a complete s3 configuration: %v", err)
	}
}
