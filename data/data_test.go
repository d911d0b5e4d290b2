package data

import (
	"encoding/json"
	"io/fs"
	"testing"
)

func TestWorldsHoldsValidJSON(t *testing.T) {
	want := []string{"common.json", "dark_fantasy.json", "fantasy.json", "post_apocalyptic.json", "sci_fi.json"}
	entries, err := fs.ReadDir(Worlds, "worlds")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
		b, err := fs.ReadFile(Worlds, "worlds/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) {
			t.Errorf("worlds/%s is not valid JSON", e.Name())
		}
	}
	if len(got) != len(want) {
		t.Fatalf("worlds holds %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("worlds holds %v, want %v", got, want)
		}
	}
}
