package dialogue

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/troupe-ai/troupe/data"
)

// packFS returns the embedded packs as a map file system, plus extra files.
func packFS(t *testing.T, extra map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(data.Dialogue, "dialogue")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(data.Dialogue, "dialogue/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = &fstest.MapFile{Data: b}
	}
	for name, text := range extra {
		if text == "" {
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

func TestEmbeddedPacksAreValid(t *testing.T) {
	e := newEngine(t)
	lines := 0
	for _, s := range e.g {
		lines += len(s.alts)
	}
	t.Logf("%d rules, %d symbols, %d lines", len(e.rules), len(e.g), lines)
	if len(e.rules) < 30 || lines < 900 {
		t.Errorf("packs look truncated: %d rules, %d lines", len(e.rules), lines)
	}
}

func TestNewFromFSRejectsBadPacks(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"undefined symbol", map[string]string{"zz.json": `{"symbols": {"x": ["Hello #nope#."]}}`}, `undefined symbol "nope"`},
		{"relative symbol missing in one namespace", map[string]string{"zz.json": `{"symbols": {"x": ["Hi #@mood:nope#."]}}`}, `undefined symbol "calm:nope"`},
		{"unknown placeholder", map[string]string{"zz.json": `{"symbols": {"x": ["Hello {nope}."]}}`}, "unknown placeholder {nope}"},
		{"unknown modifier", map[string]string{"zz.json": `{"symbols": {"x": ["Hello {name.shout}."]}}`}, `unknown modifier "shout"`},
		{"unterminated", map[string]string{"zz.json": `{"symbols": {"x": ["Hello #there."]}}`}, "unterminated #"},
		{"recursion", map[string]string{"zz.json": `{"symbols": {"x": ["#y#"], "y": ["#x#"]}}`}, "recursive symbols"},
		{"duplicate symbol", map[string]string{"zz.json": `{"symbols": {"insult": ["Rude."]}}`}, `symbol "insult" is defined twice`},
		{"duplicate rule", map[string]string{"zz.json": `{"rules": [{"id": "greeting", "when": ["intent=greeting"], "say": "insult"}]}`}, `rule "greeting" is already defined`},
		{"unknown key", map[string]string{"zz.json": `{"rules": [{"id": "z", "when": ["intent=greeting", "colour=red"], "say": "insult"}]}`}, `unknown key "colour"`},
		{"unknown role", map[string]string{"zz.json": `{"rules": [{"id": "z", "when": ["intent=greeting", "role=pirate"], "say": "insult"}]}`}, `unknown role "pirate"`},
		{"no intent", map[string]string{"zz.json": `{"rules": [{"id": "z", "when": ["mood=calm"], "say": "insult"}]}`}, "exactly one intent"},
		{"bad weight", map[string]string{"zz.json": `{"rules": [{"id": "z", "when": ["intent=greeting^0"], "say": "insult"}]}`}, "weight must be 1 to 9"},
		{"rule says nothing", map[string]string{"zz.json": `{"rules": [{"id": "z", "when": ["intent=greeting"], "say": "nope"}]}`}, `says undefined symbol "nope"`},
		{"unknown field", map[string]string{"zz.json": `{"symbol": {}}`}, "unknown field"},
		{"missing role lines", map[string]string{"roles.json": ""}, `missing symbol "blacksmith:trade"`},
		{"missing mood lines", map[string]string{"moods.json": ""}, `missing symbol "tired:opener"`},
		{"missing archetype lines", map[string]string{"archetypes.json": ""}, `missing symbol "zealot:flavour"`},
		{"missing fallback rule", map[string]string{"rules.json": `{"rules": []}`}, `intent "greeting" has no fallback rule`},
		{"missing reactions", map[string]string{"reactions.json": ""}, "no pack defines the reaction tables"},
		{"reactions twice", map[string]string{"zz.json": `{"reactions": {}}`}, "reactions are already defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFromFS(packFS(t, tt.files))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewFromFS: %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := NewFromFS(fstest.MapFS{}); err == nil {
		t.Error("NewFromFS with no packs succeeded")
	}
}

// fragments are symbols whose lines are pieces of sentences, not sentences.
func isFragment(name string) bool {
	for _, suffix := range []string{":wares", ":address", ":traits", ":describe"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// TestPackLinesAreWellFormed holds the packs to the writing rules the engine relies on:
// flavour lines are one sentence and answers at most three, fragments are not sentences, articles before
// placeholders use .a, and nothing is written twice.
func TestPackLinesAreWellFormed(t *testing.T) {
	e := newEngine(t)
	bareArticle := regexp.MustCompile(`(?i)\ban? [#{]`)
	inner := regexp.MustCompile(`[.!?]+["')]*\s`)
	seen := map[string]string{}
	for _, name := range (&packs{g: e.g}).symbolNames() {
		for _, a := range e.g[name].alts {
			l := a.text
			if l != strings.TrimSpace(l) || strings.Contains(l, "  ") {
				t.Errorf("%s: %q has stray spaces", name, l)
			}
			if bareArticle.MatchString(l) {
				t.Errorf("%s: %q puts a bare article before a reference; use .a", name, l)
			}
			// Fragments and interjections ("Oh!", "Hm.") may repeat across groups.
			if prev, dup := seen[l]; dup && !isFragment(name) && !strings.HasSuffix(name, ":opener") {
				t.Errorf("%s: %q is also in %s", name, l, prev)
			}
			seen[l] = name
			last := l[len(l)-1:]
			if isFragment(name) {
				if strings.ContainsAny(last, ".!?") && !strings.HasSuffix(name, ":describe") {
					t.Errorf("%s: fragment %q ends a sentence", name, l)
				}
				continue
			}
			// A line may end in a fact, which is a sentence with its own mark.
			if !strings.ContainsAny(last, ".!?") && !strings.HasSuffix(l, "{fact}") && !strings.HasSuffix(l, "{factlow}") {
				t.Errorf("%s: %q does not end a sentence", name, l)
			}
			// Flavour, openers and follow-ups are one sentence each; an answer to the line
			// may take up to three ("The Red War? I fought in it. Ask me no more.").
			oneSentence := strings.HasSuffix(name, ":flavour") || strings.HasSuffix(name, ":opener") ||
				strings.HasPrefix(name, "after:") || strings.Contains(name, ":follow-")
			if n := len(inner.FindAllString(l, -1)); (oneSentence && n > 0) || n > 2 {
				t.Errorf("%s: %q holds %d sentences", name, l, n+1)
			}
		}
	}
}

// TestEveryRuleCanFire checks no rule is dead: each is the best match for some query.
func TestEveryRuleCanFire(t *testing.T) {
	e := newEngine(t)
	fired := map[string]bool{}
	for _, in := range Intents {
		for _, r := range append(slices.Clone(roles), commonRole) {
			for _, m := range moods {
				for _, tier := range tiers {
					for _, spk := range vocabulary(keySpeaker) {
						for _, rem := range []string{"yes", "no"} {
							for _, tp := range vocabulary(keyTopic) {
								q := query{string(in), r, "sage", m, tier, spk, rem, tp}
								for _, tier := range matchTiers(e.rules, &q) {
									for _, i := range tier {
										fired[e.rules[i].id] = true
									}
								}
							}
						}
					}
				}
			}
		}
	}
	for _, r := range e.rules {
		if !fired[r.id] {
			t.Errorf("rule %q never matches", r.id)
		}
	}
}
