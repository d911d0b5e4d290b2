package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/moderation"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/openaiclient"
	"github.com/troupe-ai/troupe/openaiclient/openaitest"
	"github.com/troupe-ai/troupe/server/servertest"
)

// scripted is a text engine whose dialogue lines are scripted, one per call (the last
// repeats); every other task goes to the local engine. failAt makes the n-th character
// generation fail, and streamFail makes streams break after their first delta.
type scripted struct {
	domain.TextModel
	mu         sync.Mutex
	lines      []string
	calls      int
	generated  int
	failAt     int
	streamFail bool
}

func newScripted(t *testing.T, lines ...string) *scripted {
	e, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	return &scripted{TextModel: e, lines: lines}
}

var errUpstream = &domain.Error{Code: domain.CodeFalServiceError, Message: "The model provider failed.", Details: map[string]any{"upstream_status": 500}}

func (s *scripted) next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	line := s.lines[min(s.calls, len(s.lines)-1)]
	s.calls++
	return line
}

func (s *scripted) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	if req.Task == domain.TaskCharacter {
		s.mu.Lock()
		s.generated++
		fail := s.failAt > 0 && s.generated == s.failAt
		s.mu.Unlock()
		if fail {
			return domain.TextResult{}, errUpstream
		}
	}
	if req.Task != domain.TaskDialogue || len(s.lines) == 0 {
		return s.TextModel.Complete(ctx, req)
	}
	return domain.TextResult{Text: s.next(), Engine: "scripted", Model: "script"}, nil
}

func (s *scripted) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	text := s.next()
	words := strings.SplitAfter(text, " ")
	for i, w := range words {
		if s.streamFail && i == 1 {
			return domain.TextResult{}, errUpstream
		}
		if err := onDelta(w); err != nil {
			return domain.TextResult{}, err
		}
	}
	return domain.TextResult{Text: text, Engine: "scripted", Model: "script"}, nil
}

func TestSpeakModeration(t *testing.T) {
	cases := []struct {
		name       string
		lines      []string
		taboo      []string
		wantAction gen.ModerationOutcomeAction
		wantText   string
	}{
		{"a clean line is left alone", []string{"A fine day for it."}, []string{"dragon"}, gen.ModerationOutcomeActionNone, "A fine day for it."},
		{"a taboo line is regenerated once", []string{"Beware the dr4gon!", "Beware the hills!"}, []string{"dragon"}, gen.ModerationOutcomeActionRegenerated, "Beware the hills!"},
		{"a second taboo line loses its taboo sentences", []string{"The dragon!", "Stay close. The DRAGON again! Keep your head down."}, []string{"dragon"}, gen.ModerationOutcomeActionRedacted, "Stay close. Keep your head down."},
		{"the request's own taboo words count too", []string{"Sell me the goblet.", "No goblet here. Try the market."}, nil, gen.ModerationOutcomeActionRedacted, "Try the market."},
		{"a line with nothing left falls silent", []string{"The dragon!", "The dragon, again."}, []string{"dragon"}, gen.ModerationOutcomeActionRedacted, "..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			engine := newScripted(t, c.lines...)
			b := setup(t, func(o *setupOptions) { o.text = engine })
			ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "hunter", Archetype: "explorer", TabooWords: &gen.TabooWords{"dragon"}})
			req := gen.SpeakRequest{ContextMessages: []gen.Message{said("p", "What lurks here?")}}
			if c.taboo == nil {
				req.TabooWords = &gen.TabooWords{"goblet"}
			}
			res := speak(t, b.demo, ch.Id, req)
			if res.Text != c.wantText || res.Moderation.Action != c.wantAction || res.Moderation.Flagged != (c.wantAction != gen.ModerationOutcomeActionNone) {
				t.Fatalf("text %q, moderation %+v; want %q, %s", res.Text, res.Moderation, c.wantText, c.wantAction)
			}
			mem, _ := b.demo.GetCharacterMemoryWithResponse(t.Context(), ch.Id, nil)
			for _, e := range mem.JSON200.Items {
				if e.Kind == gen.MemoryEntryKindSaid && e.Text != c.wantText {
					t.Fatalf("memory kept the unmoderated line %q", e.Text)
				}
			}
		})
	}
}

