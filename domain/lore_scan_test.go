package domain_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

// lore is an enabled entry named name, keyed by keys.
func lore(name string, keys []string, content string) domain.LoreEntry {
	return domain.LoreEntry{ID: "lbe_" + name, Name: name, Keys: keys, Content: content, Enabled: true, InsertionOrder: 100, Priority: 10}
}

// with returns e changed by f, so table rows read as one expression.
func with(e domain.LoreEntry, f func(*domain.LoreEntry)) domain.LoreEntry {
	f(&e)
	return e
}

func book(entries ...domain.LoreEntry) domain.Lorebook {
	return domain.Lorebook{ID: "lbk_test", Name: "test", Entries: entries}
}

func names(snippets []domain.LoreSnippet) []string {
	out := []string{}
	for _, s := range snippets {
		out = append(out, s.Name)
	}
	return out
}

func TestTriggeredLoreMatchesKeys(t *testing.T) {
	t.Parallel()
	war := lore("war", []string{"war"}, "The war ended long ago.")
	redWar := lore("red war", []string{"Red War"}, "The Red War burned Greywater.")
	ash := with(lore("Ash", []string{"Ash"}, "Ash is the smith's daughter."), func(e *domain.LoreEntry) { e.CaseSensitive = true })
	greywater := lore("Greywater", []string{"Greywater"}, "Greywater stands where two rivers meet.")
	field := lore("field", []string{"Lorara's Field"}, "Lorara's Field is an old battlefield.")
	city := lore("city", []string{"city"}, "The city never sleeps.")
	witch := lore("witch", []string{"witch"}, "The witch lives in the fen.")
	han := lore("han", []string{"赤い戦争"}, "The Red War, in the eastern tongue.")
	for _, tt := range []struct {
		name    string
		entries []domain.LoreEntry
		line    string
		want    []string
	}{
		{"a key as a word", []domain.LoreEntry{war}, "What of the war?", []string{"war"}},
		{"a key at the end of a sentence", []domain.LoreEntry{war}, "Tell me of the war.", []string{"war"}},
		{"a key inside a longer word", []domain.LoreEntry{war}, "The warden is asleep, and the dwarf is drunk.", nil},
		{"a key in another case", []domain.LoreEntry{war}, "THE WAR!", []string{"war"}},
		{"a plural", []domain.LoreEntry{war}, "The wars of old.", []string{"war"}},
		{"a plural in -ies", []domain.LoreEntry{city}, "All the cities burned.", []string{"city"}},
		{"a plural in -es", []domain.LoreEntry{witch}, "Witches!", []string{"witch"}},
		{"a phrase across punctuation", []domain.LoreEntry{redWar}, "Was it red—war, or worse?", []string{"red war"}},
		{"a phrase across spaces and lines of text", []domain.LoreEntry{redWar}, "the red\t war", []string{"red war"}},
		{"half a phrase", []domain.LoreEntry{redWar}, "The red banner, the war drums.", nil},
		{"a phrase whose last word is longer", []domain.LoreEntry{redWar}, "The red warden.", nil},
		{"a case-sensitive key", []domain.LoreEntry{ash}, "Ash went to the market.", []string{"Ash"}},
		{"a case-sensitive key in another case", []domain.LoreEntry{ash}, "The ash falls.", nil},
		{"a possessive", []domain.LoreEntry{greywater}, "Greywater's walls are low.", []string{"Greywater"}},
		{"a possessive with a curly apostrophe", []domain.LoreEntry{greywater}, "Greywater’s walls are low.", []string{"Greywater"}},
		{"a possessive key written with a curly apostrophe", []domain.LoreEntry{field}, "We met at Lorara’s field.", []string{"field"}},
		{"a possessive key written without its apostrophe", []domain.LoreEntry{field}, "We met at Loraras Field.", []string{"field"}},
		{"a possessive key missing its s", []domain.LoreEntry{field}, "We met at Lorara Field.", []string{"field"}},
		{"a key in a script without spaces", []domain.LoreEntry{han}, "彼は赤い戦争で戦った。", []string{"han"}},
		{"no key at all", []domain.LoreEntry{war, redWar, greywater}, "Nice weather today.", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := names(domain.TriggeredLore([]domain.Lorebook{book(tt.entries...)}, []string{tt.line}))
			if !slices.Equal(got, orEmpty(tt.want)) {
				t.Errorf("%q triggers %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestTriggeredLoreRegexKeys(t *testing.T) {
	t.Parallel()
	regex := func(key string, caseSensitive bool) domain.LoreEntry {
		return with(lore("re", []string{key}, "matched"), func(e *domain.LoreEntry) { e.UseRegex, e.CaseSensitive = true, caseSensitive })
	}
	for _, tt := range []struct {
		name string
		key  string
		cs   bool
		line string
		want bool
	}{
		{"a Go pattern", `gr[ae]y (wolf|hound)`, false, "A grey wolf!", true},
		{"a Go pattern, case-insensitive by default", `grey wolf`, false, "GREY WOLF", true},
		{"a Go pattern, case-sensitive when asked", `grey wolf`, true, "GREY WOLF", false},
		{"a literal with flag i", `/^hello/i`, true, "Hello there", true},
		{"a literal without flag i is case-sensitive", `/^hello/`, false, "Hello there", false},
		{"a literal with flags g and m", `/^there$/gm`, false, "hello\nthere", true},
		{"a literal with an escaped slash", `/and\/or/`, false, "this and/or that", true},
		{"a pattern that does not match", `\bdragon\b`, false, "dragonfly", false},
		{"an invalid pattern", `(unclosed`, false, "(unclosed", false},
		{"a look-ahead Go cannot compile", `foo(?=bar)`, false, "foobar", false},
		{"a pattern over 512 bytes", strings.Repeat("a", 513), false, strings.Repeat("a", 600), false},
		{"an empty key", ``, false, "anything", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := len(domain.TriggeredLore([]domain.Lorebook{book(regex(tt.key, tt.cs))}, []string{tt.line})) == 1
			if got != tt.want {
				t.Errorf("key %q on %q: triggered %v, want %v", tt.key, tt.line, got, tt.want)
			}
		})
	}
}

func TestTriggeredLoreSelectiveLogic(t *testing.T) {
	t.Parallel()
	dragon := func(logic string, selective bool) domain.LoreEntry {
		return with(lore("dragon", []string{"dragon"}, "Dragons sleep under the mountain."), func(e *domain.LoreEntry) {
			e.SecondaryKeys, e.Selective, e.SelectiveLogic = []string{"red", "gold"}, selective, logic
		})
	}
	for _, tt := range []struct {
		logic     string
		selective bool
		line      string
		want      bool
	}{
		{domain.LogicAndAny, true, "a red dragon", true},
		{domain.LogicAndAny, true, "a blue dragon", false},
		{domain.LogicAndAny, true, "red and gold, but no beast", false},
		{"", true, "a gold dragon", true},
		{"", true, "a blue dragon", false},
		{domain.LogicAndAll, true, "a red and gold dragon", true},
		{domain.LogicAndAll, true, "a red dragon", false},
		{domain.LogicNotAny, true, "a blue dragon", true},
		{domain.LogicNotAny, true, "a red dragon", false},
		{domain.LogicNotAll, true, "a red dragon", true},
		{domain.LogicNotAll, true, "a blue dragon", true},
		{domain.LogicNotAll, true, "a red and gold dragon", false},
		{domain.LogicAndAll, false, "a blue dragon", true},
	} {
		t.Run(fmt.Sprintf("%s selective=%v %s", tt.logic, tt.selective, tt.line), func(t *testing.T) {
			t.Parallel()
			got := len(domain.TriggeredLore([]domain.Lorebook{book(dragon(tt.logic, tt.selective))}, []string{tt.line})) == 1
			if got != tt.want {
				t.Errorf("triggered %v, want %v", got, tt.want)
			}
		})
	}
	// Selective with no secondary keys is the primary keys alone.
	e := with(lore("bare", []string{"dragon"}, "x"), func(e *domain.LoreEntry) { e.Selective, e.SelectiveLogic = true, domain.LogicAndAll })
	if got := domain.TriggeredLore([]domain.Lorebook{book(e)}, []string{"a dragon"}); len(got) != 1 {
		t.Errorf("a selective entry with no secondary keys: %v", names(got))
	}
}

func TestTriggeredLoreSwitchesAndDepth(t *testing.T) {
	t.Parallel()
	constant := with(lore("constant", nil, "Always here."), func(e *domain.LoreEntry) { e.Constant = true })
	disabled := with(lore("disabled", []string{"war"}, "Never here."), func(e *domain.LoreEntry) { e.Enabled = false })
	offConstant := with(constant, func(e *domain.LoreEntry) { e.Name, e.Content, e.Enabled = "off constant", "Off.", false })
	empty := lore("empty", []string{"war"}, "  \n ")
	war := lore("war", []string{"war"}, "The war.")
	for _, tt := range []struct {
		name    string
		depth   int
		entries []domain.LoreEntry
		lines   []string
		want    []string
	}{
		{"a constant entry with no key", 0, []domain.LoreEntry{constant}, []string{"hello"}, []string{"constant"}},
		{"a disabled entry whose key appears", 0, []domain.LoreEntry{disabled}, []string{"the war"}, nil},
		{"a disabled constant entry", 0, []domain.LoreEntry{offConstant}, []string{"hello"}, nil},
		{"an entry with no content", 0, []domain.LoreEntry{empty}, []string{"the war"}, nil},
		{"no lines", 0, []domain.LoreEntry{war, constant}, nil, []string{"constant"}},
		{"depth 1 sees the line answered", 1, []domain.LoreEntry{war}, []string{"hello", "the war"}, []string{"war"}},
		{"depth 1 misses the line before", 1, []domain.LoreEntry{war}, []string{"the war", "hello"}, nil},
		{"depth 2 sees the line before", 2, []domain.LoreEntry{war}, []string{"the war", "hello"}, []string{"war"}},
		{"the default depth sees four lines", 0, []domain.LoreEntry{war}, []string{"the war", "a", "b", "c"}, []string{"war"}},
		{"the default depth misses a fifth", 0, []domain.LoreEntry{war}, []string{"the war", "a", "b", "c", "d"}, nil},
		{"a phrase does not span two lines", 0, []domain.LoreEntry{lore("red war", []string{"red war"}, "x")}, []string{"red", "war"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := book(tt.entries...)
			b.ScanDepth = tt.depth
			if got := names(domain.TriggeredLore([]domain.Lorebook{b}, tt.lines)); !slices.Equal(got, orEmpty(tt.want)) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTriggeredLoreRecursion(t *testing.T) {
	t.Parallel()
	chain := []domain.LoreEntry{
		lore("a", []string{"alpha"}, "Alpha speaks of beta."),
		lore("b", []string{"beta"}, "Beta speaks of gamma."),
		lore("c", []string{"gamma"}, "Gamma speaks of delta."),
		lore("d", []string{"delta"}, "Delta speaks of epsilon."),
		lore("e", []string{"epsilon"}, "Epsilon is the end."),
	}
	mutual := []domain.LoreEntry{
		lore("ping", []string{"ping"}, "Ping answers pong."),
		lore("pong", []string{"pong"}, "Pong answers ping."),
	}
	// Secondary keys may be met by the content of an entry triggered a round before.
	selective := []domain.LoreEntry{
		lore("smith", []string{"smith"}, "The smith fought in the war."),
		with(lore("hammer", []string{"hammer"}, "The hammer was forged for the war."), func(e *domain.LoreEntry) {
			e.Selective, e.SecondaryKeys = true, []string{"war"}
		}),
		lore("war", []string{"war"}, "The war ended twelve winters ago."),
	}
	for _, tt := range []struct {
		name      string
		recursive bool
		entries   []domain.LoreEntry
		line      string
		want      []string
	}{
		{"off", false, chain, "Tell me of alpha.", []string{"a"}},
		{"three rounds after the first", true, chain, "Tell me of alpha.", []string{"a", "b", "c", "d"}},
		{"entries that name each other trigger once", true, mutual, "ping?", []string{"ping", "pong"}},
		{"secondary keys in triggered content", true, selective, "Show me the smith's hammer.", []string{"smith", "hammer", "war"}},
		{"secondary keys, without recursion", false, selective, "Show me the smith's hammer.", []string{"smith"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := book(tt.entries...)
			b.RecursiveScanning = tt.recursive
			if got := names(domain.TriggeredLore([]domain.Lorebook{b}, []string{tt.line})); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTriggeredLoreBudgetAndOrder(t *testing.T) {
	t.Parallel()
	// 40 characters are 10 tokens.
	text := func(c byte) string { return strings.Repeat(string(c), 40) }
	entry := func(name string, priority, order int, content string) domain.LoreEntry {
		return with(lore(name, []string{"key"}, content), func(e *domain.LoreEntry) { e.Priority, e.InsertionOrder = priority, order })
	}
	t.Run("the budget keeps the highest priorities, and smaller entries after a miss", func(t *testing.T) {
		t.Parallel()
		b := book(
			entry("low", 1, 1, text('a')),
			entry("high", 50, 2, text('b')),
			entry("middle", 20, 3, text('c')),
			entry("small", 5, 4, "tiny"),
		)
		b.TokenBudget = 12
		if got := names(domain.TriggeredLore([]domain.Lorebook{b}, []string{"key"})); !slices.Equal(got, []string{"high", "small"}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("constant entries come first, whatever their priority", func(t *testing.T) {
		t.Parallel()
		b := book(entry("keyed", 99, 1, text('a')), with(entry("constant", 0, 2, text('b')), func(e *domain.LoreEntry) { e.Constant = true }))
		b.TokenBudget = 10
		if got := names(domain.TriggeredLore([]domain.Lorebook{b}, []string{"key"})); !slices.Equal(got, []string{"constant"}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("equal priorities go by insertion order", func(t *testing.T) {
		t.Parallel()
		b := book(entry("later", 10, 9, text('a')), entry("sooner", 10, 1, text('b')))
		b.TokenBudget = 10
		if got := names(domain.TriggeredLore([]domain.Lorebook{b}, []string{"key"})); !slices.Equal(got, []string{"sooner"}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("the result is in insertion order, ties in book then entry order", func(t *testing.T) {
		t.Parallel()
		first := book(entry("1/b", 10, 20, "b"), entry("1/a", 99, 10, "a"), entry("1/c", 10, 30, "c"))
		second := book(entry("2/a", 10, 10, "d"), entry("2/z", 10, 5, "e"))
		second.ID = "lbk_second"
		got := domain.TriggeredLore([]domain.Lorebook{first, second}, []string{"key"})
		if n := names(got); !slices.Equal(n, []string{"2/z", "1/a", "2/a", "1/b", "1/c"}) {
			t.Errorf("got %v", n)
		}
		if got[0].LorebookID != "lbk_second" || got[0].EntryID != "lbe_2/z" || !slices.Equal(got[0].Keys, []string{"key"}) {
			t.Errorf("a snippet names its book and entry: %+v", got[0])
		}
	})
	t.Run("each book has its own budget, and content is given once", func(t *testing.T) {
		t.Parallel()
		first := book(entry("1", 10, 1, text('a')))
		second := book(entry("2", 10, 1, text('a')), entry("3", 10, 2, text('b')))
		first.TokenBudget, second.TokenBudget = 10, 10
		if got := names(domain.TriggeredLore([]domain.Lorebook{first, second}, []string{"key"})); !slices.Equal(got, []string{"1", "3"}) {
			t.Errorf("got %v", got)
		}
	})
}

func TestTriggeredLoreDecorators(t *testing.T) {
	t.Parallel()
	entry := func(content string) domain.LoreEntry { return lore("x", []string{"war"}, content) }
	lines := func(n int, last string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "hello"
		}
		out[n-1] = last
		return out
	}
	for _, tt := range []struct {
		name    string
		entry   domain.LoreEntry
		scanned []string
		want    bool
	}{
		{"@@activate needs no key", entry("@@activate\nAlways."), lines(1, "hello"), true},
		{"@@dont_activate stops a key", entry("@@dont_activate\nNever."), lines(1, "the war"), false},
		{"@@dont_activate stops a constant entry", with(entry("@@dont_activate\nNever."), func(e *domain.LoreEntry) { e.Constant = true }), lines(1, "hi"), false},
		{"@@scan_depth narrows the book's depth", entry("@@scan_depth 1\nNear."), []string{"the war", "hello"}, false},
		{"@@scan_depth widens the book's depth", entry("@@scan_depth 8\nFar."), append([]string{"the war"}, lines(6, "hello")...), true},
		{"@@activate_only_after, too early", entry("@@activate_only_after 3\nLater."), lines(2, "the war"), false},
		{"@@activate_only_after, in time", entry("@@activate_only_after 3\nLater."), lines(3, "the war"), true},
		{"@@activate_only_every, off beat", entry("@@activate_only_every 2\nEvery other."), lines(3, "the war"), false},
		{"@@activate_only_every, on beat", entry("@@activate_only_every 2\nEvery other."), lines(4, "the war"), true},
		{"an invalid number is ignored", entry("@@activate_only_every zero\nAny time."), lines(3, "the war"), true},
		{"a fallback stands in for an unsupported decorator", entry("@@risu_only 4\n@@@dont_activate\nNever."), lines(1, "the war"), false},
		{"a fallback of a supported decorator is not needed", entry("@@activate_only_after 1\n@@@dont_activate\nYes."), lines(1, "the war"), true},
		{"an unsupported decorator changes nothing", entry("@@depth 4\n@@role system\nStill."), lines(1, "the war"), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := domain.TriggeredLore([]domain.Lorebook{book(tt.entry)}, tt.scanned)
			if (len(got) == 1) != tt.want {
				t.Fatalf("triggered %v, want %v", len(got) == 1, tt.want)
			}
			if tt.want && strings.Contains(got[0].Content, "@@") {
				t.Errorf("decorators reached the snippet: %q", got[0].Content)
			}
		})
	}
}

func TestTriggeredLoreSnippets(t *testing.T) {
	t.Parallel()
	unnamed := with(lore("", nil, "\n@@depth 2\n\nGreywater stands where two rivers meet. It is old.\n"), func(e *domain.LoreEntry) { e.Constant, e.Category = true, "place" })
	keyed := lore("", []string{"Widowmaker"}, "A hammer.")
	got := domain.TriggeredLore([]domain.Lorebook{book(unnamed, keyed)}, []string{"Widowmaker?"})
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	if got[0].Content != "Greywater stands where two rivers meet. It is old." || got[0].Category != "place" {
		t.Errorf("content without its decorators, trimmed: %+v", got[0])
	}
	if got[0].Name != "Greywater stands where two rivers meet" || got[1].Name != "Widowmaker" {
		t.Errorf("unnamed entries are named by their content or key: %q, %q", got[0].Name, got[1].Name)
	}
	if domain.TriggeredLore(nil, []string{"x"}) != nil || domain.TriggeredLore([]domain.Lorebook{book()}, nil) != nil {
		t.Error("nothing to scan gives nil")
	}
}

// Scans share the books they read and nothing else.
func TestTriggeredLoreConcurrently(t *testing.T) {
	t.Parallel()
	b, lines := benchBook(200)
	b.RecursiveScanning = true
	want := names(domain.TriggeredLore([]domain.Lorebook{b}, lines))
	done := make(chan []string)
	for range 8 {
		go func() { done <- names(domain.TriggeredLore([]domain.Lorebook{b}, lines)) }()
	}
	for range 8 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	}
}

func TestEstimateLoreTokens(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"": 0, "a": 1, "abcd": 1, "abcde": 2, "héllo wörld": 3} {
		if got := domain.EstimateLoreTokens(in); got != want {
			t.Errorf("EstimateLoreTokens(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseLoreDecorators(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		content string
		want    []domain.LoreDecorator
		rest    string
	}{
		{"none", "Plain text.\n@@depth 4", nil, "Plain text.\n@@depth 4"},
		{"several", "@@depth 4\n@@role system\n@@activate\n\nThe text.", []domain.LoreDecorator{
			{Name: "depth", Value: "4"}, {Name: "role", Value: "system"}, {Name: "activate", Supported: true},
		}, "The text."},
		{"values are trimmed and may hold commas", "@@position  after_desc \n@@exclude_keys a, b,c\ntext", []domain.LoreDecorator{
			{Name: "position", Value: "after_desc"}, {Name: "exclude_keys", Value: "a, b,c"},
		}, "text"},
		{"fallbacks", "@@risu_only 4\n@@@agn_only 4\n@@@activate_only_every 4\n@@@dont_activate\nx", []domain.LoreDecorator{
			{Name: "risu_only", Value: "4"}, {Name: "@agn_only", Value: "4"},
			{Name: "@activate_only_every", Value: "4", Supported: true}, {Name: "@dont_activate"},
		}, "x"},
		{"the fallback of a supported decorator is not used", "@@scan_depth 2\n@@@activate\nx", []domain.LoreDecorator{
			{Name: "scan_depth", Value: "2", Supported: true}, {Name: "@activate"},
		}, "x"},
		{"all five supported", "@@activate\n@@dont_activate\n@@scan_depth 3\n@@activate_only_after 2\n@@activate_only_every 5", []domain.LoreDecorator{
			{Name: "activate", Supported: true}, {Name: "dont_activate", Supported: true}, {Name: "scan_depth", Value: "3", Supported: true},
			{Name: "activate_only_after", Value: "2", Supported: true}, {Name: "activate_only_every", Value: "5", Supported: true},
		}, ""},
		{"blank lines before", "\n  \n@@depth 1\ntext", []domain.LoreDecorator{{Name: "depth", Value: "1"}}, "text"},
		{"a bare @@ is content", "@@\ntext", nil, "@@\ntext"},
		{"a fallback with nothing before it is content", "@@@depth 1\ntext", nil, "@@@depth 1\ntext"},
		{"windows line ends", "@@depth 1\r\n\r\ntext", []domain.LoreDecorator{{Name: "depth", Value: "1"}}, "text"},
		{"a tab after the name", "@@depth\t4\ntext", []domain.LoreDecorator{{Name: "depth", Value: "4"}}, "text"},
		{"only decorators", "@@activate\n", []domain.LoreDecorator{{Name: "activate", Supported: true}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rest := domain.ParseLoreDecorators(tt.content)
			if !slices.Equal(got, tt.want) || rest != tt.rest {
				t.Errorf("got %+v, %q\nwant %+v, %q", got, rest, tt.want, tt.rest)
			}
		})
	}
	e := domain.LoreEntry{Content: "@@depth 4\n@@activate\n@@role system\n@@@scan_depth 2\ntext"}
	if got := domain.UnsupportedDecorators(e); !slices.Equal(got, []string{"depth", "role"}) {
		t.Errorf("UnsupportedDecorators = %v", got)
	}
}

// benchBook is a book of n entries of three keys each, and four lines of thirty words that
// mention a few of them.
func benchBook(n int) (domain.Lorebook, []string) {
	// Invented names, as a fantasy world's are: two or three syllables of varied onsets.
	onsets := strings.Fields("b c d f g h k l m n p r s t v w z br dr gr kr st th sh tr")
	vowels := strings.Fields("a e i o u ae ei ou")
	word := func(i int) string {
		var b strings.Builder
		i = i*7919 + 13 // spread neighbouring entries apart
		for j := 0; j < 2+i%2; j++ {
			b.WriteString(onsets[i%len(onsets)])
			i /= len(onsets)
			b.WriteString(vowels[i%len(vowels)])
			i /= len(vowels)
		}
		return b.String()
	}
	b := domain.Lorebook{ID: "lbk_bench", Name: "bench"}
	for i := 0; i < n; i++ {
		keys := []string{word(3 * i), word(3*i+1) + " " + word(3*i+2), strings.ToUpper(word(3*i + 2)[:1]) + word(3*i + 2)[1:] + "'s Gate"}
		b.Entries = append(b.Entries, lore(fmt.Sprint(i), keys, fmt.Sprintf("Entry %d is about %s and what happened there, in a sentence or two.", i, keys[0])))
	}
	filler := strings.Fields("the smith said that the road to the river was long and cold and nobody would walk it after dark for fear of what waits")
	lines := make([]string, 4)
	for l := range lines {
		words := make([]string, 0, 30)
		for w := 0; w < 30; w++ {
			if w%10 == 5 {
				words = append(words, word(3*(l*97+w*13)%(3*n)))
			} else {
				words = append(words, filler[(l*7+w)%len(filler)])
			}
		}
		lines[l] = strings.Join(words, " ") + "."
	}
	return b, lines
}

func BenchmarkTriggeredLore(b *testing.B) {
	for _, recursive := range []bool{false, true} {
		b.Run(fmt.Sprintf("recursive=%v", recursive), func(b *testing.B) {
			book, lines := benchBook(1000)
			book.RecursiveScanning = recursive
			if got := domain.TriggeredLore([]domain.Lorebook{book}, lines); len(got) == 0 {
				b.Fatal("the benchmark triggers nothing")
			}
			b.ReportAllocs()
			for b.Loop() {
				domain.TriggeredLore([]domain.Lorebook{book}, lines)
			}
		})
	}
}

// Whatever the keys, content and lines, a scan neither panics nor gives an entry's
// decorators, and ParseLoreDecorators gives back a tail of the content.
func FuzzTriggeredLore(f *testing.F) {
	f.Add("war", "@@scan_depth 2\nThe war.", "the war's end", false, false)
	f.Add(`/(?i)w[a-z]+/g`, "@@@activate\n@@activate", "WAR", true, true)
	f.Add("Greywater’s", "\n\n@@depth\n", "greywaters", false, true)
	f.Add("赤い", "x", "\xff\xfe'sss's", false, false)
	f.Fuzz(func(t *testing.T, key, content, line string, regex, caseSensitive bool) {
		ds, rest := domain.ParseLoreDecorators(content)
		if !strings.HasSuffix(content, rest) || (len(ds) == 0 && rest != content) {
			t.Fatalf("ParseLoreDecorators(%q) = %v, %q", content, ds, rest)
		}
		e := lore("x", []string{key, key + " " + key}, content)
		e.UseRegex, e.CaseSensitive, e.Selective, e.SecondaryKeys = regex, caseSensitive, true, []string{line}
		b := book(e, with(e, func(e *domain.LoreEntry) { e.ID, e.Constant = "lbe_y", true }))
		b.RecursiveScanning = true
		for _, s := range domain.TriggeredLore([]domain.Lorebook{b}, []string{line, key}) {
			if d, _ := domain.ParseLoreDecorators(s.Content); len(d) > 0 && len(ds) > 0 && !strings.HasPrefix(strings.TrimSpace(rest), "@@") {
				t.Fatalf("decorators reached the snippet: %q", s.Content)
			}
		}
	})
}
