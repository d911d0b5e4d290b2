package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/app"
	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
)

// fiveSentences is the line the streaming tests speak.
const fiveSentences = "Welcome, traveller. The forge is hot today. Mind the sparks! " +
	"Do you need a blade, or a shield? Either way, I have both."

// postJSON sends body to path with the demo key.
func postJSON(t *testing.T, b *bundle, path, body string) *http.Response {
	t.Helper()
	return postSpeak(t, b.url+path, "", body)
}

// audioOf joins the PCM of a stream's audio.delta events, checking that they come in
// order, each at the end of the one before.
func audioOf(t *testing.T, events []sseEvent) (pcm []byte, texts []string) {
	t.Helper()
	var at float64
	for _, e := range events {
		if e.name != "audio.delta" {
			continue
		}
		var d gen.AudioDeltaEvent
		raw, _ := json.Marshal(e.data)
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		if d.Index != len(texts) {
			t.Fatalf("audio.delta index %d, want %d", d.Index, len(texts))
		}
		if d.StartMs < at-0.01 || d.StartMs > at+0.01 {
			t.Fatalf("chunk %d starts at %.2f ms, want %.2f (the end of the one before)", d.Index, d.StartMs, at)
		}
		at += d.DurationMs
		if d.Audio == nil || len(*d.Audio) == 0 || len(*d.Audio)%2 != 0 {
			t.Fatalf("chunk %d has no whole PCM16 samples", d.Index)
		}
		for _, w := range d.Words {
			if w.StartMs < d.StartMs-0.01 || w.EndMs > d.StartMs+d.DurationMs+1 {
				t.Fatalf("word %+v outside its chunk [%.1f, %.1f]", w, d.StartMs, d.StartMs+d.DurationMs)
			}
		}
		if len(d.Visemes) == 0 || d.LipSync == gen.LipSyncNone {
			t.Fatalf("chunk %d has no visemes (lip_sync %s)", d.Index, d.LipSync)
		}
		pcm = append(pcm, *d.Audio...)
		texts = append(texts, d.Text)
	}
	return pcm, texts
}

func TestSpeechStreamIsTheJobsAudioInPieces(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := postJSON(t, b, "/v1/voice/tts/stream", `{"text":"`+fiveSentences+`","voice_id":"local-en-us-m3"}`)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	events := readSSEOf(t, res, "SpeechStreamEvent")
	if len(events) < 3 || events[0].name != "audio.started" || events[len(events)-1].name != "audio.completed" {
		t.Fatalf("events %v; want audio.started, audio.delta…, audio.completed", names(events))
	}
	var started gen.AudioStartedEvent
	decodeEvent(t, events[0], &started)
	if started.Format != gen.AudioStartedEventFormatPcmS16le || started.SampleRate <= 0 || started.Channels != 1 || started.VoiceId != "local-en-us-m3" {
		t.Fatalf("audio.started %+v", started)
	}
	pcm, texts := audioOf(t, events)
	if len(texts) != 5 || strings.Join(texts, " ") != fiveSentences {
		t.Fatalf("pieces %q; want the five sentences", texts)
	}
	var done gen.AudioCompletedEvent
	decodeEvent(t, events[len(events)-1], &done)
	if done.Chunks != 5 || done.Characters <= 0 || done.DurationMs <= 0 || done.SampleRate != started.SampleRate {
		t.Fatalf("audio.completed %+v", done)
	}

	// The job's file of the same text and voice is the same samples.
	_, wav := speakToWAV(t, b, fiveSentences)
	w, err := audio.ParseWAV(wav)
	if err != nil {
		t.Fatal(err)
	}
	if w.Rate != started.SampleRate || !bytes.Equal(audio.PCM16Bytes(w.PCM16()), pcm) {
		t.Fatalf("streamed %d bytes at %d Hz; the job's file has %d at %d Hz, or other samples",
			len(pcm), started.SampleRate, len(w.PCM16())*2, w.Rate)
	}
}

// names lists the events' types.
func names(events []sseEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.name
	}
	return out
}

// decodeEvent reads an event's data into v.
func decodeEvent(t *testing.T, e sseEvent, v any) {
	t.Helper()
	raw, _ := json.Marshal(e.data)
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", e.name, err)
	}
}

func TestSpeechStreamRefusesBadInputBeforeStreaming(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, c := range map[string]struct {
		body   string
		status int
		code   string
	}{
		"no text":            {`{"text":""}`, 422, "VALIDATION_ERROR"},
		"blank text":         {`{"text":"   "}`, 422, "VALIDATION_ERROR"},
		"text too long":      {`{"text":"` + strings.Repeat("a", 1001) + `"}`, 422, "VALIDATION_ERROR"},
		"unknown voice":      {`{"text":"Hello.","voice_id":"no-such-voice"}`, 422, "VALIDATION_ERROR"},
		"speed out of range": {`{"text":"Hello.","speed":3}`, 422, "VALIDATION_ERROR"},
		"unknown character":  {`{"text":"Hello.","character_id":"chr_01jdq3kxw2e5r7t9y1u3i5o7p9"}`, 404, "CHAR_NOT_FOUND"},
		"unknown field":      {`{"text":"Hello.","format":"mp3"}`, 422, "VALIDATION_ERROR"},
	} {
		t.Run(name, func(t *testing.T) {
			res := postJSON(t, b, "/v1/voice/tts/stream", c.body)
			var e gen.ErrorResponse
			if err := json.NewDecoder(res.Body).Decode(&e); err != nil || res.StatusCode != c.status || string(e.Error.Code) != c.code {
				t.Fatalf("status %d, error %+v (%v); want %d %s", res.StatusCode, e.Error, err, c.status, c.code)
			}
		})
	}
}

