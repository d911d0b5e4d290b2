package server

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/troupe-ai/troupe/domain"
)

// maxJSONDepth bounds how deeply a request body may nest; no operation needs more, and the
// validator recurses.
const maxJSONDepth = 64

// Kinds of malformed body, so tests can tell a syntax error from what encoding/json
// would have let through.
const (
	kindSyntax    = "syntax"
	kindDuplicate = "duplicate"
	kindDepth     = "depth"
	kindEncoding  = "encoding"
)

// jsonScanner checks one JSON text in a single pass over its bytes, building no value:
// the grammar of RFC 8259, each key once per object, at most maxJSONDepth levels. It
// follows the schema down alongside the value, where the schema says what lies there, and
// collects the fields whose strings hold NUL or an unpaired surrogate escape, or whose
// null the validator would replace by a default. The text must already be valid UTF-8.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
	path  []pathSegment
	// keys holds the keys of the objects being read, innermost last: an object's own are
	// keys[base:], base being len(keys) when it began (until a set takes over).
	keys []string
	// fields collects every 422 problem, so one answer lists them all.
	fields []domain.FieldError
}

// pathSegment is an object key or an array index.
type pathSegment struct {
	key     string
	index   int
	isIndex bool
}

// scanJSON checks data (see jsonScanner) against schema, which may be nil.
func scanJSON(data []byte, schema *openapi3.Schema) error {
	s := &jsonScanner{data: data}
	if err := s.value(schema); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		return &bodyError{kind: kindSyntax, message: "The request body holds more than one JSON value: more follows at byte " + strconv.Itoa(s.pos) + "."}
	}
	if len(s.fields) > 0 {
		return &bodyError{fields: s.fields}
	}
	return nil
}

func (s *jsonScanner) syntaxError(what string) *bodyError {
	if s.pos >= len(s.data) {
		what = "it ends early"
	}
	return &bodyError{kind: kindSyntax, message: "The request body is not valid JSON: " + what + " (at byte " + strconv.Itoa(s.pos) + ")."}
}

func (s *jsonScanner) unexpected(expected string) *bodyError {
	if s.pos >= len(s.data) {
		return s.syntaxError("")
	}
	r, _ := utf8.DecodeRune(s.data[s.pos:])
	return s.syntaxError("found " + strconv.QuoteRune(r) + " where " + expected + " should be")
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads one value whose schema is sch (nil when unknown).
func (s *jsonScanner) value(sch *openapi3.Schema) error {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.syntaxError("")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(sch)
	case c == '[':
		return s.array(sch)
	case c == '"':
		nul, lone, _, err := s.str()
		if err != nil {
			return err
		}
		s.textProblems(nul, lone, false)
		return nil
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		if err := s.literal("null"); err != nil {
			return err
		}
		// The validator takes a null property for an absent one and puts the default in
		// its place; any other null it refuses itself when the schema does not allow it.
		if sch != nil && sch.Default != nil && !permitsNull(sch) {
			s.problem("must not be null")
		}
		return nil
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return s.unexpected("a value")
}

func (s *jsonScanner) enter() error {
	if s.depth++; s.depth > maxJSONDepth {
		return &bodyError{kind: kindDepth, message: "The request body nests deeper than " + strconv.Itoa(maxJSONDepth) + " levels."}
	}
	return nil
}

func (s *jsonScanner) object(sch *openapi3.Schema) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // {
	base := len(s.keys)
	defer func() { s.keys, s.depth = s.keys[:base], s.depth-1 }()
	// Past a few keys a set replaces the scan of this object's keys, so a body of many
	// keys costs linear time, not quadratic.
	var set map[string]struct{}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return s.unexpected("an object key (a string)")
		}
		start := s.pos
		nul, lone, escaped, err := s.str()
		if err != nil {
			return err
		}
		key := string(s.data[start+1 : s.pos-1])
		if escaped {
			// Keys are compared as decoded: "\u0061" and "a" are the same key.
			_ = json.Unmarshal(s.data[start:s.pos], &key)
		}
		if s.seen(base, set, key) {
			return &bodyError{kind: kindDuplicate, message: "The request body has the key " + strconv.Quote(key) + " twice" + s.where() + ": a key may appear once in an object."}
		}
		switch {
		case set != nil:
			set[key] = struct{}{}
		case len(s.keys)-base < maxScannedKeys:
			s.keys = append(s.keys, key)
		default:
			set = make(map[string]struct{}, 2*maxScannedKeys)
			for _, k := range s.keys[base:] {
				set[k] = struct{}{}
			}
			set[key] = struct{}{}
		}
		s.path = append(s.path, pathSegment{key: key})
		s.textProblems(nul, lone, true)
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.unexpected("':' after an object key")
		}
		s.pos++
		err = s.value(propertySchema(sch, key))
		s.path = s.path[:len(s.path)-1]
		if err != nil {
			return err
		}
		if done, err := s.afterMember('}', "an object member"); done || err != nil {
			return err
		}
	}
}

// maxScannedKeys is how many keys of an object are kept in the scanner's key list before
// a set takes over: objects are small, and a scan beats a map until they are not.
const maxScannedKeys = 16

// seen reports whether the object whose keys start at base, or are in set once it has
// one, already has key.
func (s *jsonScanner) seen(base int, set map[string]struct{}, key string) bool {
	if set != nil {
		_, ok := set[key]
		return ok
	}
	for _, k := range s.keys[base:] {
		if k == key {
			return true
		}
	}
	return false
}

