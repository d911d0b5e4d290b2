package worldgen

import "github.com/troupe-ai/troupe/detrand"

import "testing"

func TestRender(t *testing.T) {
	values := map[string]value{
		"region": {"The Ashen Wood", kindName},
		"place":  {"Oakford", kindName},
		"adj":    {"eerie", kindWord},
		"cons":   {"grim", kindWord},
		"uni":    {"uncanny", kindWord},
		"user":   {"the {region} of Us", kindVerbatim},
		"hour":   {"honest", kindWord},
	}
	lookup := func(k string) value {
		if v, ok := values[k]; ok {
			return v
		}
		return value{"{" + k + "}", kindVerbatim}
	}
	cases := []struct {
		tmpl string
		mid  bool
		want string
	}{
		{"{region} is old.", false, "The Ashen Wood is old."},
		{"Go to {region}.", false, "Go to the Ashen Wood."},
		{"{region}, then {place}.", true, "the Ashen Wood, then Oakford."},
		{"It is quiet. {region} waits.", false, "It is quiet. The Ashen Wood waits."},
		{"A {adj} mood.", false, "An eerie mood."},
		{"It has a {adj} air and an {cons} one.", false, "It has an eerie air and a grim one."},
		{"{adj} songs ring out.", false, "Eerie songs ring out."},
		{"They sing {adj} songs.", false, "They sing eerie songs."},
		{"Such an {uni} hush.", false, "Such an uncanny hush."},
		{"A {hour} reply.", false, "An honest reply."},
		{"Welcome to {user}.", false, "Welcome to the {region} of Us."},
		{"{user} is here.", false, "the {region} of Us is here."},
		{"Not a {missing}.", false, "Not a {missing}."},
		{"No placeholders at all.", false, "No placeholders at all."},
	}
	for _, tc := range cases {
		if got := render(tc.tmpl, tc.mid, lookup); got != tc.want {
			t.Errorf("render(%q) = %q, want %q", tc.tmpl, got, tc.want)
		}
	}
}

func TestTakesAn(t *testing.T) {
	for word, want := range map[string]bool{
		"apple": true, "eerie": true, "ice": true, "oath": true, "uncanny": true,
		"usurper": false, "unicorn": false, "one-way": false, "European": false,
		"honest": true, "heir": true, "hat": false, "grim": false, "": false,
	} {
		if got := takesAn(word); got != want {
			t.Errorf("takesAn(%q) = %v, want %v", word, got, want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	keys, err := placeholders("{a} and {b_c}, {a}.")
	if err != nil || len(keys) != 3 || keys[0] != "a" || keys[1] != "b_c" {
		t.Errorf("placeholders = %v, %v", keys, err)
	}
	for _, bad := range []string{"{a", "a}", "{}", "{a{b}}", "{a}}"} {
		if _, err := placeholders(bad); err == nil {
			t.Errorf("placeholders(%q) gave no error", bad)
		}
	}
}

func TestArticleMistake(t *testing.T) {
	for tmpl, want := range map[string]string{
		"A empty hall.":         "A empty",
		"It is an ruin.":        "an ruin.",
		"An old hall, a {adj}.": "",
		"A one-way ticket.":     "",
		"Plan a attack.":        "a attack.",
	} {
		if got := articleMistake(tmpl); got != want {
			t.Errorf("articleMistake(%q) = %q, want %q", tmpl, got, want)
		}
	}
}

func TestJoinList(t *testing.T) {
	cases := []struct {
		items []string
		sep   string
		want  string
	}{
		{nil, ", ", ""},
		{[]string{"a"}, ", ", "a"},
		{[]string{"a", "b"}, "; ", "a and b"},
		{[]string{"a", "b", "c"}, ", ", "a, b and c"},
		{[]string{"a", "b", "c"}, "; ", "a; b; and c"},
	}
	for _, tc := range cases {
		if got := joinList(tc.items, tc.sep); got != tc.want {
			t.Errorf("joinList(%q, %q) = %q, want %q", tc.items, tc.sep, got, tc.want)
		}
	}
}

func TestNameHelpers(t *testing.T) {
	for in, want := range map[string]string{"elllor": "ellor", "feniia": "fenia", "moon": "moon", "aaa": "a"} {
		if got := smoothJoins(in); got != want {
			t.Errorf("smoothJoins(%q) = %q, want %q", in, got, want)
		}
	}
	for n, want := range map[int]string{1: "I", 2: "II", 4: "IV", 9: "IX", 14: "XIV", 40: "XL", 1994: "MCMXCIV"} {
		if got := roman(n); got != want {
			t.Errorf("roman(%d) = %q, want %q", n, got, want)
		}
	}
	if nameKey("The Ashen Wood") != nameKey("ashen wood") {
		t.Error("nameKey should ignore case and a leading The")
	}
}

func TestUniqueNameFallsBackToNumerals(t *testing.T) {
	w := &world{used: map[string]bool{}}
	r := detrand.New(0)
	for i, want := range []string{"Oakford", "Oakford II", "Oakford III"} {
		if got := w.uniqueName(r, []string{"Oakford"}, nil); got != want {
			t.Errorf("name %d = %q, want %q", i, got, want)
		}
	}
}
