package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// TestPathIDsThatCannotExistAreNotFound sends ids that no store could hold (invalid UTF-8,
// control characters, longer than any id) to every operation with an id in its path, on
// every database: each answers the resource's 404 with the body an unknown id gets, and
// never reaches a query (PostgreSQL answered 500 to these).
func TestPathIDsThatCannotExistAreNotFound(t *testing.T) {
	t.Parallel()
	routes := []struct {
		method, path, body, code, noun string
		anonymous                      bool // the operation admits callers without a key
	}{
		{"GET", "/v1/worlds/%s", "", "WORLD_NOT_FOUND", "world", false},
		{"DELETE", "/v1/worlds/%s", "", "WORLD_NOT_FOUND", "world", false},
		{"GET", "/v1/characters/%s", "", "CHAR_NOT_FOUND", "character", false},
		{"PATCH", "/v1/characters/%s", `{"mood":"angry"}`, "CHAR_NOT_FOUND", "character", false},
		{"DELETE", "/v1/characters/%s", "", "CHAR_NOT_FOUND", "character", false},
		{"POST", "/v1/characters/%s/speak", `{"context_messages":[{"speaker":"Arin","text":"Hello"}]}`, "CHAR_NOT_FOUND", "character", false},
		{"POST", "/v1/characters/%s/react", `{"last_message":{"speaker":"Arin","text":"Hello"}}`, "CHAR_NOT_FOUND", "character", false},
		{"GET", "/v1/characters/%s/memory", "", "CHAR_NOT_FOUND", "character", false},
		{"GET", "/v1/jobs/%s", "", "JOB_NOT_FOUND", "job", false},
		{"POST", "/v1/jobs/%s/cancel", "", "JOB_NOT_FOUND", "job", false},
		{"GET", "/v1/files/%s", "", "FILE_NOT_FOUND", "file", true},
	}
	// As sent in the path, escaped.
	badIDs := map[string]string{
		"NUL":                   "%00",
		"NUL after a prefix":    "chr_%00",
		"invalid UTF-8":         "%ff%fe",
		"overlong UTF-8":        "%c0%af",
		"truncated UTF-8":       "wld_%e2%82",
		"C0 control":            "job_%01x",
		"DEL":                   "file_%7f",
		"C1 control":            "chr_%c2%85",
		"65 characters":         strings.Repeat("a", 65),
		"a long id":             "chr_" + strings.Repeat("0123456789", 40),
		"long and not UTF-8":    strings.Repeat("%ff", 70),
		"escaped slash and NUL": "chr_%2F%00",
	}
	for name, opt := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, opt)
			for _, r := range routes {
				t.Run(r.method+" "+r.path, func(t *testing.T) {
					t.Parallel()
					// What an id that could exist but does not gets: the body to match.
					unknown := "x_0000000000000000000000000000"
					res, raw := do(t, r.method, b.url+fmt.Sprintf(r.path, unknown), strings.NewReader(r.body), nil)
					want := expectError(t, res, raw, 404, r.code)
					for label, escaped := range badIDs {
						id, err := url.PathUnescape(escaped)
						if err != nil {
							t.Fatal(err)
						}
						res, raw := do(t, r.method, b.url+fmt.Sprintf(r.path, escaped), strings.NewReader(r.body), nil)
						got := expectError(t, res, raw, 404, r.code)
						shown := id
						if len(shown) > 64 {
							shown = shown[:64] + "…" // a long id is echoed cut short
						}
						wantMsg := strings.Replace(want.Message, fmt.Sprintf("%q", unknown), fmt.Sprintf("%q", shown), 1)
						if got.Message != wantMsg || fmt.Sprint(got.Details.AdditionalProperties["id"]) != asJSONText(shown) {
							t.Errorf("%s: body %s, want the message %q and the id in details", label, raw, wantMsg)
						}

						res, raw = do(t, r.method, b.url+fmt.Sprintf(r.path, escaped), strings.NewReader(r.body), map[string]string{"Authorization": ""})
						if r.anonymous {
							expectError(t, res, raw, 404, r.code)
						} else {
							expectError(t, res, raw, 401, "INVALID_API_KEY")
						}
					}
				})
			}
		})
	}
}

// TestLongIDsInBodiesAreStillValidated checks that only path ids are judged before the
// validator: an over-long id in a body is a field error, as the spec says.
func TestLongIDsInBodiesAreStillValidated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body, _ := json.Marshal(gen.CreateCharacterRequest{Role: "guard", Archetype: "mentor", WorldId: ptr(strings.Repeat("w", 65))})
	res, raw := do(t, "POST", b.url+"/v1/characters", strings.NewReader(string(body)), nil)
	e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
	if strings.Join(fieldNames(e), ",") != "world_id" {
		t.Fatalf("fields %v, want world_id", fieldNames(e))
	}
	list, _ := servertest.Client(t, b.url, servertest.DemoKey).ListCharactersWithResponse(t.Context(), nil)
	if list.JSON200 == nil || list.JSON200.Total != 0 {
		t.Fatalf("a refused request stored a character: %s", list.Body)
	}
}

// asJSONText is s as encoding/json writes it: each byte that is not UTF-8 becomes U+FFFD.
func asJSONText(s string) string { return string([]rune(s)) }