func (s *jsonScanner) array(sch *openapi3.Schema) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++ // [
	defer func() { s.depth-- }()
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return nil
	}
	items := itemsSchema(sch)
	for i := 0; ; i++ {
		s.path = append(s.path, pathSegment{index: i, isIndex: true})
		err := s.value(items)
		s.path = s.path[:len(s.path)-1]
		if err != nil {
			return err
		}
		if done, err := s.afterMember(']', "an array element"); done || err != nil {
			return err
		}
	}
}

// afterMember reads what follows a member of an object or array: a ',' (another member
// comes) or the closing byte (done).
func (s *jsonScanner) afterMember(closing byte, member string) (done bool, err error) {
	s.skipSpace()
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',':
			s.pos++
			return false, nil
		case closing:
			s.pos++
			return true, nil
		}
	}
	return false, s.unexpected("',' or '" + string(closing) + "' after " + member)
}

// str reads a string, from its opening quote to past its closing one, and reports whether
// it decodes to text holding NUL, holds an escaped surrogate that is not half of a pair
// (encoding/json would put U+FFFD in its place), or has escapes at all.
func (s *jsonScanner) str() (nul, lone, escaped bool, err error) {
	s.pos++ // "
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return nul, lone, escaped, nil
		case c < 0x20:
			return false, false, false, s.syntaxError("a control character in a string is not escaped")
		case c != '\\':
			s.pos++
			continue
		}
		escaped = true
		if s.pos+1 >= len(s.data) {
			s.pos = len(s.data)
			break
		}
		switch s.data[s.pos+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.pos += 2
			continue
		case 'u':
		default:
			return false, false, false, s.syntaxError("an escape in a string is not one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
		}
		r, ok := hex4(s.data[s.pos+2:])
		if !ok {
			return false, false, false, s.syntaxError("a \\u escape does not have four hex digits")
		}
		s.pos += 6
		switch {
		case r == 0:
			nul = true
		case 0xDC00 <= r && r <= 0xDFFF:
			lone = true
		case 0xD800 <= r && r <= 0xDBFF:
			// Only a low surrogate escape right after completes it.
			if s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
				if low, ok := hex4(s.data[s.pos+2:]); ok && 0xDC00 <= low && low <= 0xDFFF {
					s.pos += 6
					continue
				}
			}
			lone = true
		}
	}
	return false, false, false, s.syntaxError("")
}

// hex4 parses the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func (s *jsonScanner) literal(word string) error {
	if string(s.data[s.pos:min(len(s.data), s.pos+len(word))]) != word {
		return s.unexpected("a value")
	}
	s.pos += len(word)
	return nil
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *jsonScanner) number() error {
	if s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.data) && s.data[s.pos] == '0':
		s.pos++
	case !s.digits():
		return s.unexpected("a digit")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if !s.digits() {
			return s.unexpected("a digit")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return s.unexpected("a digit")
		}
	}
	return nil
}

// digits reads one or more digits, and reports whether there was one.
func (s *jsonScanner) digits() bool {
	start := s.pos
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > start
}

// textProblems records what str found in the string at the current path, an object key's
// (whose path ends with the key) or a value's.
func (s *jsonScanner) textProblems(nul, lone, isKey bool) {
	what := "must not contain"
	if isKey {
		what = "is a key that must not contain"
	}
	if nul {
		s.problem(what + " a NUL character")
	}
	if lone {
		s.problem(what + ` an unpaired surrogate escape (\ud800–\udfff)`)
	}
}

func (s *jsonScanner) problem(message string) {
	s.fields = append(s.fields, domain.FieldError{Field: s.fieldPath(), Message: message})
}

// fieldPath names the current position the way the validator's field errors do
// ("taboo_words.1", "metadata.note"); the body itself is "body".
func (s *jsonScanner) fieldPath() string {
	if len(s.path) == 0 {
		return "body"
	}
	var sb strings.Builder
	for i, seg := range s.path {
		if i > 0 {
			sb.WriteByte('.')
		}
		if seg.isIndex {
			sb.WriteString(strconv.Itoa(seg.index))
		} else {
			sb.WriteString(seg.key)
		}
	}
	return sb.String()
}

// where says which object the scanner is in, for messages: "" at the top.
func (s *jsonScanner) where() string {
	if len(s.path) == 0 {
		return ""
	}
	return " in " + s.fieldPath()
}

// permitsNull mirrors the validator's rule for OpenAPI 3.0: nullable, or a type list with
// null, or an allOf whose every member permits it. oneOf and anyOf are left to the
// validator.
func permitsNull(s *openapi3.Schema) bool {
	if s.Nullable || s.Type.IncludesNull() || len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return true
	}
	if len(s.AllOf) == 0 {
		return false
	}
	for _, m := range s.AllOf {
		if m.Value != nil && !permitsNull(m.Value) {
			return false
		}
	}
	return true
}

// propertySchema is the schema of an object's property, looked up in allOf members too;
// nil when the schema says nothing about it.
func propertySchema(s *openapi3.Schema, key string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p := s.Properties[key]; p != nil {
		return p.Value
	}
	for _, m := range s.AllOf {
		if p := propertySchema(m.Value, key); p != nil {
			return p
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		return ap.Value
	}
	return nil
}

// itemsSchema is the schema of an array's items, looked up in allOf members too.
func itemsSchema(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if s.Items != nil {
		return s.Items.Value
	}
	for _, m := range s.AllOf {
		if it := itemsSchema(m.Value); it != nil {
			return it
		}
	}
	return nil
}
