package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
		if rec := postDemo(h, "/v1/characters/"+id+"/speak", body); rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// createCast creates the characters, for the benchmarks, and returns their ids.
func createCast(b *testing.B, c *gen.ClientWithResponses, reqs ...gen.CreateCharacterRequest) []string {
	var ids []string
	for _, req := range reqs {
		res, err := c.CreateCharacterWithResponse(b.Context(), nil, req)
		if err != nil || res.JSON201 == nil {
			b.Fatal(err)
		}
		ids = append(ids, res.JSON201.Id)
	}
	return ids
}

// postDemo serves one JSON POST with the demo key in-process, for the benchmarks.
func postDemo(h http.Handler, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkSpeakLocalParallel is the load figure's shape in-process: 64 requests at a
// time over 100 characters, each naming the same player, so memory writes from many
// requests meet on SQLite's single writer and the relationship rows.
func BenchmarkSpeakLocalParallel(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := servertest.Client(b, srv.URL, servertest.DemoKey)
	var reqs []gen.CreateCharacterRequest
	for i := range 100 {
		reqs = append(reqs, gen.CreateCharacterRequest{Role: "merchant", Archetype: "trickster", Seed: ptr(int64(i))})
	}
	ids := createCast(b, c, reqs...)
	body := `{"player_id":"p_bench","context_messages":[{"speaker":"player","text":"Any news from the road, friend?"}]}`
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[next.Add(1)%int64(len(ids))]
			if rec := postDemo(h, "/v1/characters/"+id+"/speak", body); rec.Code != 200 {
				b.Error(rec.Code, rec.Body.String())
				return
			}
		}
	})
}
