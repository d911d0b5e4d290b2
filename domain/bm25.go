package domain

import (
	"context"
	"math"
	"strings"
	"unicode"
)

// BM25 is the offline RelevanceScorer: Okapi BM25 of the query's words in each document,
// with the documents themselves as the corpus (a word most memories share says little).
// Words are lower-cased, stripped of common English endings and of stop words, so
// "promised" finds "promise" and "the" finds nothing. It reads no index: recall hands it a
// few hundred short entries at a time.
type BM25 struct {
	// K1 is how quickly repeats of a word stop adding to a score; zero means 1.2.
	K1 float64
	// B is how much a long document is discounted; zero means 0.75.
	B float64
}

// Relevance returns each document's BM25 score for query; it never fails.
func (m BM25) Relevance(_ context.Context, query string, docs []string) ([]float64, error) {
	k1, b := m.K1, m.B
	if k1 == 0 {
		k1 = 1.2
	}
	if b == 0 {
		b = 0.75
	}
	scores := make([]float64, len(docs))
	terms := map[string]bool{}
	for _, t := range searchTerms(query) {
		terms[t] = true
	}
	if len(terms) == 0 || len(docs) == 0 {
		return scores, nil
	}
	freqs := make([]map[string]int, len(docs))
	lengths := make([]int, len(docs))
	docFreq := map[string]int{}
	total := 0
	for i, d := range docs {
		words := searchTerms(d)
		lengths[i], total = len(words), total+len(words)
		freqs[i] = map[string]int{}
		for _, w := range words {
			if terms[w] {
				if freqs[i][w] == 0 {
					docFreq[w]++
				}
				freqs[i][w]++
			}
		}
	}
	avg := max(float64(total)/float64(len(docs)), 1)
	n := float64(len(docs))
	for i := range docs {
		for t, tf := range freqs[i] {
			df := float64(docFreq[t])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			f := float64(tf)
			scores[i] += idf * f * (k1 + 1) / (f + k1*(1-b+b*float64(lengths[i])/avg))
		}
	}
	return scores, nil
}

// searchTerms splits text into the words BM25 compares: lower case, letters and digits,
// no stop words, common endings stripped.
func searchTerms(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		if w, _, _ = strings.Cut(w, "'"); len(w) < 2 || stopWords[w] {
			continue
		}
		out = append(out, stem(w))
		if w == "called" {
			// An introduction is remembered as "<speaker> is called <Name>.", so the
			// fact answers a question about a name.
			out = append(out, stem("name"))
		}
	}
	return out
}

// stem strips the commonest English endings, keeping at least three letters: "promised",
// "promises" and "promising" all become "promis", as does "promise".
func stem(w string) string {
	for _, suffix := range []string{"ing", "ed", "es", "e", "s"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 3 {
			return w[:len(w)-len(suffix)]
		}
	}
	return w
}

// stopWords are words too common in dialogue to say what a line is about.
var stopWords = wordSet(`a an the and or but if of to in on at by for with from as is are was were be been
	being am do does did have has had i me my mine you your yours he him his she her hers it its we us our
	they them their this that these those there here what which who whom whose when where why how
	not no so than then too very can could will would shall should may might must just about into
	over out up down off again once all any some such own same other only also well oh ah yes yeah
	hey hi hello tell said say says know`)
