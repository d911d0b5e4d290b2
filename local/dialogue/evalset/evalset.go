// Package evalset is the scored evaluation of the offline dialogue engine: characters
// with custom lore, a world and a lorebook (characters.json), player lines of many kinds
// with the behaviour expected of each reply (lines.json), and per-kind expectations
// (kinds.json). Run plays every line through the engine as the API would build the
// scene and scores the replies; cmd/eval-dialogue prints the report and a test in
// local/dialogue guards it.
package evalset

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed *.json
var files embed.FS

// Character is one evaluation character and its world.
type Character struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Role       string      `json:"role"`
	Archetype  string      `json:"archetype"`
	Mood       string      `json:"mood"`
	Tier       string      `json:"tier"`
	Lore       string      `json:"lore"`
	Home       string      `json:"home"`
	WorldName  string      `json:"world_name"`
	WorldBrief string      `json:"world_brief"`
	Places     []string    `json:"places"`
	Taboo      []string    `json:"taboo"`
	Knowers    []string    `json:"knowers"`
	Lorebook   []LoreEntry `json:"lorebook"`
}

// LoreEntry is one entry of a character's lorebook.
type LoreEntry struct {
	Name     string   `json:"name"`
	Category string   `json:"category"`
	Keys     []string `json:"keys"`
	Content  string   `json:"content"`
}

// Turn is one earlier line of the conversation.
type Turn struct {
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

// Case is one player line and what its reply must do.
type Case struct {
	Char string `json:"char"`
	// Kind is the kind of line, for the report.
	Kind string `json:"kind"`
	Line string `json:"line"`
	// Any lists words or phrases of which a fitting reply holds at least one; empty
	// means the kind's list. Not lists what it must not say, on top of the kind's.
	Any []string `json:"any"`
	Not []string `json:"not"`
	// Lore marks a line the character's lore, lorebook or world answers: a deflection
	// there counts against the engine. Memory marks one its memory of the player answers.
	Lore   bool `json:"lore"`
	Memory bool `json:"memory"`
	// Emotion is the mood the answer should be said in, when it matters.
	Emotion string   `json:"emotion"`
	History []Turn   `json:"history"`
	Facts   []string `json:"facts"`
	Length  string   `json:"length"`
}

// Expect is a kind's default expectation.
type Expect struct {
	Any []string `json:"any"`
	Not []string `json:"not"`
}

// Kinds holds the per-kind expectations and the phrases that mark a deflection or a
// reply out of the character's role.
type Kinds struct {
	Kinds       map[string]Expect   `json:"kinds"`
	Deflections []string            `json:"deflections"`
	WrongRole   map[string][]string `json:"wrong_role"`
}

// Set is the whole evaluation set.
type Set struct {
	Characters []Character
	Cases      []Case
	Kinds      Kinds
}

// Load reads the embedded evaluation set and checks that every line names a character.
func Load() (*Set, error) {
	s := &Set{}
	for _, f := range []struct {
		name string
		into any
	}{{"characters.json", &s.Characters}, {"lines.json", &s.Cases}, {"kinds.json", &s.Kinds}} {
		b, err := files.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, f.into); err != nil {
			return nil, fmt.Errorf("evalset: %s: %w", f.name, err)
		}
	}
	ids := map[string]bool{}
	for _, c := range s.Characters {
		ids[c.ID] = true
	}
	for i, c := range s.Cases {
		if !ids[c.Char] {
			return nil, fmt.Errorf("evalset: line %d (%q) names unknown character %q", i, c.Line, c.Char)
		}
	}
	return s, nil
}

// The floors the command and the package's test hold the engine to.
const (
	// MinFit is the least share of replies that must fit the line and the role.
	MinFit = 0.85
	// MaxDeflection is the most share of lore-answerable lines that may be deflected.
	MaxDeflection = 0.05
)
