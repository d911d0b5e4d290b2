package openaiclient

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStripFences(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{"  {\"a\":1}\n", `{"a":1}`},
		{"```json\n{\"a\":1}\n```", `{"a":1}`},
		{"```JSON\n{\"a\":1}\n```\n", `{"a":1}`},
		{"```\n[1,2]\n```", `[1,2]`},
		{"```json\n{\"a\":\"x\"}\n```\nHope this helps!", `{"a":"x"}`},
		{"```{\"a\":1}```", `{"a":1}`},
		{"```json {\"a\":1}```", `{"a":1}`},
		{"```json\n{\"a\":1}", `{"a":1}`}, // the closing fence never came
		{"```", ""},
		{"", ""},
		{"not json at all", "not json at all"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := stripFences(tt.in); got != tt.want {
				t.Errorf("stripFences(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"a", 1},
		{"abcd", 1},
		{"abcde", 2},
		{"é́é́", 1}, // runes, not bytes
		{strings.Repeat("x", 400), 100},
	}
	for _, tt := range tests {
		if got := estimateTokens(tt.in); got != tt.want {
			t.Errorf("estimateTokens(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"},  // é is two bytes: not split
		{"a🙂b", 4, "a"}, // 🙂 is four bytes
		{"a🙂b", 5, "a🙂"},
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) || len(got) > tt.n {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestRedactor(t *testing.T) {
	key := redactor(testKey)
	if got := key.string("key " + testKey + " and " + testKey); strings.Contains(got, testKey) {
		t.Errorf("not redacted: %q", got)
	}
	if got := redactor("").string("unchanged"); got != "unchanged" {
		t.Errorf("empty key changed the text: %q", got)
	}
}
