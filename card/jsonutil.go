package card

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// decoder carries the first error met while walking a card's JSON. Field
// getters become no-ops after it is set, which keeps the decoding code a
// flat list of field reads instead of an error check per line.
type decoder struct{ err *Error }

func (d *decoder) fail(path, format string, args ...any) {
	if d.err == nil {
		d.err = fieldf(path, format, args...)
	}
}

// object is one JSON object being decoded. path names it in error messages
// ("" for the document root).
type object struct {
	d    *decoder
	path string
	m    map[string]json.RawMessage
	used map[string]bool
}

// join appends key to a JSON path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kind returns the first significant byte of a JSON value, which is enough
// to tell its type.
func kind(raw json.RawMessage) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

func isNull(raw json.RawMessage) bool { return kind(raw) == 'n' }

func isNumber(raw json.RawMessage) bool {
	k := kind(raw)
	return k == '-' || (k >= '0' && k <= '9')
}

// object decodes raw as an object. On failure it records the error and
// returns an empty object so callers can carry on without nil checks.
func (d *decoder) object(path string, raw json.RawMessage) *object {
	o := &object{d: d, path: path, m: map[string]json.RawMessage{}, used: map[string]bool{}}
	if kind(raw) != '{' {
		d.fail(path, "%s must be an object", nameOf(path))
		return o
	}
	if err := json.Unmarshal(raw, &o.m); err != nil {
		d.fail(path, "%s is not valid JSON: %v", nameOf(path), err)
	}
	return o
}

// nameOf renders a path for messages; the root has no path.
func nameOf(path string) string {
	if path == "" {
		return "the card"
	}
	return path
}

// get returns the raw value of key and marks it as known. Absent and null
// values are both reported as absent: real cards use null for "not set".
func (o *object) get(key string) (json.RawMessage, bool) {
	o.used[key] = true
	raw, ok := o.m[key]
	if !ok || isNull(raw) || o.d.err != nil {
		return nil, false
	}
	return raw, true
}

func (o *object) has(key string) bool {
	raw, ok := o.m[key]
	return ok && !isNull(raw)
}

func (o *object) str(key string) string {
	s, _ := o.strOK(key)
	return s
}

func (o *object) strOK(key string) (string, bool) {
	raw, ok := o.get(key)
	if !ok {
		return "", false
	}
	var s string
	if kind(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		o.d.fail(join(o.path, key), "%s must be a string", join(o.path, key))
		return "", false
	}
	return s, true
}

