package litfilter_test

import (
	"regexp"
	"testing"

	"github.com/troupe-ai/troupe/internal/litfilter"
	"github.com/troupe-ai/troupe/internal/litfilter/litfiltertest"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		texts   map[string]bool // text: may match
	}{
		{`(?i)\bi'?ll (?:kill|hurt) you\b`, map[string]bool{"I'LL KILL YOU": true, "\u212aill": false, "ill hurt you": true, "nice day": false}},
		{`\bhave we met\b|\bremember me\b`, map[string]bool{"Have we met?": true, "do you remember me": true, "we have met": false}},
		{`recogni[sz]e`, map[string]bool{"recognize": true, "recognise": true, "recognition": false}},
	} {
		re := regexp.MustCompile(tc.pattern)
		f := litfilter.New(re)
		if f == nil {
			t.Fatalf("%s has no filter", tc.pattern)
		}
		for text, may := range tc.texts {
			if got := f.May(litfilter.Fold(text)); got != may {
				t.Errorf("%q through %s (%q): %v, want %v", text, tc.pattern, f.Literals(), got, may)
			}
		}
	}
}

// A pattern that can match without a literal (empty, or only wide classes) gets no
// filter, and no filter lets everything through.
func TestNoFilterWithoutLiterals(t *testing.T) {
	t.Parallel()
	for _, p := range []string{`\w+`, `a*`, `(?:x|\d)`, `^$`} {
		if f := litfilter.New(regexp.MustCompile(p)); f != nil {
			t.Errorf("%s: filter %q", p, f.Literals())
		}
	}
	var none *litfilter.Filter
	if !none.May("anything") || none.Literals() != nil {
		t.Fatal("a nil filter must let every text through")
	}
}

func TestFiltersNeverHideAMatch(t *testing.T) {
	t.Parallel()
	var res []*regexp.Regexp
	var fs []*litfilter.Filter
	for _, p := range []string{
		`(?i)\b(?:thank(?:s| you)|cheers|much obliged)\b`,
		`(?i)\b(?:sorry|apologi[sz]e|my mistake|forgive me)\b`,
		`\bwhat(?:'s| is| was) my name\b|\bwho am i\b`,
		`(?i)(?:<\|[a-z_]+\|>|\[/?INST\])`,
	} {
		re := regexp.MustCompile(p)
		f := litfilter.New(re)
		if f == nil {
			t.Fatalf("%s has no filter", p)
		}
		res, fs = append(res, re), append(fs, f)
	}
	litfiltertest.NeverHidesAMatch(t, res, fs, "sorry", "thanks", "name", "who", "am", "<|", "|>", "[INST]")
}
