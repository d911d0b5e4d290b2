package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// BenchmarkSpeakLocal measures POST /v1/characters/{id}/speak on the local engine through
// the whole stack in-process: validation, memory reads, the rules engine, moderation and
// the memory writes (SQLite), with folds into the summary as they come.
func BenchmarkSpeakLocal(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := servertest.Client(b, srv.URL, servertest.DemoKey)
	res, err := c.CreateCharacterWithResponse(b.Context(), nil, gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster"})
	if err != nil || res.JSON201 == nil {
		b.Fatal(err)
	}
	id := res.JSON201.Id
	body := `{"context_messages":[{"speaker":"player","text":"Hello! What do you sell today?"}]}`
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/characters/"+id+"/speak", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
