package card

import (
	"slices"
	"strings"
)

// Decorator is one V3 lorebook decorator line, such as "@@depth 4" or the
// fallback "@@@instruct_depth 4".
type Decorator struct {
	// Name is the decorator name without its @ signs ("depth").
	Name string
	// Value is the text after the name, trimmed; "" for decorators without
	// a value such as @@dont_activate. See Values for comma lists.
	Value string
	// Fallback is true for "@@@" lines, which stand in for the decorator
	// above them when the application does not support that one.
	Fallback bool
	// Raw is the line as it appeared in the content, without its line
	// ending; "" for decorators built in code.
	Raw string
}

// Values splits a comma-separated value ("@@additional_keys a, b") into
// its trimmed parts; nil when there is no value.
func (d Decorator) Values() []string {
	if d.Value == "" {
		return nil
	}
	parts := strings.Split(d.Value, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// String renders the decorator as a content line.
func (d Decorator) String() string {
	s := "@@" + d.Name
	if d.Fallback {
		s = "@" + s
	}
	if d.Value != "" {
		s += " " + d.Value
	}
	return s
}

// ParseDecorators splits lorebook content into the decorator lines at its
// start and the remaining text, which is what is inserted into prompts.
// Blank lines between and right after the decorators are dropped with them,
// as the V3 spec says.
func ParseDecorators(content string) ([]Decorator, string) {
	d, rest, _ := splitDecorators(content)
	return d, rest
}

// splitDecorators is ParseDecorators that also returns the exact text that
// was cut off (head), so that head+rest == content.
func splitDecorators(content string) (decorators []Decorator, rest, head string) {
	pos := 0
	for pos < len(content) {
		line, next := content[pos:], len(content)
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line, next = line[:nl], pos+nl+1
		}
		if strings.TrimSpace(line) == "" {
			if len(decorators) == 0 {
				break // decorators must open the content
			}
			pos = next
			continue
		}
		d, ok := parseDecorator(line)
		if !ok {
			break
		}
		decorators = append(decorators, d)
		pos = next
	}
	if len(decorators) == 0 {
		return nil, content, ""
	}
	return decorators, content[pos:], content[:pos]
}

// parseDecorator reads one line as a decorator. The name must be made of
// letters, digits and underscores, so prose like "@@ look at this" or an
// e-mail-ish "@@@@" is left as content.
func parseDecorator(line string) (Decorator, bool) {
	raw := strings.TrimSuffix(line, "\r")
	s := strings.TrimLeft(raw, " \t")
	if !strings.HasPrefix(s, "@@") {
		return Decorator{}, false
	}
	d := Decorator{Raw: raw}
	s = s[2:]
	if strings.HasPrefix(s, "@") {
		d.Fallback, s = true, s[1:]
	}
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		end = len(s)
	}
	d.Name, d.Value = s[:end], strings.TrimSpace(s[end:])
	if d.Name == "" || strings.IndexFunc(d.Name, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return Decorator{}, false
	}
	return d, true
}

// RawContent returns the content as stored in the card: the decorator
// lines followed by Content. While Decorators is unchanged since reading,
// the original text is reproduced exactly; otherwise each decorator is
// written from its Raw line (if that still parses to the same decorator)
// or rendered anew, one per line.
func (e *Entry) RawContent() string {
	if len(e.Decorators) == 0 {
		return e.Content
	}
	head := e.head
	if head == "" || !slices.Equal(e.Decorators, e.parsed) {
		lines := make([]string, len(e.Decorators))
		for i, d := range e.Decorators {
			lines[i] = d.String()
			if p, ok := parseDecorator(d.Raw); ok && p.Name == d.Name && p.Value == d.Value && p.Fallback == d.Fallback {
				lines[i] = d.Raw
			}
		}
		head = strings.Join(lines, "\n")
	}
	if e.Content != "" && !strings.HasSuffix(head, "\n") {
		head += "\n"
	}
	return head + e.Content
}
