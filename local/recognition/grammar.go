package recognition

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode"

	"github.com/troupe-ai/troupe/domain"
)

// Limits on a phrase list: a grammar this size still compiles in well under a second.
const (
	maxPhrases      = 1000
	maxPhraseWords  = 32
	maxUnknownShown = 20
)

// normalizePhrase is how a phrase is matched: lower case, letters and apostrophes kept
// (the dictionary has "don't"), everything else a word break, so "Open the gate!" and
// "open  the-gate" are the same phrase.
func normalizePhrase(p string) []string {
	var out []string
	for _, w := range strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r):
			return unicode.ToLower(r)
		case r == '\'' || r == '\u2019':
			return '\''
		}
		return ' '
	}, p)) {
		// Apostrophes at the ends are quotation marks, not part of the word.
		if w = strings.Trim(w, "'"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// lexicon is the pronunciation dictionary: each word's lines as the dictionary writes
// them ("the DH AH", then "the(2) DH IY"), so a grammar's own small dictionary can be
// written from it.
type lexicon map[string][]string

// lexicons caches dictionaries by path; a dictionary that failed to load is not cached,
// so installing the package fixes it without a restart.
var lexicons sync.Map // path → lexicon

// loadLexicon reads a CMU-format dictionary ("word PHONES…", alternatives "word(2)").
func loadLexicon(path string) (lexicon, error) {
	if l, ok := lexicons.Load(path); ok {
		return l.(lexicon), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lex := lexicon{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexAny(line, " \t"); i > 0 {
			w := baseWord(line[:i])
			lex[w] = append(lex[w], line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	lexicons.Store(path, lex)
	return lex, nil
}

// grammar is a closed grammar of phrases: its normalised phrases (each a word list,
// duplicates removed) and, for each normalised phrase, the caller's phrase it stands for
// (the first one given).
type grammar struct {
	phrases  [][]string
	original map[string]string
	// prons are the dictionary lines of the phrases' words.
	prons []string
}

// buildGrammar validates and normalises the caller's phrases. A phrase with no words, too
// many words, or words missing from the dictionary is a validation error on "phrases",
// listing the words, since the decoder can only hear words it can pronounce.
func buildGrammar(phrases []string, lex lexicon) (grammar, error) {
	if len(phrases) > maxPhrases {
		return grammar{}, domain.ValidationError(domain.FieldError{Field: "phrases", Message: fmt.Sprintf("at most %d phrases", maxPhrases)})
	}
	g := grammar{original: map[string]string{}}
	var bad []domain.FieldError
	var unknown []string
	seen := map[string]bool{}
	for i, p := range phrases {
		ws := normalizePhrase(p)
		switch {
		case len(ws) == 0:
			bad = append(bad, domain.FieldError{Field: "phrases", Message: fmt.Sprintf("phrase %d (%q) has no words", i+1, p)})
			continue
		case len(ws) > maxPhraseWords:
			bad = append(bad, domain.FieldError{Field: "phrases", Message: fmt.Sprintf("phrase %d has more than %d words", i+1, maxPhraseWords)})
			continue
		}
		for _, w := range ws {
			if seen[w] {
				continue
			}
			seen[w] = true
			if lines, ok := lex[w]; ok {
				g.prons = append(g.prons, lines...)
			} else {
				unknown = append(unknown, w)
			}
		}
		key := strings.Join(ws, " ")
		if _, dup := g.original[key]; !dup {
			g.original[key] = p
			g.phrases = append(g.phrases, ws)
		}
	}
	if len(unknown) > 0 {
		shown := unknown[:min(len(unknown), maxUnknownShown)]
		msg := "words not in the recognizer's dictionary: " + strings.Join(shown, ", ")
		if len(unknown) > len(shown) {
			msg += fmt.Sprintf(" and %d more", len(unknown)-len(shown))
		}
		bad = append(bad, domain.FieldError{Field: "phrases", Message: msg + " (spell numbers and symbols out as words)"})
	}
	if len(bad) > 0 {
		e := domain.ValidationError(bad...)
		if len(unknown) > 0 {
			e.Details["unknown_words"] = unknown
		}
		return grammar{}, e
	}
	return g, nil
}

// phraseFor maps recognised words back to the caller's phrase; ok is false when they
// are not exactly one of the phrases.
func (g grammar) phraseFor(words []string) (string, bool) {
	p, ok := g.original[strings.Join(words, " ")]
	return p, ok
}