func TestSpeechStreamsPerTenantAreLimited(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *setupOptions) { o.config = func(c *app.Config) { c.MaxSpeechStreams = 1 } })
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", b.url+"/v1/voice/tts/stream", strings.NewReader(`{"text":"`+fiveSentences+`"}`))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	open, err := servertest.HTTPClient(t).Do(req)
	if err != nil || open.StatusCode != 200 {
		t.Fatalf("first stream: %v %d", err, open.StatusCode)
	}
	// The first stream is open (its headers came): a second is refused, another
	// tenant's is not.
	second := postJSON(t, b, "/v1/voice/tts/stream", `{"text":"Hello."}`)
	var e gen.ErrorResponse
	json.NewDecoder(second.Body).Decode(&e)
	if second.StatusCode != 429 || e.Error.Code != gen.ErrorCodeRateLimited || e.Error.Details.AdditionalProperties["limit"] != "concurrent_streams" {
		t.Fatalf("second stream: %d %+v", second.StatusCode, e.Error)
	}
	if res, err := b.other.StreamSpeechWithBody(t.Context(), "application/json", strings.NewReader(`{"text":"Hello."}`)); err != nil || res.StatusCode != 200 {
		t.Fatalf("the other tenant's stream: %v", err)
	} else {
		res.Body.Close()
	}
	// Disconnecting ends the first stream and frees its slot.
	cancel()
	open.Body.Close()
	eventually(t, "the slot is freed", func() bool {
		res := postJSON(t, b, "/v1/voice/tts/stream", `{"text":"Hello."}`)
		defer res.Body.Close()
		return res.StatusCode == 200
	})
}

// eventually polls ok until it holds, for at most 10 seconds: for effects the server
// makes after the request that caused them has ended (a disconnect seen).
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSpeakWithVoiceInterleavesTextAndAudio(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "merchant", Archetype: "sage", Name: ptr("Aldric")})
	res := postJSON(t, b, "/v1/characters/"+c.Id+"/speak/stream",
		`{"voice":true,"length":"long","context_messages":[{"speaker":"player","text":"Tell me about this town and what you sell."}]}`)
	events := readSSE(t, res)
	if len(events) == 0 || events[len(events)-1].name != "dialogue.completed" {
		t.Fatalf("events %v; want dialogue.completed last", names(events))
	}
	var text strings.Builder
	firstAudio, lastDelta := -1, -1
	for i, e := range events {
		switch e.name {
		case "dialogue.delta":
			var d gen.DialogueDeltaEvent
			decodeEvent(t, e, &d)
			text.WriteString(d.Delta)
			lastDelta = i
		case "audio.started":
			if firstAudio < 0 {
				firstAudio = i
			}
		case "audio.failed":
			t.Fatalf("the voice failed: %s", e.data["error"])
		}
	}
	var done gen.DialogueCompletedEvent
	decodeEvent(t, events[len(events)-1], &done)
	_, spoken := audioOf(t, events)
	if firstAudio < 0 || len(spoken) == 0 {
		t.Fatalf("no audio in %v", names(events))
	}
	if got := strings.Join(spoken, " "); got != strings.Join(strings.Fields(done.Response.Text), " ") {
		t.Fatalf("spoke %q; the line is %q", got, done.Response.Text)
	}
	if strings.TrimSpace(text.String()) != done.Response.Text {
		t.Fatalf("deltas %q, line %q", text.String(), done.Response.Text)
	}
	if firstAudio > lastDelta && len(spoken) > 1 {
		// The local engine writes a whole line in microseconds, so audio may follow all
		// the text; the order within the audio is what audioOf checked.
		t.Logf("all text came before the first audio")
	}
	var started gen.AudioStartedEvent
	decodeEvent(t, events[firstAudio], &started)
	if started.VoiceId != c.VoiceId {
		t.Fatalf("spoke in %s; the character's voice is %s", started.VoiceId, c.VoiceId)
	}
}

func TestVoiceNeedsAStream(t *testing.T) {
	t.Parallel()
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero"})
			res := postSpeak(t, b.url+"/v1/characters/"+c.Id+"/speak", "application/json",
				`{"voice":true,"context_messages":[{"speaker":"player","text":"Hello."}]}`)
			var e gen.ErrorResponse
			json.NewDecoder(res.Body).Decode(&e)
			if res.StatusCode != 422 || e.Error.Code != gen.ErrorCodeValidationError {
				t.Fatalf("speak with voice: %d %+v", res.StatusCode, e.Error)
			}
			mem, err := b.demo.GetCharacterMemoryWithResponse(t.Context(), c.Id, nil)
			if err != nil || mem.JSON200 == nil || len(mem.JSON200.Items) != 0 {
				t.Fatalf("a refused speak changed memory: %v %+v", err, mem.JSON200)
			}
		})
	}
}

