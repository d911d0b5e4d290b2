package faltest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/falclient/faltest"
)

// wavHeader checks a canonical 16-bit PCM WAV and returns its rate, channels and
// duration, walking the chunks.
func wavHeader(t *testing.T, b []byte) (rate, channels int, d time.Duration) {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a WAV: % x", b[:min(len(b), 16)])
	}
	if got := int(binary.LittleEndian.Uint32(b[4:8])); got != len(b)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(b))
	}
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		switch id {
		case "fmt ":
			f := b[p+8:]
			if binary.LittleEndian.Uint16(f[0:2]) != 1 || binary.LittleEndian.Uint16(f[14:16]) != 16 {
				t.Errorf("not 16-bit PCM")
			}
			channels, rate = int(binary.LittleEndian.Uint16(f[2:4])), int(binary.LittleEndian.Uint32(f[4:8]))
		case "data":
			if p+8+size != len(b) {
				t.Errorf("data chunk %d bytes at %d, file %d", size, p, len(b))
			}
			return rate, channels, time.Duration(size/2/channels) * time.Second / time.Duration(rate)
		}
		p += 8 + size + size%2
	}
	t.Fatal("no data chunk")
	return
}

// speak runs a Kokoro endpoint synchronously and downloads the audio.
func speak(t *testing.T, srv *faltest.Server, endpoint, body string) (int, faltest.KokoroOutput, []byte, map[string]any) {
	t.Helper()
	code, raw, _ := do(t, "POST", srv.URL()+"/"+endpoint, key, body, nil)
	if code != 200 {
		return code, faltest.KokoroOutput{}, nil, raw
	}
	var out faltest.KokoroOutput
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	status, ct, data := get(t, out.Audio.URL)
	if status != 200 || ct != "audio/wav" {
		t.Fatalf("download %d %s", status, ct)
	}
	return code, out, data, raw
}

func TestKokoroOutput(t *testing.T) {
	srv := faltest.New(t)
	code, out, data, raw := speak(t, srv, faltest.KokoroAmericanEnglish, `{"prompt":"Welcome, traveller.","voice":"am_adam","speed":1}`)
	if code != 200 {
		t.Fatalf("%d %v", code, raw)
	}
	if got := slices.Sorted(maps.Keys(raw)); !slices.Equal(got, []string{"audio"}) {
		t.Errorf("output keys %v", got)
	}
	a := out.Audio
	if !strings.HasPrefix(a.URL, srv.URL()+"/files/") || !strings.HasSuffix(a.URL, ".wav") || a.ContentType != "audio/wav" ||
		a.FileSize != len(data) || !strings.HasSuffix(a.URL, a.FileName) {
		t.Errorf("audio %+v", a)
	}
	rate, channels, d := wavHeader(t, data)
	if rate != faltest.SpeechSampleRate || channels != 1 || d < 500*time.Millisecond || d > 2*time.Second {
		t.Errorf("WAV %d Hz %d ch %s", rate, channels, d)
	}
	if !bytes.Equal(data, faltest.SpeechAudio("Welcome, traveller.", "am_adam", 1)) {
		t.Error("served audio differs from SpeechAudio")
	}
	// The file is public, like fal's CDN.
	for _, r := range srv.Requests() {
		if r.Kind == faltest.KindFile && r.Header.Get("Authorization") != "" {
			t.Errorf("download sent Authorization")
		}
	}
}

func TestKokoroAudioScales(t *testing.T) {
	short := faltest.SpeechAudio("Hi.", "af_heart", 1)
	long := faltest.SpeechAudio("Hi there, I have been waiting for you all night long.", "af_heart", 1)
	fast := faltest.SpeechAudio("Hi there, I have been waiting for you all night long.", "af_heart", 2)
	_, _, ds := wavHeader(t, short)
	_, _, dl := wavHeader(t, long)
	_, _, df := wavHeader(t, fast)
	if ds <= 0 || dl <= 3*ds || df >= dl*6/10 || df <= dl*4/10 {
		t.Errorf("durations short %s long %s fast %s", ds, dl, df)
	}
	if !bytes.Equal(long, faltest.SpeechAudio("Hi there, I have been waiting for you all night long.", "af_heart", 1)) {
		t.Error("not deterministic")
	}
	if bytes.Equal(faltest.SpeechAudio("Hi.", "am_adam", 1), short) {
		t.Error("voices sound the same")
	}
	// The audio is not silence: its data chunk (the last, after fmt and LIST) peaks.
	i := bytes.LastIndex(long, []byte("data"))
	var peak int16
	for p := i + 8; p+1 < len(long); p += 2 {
		peak = max(peak, int16(binary.LittleEndian.Uint16(long[p:])))
	}
	if peak < 4000 || peak > 10000 {
		t.Errorf("peak %d", peak)
	}
}

