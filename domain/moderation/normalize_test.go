package moderation

import "testing"

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ class, in, want string }{
		{"case", "DRAGON Dragon", "dragon dragon"},
		{"case", "İSTANBUL", "istanbul"},
		{"width", "ＤＲＡＧＯＮ", "dragon"},
		{"width", "ｄｒａｇｏｎ\u3000ｆｉｒｅ", "dragon fire"},
		{"math letters", "𝐝𝐫𝐚𝐠𝐨𝐧 𝔡𝔯𝔞𝔤𝔬𝔫", "dragon dragon"},
		{"enclosed letters", "ⓓⓡⓐⓖⓞⓝ 🄳🅁🄰🄶🄾🄽", "dragon dragon"},
		{"small capitals", "ᴅʀᴀɢᴏɴ", "dragon"},
		{"ligatures", "ﬁre ﬂame", "fire flame"},
		{"diacritics", "Drágón Ñandú Łódź", "dragon nandu lodz"},
		{"diacritics", "Straße Ærø Œuvre", "strasse aero oeuvre"},
		{"combining marks", "dra\u0301go\u0308n", "dragon"},
		{"invisible", "dra\u200bg\u00adon\ufeff", "dragon"},
		{"leet", "dr4g0n", "dragon"},
		{"leet", "h3ll0 w0rld", "hello world"},
		{"leet", "@$$ $h!t", "ass shit"},
		{"leet", "dragon! wow!!", "dragon wow"},
		{"leet", "1337 $100 5", "1337 100 5"},
		{"homoglyphs", "drаgоn", "dragon"}, // Cyrillic а and о
		{"homoglyphs", "рауРаl", "paypal"}, // all Cyrillic but the l
		{"homoglyphs", "ΑΒΕ ΗΚΜ", "abe hkm"},
		{"homoglyphs", "ѕһіt", "shit"},
		{"repeats", "draaagon", "dragon"},
		{"repeats", "hello cooool", "hello col"},
		{"repeats", "aa aaa", "aa a"},
		{"separators", "d.r.a.g.o.n", "d r a g o n"},
		{"separators", "  a -- b\t\n", "a b"},
		{"separators", "d.r.4.g.0.n", "d r a g o n"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tc.class, tc.in, got, tc.want)
		}
	}
}

// Units keep their spans in rune offsets of the original text, whatever the folding did
// to the runes.
func TestNormalizeSpans(t *testing.T) {
	// ß expands to two runes, é is two runes of which one is dropped, Ｄ is multi-byte.
	tx := normalize("Ｄß e\u0301x")
	type span struct {
		k          kind
		r          rune
		n          int
		start, end int
	}
	var got []span
	for _, u := range tx.units {
		got = append(got, span{u.kind, u.r, u.count, u.start, u.end})
	}
	want := []span{
		{kindWord, 'd', 1, 0, 1},
		{kindWord, 's', 2, 1, 2},
		{kindGap, 0, 0, 2, 3},
		{kindWord, 'e', 1, 3, 5},
		{kindWord, 'x', 1, 5, 6},
	}
	if len(got) != len(want) {
		t.Fatalf("units = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("unit %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
