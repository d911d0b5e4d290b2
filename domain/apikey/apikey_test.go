package apikey_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain/apikey"
)

var shape = regexp.MustCompile(`^sk_(live|test)_[A-Za-z0-9]{46}$`)

func TestNewKeysParseAndAreDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := range 200 {
		test := i%2 == 1
		k := apikey.New(test)
		if !shape.MatchString(k) {
			t.Fatalf("key %q has the wrong shape", k)
		}
		gotTest, ok := apikey.Parse(k)
		if !ok || gotTest != test {
			t.Fatalf("Parse(%q) = test %v, ok %v; want test %v, ok", k, gotTest, ok, test)
		}
		if seen[k] {
			t.Fatalf("key %q made twice", k)
		}
		seen[k] = true
	}
}

func TestParseCatchesTyposAndForeignStrings(t *testing.T) {
	t.Parallel()
	k := apikey.New(false)
	flip := func(i int) string {
		b := []byte(k)
		if b[i] == 'a' {
			b[i] = 'b'
		} else {
			b[i] = 'a'
		}
		return string(b)
	}
	bad := map[string]string{
		"one random character changed": flip(len(apikey.LivePrefix) + 3),
		"checksum character changed":   flip(len(k) - 1),
		"truncated":                    k[:len(k)-1],
		"extended":                     k + "0",
		"live key relabelled test":     apikey.TestPrefix + strings.TrimPrefix(k, apikey.LivePrefix),
		"not base62":                   k[:20] + "-" + k[21:],
		"legacy key":                   "demo-key-123",
		"empty":                        "",
	}
	for name, s := range bad {
		if _, ok := apikey.Parse(s); ok {
			t.Errorf("%s: Parse(%q) accepted it", name, s)
		}
	}
}

func TestHashAndDisplayRevealNothingUsable(t *testing.T) {
	t.Parallel()
	k := apikey.New(true)
	if h := apikey.Hash(k); len(h) != 64 || strings.Contains(h, k[8:20]) || h != apikey.Hash(k) {
		t.Errorf("Hash(%q) = %q", k, h)
	}
	d := apikey.Display(k)
	if !strings.HasPrefix(d, "sk_test_"+k[8:12]+"…") || !strings.HasSuffix(d, k[len(k)-4:]) || len([]rune(d)) > 17 {
		t.Errorf("Display(%q) = %q", k, d)
	}
	if d := apikey.Display("demo-key-123"); strings.Contains(d, "key-1") {
		t.Errorf("Display of a legacy key shows %q", d)
	}
}