func TestKokoroInvalid(t *testing.T) {
	srv := faltest.New(t)
	tests := []struct {
		endpoint, body, field string
	}{
		{faltest.KokoroAmericanEnglish, `{"prompt":"hi","voice":"bf_emma"}`, "voice"},
		{faltest.KokoroAmericanEnglish, `{"prompt":"hi","speed":9}`, "speed"},
		{faltest.KokoroAmericanEnglish, `{"prompt":3}`, "prompt"},
		{faltest.KokoroBritishEnglish, `{"voice":"bf_emma"}`, "prompt"},
		{faltest.KokoroBritishEnglish, `[]`, ""},
	}
	for _, tt := range tests {
		code, _, _, raw := speak(t, srv, tt.endpoint, tt.body)
		detail, _ := raw["detail"].([]any)
		if code != 422 || len(detail) != 1 {
			t.Errorf("%s %s: %d %v", tt.endpoint, tt.body, code, raw)
			continue
		}
		loc, _ := detail[0].(map[string]any)["loc"].([]any)
		if tt.field != "" && (len(loc) != 2 || loc[1] != tt.field) {
			t.Errorf("%s: loc %v", tt.body, loc)
		}
	}
	// american-english's prompt is optional; the others' defaults are their first voice.
	if code, _, data, raw := speak(t, srv, faltest.KokoroAmericanEnglish, `{}`); code != 200 || len(data) == 0 {
		t.Errorf("empty input: %d %v", code, raw)
	}
	if code, _, _, raw := speak(t, srv, "fal-ai/kokoro/french", `{"prompt":"Bonjour."}`); code != 200 {
		t.Errorf("french: %d %v", code, raw)
	}
}

// transcribe runs a Whisper endpoint synchronously.
func transcribe(t *testing.T, srv *faltest.Server, endpoint string, in map[string]any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(in)
	code, out, _ := do(t, "POST", srv.URL()+"/"+endpoint, key, string(b), nil)
	return code, out
}

func dataURI(mt string, b []byte) string {
	return "data:" + mt + ";base64," + base64.StdEncoding.EncodeToString(b)
}

