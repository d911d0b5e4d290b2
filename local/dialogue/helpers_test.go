package dialogue

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// names gives test characters distinct names.
var names = []string{"Maren Holt", "Brom Ashdown", "Isolde Varr", "Tamsin Reed", "Oskar Vell", "Nadia Quell"}

// sheet returns a character of the given role, archetype and mood in a small world.
func sheet(role, archetype, mood string) domain.CharacterSheet {
	return domain.CharacterSheet{
		Name:      names[len(role+archetype+mood)%len(names)],
		Role:      role,
		Archetype: archetype,
		SkillTier: "skilled",
		Mood:      mood,
		Home:      "Oakvale",
		WorldName: "Eldoria",
		Places:    []string{"Oakvale", "Ashford", "the Grey Marsh", "Kestrel Point"},
	}
}

// complete runs one request and fails the test on error.
func complete(t testing.TB, e *Engine, task domain.TextTask, sc *domain.Scene) string {
	t.Helper()
	res, err := e.Complete(t.Context(), domain.TextRequest{Task: task, Scene: sc})
	if err != nil {
		t.Fatalf("Complete(%s): %v", task, err)
	}
	return res.Text
}

// leftover finds grammar syntax that survived expansion.
var leftover = regexp.MustCompile(`#|\{|\}`)

// checkLine reports what is wrong with a dialogue line, or "".
func checkLine(text string, taboo []string) string {
	switch {
	case strings.TrimSpace(text) == "":
		return "empty line"
	case leftover.MatchString(text):
		return "leftover symbol or placeholder"
	case strings.Contains(text, "  "):
		return "double space"
	case text != silence && !strings.ContainsAny(text[len(text)-1:], ".!?"):
		return "does not end a sentence"
	}
	low := strings.ToLower(text)
	for _, w := range taboo {
		if strings.Contains(low, strings.ToLower(w)) {
			return "says taboo word " + w
		}
	}
	return ""
}

// decode parses a JSON answer into v and fails the test if it does not parse.
func decode(t testing.TB, text string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("answer %q is not the expected JSON: %v", text, err)
	}
}
