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
	lex := lexicon{}
	for _, w := range strings.Fields("open the gate give me sword don't") {
		lex[w] = struct{}{}
	}
	g, err := buildGrammar([]string{"Open the gate!", "open the gate", "Give me the sword", "don't"}, lex)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.phrases) != 3 {
		t.Errorf("%d phrases, want 3 (duplicates merged)", len(g.phrases))
	}
	want := "#JSGF V1.0;\ngrammar troupe;\npublic <phrase> =\n    ( open the gate )\n  | ( give me the sword )\n  | ( don't )\n;\n"
	if got := g.jsgf(); got != want {
		t.Errorf("jsgf:\n%s\nwant:\n%s", got, want)
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
	if len(lex) < 100000 {
		t.Errorf("%d words", len(lex))
	}
}
