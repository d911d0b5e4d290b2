package server_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// BenchmarkConversationTurn measures one turn of a four-character conversation on the
// local engine through the whole stack in-process: four reactions, the director, the
// speaker's moderated line and every participant's memory of the turn written with it in
// one transaction (SQLite). A conversation that reaches its last turn is replaced, off the
// clock.
func BenchmarkConversationTurn(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := servertest.Client(b, srv.URL, servertest.DemoKey)
	var reqs []gen.CreateCharacterRequest
	for i, role := range []string{"blacksmith", "innkeeper", "guard", "merchant"} {
		reqs = append(reqs, gen.CreateCharacterRequest{Role: role, Archetype: "mentor", Seed: ptr(int64(i))})
	}
	cast := createCast(b, c, reqs...)
	const maxTurns = 1000
	open := func() string {
		res, err := c.CreateConversationWithResponse(b.Context(), nil, gen.ConversationCreateRequest{
			Participants: cast, Scene: ptr("A market square at noon."), Topic: ptr("The price of iron."), MaxTurns: ptr(maxTurns),
			MaxConsecutiveTurns: ptr(2),
		})
		if err != nil || res.JSON201 == nil {
			b.Fatal(err)
		}
		return res.JSON201.Id
	}
	id, taken := open(), 0
	b.ResetTimer()
	for b.Loop() {
		if taken == maxTurns {
			b.StopTimer()
			id, taken = open(), 0
			b.StartTimer()
		}
		body := `{"turns":1}`
		if taken%5 == 0 {
			body = fmt.Sprintf(`{"player_id":"p_bench","message":{"speaker":"Kestrel","text":"What do you make of the iron price, friends? (%d)"}}`, taken)
		}
		if rec := postDemo(h, "/v1/conversations/"+id+"/turns", body); rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
		taken++
	}
}
