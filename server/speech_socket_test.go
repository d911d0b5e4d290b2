package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/troupe-ai/troupe/server/servertest"
)

// dialSpeech opens the speech socket with key.
func dialSpeech(t *testing.T, b *bundle, key string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	conn, res, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(b.url, "http")+"/v1/voice/tts/ws", &websocket.DialOptions{HTTPHeader: h})
	if err == nil {
		conn.SetReadLimit(16 << 20)
		t.Cleanup(func() { conn.CloseNow() })
	}
	return conn, res, err
}

// frame is a server frame: a JSON text frame, or the binary frame after an audio.delta.
type frame struct {
	typ  string
	data map[string]json.RawMessage
	pcm  []byte
}

// readFrame reads one frame; binary frames come back as frame{typ: "binary"}.
func readFrame(t *testing.T, ctx context.Context, conn *websocket.Conn) frame {
	t.Helper()
	kind, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if kind == websocket.MessageBinary {
		return frame{typ: "binary", pcm: data}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("text frame is not JSON: %q", data)
	}
	var typ string
	json.Unmarshal(m["type"], &typ)
	if typ != "error" && typ != "speech.canceled" {
		// The frames that match the SSE events have their schemas.
		schema := map[string]string{"audio.started": "AudioStartedEvent", "audio.delta": "AudioDeltaEvent", "audio.completed": "AudioCompletedEvent"}[typ]
		if schema == "" {
			t.Fatalf("unknown frame type %q", typ)
		}
		if err := servertest.ValidateSchema(schema, data); err != nil {
			t.Fatalf("%s frame: %v", typ, err)
		}
	}
	return frame{typ: typ, data: m}
}

// speakOnSocket sends speech.create and reads the answer to its last frame, returning
// the frames and the PCM joined.
func speakOnSocket(t *testing.T, conn *websocket.Conn, request string) ([]frame, []byte) {
	t.Helper()
	if err := conn.Write(t.Context(), websocket.MessageText, []byte(request)); err != nil {
		t.Fatal(err)
	}
	var frames []frame
	var pcm []byte
	for {
		f := readFrame(t, t.Context(), conn)
		frames = append(frames, f)
		switch f.typ {
		case "audio.delta":
			next := readFrame(t, t.Context(), conn)
			if next.typ != "binary" || len(next.pcm) == 0 {
				t.Fatalf("audio.delta followed by %q, not its PCM", next.typ)
			}
			pcm = append(pcm, next.pcm...)
		case "audio.completed", "error":
			return frames, pcm
		}
	}
}

func TestSpeechSocketSpeaksWhatTheStreamSpeaks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn, _, err := dialSpeech(t, b, servertest.DemoKey)
	if err != nil {
		t.Fatal(err)
	}
	frames, pcm := speakOnSocket(t, conn, `{"type":"speech.create","text":"`+fiveSentences+`","voice_id":"local-en-us-m3"}`)
	if frames[0].typ != "audio.started" || frames[len(frames)-1].typ != "audio.completed" {
		t.Fatalf("frames %v", frameTypes(frames))
	}
	res := postJSON(t, b, "/v1/voice/tts/stream", `{"text":"`+fiveSentences+`","voice_id":"local-en-us-m3"}`)
	streamed, _ := audioOf(t, readSSEOf(t, res, "SpeechStreamEvent"))
	if !bytes.Equal(pcm, streamed) {
		t.Fatalf("the socket sent %d bytes of PCM, the SSE stream %d", len(pcm), len(streamed))
	}

	// Bad frames are answered with an error frame, and the socket goes on working.
	for _, bad := range []string{`not json`, `{"type":"speech.dance"}`, `{"type":"speech.create","text":""}`, `{"type":"speech.create","text":"Hi.","voice_id":"nope"}`} {
		frames, _ := speakOnSocket(t, conn, bad)
		var e struct {
			Code string `json:"code"`
		}
		if last := frames[len(frames)-1]; last.typ != "error" || json.Unmarshal(last.data["error"], &e) != nil || e.Code != "VALIDATION_ERROR" {
			t.Fatalf("%s: frames %v", bad, frameTypes(frames))
		}
	}
	frames, pcm = speakOnSocket(t, conn, `{"type":"speech.create","text":"Still here."}`)
	if frames[len(frames)-1].typ != "audio.completed" || len(pcm) == 0 {
		t.Fatalf("after errors: %v", frameTypes(frames))
	}
}

func TestSpeechSocketCancels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn, _, err := dialSpeech(t, b, servertest.DemoKey)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("The road north is long and the nights are cold. ", 20)
	if err := conn.Write(t.Context(), websocket.MessageText, []byte(`{"type":"speech.create","text":"`+long+`"}`)); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, t.Context(), conn); f.typ != "audio.started" {
		t.Fatalf("first frame %q", f.typ)
	}
	if err := conn.Write(t.Context(), websocket.MessageText, []byte(`{"type":"speech.cancel"}`)); err != nil {
		t.Fatal(err)
	}
	deltas := 0
	for {
		f := readFrame(t, t.Context(), conn)
		if f.typ == "audio.completed" {
			t.Fatalf("a cancelled synthesis completed")
		}
		if f.typ == "audio.delta" {
			deltas++
		}
		if f.typ == "speech.canceled" {
			break
		}
	}
	if deltas >= 20 {
		t.Fatalf("all %d pieces were sent despite the cancel", deltas)
	}
	// The socket takes the next request.
	frames, _ := speakOnSocket(t, conn, `{"type":"speech.create","text":"Again."}`)
	if frames[len(frames)-1].typ != "audio.completed" {
		t.Fatalf("after cancel: %v", frameTypes(frames))
	}
}

func TestSpeechSocketNeedsAKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, res, err := dialSpeech(t, b, "")
	if err == nil || res == nil || res.StatusCode != 401 {
		t.Fatalf("dial without a key: %v %v", err, res)
	}
}

func frameTypes(fs []frame) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.typ
	}
	return out
}
