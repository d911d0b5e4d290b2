package speech

import (
	"github.com/troupe-ai/troupe/local/command"
	"reflect"
	"strings"
	"testing"
)

// zw joins phonemes with espeak-ng's --sep=z separator.
func zw(ps ...string) string { return strings.Join(ps, phonemeSep) }

func TestParsePhonemeWords(t *testing.T) {
	out := zw("h", "@", "l", "'oU", "_") + " " + zw("D", "'e@", "_") + "\n" +
		zw("t", "r", "'a", "v", "@", "l", "3") + "\n" +
		"(en)" + zw("_:") + " " + zw("w", ",E", "%l") + "\n"
	got := parsePhonemeWords(out)
	want := []phWord{
		{{"h", false}, {"@", false}, {"l", false}, {"oU", true}},
		{{"D", false}, {"e@", true}},
		{{"t", false}, {"r", false}, {"a", true}, {"v", false}, {"@", false}, {"l", false}, {"3", false}},
		{{"w", false}, {"E", true}, {"l", false}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsePhonemeWords = %v, want %v", got, want)
	}
}

func TestParsePhonemeLines(t *testing.T) {
	out := zw("h", "@", "l", "'oU") + "\n" + zw("t", "u:") + " " + zw("T", "r", "i:") + "\n" + zw("_:") + "\n"
	got := parsePhonemeLines(out)
	if len(got) != 3 || len(got[0]) != 1 || len(got[1]) != 2 || len(got[2]) != 0 {
		t.Errorf("parsePhonemeLines = %v: want 3 lines of 1, 2 and 0 words", got)
	}
	if parsePhonemeLines("") != nil {
		t.Error("empty output should have no lines")
	}
}

func TestWeightAndViseme(t *testing.T) {
	for name := range visemes {
		if w := weight(phoneme{name: name}); w <= 0 {
			t.Errorf("weight(%q) = %v", name, w)
		}
	}
	if weight(phoneme{name: "i:", stressed: true}) <= weight(phoneme{name: "i:"}) {
		t.Error("a stressed vowel should weigh more")
	}
	if weight(phoneme{name: "@"}) >= weight(phoneme{name: "aI"}) {
		t.Error("a schwa should weigh less than a diphthong")
	}
	for _, tc := range []struct{ name, want string }{
		{"p", VisemePP}, {"m", VisemePP}, {"f", VisemeFF}, {"D", VisemeTH}, {"t#", VisemeDD},
		{"N", VisemeKK}, {"tS", VisemeCH}, {"z", VisemeSS}, {"l", VisemeNN}, {"r-", VisemeRR},
		{"A:", VisemeAA}, {"@2", VisemeE}, {"i:", VisemeIH}, {"oU", VisemeOH}, {"u:", VisemeOU},
		{"h", VisemeSil}, {"_:", VisemeSil}, {"o:", VisemeOH}, {"Q", VisemeDD}, {"e:", VisemeE},
	} {
		if got := visemeOf(tc.name); got != tc.want {
			t.Errorf("visemeOf(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestVisemeTableCoversEnglish: every phoneme espeak-ng's English voices print for a
// pangram-heavy text is in the viseme table (so none falls back to a guess).
func TestVisemeTableCoversEnglish(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	text := `The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs!
Sphinx of black quartz, judge my vow. Thirty-three thieves thought that they thrilled the throne.
Measure the treasure at leisure. Church bells ring; George judges the large bridge. Hour, our, hair,
here, poor, pure, fire, power, player, lawyer. Aunt, bath, dance, caught, cot, father, bother.
Rhythm, prism, kitten, mountain, bottle, little, jewel, fuel, onion, genre, beige, loch, huge,
which, whale, year, young. It's 42 degrees; I paid $5.50 in 1999. Don't stop. Wow? Hmm, uh, oh.`
	languages := map[string]bool{}
	for _, v := range catalogue {
		lang, _, _ := strings.Cut(v.espeak, "+")
		languages[lang] = true
	}
	for lang := range languages {
		out, err := command.Run(t.Context(), "espeak-ng", []string{"-q", "-x", "--sep=z", "-v", lang, "--stdin"}, strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range parsePhonemeWords(string(out)) {
			for _, p := range w {
				if _, ok := visemes[p.name]; !ok && p.name != "h" {
					t.Errorf("%s: phoneme %q is not in the viseme table", lang, p.name)
				}
			}
		}
	}
}
