package domain

import (
	"regexp"
	"testing"

	"github.com/troupe-ai/troupe/internal/litfilter"
	"github.com/troupe-ai/troupe/internal/litfilter/litfiltertest"
)

// filteredPatterns are every pattern run behind a literal filter, with its filter.
func filteredPatterns() (res []*regexp.Regexp, filters []*litfilter.Filter) {
	for _, s := range stimuli {
		res, filters = append(res, s.pattern), append(filters, s.filter)
	}
	return append(res, instructionPatterns...), append(filters, instructionFilters...)
}

// Whatever the text, a stimulus or instruction pattern that matches it is never skipped
// by its filter.
func TestFiltersNeverHideAMatch(t *testing.T) {
	t.Parallel()
	res, filters := filteredPatterns()
	litfiltertest.NeverHidesAMatch(t, res, filters,
		"your", "ya", "I'll", "will", "not", "never", "here's", "take", "this", "from now on", "<|", "|>", "[INST]")
}

func TestFiltersSkipTextsWithoutTheWords(t *testing.T) {
	t.Parallel()
	stimulus := func(name string) *litfilter.Filter {
		for _, s := range stimuli {
			if s.name == name {
				return s.filter
			}
		}
		t.Fatalf("no stimulus %q", name)
		return nil
	}
	for _, tc := range []struct {
		text   string
		filter *litfilter.Filter
		may    bool
	}{
		{"Any news from the road, friend?", stimulus("threat"), false},
		{"Any news from the road, friend?", stimulus("thanks"), false},
		{"I'LL KILL YOU", stimulus("threat"), true},
		{"\u212aill you, I will", stimulus("threat"), true}, // the Kelvin sign folds to k
		{"\u017forry", stimulus("apology"), true},           // so does the long s to s
		{"Thanks a lot", stimulus("thanks"), true},
		{"Bring the ore by Friday.", instructionFilters[2], false},
		{"Please IGNORE what came before.", instructionFilters[2], true},
	} {
		if got := tc.filter.May(litfilter.Fold(tc.text)); got != tc.may {
			t.Errorf("%q through %q: %v, want %v", tc.text, tc.filter.Literals(), got, tc.may)
		}
	}
	_, filters := filteredPatterns()
	for i, f := range filters {
		if f == nil {
			t.Errorf("pattern %d has no filter: it runs on every text", i)
		}
	}
}
