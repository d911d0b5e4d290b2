package speech

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Hello there, traveler.", []string{"Hello", "there", "traveler"}},
		{"Don't stop—it's a well-known e-mail!", []string{"Don't", "stop", "it's", "a", "well-known", "e-mail"}},
		{"Pay $5.50 or 1,000 coins; 100% sure.", []string{"Pay", "$5.50", "or", "1,000", "coins", "100%", "sure"}},
		{"U.S.A. and 'quoted' words", []string{"U", "S", "A", "and", "quoted", "words"}},
		{"Wait... what?! -- ok", []string{"Wait", "what", "ok"}},
		{"a-", []string{"a"}},
		{"$", nil},
		{"...", nil},
		{"naïve café", []string{"naïve", "café"}},
		{"3.", []string{"3"}},
	} {
		if got := words(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("words(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestSpeakable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  line one\nline two\r\n", "line one line two"},
		{"tab\there", "tab here"},
		{"[[h@l'oU]] world", "[ [h@l'oU] ] world"},
		{"<speak>hi</speak>", "<speak>hi</speak>"},
		{"\x00\x07", ""},
	} {
		if got := speakable(tc.in); got != tc.want {
			t.Errorf("speakable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWPM(t *testing.T) {
	v := voice{wpm: 165}
	for _, tc := range []struct {
		speed float64
		want  int
	}{{1, 165}, {0.5, 83}, {2, 330}, {0.1, minWPM}, {10, maxWPM}} {
		if got := wpm(v, tc.speed); got != tc.want {
			t.Errorf("wpm(165, %v) = %d, want %d", tc.speed, got, tc.want)
		}
	}
}