func TestStreamedLinesAreModeratedBeforeTheyLeave(t *testing.T) {
	engine := newScripted(t, "Far to the north the d r a g o n sleeps under the hill tonight.")
	b := setup(t, func(o *setupOptions) { o.text = engine })
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "hunter", Archetype: "explorer", TabooWords: &gen.TabooWords{"dragon"}})
	deltas, r := streamedLine(t, b, ch.Id)
	if strings.Contains(deltas, "d r a") || deltas != r.Text || r.Moderation.Action != gen.ModerationOutcomeActionRedacted {
		t.Fatalf("streamed %q, final %q, moderation %+v", deltas, r.Text, r.Moderation)
	}
	if strings.ContainsRune(deltas, moderation.RedactRune) {
		t.Fatalf("a player was shown blanked words: %q", deltas)
	}
}

// streamedLine streams a speak and returns the deltas joined and the final response.
func streamedLine(t *testing.T, b *bundle, id string) (string, gen.SpeakResponse) {
	t.Helper()
	var deltas strings.Builder
	events := streamSpeak(t, b.url, id)
	for _, ev := range events {
		if ev.name == "dialogue.delta" {
			var d string
			json.Unmarshal(ev.data["delta"], &d)
			deltas.WriteString(d)
		}
	}
	var r gen.SpeakResponse
	json.Unmarshal(events[len(events)-1].data["response"], &r)
	return deltas.String(), r
}

func TestStreamedTabooSentencesBreakOffNotBlanked(t *testing.T) {
	engine := newScripted(t, "Keep to the road. Beyond the ridge the dragon sleeps. Go with care.")
	b := setup(t, func(o *setupOptions) { o.text = engine })
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "hunter", Archetype: "explorer", TabooWords: &gen.TabooWords{"dragon"}})
	deltas, r := streamedLine(t, b, ch.Id)
	// The window had released the taboo sentence up to the word before the taboo one: it
	// breaks off with a dash, the word is never sent, and the line goes on.
	if deltas != r.Text || strings.ContainsRune(r.Text, moderation.RedactRune) || strings.Contains(r.Text, "dragon") ||
		r.Text != "Keep to the road. Beyond the ridge the — Go with care." {
		t.Fatalf("streamed %q, final %q", deltas, r.Text)
	}
}

func TestStreamedSafetyWordsNeverLeave(t *testing.T) {
	engine := newScripted(t, "You m a s t u r b a t e loudly at the moon tonight, friend.")
	b := setup(t, func(o *setupOptions) { o.text = engine })
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	deltas, r := streamedLine(t, b, ch.Id)
	if strings.Contains(deltas, "m a s") || deltas != r.Text {
		t.Fatalf("streamed %q, final %q", deltas, r.Text)
	}
}

func TestStreamFailureEndsWithAnErrorEvent(t *testing.T) {
	engine := newScripted(t, "One two three four five six seven.")
	engine.streamFail = true
	b := setup(t, func(o *setupOptions) { o.text = engine })
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester"})
	events := streamSpeak(t, b.url, ch.Id)
	last := events[len(events)-1]
	var e gen.ApiError
	json.Unmarshal(last.data["error"], &e)
	if last.name != "error" || e.Code != "FAL_SERVICE_ERROR" || e.RequestId == "" {
		t.Fatalf("last event %q %s", last.name, last.data["error"])
	}
	for _, ev := range events[:len(events)-1] {
		if ev.name != "dialogue.delta" {
			t.Fatalf("unexpected %q before the error", ev.name)
		}
	}
	if err := servertest.ValidateSchema("ApiError", last.data["error"]); err != nil {
		t.Fatalf("error event is not the standard error object: %v", err)
	}
}

func streamSpeak(t *testing.T, url, id string) []sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", url+"/v1/characters/"+id+"/speak",
		strings.NewReader(`{"context_messages":[{"speaker":"p","text":"Tell me a tale."}]}`))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := readSSE(t, res)
	if len(events) == 0 {
		t.Fatal("no events")
	}
	return events
}

