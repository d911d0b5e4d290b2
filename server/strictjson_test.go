package server_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestLenientJSONIsRefused sends bodies encoding/json would accept, or quietly change,
// that are not one well-formed UTF-8 JSON value: each is a 400 BAD_REQUEST saying what is
// wrong, a null where the schema has a default is a 422 naming the field, and what is well
// formed still passes.
func TestLenientJSONIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const worlds, characters = "/v1/worlds", "/v1/characters"
	deep := strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70)
	var many strings.Builder // an object of 40 keys, past what the check scans key by key
	for i := range 40 {
		fmt.Fprintf(&many, `"k%d":%d,`, i, i)
	}
	manyKeys := `{"role":"guard","archetype":"mentor","metadata":{` + many.String() + `"last":0}}`
	manyKeysTwice := `{"role":"guard","archetype":"mentor","metadata":{` + many.String() + `"k7":0}}`
	cases := []struct {
		name, path, contentType, body string
		status                        int
		code                          string
		says                          string   // a part of the message, for a 400
		fields                        []string // for a 422
	}{
		{"trailing garbage", worlds, "", `{"seed":1} x`, 400, "BAD_REQUEST", "more than one JSON value", nil},
		{"two objects", worlds, "", `{"seed":1}{"seed":2}`, 400, "BAD_REQUEST", "more than one JSON value", nil},
		{"a closing brace too many", worlds, "", `{"seed":1}}`, 400, "BAD_REQUEST", "more than one JSON value", nil},
		{"a duplicate key", worlds, "", `{"seed":1,"seed":2}`, 400, "BAD_REQUEST", `the key "seed" twice`, nil},
		{"a duplicate key spelled with an escape", worlds, "", `{"seed":1,"\u0073eed":2}`, 400, "BAD_REQUEST", `the key "seed" twice`, nil},
		{"a duplicate key in metadata", characters, "", `{"role":"guard","archetype":"mentor","metadata":{"a":{"b":1,"b":2}}}`, 400, "BAD_REQUEST", `the key "b" twice in metadata.a`, nil},
		{"a duplicate key in an array", characters, "", `{"role":"guard","archetype":"mentor","metadata":{"l":[{"x":1},{"x":1,"x":2}]}}`, 400, "BAD_REQUEST", "in metadata.l.1", nil},
		{"a duplicate among many keys", characters, "", manyKeysTwice, 400, "BAD_REQUEST", `the key "k7" twice in metadata`, nil},
		{"invalid UTF-8", worlds, "", "{\"name\":\"Eli\xffthis\"}", 400, "BAD_REQUEST", "not valid UTF-8 (at byte 12)", nil},
		{"overlong UTF-8", worlds, "", "{\"name\":\"\xc0\xaf\"}", 400, "BAD_REQUEST", "not valid UTF-8", nil},
		{"truncated UTF-8", worlds, "", "{\"name\":\"\xe2\x82\"}", 400, "BAD_REQUEST", "not valid UTF-8", nil},
		{"a UTF-16 charset", worlds, "application/json; charset=utf-16", `{"seed":1}`, 400, "BAD_REQUEST", `charset "utf-16"`, nil},
		{"a Latin-1 charset", worlds, "application/json;charset=ISO-8859-1", `{"seed":1}`, 400, "BAD_REQUEST", `charset "ISO-8859-1"`, nil},
		{"a quoted charset", worlds, `application/json; charset="utf-16le"`, `{"seed":1}`, 400, "BAD_REQUEST", `charset "utf-16le"`, nil},
		{"nesting too deep", characters, "", `{"role":"guard","archetype":"mentor","metadata":` + deep + `}`, 400, "BAD_REQUEST", "deeper than 64", nil},
		{"cut short", worlds, "", `{"seed":1`, 400, "BAD_REQUEST", "not valid JSON", nil},
		{"a trailing comma", worlds, "", `{"seed":1,}`, 400, "BAD_REQUEST", "not valid JSON", nil},
		{"only white space", worlds, "", "  \n", 400, "BAD_REQUEST", "not valid JSON", nil},

		{"null for a field with a default", worlds, "", `{"size":null}`, 422, "VALIDATION_ERROR", "", []string{"size"}},
		{"nulls for fields with defaults", worlds, "", `{"genre":null,"tone":null,"seed":3}`, 422, "VALIDATION_ERROR", "", []string{"genre", "tone"}},
		{"null for an allOf field with a default", characters, "", `{"role":"guard","archetype":"mentor","skill_tier":null}`, 422, "VALIDATION_ERROR", "", []string{"skill_tier"}},
		{"null for a field without a default", worlds, "", `{"name":null}`, 422, "VALIDATION_ERROR", "", []string{"name"}},
		{"a lone low surrogate", worlds, "", `{"name":"\udc00"}`, 422, "VALIDATION_ERROR", "", []string{"name"}},
		{"a high surrogate without its low half", worlds, "", `{"name":"x\ud800\u0041"}`, 422, "VALIDATION_ERROR", "", []string{"name"}},

		{"a UTF-8 charset", worlds, "application/json; charset=utf-8", `{"seed":1}`, 201, "", "", nil},
		{"an upper-case UTF-8 charset", worlds, `application/json; charset="UTF-8"`, `{"seed":2}`, 201, "", "", nil},
		{"white space after the value", worlds, "", "{\"seed\":3}\r\n\t ", 201, "", "", nil},
		{"a surrogate pair and a replacement character", worlds, "", `{"name":"Caf\u00e9 \ud83d\ude00 \ufffd"}`, 201, "", "", nil},
		{"many keys", characters, "", manyKeys, 201, "", "", nil},
		{"null in free metadata", characters, "", `{"role":"guard","archetype":"mentor","metadata":{"slot":null}}`, 201, "", "", nil},
	}
	accepted := map[string]int{}
	for _, c := range cases {
		if c.status == 201 {
			accepted[c.path]++
		}
	}
	t.Run("bodies", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				headers := map[string]string{}
				if c.contentType != "" {
					headers["Content-Type"] = c.contentType
				}
				res, raw := do(t, "POST", b.url+c.path, strings.NewReader(c.body), headers)
				if c.status == 201 {
					if res.StatusCode != 201 {
						t.Fatalf("status %d, want 201: %s", res.StatusCode, raw)
					}
					return
				}
				e := expectError(t, res, raw, c.status, c.code)
				if !strings.Contains(e.Message, c.says) {
					t.Errorf("message %q does not say %q", e.Message, c.says)
				}
				if c.fields != nil && strings.Join(sorted(fieldNames(e)), ",") != strings.Join(c.fields, ",") {
					t.Errorf("fields %v, want %v", fieldNames(e), c.fields)
				}
			})
		}
	})

	t.Run("a bad key is still a 401", func(t *testing.T) {
		res, raw := do(t, "POST", b.url+worlds, strings.NewReader(`{"seed":1,"seed":2}`), map[string]string{"Authorization": "Bearer nope"})
		expectError(t, res, raw, 401, "INVALID_API_KEY")
	})

	t.Run("refused bodies stored nothing", func(t *testing.T) {
		w, _ := b.demo.ListWorldsWithResponse(t.Context(), nil)
		c, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
		if w.JSON200 == nil || w.JSON200.Total != accepted[worlds] || c.JSON200 == nil || c.JSON200.Total != accepted[characters] {
			t.Fatalf("stored %s and %s; want %v", w.Body, c.Body, accepted)
		}
	})
}