// pacedText writes the start of its dialogue line, then waits for next to close before
// the rest: a model still writing while the first sentence is spoken. The start runs a
// few words past the first sentence, because moderation holds back the newest words
// (as many as its longest phrase, 4) until it knows no phrase is being completed.
type pacedText struct {
	domain.TextModel
	first, rest string
	next        chan struct{}
}

func (p *pacedText) Stream(ctx context.Context, req domain.TextRequest, onDelta func(string) error) (domain.TextResult, error) {
	if req.Task != domain.TaskDialogue {
		return p.TextModel.Stream(ctx, req, onDelta)
	}
	if err := onDelta(p.first); err != nil {
		return domain.TextResult{}, err
	}
	select {
	case <-p.next:
	case <-ctx.Done():
		return domain.TextResult{}, ctx.Err()
	}
	if err := onDelta(p.rest); err != nil {
		return domain.TextResult{}, err
	}
	return domain.TextResult{Text: p.first + p.rest, Engine: "paced", Model: "paced"}, nil
}

func TestSpeakWithVoiceSpeaksTheFirstSentenceWhileTheNextIsWritten(t *testing.T) {
	t.Parallel()
	engine := &pacedText{TextModel: newScripted(t).TextModel, first: "Aye, the forge is hot. Come back at dusk, ", rest: "when the coals are low.", next: make(chan struct{})}
	b := setup(t, func(o *setupOptions) { o.text = engine })
	c := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "blacksmith", Archetype: "hero"})
	res := postJSON(t, b, "/v1/characters/"+c.Id+"/speak/stream",
		`{"voice":true,"context_messages":[{"speaker":"player","text":"Is the forge lit?"}]}`)
	var order []string
	var events []sseEvent
	eachSSE(t, res, "SpeakStreamEvent", func(e sseEvent) {
		events = append(events, e)
		order = append(order, e.name)
		if e.name == "audio.delta" && len(order) > 0 {
			select {
			case <-engine.next:
			default:
				close(engine.next) // the first sentence is heard: let the model go on
			}
		}
	})
	// The first sentence is spoken before the model writes the rest, which it does only
	// once that audio has been seen.
	firstAudio, lastText := slices.Index(order, "audio.delta"), -1
	for i, name := range order {
		if name == "dialogue.delta" {
			lastText = i
		}
	}
	if firstAudio < 0 || firstAudio > lastText || order[len(order)-1] != "dialogue.completed" || order[len(order)-2] != "audio.completed" {
		t.Fatalf("events %v: want audio before the last text, audio.completed then dialogue.completed last", order)
	}
	if _, texts := audioOf(t, events); strings.Join(texts, "|") != "Aye, the forge is hot.|Come back at dusk, when the coals are low." {
		t.Fatalf("spoken pieces %q", texts)
	}
}

func TestConversationTurnsWithVoice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conv, cast := campfire(t, b.demo, 11, func(r *gen.ConversationCreateRequest) { r.MaxTurns = ptr(2) })
	voices := map[string]string{}
	for _, c := range cast {
		voices[c.Id] = c.VoiceId
	}
	res := postJSON(t, b, "/v1/conversations/"+conv.Id+"/turns/stream",
		`{"voice":true,"message":{"speaker":"Kestrel","text":"Tove Hale, tell me about the road."},"turns":2}`)
	events := readSSEOf(t, res, "ConversationStreamEvent")
	// Each turn's audio comes between its turn.started and turn.completed, in its
	// speaker's voice, carrying its turn_index, and speaks its text.
	var turn gen.TurnStartedEvent
	var spoken []string
	turns := 0
	for _, e := range events {
		switch e.name {
		case "turn.started":
			decodeEvent(t, e, &turn)
			spoken = nil
		case "audio.started":
			var a gen.TurnAudioStartedEvent
			decodeEvent(t, e, &a)
			if a.TurnIndex != turn.TurnIndex || a.VoiceId != voices[turn.SpeakerId] {
				t.Fatalf("audio.started %+v during turn %d of %s (voice %s)", a, turn.TurnIndex, turn.SpeakerId, voices[turn.SpeakerId])
			}
		case "audio.delta":
			var d gen.AudioDeltaEvent
			decodeEvent(t, e, &d)
			spoken = append(spoken, d.Text)
		case "audio.failed":
			t.Fatalf("the voice failed: %s", e.data["error"])
		case "turn.completed":
			var done gen.TurnCompletedEvent
			decodeEvent(t, e, &done)
			if strings.Join(spoken, " ") != strings.Join(strings.Fields(done.Turn.Text), " ") {
				t.Fatalf("turn %d spoke %q; its text is %q", done.Turn.Index, spoken, done.Turn.Text)
			}
			turns++
		}
	}
	if turns != 2 {
		t.Fatalf("%d turns in %v", turns, names(events))
	}
}