func TestBatchIsAllOrNothing(t *testing.T) {
	engine := newScripted(t)
	engine.failAt = 5
	b := setup(t, func(o *setupOptions) { o.text = engine })
	res, err := b.demo.CreateCharacterBatchWithResponse(t.Context(), nil, gen.CreateCharacterBatchRequest{Count: 8})
	if err != nil {
		t.Fatal(err)
	}
	expectError(t, res.HTTPResponse, res.Body, 502, "FAL_SERVICE_ERROR")
	list, _ := b.demo.ListCharactersWithResponse(t.Context(), nil)
	if list.JSON200.Total != 0 {
		t.Fatalf("a failed batch stored %d characters", list.JSON200.Total)
	}
	bad, _ := b.demo.CreateCharacterBatchWithResponse(t.Context(), nil, gen.CreateCharacterBatchRequest{Count: 3, Roles: &[]string{"guard", "astronaut"}})
	e := expectError(t, bad.HTTPResponse, bad.Body, 422, "INVALID_ROLE")
	if e.Details.AdditionalProperties["field"] != "roles.1" {
		t.Fatalf("details %v", e.Details.AdditionalProperties)
	}
	for _, body := range []string{`{"count":0}`, `{"count":51}`, `{}`} {
		res, raw := do(t, "POST", b.url+"/v1/characters/batch", strings.NewReader(body), nil)
		e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
		if fieldNames(e)[0] != "count" {
			t.Fatalf("%s: fields %v", body, fieldNames(e))
		}
	}
}

func TestSpeakAndReactRefuseBadInput(t *testing.T) {
	b := setup(t)
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"})
	cases := []struct {
		path, body string
		fields     []string
	}{
		{"speak", `{"context_messages":[]}`, []string{"context_messages"}},
		{"speak", `{}`, []string{"context_messages"}},
		{"speak", `{"context_messages":[{"speaker":"p"}]}`, []string{"context_messages.0.text"}},
		{"speak", `{"context_messages":[{"speaker":"","text":"hi"}],"length":"huge","mood":""}`, []string{"context_messages.0.speaker", "length", "mood"}},
		{"speak", `{"context_messages":[{"speaker":"p","text":"hi"}],"game_context":"` + strings.Repeat("x", 4001) + `"}`, []string{"game_context"}},
		{"speak", `{"context_messages":[{"speaker":"p","text":" \u0007 "}]}`, []string{"context_messages.0.text"}},
		{"speak", `{"context_messages":[{"speaker":"p\u0007","text":"hi\u0007there"}],"game_context":"\u202e"}`, []string{"context_messages.0.speaker", "context_messages.0.text", "game_context"}},
		{"react", `{}`, []string{"last_message"}},
		{"react", `{"last_message":{"speaker":"p","text":"\u202e"}}`, []string{"last_message.text"}},
		{"react", `{"last_message":{"speaker":"p","text":"   "}}`, []string{"last_message.text"}},
		{"react", `{"last_message":{"speaker":"p","text":""},"context":1}`, []string{"context", "last_message.text"}},
	}
	for _, c := range cases {
		res, raw := do(t, "POST", b.url+"/v1/characters/"+ch.Id+"/"+c.path, strings.NewReader(c.body), nil)
		e := expectError(t, res, raw, 422, "VALIDATION_ERROR")
		if got := strings.Join(sorted(fieldNames(e)), ","); got != strings.Join(c.fields, ",") {
			t.Errorf("%s %s: fields %s, want %v", c.path, c.body[:min(len(c.body), 60)], got, c.fields)
		}
	}
	mem, _ := b.demo.GetCharacterMemoryWithResponse(t.Context(), ch.Id, nil)
	if mem.JSON200.Total != 0 {
		t.Fatal("refused requests wrote memory")
	}
}

func TestOpenAICompatibleEngine(t *testing.T) {
	fake := openaitest.New(t)
	fake.Reply(func(req openaitest.ChatRequest) string {
		raw, _ := json.Marshal(req)
		switch s := string(raw); {
		case strings.Contains(s, `\"approved\"`):
			return `{"approved": true, "reason": "ok"}`
		case strings.Contains(s, `\"acting_prompt\"`):
			return `{"personality": "Kind.", "acting_prompt": "You are a healer."}`
		default:
			return "Rest here a while."
		}
	})
	engine := openaiclient.New(openaiclient.Config{BaseURL: fake.URL(), Model: "llama3"})
	b := setup(t, func(o *setupOptions) { o.text = engine })
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "healer", Archetype: "caregiver"})
	if ch.Engine != "openai" || ch.ActingPrompt != "You are a healer." {
		t.Fatalf("character via openai: %+v", ch)
	}
	res := speak(t, b.demo, ch.Id, gen.SpeakRequest{ContextMessages: []gen.Message{said("p", "I am hurt.")}})
	if res.Text != "Rest here a while." || res.Engine != "openai" {
		t.Fatalf("speak via openai: %+v", res)
	}
	events := streamSpeak(t, b.url, ch.Id)
	if events[len(events)-1].name != "dialogue.completed" {
		t.Fatalf("stream via openai ended with %q", events[len(events)-1].name)
	}
}