func TestTranscriptDefault(t *testing.T) {
	srv := faltest.New(t)
	code, out := transcribe(t, srv, faltest.Wizper, map[string]any{"audio_url": dataURI("audio/wav", faltest.ToneWAV(2*time.Second))})
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	want := map[string]any{
		"text": faltest.DefaultTranscript,
		"chunks": []any{
			map[string]any{"timestamp": []any{0.0, 0.85}, "text": "Hello there, traveller."},
			map[string]any{"timestamp": []any{0.85, 2.0}, "text": "What brings you to the village?"},
		},
		"languages": []any{"en"},
	}
	if got, _ := json.Marshal(out); string(got) != mustJSON(want) {
		t.Errorf("output\n%s\nwant\n%s", got, mustJSON(want))
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestTranscriptOfOwnSpeech(t *testing.T) {
	srv := faltest.New(t)
	code, out, _, _ := speak(t, srv, faltest.KokoroBritishEnglish, `{"prompt":"The gate is shut. Come back at dawn!","voice":"bm_george"}`)
	if code != 200 {
		t.Fatal(code)
	}
	// By the served file's URL, as fal would download it, and inline.
	for _, audio := range []string{out.Audio.URL, dataURI("audio/wav", faltest.SpeechAudio("The gate is shut. Come back at dawn!", "bm_george", 1))} {
		code, res := transcribe(t, srv, faltest.Whisper, map[string]any{"audio_url": audio, "chunk_level": "word", "language": "de"})
		if code != 200 || res["text"] != "The gate is shut. Come back at dawn!" || len(res["chunks"].([]any)) != 8 ||
			mustJSON(res["inferred_languages"]) != `["de"]` || res["languages"] != nil {
			t.Errorf("%d %v", code, res)
		}
	}
}

func TestTranscriptConfigured(t *testing.T) {
	srv := faltest.New(t)
	srv.Transcript("Open the door.")
	for _, ep := range []string{faltest.Wizper, faltest.Whisper} {
		code, out := transcribe(t, srv, ep, map[string]any{"audio_url": dataURI("audio/wav", faltest.ToneWAV(time.Second)), "chunk_level": "none"})
		if code != 200 || out["text"] != "Open the door." || len(out["chunks"].([]any)) != 0 {
			t.Errorf("%s: %d %v", ep, code, out)
		}
	}
	srv.Transcript("")
	if _, out := transcribe(t, srv, faltest.Wizper, map[string]any{"audio_url": dataURI("audio/wav", faltest.ToneWAV(time.Second))}); out["text"] != "" {
		t.Errorf("silence: %v", out)
	}
	// Handle restores the built-in behaviour.
	srv.Handle(faltest.Wizper, srv.TranscriptHandler(faltest.Wizper))
	if _, out := transcribe(t, srv, faltest.Wizper, map[string]any{"audio_url": dataURI("audio/wav", faltest.ToneWAV(time.Second))}); out["text"] != faltest.DefaultTranscript {
		t.Errorf("restored: %v", out)
	}
	// A WAV without samples is heard as nothing.
	if _, out := transcribe(t, srv, faltest.Wizper, map[string]any{"audio_url": dataURI("audio/wav", faltest.WAV(16000, nil))}); out["text"] != "" {
		t.Errorf("empty WAV: %v", out)
	}
}

func TestTranscriptInvalid(t *testing.T) {
	srv := faltest.New(t)
	wav := dataURI("audio/wav", faltest.ToneWAV(time.Second))
	tests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"missing audio_url", map[string]any{"task": "transcribe"}, "audio_url"},
		{"empty audio_url", map[string]any{"audio_url": ""}, "audio_url"},
		{"text data URI", map[string]any{"audio_url": dataURI("text/plain", []byte("hello"))}, "audio_url"},
		{"not audio despite the type", map[string]any{"audio_url": dataURI("audio/wav", []byte("<html></html>"))}, "audio_url"},
		{"broken WAV", map[string]any{"audio_url": dataURI("audio/wav", []byte("RIFF\x04\x00\x00\x00WAVE"))}, "audio_url"},
		{"not base64", map[string]any{"audio_url": "data:audio/wav,hello"}, "audio_url"},
		{"foreign URL", map[string]any{"audio_url": "https://example.com/a.wav"}, "audio_url"},
		{"task", map[string]any{"audio_url": wav, "task": "summarise"}, "task"},
		{"language", map[string]any{"audio_url": wav, "language": "en-US"}, "language"},
		{"chunk_level", map[string]any{"audio_url": wav, "chunk_level": "sentence"}, "chunk_level"},
	}
	for _, tt := range tests {
		code, out := transcribe(t, srv, faltest.Wizper, tt.in)
		detail, _ := out["detail"].([]any)
		if code != 422 || len(detail) != 1 {
			t.Errorf("%s: %d %v", tt.name, code, out)
			continue
		}
		if loc := detail[0].(map[string]any)["loc"].([]any); len(loc) != 2 || loc[1] != tt.field {
			t.Errorf("%s: loc %v", tt.name, loc)
		}
	}
	// Compressed audio is taken without decoding.
	if code, out := transcribe(t, srv, faltest.Wizper, map[string]any{"audio_url": dataURI("audio/mpeg", append([]byte("ID3"), make([]byte, 32000)...))}); code != 200 {
		t.Errorf("mp3: %d %v", code, out)
	}
}
