package recognition

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestNormalizePhrase(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Open the gate!", []string{"open", "the", "gate"}},
		{"  give ME   the-sword. ", []string{"give", "me", "the", "sword"}},
		{"Don’t 'panic'", []string{"don't", "panic"}},
		{"10 gold", []string{"gold"}},
		{"?!", nil},
	} {
		if got := normalizePhrase(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("normalizePhrase(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBuildGrammar(t *testing.T) {
	lex := lexicon{"the": {"the DH AH", "the(2) DH IY"}}
	for _, w := range strings.Fields("open gate give me sword don't") {
		lex[w] = []string{w + " X"}
	}
	g, err := buildGrammar([]string{"Open the gate!", "open the gate", "Give me the sword", "don't"}, lex)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.phrases) != 3 {
		t.Errorf("%d phrases, want 3 (duplicates merged)", len(g.phrases))
	}
	want := "FSG_BEGIN troupe\nNUM_STATES 7\nSTART_STATE 0\nFINAL_STATE 1\n" +
		"TRANSITION 0 2 1 open\nTRANSITION 2 3 1 the\nTRANSITION 3 1 1 gate\n" +
		"TRANSITION 0 4 1 give\nTRANSITION 4 5 1 me\nTRANSITION 5 6 1 the\nTRANSITION 6 1 1 sword\n" +
		"TRANSITION 0 1 1 don't\nFSG_END\n"
	if got := g.fsg(0); got != want {
		t.Errorf("fsg:\n%s\nwant:\n%s", got, want)
	}
	withGarbage := g.fsg(0.01)
	for _, line := range []string{"NUM_STATES 8\n", "TRANSITION 0 7 0.01 _aa\n", "TRANSITION 7 7 0.01 _zh\n", "TRANSITION 7 1 1\n"} {
		if !strings.Contains(withGarbage, line) {
			t.Errorf("the garbage loop has no %q:\n%s", line, withGarbage)
		}
	}
	dict := g.dict()
	if !strings.HasPrefix(dict, "open X\nthe DH AH\nthe(2) DH IY\ngate X\n") || !strings.Contains(dict, "\n_zh ZH\n") {
		t.Errorf("dict:\n%s", dict)
	}
	if p, ok := g.phraseFor([]string{"open", "the", "gate"}); !ok || p != "Open the gate!" {
		t.Errorf("phraseFor = %q %v, want the first spelling", p, ok)
	}
	if _, ok := g.phraseFor([]string{"open", "the"}); ok {
		t.Error("a partial phrase matched")
	}

	for _, tc := range []struct {
		name    string
		phrases []string
		msg     string
	}{
		{"unknown words", []string{"open the portcullis", "give me the xyzzy"}, "portcullis, xyzzy"},
		{"no words", []string{"open the gate", "!!!"}, `phrase 2 ("!!!") has no words`},
		{"too long", []string{strings.Repeat("the ", maxPhraseWords+1)}, "more than"},
		{"too many", slices.Repeat([]string{"the gate"}, maxPhrases+1), "at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildGrammar(tc.phrases, lex)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeValidation {
				t.Fatalf("got %v, want a validation error", err)
			}
			fields := de.Details["fields"].([]domain.FieldError)
			if fields[0].Field != "phrases" || !strings.Contains(fields[0].Message, tc.msg) {
				t.Errorf("fields %+v, want phrases: …%s…", fields, tc.msg)
			}
		})
	}
}

// TestLexicon loads the real dictionary: alternatives are folded, common words present.
func TestLexicon(t *testing.T) {
	requireEngine(t)
	lex, err := loadLexicon(dictionary)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"open", "the", "gate", "dragon", "sword", "don't", "read"} {
		if _, ok := lex[w]; !ok {
			t.Errorf("%q is not in the dictionary", w)
		}
	}
	if _, ok := lex["read(2)"]; ok {
		t.Error("alternative pronunciations should be folded into their word")
	}
	if got := lex["read"]; !slices.Equal(got, []string{"read R EH D", "read(2) R IY D"}) {
		t.Errorf("read: %q", got)
	}
	if len(lex) < 100000 {
		t.Errorf("%d words", len(lex))
	}
}
