package ratelimit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The header fields of draft-ietf-httpapi-ratelimit-headers-11, and Retry-After (RFC 9110).
const (
	HeaderRateLimit       = "RateLimit"
	HeaderRateLimitPolicy = "RateLimit-Policy"
	HeaderRetryAfter      = "Retry-After"
)

// PolicyHeader formats the RateLimit-Policy field of policies: a Structured Field list
// with one string item per policy, its quota as q and its window in seconds as w:
//
//	"hour";q=100;w=3600, "second";q=10;w=1
func PolicyHeader(policies []Policy) string {
	var b strings.Builder
	b.Grow(itemSize * len(policies))
	for i, p := range policies {
		if i > 0 {
			b.WriteString(", ")
		}
		writeItem(&b, p.Name, "q", int64(p.Quota), "w", int64(p.Window/time.Second))
	}
	return b.String()
}

// RateLimitHeader formats the RateLimit field of results: per policy, the remaining
// requests as r and the seconds until the budget is full again, rounded up, as t:
//
//	"hour";r=93;t=2400, "second";r=9;t=1
func RateLimitHeader(results []PolicyResult) string {
	var b strings.Builder
	b.Grow(itemSize * len(results))
	for i, r := range results {
		if i > 0 {
			b.WriteString(", ")
		}
		writeItem(&b, r.Policy.Name, "r", int64(r.Result.Remaining), "t", ceilSeconds(r.Result.ResetAfter))
	}
	return b.String()
}

// itemSize is the room a typical list member takes, so one allocation builds a field.
const itemSize = 40

// writeItem writes one list member. Policy names are restricted to characters a
// Structured Field string carries unescaped (see Policy.Validate).
func writeItem(b *strings.Builder, name, k1 string, v1 int64, k2 string, v2 int64) {
	var num [20]byte
	b.WriteByte('"')
	b.WriteString(name)
	b.WriteString(`";`)
	b.WriteString(k1)
	b.WriteByte('=')
	b.Write(strconv.AppendInt(num[:0], v1, 10))
	b.WriteByte(';')
	b.WriteString(k2)
	b.WriteByte('=')
	b.Write(strconv.AppendInt(num[:0], v2, 10))
}

// ceilSeconds rounds d up to whole seconds.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// Item is one member of a RateLimit or RateLimit-Policy field: the policy name and its
// parameters.
type Item struct {
	Name   string
	Params map[string]int64
}

// ParseHeader parses a RateLimit or RateLimit-Policy field value following the
// Structured Field list grammar of RFC 9651, for clients and tests. It supports what
// these fields carry here: string or token items with integer parameters.
func ParseHeader(v string) ([]Item, error) {
	p := sfParser{s: v}
	p.skip(" ")
	var items []Item
	if p.done() {
		return items, nil
	}
	for {
		it, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
		p.skip(" \t")
		if p.done() {
			return items, nil
		}
		if p.s[p.i] != ',' {
			return nil, p.errorf("want ',' between list members")
		}
		p.i++
		p.skip(" \t")
		if p.done() {
			return nil, p.errorf("the list ends with ','")
		}
	}
}

type sfParser struct {
	s string
	i int
}

func (p *sfParser) done() bool { return p.i >= len(p.s) }

func (p *sfParser) skip(set string) {
	for !p.done() && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *sfParser) errorf(format string, args ...any) error {
	return fmt.Errorf("structured field at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *sfParser) item() (Item, error) {
	var it Item
	var err error
	switch c := p.s[p.i]; {
	case c == '"':
		it.Name, err = p.str()
	case c == '*' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		it.Name = p.token()
	default:
		return Item{}, p.errorf("want a string or a token, got %q", c)
	}
	if err != nil {
		return Item{}, err
	}
	it.Params = map[string]int64{}
	for !p.done() && p.s[p.i] == ';' {
		p.i++
		p.skip(" ")
		k, err := p.key()
		if err != nil {
			return Item{}, err
		}
		if p.done() || p.s[p.i] != '=' {
			return Item{}, p.errorf("parameter %q has no value (only integer parameters are supported)", k)
		}
		p.i++
		v, err := p.integer()
		if err != nil {
			return Item{}, fmt.Errorf("parameter %q: %w", k, err)
		}
		if _, dup := it.Params[k]; dup {
			return Item{}, p.errorf("parameter %q is given twice", k)
		}
		it.Params[k] = v
	}
	return it, nil
}

func (p *sfParser) str() (string, error) {
	p.i++ // the opening quote
	var b strings.Builder
	for !p.done() {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '"':
			return b.String(), nil
		case c == '\\':
			if p.done() || (p.s[p.i] != '"' && p.s[p.i] != '\\') {
				return "", p.errorf("bad escape in string")
			}
			b.WriteByte(p.s[p.i])
			p.i++
		case c < 0x20 || c > 0x7e:
			return "", p.errorf("character %q is not allowed in a string", c)
		default:
			b.WriteByte(c)
		}
	}
	return "", p.errorf("the string is not closed")
}

func (p *sfParser) token() string {
	start := p.i
	for p.i++; !p.done() && isTokenChar(p.s[p.i]); p.i++ {
	}
	return p.s[start:p.i]
}

// isTokenChar reports whether c is an HTTP tchar, or ':' or '/', which Structured Field
// tokens also allow.
func isTokenChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(`"(),;<=>?@[\]{}`, rune(c))
}

func (p *sfParser) key() (string, error) {
	if p.done() || !(p.s[p.i] == '*' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z') {
		return "", p.errorf("want a parameter key")
	}
	start := p.i
	for p.i++; !p.done(); p.i++ {
		c := p.s[p.i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '*') {
			break
		}
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) integer() (int64, error) {
	start := p.i
	if !p.done() && p.s[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for !p.done() && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	n := p.i - digits
	if n == 0 || n > 15 {
		return 0, p.errorf("want an integer of 1 to 15 digits")
	}
	if !p.done() && p.s[p.i] == '.' {
		return 0, p.errorf("decimals are not supported")
	}
	return strconv.ParseInt(p.s[start:p.i], 10, 64)
}
