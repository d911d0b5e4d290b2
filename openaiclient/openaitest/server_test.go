package openaitest

import (
	"strings"
	"testing"
)

func TestDeltas(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"one two", []string{"one ", "two"}},
		{"  lead and trail  ", []string{"  ", "lead ", "and ", "trail  "}},
		{"a\nb\tc", []string{"a\n", "b\t", "c"}},
	}
	for _, tt := range tests {
		got := Deltas(tt.in)
		if strings.Join(got, "") != tt.in || len(got) != len(tt.want) {
			t.Errorf("Deltas(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Deltas(%q) = %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}