// strs reads an array of strings; nil when absent.
func (o *object) strs(key string) []string {
	raw, ok := o.get(key)
	if !ok {
		return nil
	}
	var items []json.RawMessage
	path := join(o.path, key)
	if kind(raw) != '[' || json.Unmarshal(raw, &items) != nil {
		o.d.fail(path, "%s must be an array of strings", path)
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		if kind(it) != '"' || json.Unmarshal(it, &s) != nil {
			o.d.fail(path, "%s must be an array of strings", path)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// list reads an array of strings that the spec requires; never nil, so a
// card read twice compares equal whether or not the field was present.
func (o *object) list(key string) []string {
	if s := o.strs(key); s != nil {
		return s
	}
	return []string{}
}

func (o *object) boolean(key string) (bool, bool) {
	raw, ok := o.get(key)
	if !ok {
		return false, false
	}
	switch string(bytes.TrimSpace(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	o.d.fail(join(o.path, key), "%s must be true or false", join(o.path, key))
	return false, false
}

func (o *object) boolPtr(key string) *bool {
	if v, ok := o.boolean(key); ok {
		return &v
	}
	return nil
}

// integer reads a whole number. Integral floats such as 100.0 are accepted
// because some editors write every number as a float.
func (o *object) integer(key string) (int64, bool) {
	raw, ok := o.get(key)
	if !ok {
		return 0, false
	}
	path := join(o.path, key)
	if !isNumber(raw) {
		o.d.fail(path, "%s must be a number", path)
		return 0, false
	}
	text := string(bytes.TrimSpace(raw))
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		o.d.fail(path, "%s must be a whole number", path)
		return 0, false
	}
	return int64(f), true
}

func (o *object) intPtr(key string) *int {
	if v, ok := o.integer(key); ok {
		n := int(v)
		return &n
	}
	return nil
}

func (o *object) int64Ptr(key string) *int64 {
	if v, ok := o.integer(key); ok {
		return &v
	}
	return nil
}

// anyMap reads an object of arbitrary values (extensions), keeping numbers
// as json.Number. Absent means empty: the specs make extensions mandatory
// and default it to {}.
func (o *object) anyMap(key string) map[string]any {
	out := map[string]any{}
	raw, ok := o.get(key)
	if !ok {
		return out
	}
	path := join(o.path, key)
	if kind(raw) != '{' {
		o.d.fail(path, "%s must be an object", path)
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		o.d.fail(path, "%s is not valid JSON: %v", path, err)
	}
	return out
}

// strMap reads an object whose values are all strings; nil when absent.
func (o *object) strMap(key string) map[string]string {
	raw, ok := o.get(key)
	if !ok {
		return nil
	}
	path := join(o.path, key)
	var m map[string]json.RawMessage
	if kind(raw) != '{' || json.Unmarshal(raw, &m) != nil {
		o.d.fail(path, "%s must be an object of strings", path)
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		var s string
		if kind(v) != '"' || json.Unmarshal(v, &s) != nil {
			o.d.fail(join(path, k), "%s must be a string", join(path, k))
			return nil
		}
		out[k] = s
	}
	return out
}

// array reads an array of raw values.
func (o *object) array(key string) ([]json.RawMessage, bool) {
	raw, ok := o.get(key)
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if kind(raw) != '[' || json.Unmarshal(raw, &items) != nil {
		o.d.fail(join(o.path, key), "%s must be an array", join(o.path, key))
		return nil, false
	}
	return items, true
}

// child reads a nested object; nil when absent.
func (o *object) child(key string) *object {
	raw, ok := o.get(key)
	if !ok {
		return nil
	}
	return o.d.object(join(o.path, key), raw)
}

// rest returns the fields nobody asked for, compacted so that the same
// card read twice holds byte-identical values; nil when there are none.
func (o *object) rest() map[string]json.RawMessage {
	var out map[string]json.RawMessage
	for k, v := range o.m {
		if o.used[k] {
			continue
		}
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			o.d.fail(join(o.path, k), "%s is not valid JSON: %v", join(o.path, k), err)
			return nil
		}
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		out[k] = json.RawMessage(b.Bytes())
	}
	return out
}

// writer builds one JSON object with its keys in the order written. Going
// through encoding/json structs would lose that order for the unknown
// fields and would HTML-escape the "<" of "<START>" in example messages.
type writer struct {
	buf  bytes.Buffer
	keys map[string]bool
	err  error
}

func newWriter() *writer {
	w := &writer{keys: map[string]bool{}}
	w.buf.WriteByte('{')
	return w
}

// marshal encodes v without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func (w *writer) key(k string) {
	if len(w.keys) > 0 {
		w.buf.WriteByte(',')
	}
	w.keys[k] = true
	kb, _ := marshal(k)
	w.buf.Write(kb)
	w.buf.WriteByte(':')
}

// field writes k with the JSON encoding of v.
func (w *writer) field(k string, v any) {
	if w.err != nil {
		return
	}
	b, err := marshal(v)
	if err != nil {
		w.err = fmt.Errorf("card: encoding %s: %w", k, err)
		return
	}
	w.key(k)
	w.buf.Write(b)
}

// raw writes k with an already encoded value.
func (w *writer) raw(k string, v []byte) {
	if w.err != nil {
		return
	}
	w.key(k)
	if err := json.Compact(&w.buf, v); err != nil {
		w.err = fmt.Errorf("card: encoding %s: %w", k, err)
	}
}

// encoded writes k with bytes this package produced, which are already
// compact and valid: re-scanning them at every nesting level would make
// large cards slow to write.
func (w *writer) encoded(k string, v []byte) {
	if w.err != nil {
		return
	}
	w.key(k)
	w.buf.Write(v)
}

// encodedList writes k as a JSON array of n elements, each encoded by item.
func (w *writer) encodedList(k string, n int, item func(i int) ([]byte, error)) error {
	var list bytes.Buffer
	list.WriteByte('[')
	for i := 0; i < n; i++ {
		b, err := item(i)
		if err != nil {
			return err
		}
		if i > 0 {
			list.WriteByte(',')
		}
		list.Write(b)
	}
	list.WriteByte(']')
	w.encoded(k, list.Bytes())
	return nil
}

// unknown writes the kept unknown fields, sorted, skipping any key already
// written: a known field always wins over a stale copy.
func (w *writer) unknown(m map[string]json.RawMessage) {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !w.keys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.raw(k, m[k])
	}
}

func (w *writer) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	w.buf.WriteByte('}')
	return w.buf.Bytes(), nil
}

// strsOrEmpty makes a nil list encode as [] for fields the spec requires.
func strsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// mapOrEmpty makes a nil extensions map encode as {}.
func mapOrEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
