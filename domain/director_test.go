package domain

import (
	"strings"
	"testing"
)

func TestDirectorPicksTheSpeaker(t *testing.T) {
	t.Parallel()
	bram := Candidate{ID: "chr_bram", Name: "Bram Ironhand", Decision: "PASS", Priority: 0.1}
	mira := Candidate{ID: "chr_mira", Name: "Mira", Decision: "WANT", Priority: 0.8}
	tove := Candidate{ID: "chr_tove", Name: "Tove", Decision: "WANT", Priority: 0.5}
	with := func(c Candidate, decision string, priority float64) Candidate {
		c.Decision, c.Priority = decision, priority
		return c
	}
	tests := []struct {
		name     string
		in       DirectorInput
		want     string
		because  string
		excluded map[string]string // candidate id → a word of its exclusion
	}{
		{
			name:    "the addressed character speaks though it passed",
			in:      DirectorInput{Candidates: []Candidate{bram, mira, tove}, Line: Line{"Kestrel", "Bram, did you see the caravan?"}, FromPlayer: true},
			want:    "chr_bram",
			because: "addressed by name",
		},
		{
			name:    "the first named of several speaks",
			in:      DirectorInput{Candidates: []Candidate{bram, mira, tove}, Line: Line{"Kestrel", "Tove and Bram, which of you lied?"}, FromPlayer: true},
			want:    "chr_tove",
			because: "addressed by name",
		},
		{
			name:    "a name inside another word addresses no one",
			in:      DirectorInput{Candidates: []Candidate{with(bram, "PASS", 0.1), mira, tove}, Line: Line{"Kestrel", "Miranda sent me."}, FromPlayer: true},
			want:    "chr_mira",
			because: "highest priority",
		},
		{
			name:    "otherwise the highest priority among those who want to",
			in:      DirectorInput{Candidates: []Candidate{bram, mira, tove}, Line: Line{"Kestrel", "Who took the caravan?"}, FromPlayer: true},
			want:    "chr_mira",
			because: "next was Tove (0.50)",
		},
		{
			name: "speaking often costs priority",
			in: DirectorInput{Candidates: []Candidate{bram, mira, tove}, Line: Line{"Tove", "It was the miller."}, LineSpeakerID: "chr_tove",
				Recent: []string{"chr_mira", "chr_tove", "chr_mira", "chr_tove"}, MaxConsecutive: 2},
			// Mira: 0.8 - 2×0.15 = 0.5; Tove said the line; Bram passed.
			want:     "chr_mira",
			because:  "0.30 off for 2 of the last 4 turns",
			excluded: map[string]string{"chr_tove": "said the line"},
		},
		{
			name: "a monopolist is passed over for the addressed one's rival",
			in: DirectorInput{Candidates: []Candidate{bram, with(mira, "WANT", 0.9), tove}, Line: Line{"Kestrel", "And then?"}, FromPlayer: true,
				Recent: []string{"chr_mira", "chr_mira"}, MaxConsecutive: 2},
			want:     "chr_tove",
			excluded: map[string]string{"chr_mira": "in a row"},
		},
		{
			name: "a player naming a character lifts its consecutive limit",
			in: DirectorInput{Candidates: []Candidate{bram, mira, tove}, Line: Line{"Kestrel", "Mira, go on."}, FromPlayer: true,
				Recent: []string{"chr_mira", "chr_mira"}, MaxConsecutive: 2},
			want: "chr_mira",
		},
		{
			name: "nobody wants to: the one quiet the longest speaks",
			in: DirectorInput{Candidates: []Candidate{bram, with(mira, "PASS", 0.4), with(tove, "PASS", 0.4)}, Line: Line{"Mira", "Well."}, LineSpeakerID: "chr_mira",
				Recent: []string{"chr_tove", "chr_bram", "chr_mira"}, MaxConsecutive: 2},
			want:     "chr_tove",
			because:  "quiet the longest",
			excluded: map[string]string{"chr_mira": "said the line"},
		},
		{
			name: "a character alone with its own line still speaks",
			in: DirectorInput{Candidates: []Candidate{with(mira, "PASS", 0.2)}, Line: Line{"Mira", "Hm."}, LineSpeakerID: "chr_mira",
				Recent: []string{"chr_mira", "chr_mira"}, MaxConsecutive: 2},
			want: "chr_mira",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Direct(tt.in)
			if got := tt.in.Candidates[d.Speaker].ID; got != tt.want {
				t.Fatalf("speaker %s (%s), want %s", got, d.ChosenBecause, tt.want)
			}
			if !strings.Contains(d.ChosenBecause, tt.because) {
				t.Errorf("chosen because %q, want it to say %q", d.ChosenBecause, tt.because)
			}
			for i, c := range tt.in.Candidates {
				word, want := tt.excluded[c.ID]
				got, out := d.Excluded[i]
				if want != out || !strings.Contains(got, word) {
					t.Errorf("%s excluded %q, want %q", c.ID, got, word)
				}
			}
		})
	}
}

// TestDirectorTiesFollowTheSeed: equal priorities go the same way for the same seed and
// turn, and different seeds do not always agree.
func TestDirectorTiesFollowTheSeed(t *testing.T) {
	t.Parallel()
	in := DirectorInput{
		Candidates: []Candidate{{ID: "chr_a", Name: "Ash", Decision: "WANT", Priority: 0.5}, {ID: "chr_b", Name: "Birch", Decision: "WANT", Priority: 0.5}},
		Line:       Line{"Kestrel", "Anyone?"}, FromPlayer: true, Index: 1,
	}
	picked := map[int]bool{}
	for seed := range int64(32) {
		in.Seed = seed
		first := Direct(in)
		if again := Direct(in); again.Speaker != first.Speaker {
			t.Fatalf("seed %d picked %d then %d", seed, first.Speaker, again.Speaker)
		}
		if !strings.Contains(first.ChosenBecause, "the seed chose") {
			t.Fatalf("a tie explained as %q", first.ChosenBecause)
		}
		picked[first.Speaker] = true
	}
	if len(picked) != 2 {
		t.Fatalf("32 seeds always picked the same candidate: %v", picked)
	}
}
