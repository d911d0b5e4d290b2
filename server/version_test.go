package server_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server"
)

// TestTroupeVersionIsTheChangelogsDate: every response, errors and unknown routes
// included, carries the date of the newest changelog entry.
func TestTroupeVersionIsTheChangelogsDate(t *testing.T) {
	t.Parallel()
	changelog, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	newest := regexp.MustCompile(`(?m)^## (\d{4}-\d{2}-\d{2})$`).FindSubmatch(changelog)
	if newest == nil || string(newest[1]) != server.APIVersion {
		t.Fatalf("newest CHANGELOG.md entry %q, APIVersion %q", newest, server.APIVersion)
	}
	b := setup(t)
	for _, tt := range []struct{ method, path, key string }{
		{"GET", "/v1/worlds", "demo-key-123"},
		{"GET", "/v1/worlds", "wrong"},
		{"GET", "/no/such/route", ""},
		{"GET", "/health", ""},
	} {
		res, _ := do(t, tt.method, b.url+tt.path, nil, map[string]string{"Authorization": "Bearer " + tt.key})
		if got := res.Header.Get("Troupe-Version"); got != server.APIVersion {
			t.Errorf("%s %s (%d): Troupe-Version %q", tt.method, tt.path, res.StatusCode, got)
		}
	}
}

// TestLegacySpeakStreamIsMarkedDeprecated: the older streaming form of speak says when it
// goes and what replaces it; speak/stream and JSON speak say nothing of the kind.
func TestLegacySpeakStreamIsMarkedDeprecated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	body := `{"context_messages":[{"speaker":"player","text":"Sing!"}]}`
	speak := b.url + "/v1/characters/" + c.Id + "/speak"
	legacy := postSpeak(t, speak, "text/event-stream", body)
	sunset, err := time.Parse(http.TimeFormat, legacy.Header.Get("Sunset"))
	if err != nil || !sunset.After(time.Now()) || !strings.HasPrefix(legacy.Header.Get("Deprecation"), "@") ||
		!strings.Contains(legacy.Header.Get("Link"), "/v1/characters/"+c.Id+"/speak/stream") {
		t.Fatalf("legacy stream headers: %v", legacy.Header)
	}
	for _, res := range []*http.Response{postSpeak(t, speak+"/stream", "", body), postSpeak(t, speak, "application/json", body)} {
		if res.Header.Get("Deprecation") != "" || res.Header.Get("Sunset") != "" {
			t.Errorf("%s marked deprecated", res.Request.URL.Path)
		}
	}
}
