package domain

import (
	"strconv"
	"strings"
)

// The decorators Troupe acts on when it scans a lorebook (TriggeredLore).
const (
	// DecoratorActivate triggers the entry whatever its keys.
	DecoratorActivate = "activate"
	// DecoratorDontActivate never triggers the entry.
	DecoratorDontActivate = "dont_activate"
	// DecoratorScanDepth N scans the newest N lines for this entry, whatever the book's
	// scan depth.
	DecoratorScanDepth = "scan_depth"
	// DecoratorActivateOnlyAfter N triggers the entry only once the conversation has N
	// lines.
	DecoratorActivateOnlyAfter = "activate_only_after"
	// DecoratorActivateOnlyEvery N triggers the entry only when the conversation's line
	// count is a multiple of N.
	DecoratorActivateOnlyEvery = "activate_only_every"
)

// loreFallbackPrefix marks the name of a fallback decorator ("@@@name" lines): "@name".
const loreFallbackPrefix = "@"

// IsSupportedDecorator reports whether Troupe acts on the decorator named name (without
// its @@).
func IsSupportedDecorator(name string) bool {
	switch name {
	case DecoratorActivate, DecoratorDontActivate, DecoratorScanDepth, DecoratorActivateOnlyAfter, DecoratorActivateOnlyEvery:
		return true
	}
	return false
}

// ParseLoreDecorators splits an entry's content into its CCv3 decorators and the rest. The
// decorators are the lines at the head of the content that start with "@@" ("@@depth 4"):
// Name is the word after the @@, Value the rest of the line, trimmed. A "@@@" line is a
// fallback of the decorator above it; its Name is the word after the @@@ prefixed with
// "@" ("@@@activate" gives "@activate").
//
// Supported is true for the decorators Troupe acts on (IsSupportedDecorator). A fallback
// is marked Supported only when Troupe acts on it, as the spec asks: the decorator it backs
// and every fallback before it are unsupported and it names a supported one. So the
// decorators marked unsupported are exactly those a scan ignores.
//
// rest is the content after the decorator lines, its leading blank lines trimmed; content
// with no decorators is returned whole. A line of "@@" and nothing else, or "@@" followed
// by a space, is content, not a decorator.
func ParseLoreDecorators(content string) (decorators []LoreDecorator, rest string) {
	pos := 0
	// Blank lines before the first decorator do not hide it.
	for pos < len(content) {
		line, n := loreLineAt(content, pos)
		if strings.TrimSpace(line) != "" {
			break
		}
		pos = n
	}
	// chainTaken says whether the current chain (a decorator and its fallbacks) already
	// has a decorator Troupe acts on.
	chainTaken := false
	for pos < len(content) {
		line, n := loreLineAt(content, pos)
		d, fallback, ok := parseLoreDecoratorLine(line)
		if !ok || (fallback && len(decorators) == 0) {
			// A fallback with nothing to fall back from is content.
			break
		}
		if fallback {
			d.Supported = !chainTaken && IsSupportedDecorator(d.Name)
			d.Name = loreFallbackPrefix + d.Name
		} else {
			d.Supported = IsSupportedDecorator(d.Name)
			chainTaken = false
		}
		chainTaken = chainTaken || d.Supported
		decorators = append(decorators, d)
		pos = n
	}
	if len(decorators) == 0 {
		return nil, content
	}
	// The spec asks that the blank lines after the decorators go with them.
	for pos < len(content) {
		line, n := loreLineAt(content, pos)
		if strings.TrimSpace(line) != "" {
			break
		}
		pos = n
	}
	return decorators, content[pos:]
}

// loreLineAt returns the line of s starting at pos, without its newline, and where the next
// line starts.
func loreLineAt(s string, pos int) (line string, next int) {
	if i := strings.IndexByte(s[pos:], '\n'); i >= 0 {
		return s[pos : pos+i], pos + i + 1
	}
	return s[pos:], len(s)
}

// parseLoreDecoratorLine reads one "@@name value" or "@@@name value" line.
func parseLoreDecoratorLine(line string) (d LoreDecorator, fallback, ok bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "@@") {
		return d, false, false
	}
	body := t[2:]
	if strings.HasPrefix(body, "@") {
		fallback, body = true, body[1:]
	}
	end := strings.IndexAny(body, " \t")
	if end < 0 {
		end = len(body)
	}
	name := body[:end]
	if name == "" || strings.HasPrefix(name, "@") {
		return d, false, false
	}
	return LoreDecorator{Name: name, Value: strings.TrimSpace(body[end:])}, fallback, true
}

// UnsupportedDecorators names the decorators of the entry's content that Troupe keeps but
// does not act on, in order, as written after the @@ (fallbacks with their "@" prefix).
func UnsupportedDecorators(e LoreEntry) []string {
	ds, _ := ParseLoreDecorators(e.Content)
	var out []string
	for _, d := range ds {
		if !d.Supported {
			out = append(out, d.Name)
		}
	}
	return out
}

// loreRules are the supported decorators of one entry as a scan applies them; a zero
// value applies none.
type loreRules struct {
	activate, dontActivate bool
	scanDepth              int // 0: the book's
	onlyAfter              int // 0: no condition
	onlyEvery              int // 0: no condition
}

// loreRulesOf reads the decorators a scan acts on. The first decorator of a name counts
// (the spec's rule for repeated decorators); a number that does not parse, or is below 1,
// makes its decorator ignored, as the spec says of invalid values.
func loreRulesOf(ds []LoreDecorator) loreRules {
	var r loreRules
	seen := map[string]bool{}
	for _, d := range ds {
		if !d.Supported {
			continue
		}
		name := strings.TrimPrefix(d.Name, loreFallbackPrefix)
		if seen[name] {
			continue
		}
		seen[name] = true
		n, err := strconv.Atoi(d.Value)
		if err != nil || n < 1 {
			n = 0
		}
		switch name {
		case DecoratorActivate:
			r.activate = true
		case DecoratorDontActivate:
			r.dontActivate = true
		case DecoratorScanDepth:
			r.scanDepth = min(n, MaxLoreScanDepth)
		case DecoratorActivateOnlyAfter:
			r.onlyAfter = n
		case DecoratorActivateOnlyEvery:
			r.onlyEvery = n
		}
	}
	return r
}
