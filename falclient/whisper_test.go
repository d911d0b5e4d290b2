package falclient_test

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
)

func newRecognizer(srv *faltest.Server, opts ...falclient.RecognizerOption) *falclient.SpeechRecognizer {
	return falclient.NewSpeechRecognizer(newClient(srv), opts...)
}

// TestRecognizerStatus checks the recognizer's health with and without a key, and that
// without one it sends nothing.
func TestRecognizerStatus(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	if h := newRecognizer(srv).Status(t.Context()); h != (domain.DependencyHealth{Status: domain.StatusOK, Engine: "fal", Model: faltest.Wizper}) {
		t.Errorf("recognizer: %+v", h)
	}
	if h := newRecognizer(srv, falclient.WithSTTEndpoint(falclient.WhisperEndpoint)).Status(t.Context()); h.Model != faltest.Whisper {
		t.Errorf("whisper: %+v", h)
	}
	r := falclient.NewSpeechRecognizer(falclient.New(falclient.Config{}))
	if h := r.Status(t.Context()); h.Status != domain.StatusUnavailable || h.Engine != "fal" || h.Detail == "" {
		t.Errorf("without a key: %+v", h)
	}
	if _, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: faltest.ToneWAV(time.Second)}); domain.ErrorCode(err) != domain.CodeEngineUnavailable {
		t.Errorf("Transcribe without a key: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestTranscribe(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	srv.Transcript("Welcome, traveller. The gate is shut.")
	audio := faltest.ToneWAV(1500 * time.Millisecond)
	tr, err := newRecognizer(srv).Transcribe(t.Context(), domain.TranscribeRequest{
		Audio: audio, ContentType: "application/octet-stream", Language: "en-GB", Prompt: "a gatehouse", Phrases: []string{"Open"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"audio_url": "data:audio/wav;base64," + base64.StdEncoding.EncodeToString(audio),
		"task": "transcribe", "language": "en", "chunk_level": "segment"}
	if in := submitted(t, srv); !reflect.DeepEqual(in, want) {
		in["audio_url"] = in["audio_url"].(string)[:30] + "…"
		t.Errorf("input %v (wizper takes no prompt)", in)
	}
	// The fake spreads the two sentences over 1.5 s by length: 19 and 17 characters.
	segs := []domain.TranscriptSegment{
		{Start: 0, End: 790 * time.Millisecond, Text: "Welcome, traveller."},
		{Start: 790 * time.Millisecond, End: 1500 * time.Millisecond, Text: "The gate is shut."},
	}
	got := tr
	got.Words = nil
	if !reflect.DeepEqual(got, domain.Transcript{Text: "Welcome, traveller. The gate is shut.", Language: "en",
		Duration: 1500 * time.Millisecond, Segments: segs, Engine: "fal", Model: faltest.Wizper}) {
		t.Errorf("transcript %+v", got)
	}
	checkWords(t, tr.Words[:2], []string{"Welcome", "traveller"}, segs[0].Start, segs[0].End)
	checkWords(t, tr.Words[2:], []string{"The", "gate", "is", "shut"}, segs[1].Start, segs[1].End)
}

// TestTranscribeRoundTrip speaks a line and hears it back, through fal's two speech
// endpoints (the fake recognises its own speech).
func TestTranscribeRoundTrip(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	res, err := newSynth(srv).Synthesize(t.Context(), domain.SpeechRequest{Text: line, VoiceID: "local-en-gb-f2"})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newRecognizer(srv).Transcribe(t.Context(), domain.TranscribeRequest{Audio: res.Data, ContentType: res.ContentType})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Text != line || tr.Duration != res.Duration || tr.Language != "en" || len(tr.Segments) != 2 || len(tr.Words) != 8 {
		t.Errorf("transcript %+v", tr)
	}
	if _, ok := submitted(t, srv)["language"]; ok {
		t.Error("language sent though none was given")
	}
}

func TestTranscribeWhisperPrompt(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	srv.Transcript("Open the door.")
	r := newRecognizer(srv, falclient.WithSTTEndpoint(falclient.WhisperEndpoint))
	tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{
		Audio: faltest.ToneWAV(time.Second), Prompt: " A dwarf\nat the gate. ", Phrases: []string{"Open the door", " ", "Close the door"},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := submitted(t, srv)
	if in["prompt"] != "A dwarf at the gate. Open the door, Close the door." || in["language"] != nil {
		t.Errorf("input %v", in)
	}
	// Whisper detected the language (the fake's default), and the phrase was snapped.
	if tr.Model != faltest.Whisper || tr.Language != "en" || tr.Text != "Open the door" {
		t.Errorf("transcript %+v", tr)
	}
	if n := srv.Count(faltest.Whisper, faltest.KindSubmit); n != 1 {
		t.Errorf("%d submits to whisper", n)
	}
}

func TestTranscribePhrases(t *testing.T) {
	t.Parallel()
	phrases := []string{"Open the door", "Close the door", "Light the torch"}
	tests := []struct {
		heard, want string
	}{
		{"Open the door.", "Open the door"},
		{"open the dor", "Open the door"},
		{"CLOSE, the door!", "Close the door"},
		{"Light a torch.", "Light the torch"},
		{"What time is it?", "What time is it?"}, // near no phrase: kept as heard
		{"open the gate", "open the gate"},
	}
	for _, tt := range tests {
		srv := faltest.New(t)
		srv.Transcript(tt.heard)
		tr, err := newRecognizer(srv).Transcribe(t.Context(), domain.TranscribeRequest{Audio: faltest.ToneWAV(2 * time.Second), Phrases: phrases})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Text != tt.want || len(tr.Segments) != 1 || tr.Segments[0].Text != tt.want || tr.Segments[0].End != 2*time.Second {
			t.Errorf("heard %q: %+v", tt.heard, tr)
		}
		checkWords(t, tr.Words, strings.Fields(strings.Map(func(r rune) rune {
			if strings.ContainsRune(".,!?", r) {
				return -1
			}
			return r
		}, tt.want)), 0, 2*time.Second)
	}
}

// TestTranscribeChunks checks chunks as fal may send them: a null end, overlapping or
// out-of-range times, blank chunks, no chunks, compressed audio of unknown length.
func TestTranscribeChunks(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		audio  []byte
		output map[string]any
		want   []domain.TranscriptSegment
		dur    time.Duration
		lang   string
	}{
		{"null end, overlap, past the end", faltest.ToneWAV(3 * time.Second), map[string]any{"text": " A. B. C. ", "chunks": []any{
			map[string]any{"timestamp": []any{0.0, 1.2}, "text": " A."},
			map[string]any{"timestamp": []any{1.0, nil}, "text": "B."},
			map[string]any{"timestamp": []any{1.9, 4.0}, "text": "C."},
			map[string]any{"timestamp": []any{3.5, 3.9}, "text": "  "},
		}, "languages": []any{7, "fr"}}, []domain.TranscriptSegment{
			{Start: 0, End: 1200 * time.Millisecond, Text: "A."},
			{Start: 1200 * time.Millisecond, End: 1900 * time.Millisecond, Text: "B."},
			{Start: 1900 * time.Millisecond, End: 3 * time.Second, Text: "C."},
		}, 3 * time.Second, "fr"},
		{"no chunks", faltest.ToneWAV(time.Second), map[string]any{"text": "Hello there."},
			[]domain.TranscriptSegment{{End: time.Second, Text: "Hello there."}}, time.Second, "en"},
		{"text only in chunks", faltest.ToneWAV(time.Second), map[string]any{"text": "", "chunks": []any{
			map[string]any{"timestamp": []any{0.1, 0.5}, "text": "Hi"}, map[string]any{"timestamp": []any{0.5, 0.9}, "text": "you"},
		}}, []domain.TranscriptSegment{{Start: 100 * time.Millisecond, End: 500 * time.Millisecond, Text: "Hi"},
			{Start: 500 * time.Millisecond, End: 900 * time.Millisecond, Text: "you"}}, time.Second, "en"},
		{"silence", faltest.ToneWAV(time.Second), map[string]any{"text": "", "chunks": []any{}}, nil, time.Second, "en"},
		{"mp3: duration from the chunks", append([]byte("ID3"), make([]byte, 100)...), map[string]any{"text": "Yes.", "chunks": []any{
			map[string]any{"timestamp": []*float64{f(0.2), f(0.7)}, "text": "Yes."},
		}}, []domain.TranscriptSegment{{Start: 200 * time.Millisecond, End: 700 * time.Millisecond, Text: "Yes."}}, 700 * time.Millisecond, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			srv.Handle(faltest.Wizper, func(json.RawMessage) (any, *faltest.Failure) { return tt.output, nil })
			tr, err := newRecognizer(srv).Transcribe(t.Context(), domain.TranscribeRequest{Audio: tt.audio})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tr.Segments, tt.want) || tr.Duration != tt.dur || tr.Language != tt.lang {
				t.Errorf("transcript %+v", tr)
			}
			for _, s := range tt.want {
				if s.End > s.Start && !slices.ContainsFunc(tr.Words, func(w domain.WordTiming) bool { return w.Start >= s.Start && w.End <= s.End }) {
					t.Errorf("no words in %+v: %+v", s, tr.Words)
				}
			}
			if strings.HasPrefix(tt.name, "mp3") && !strings.HasPrefix(submitted(t, srv)["audio_url"].(string), "data:audio/mpeg;base64,") {
				t.Errorf("mp3 sent as %.30s", submitted(t, srv)["audio_url"])
			}
		})
	}
}

// wavHeader builds a PCM WAV header for n data bytes (which the caller appends, or not).
func wavHeader(rate, channels, bits int, n uint32) []byte {
	le := binary.LittleEndian
	b := le.AppendUint32([]byte("RIFF"), 36+n)
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1) // PCM
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*channels*bits/8))
	b = le.AppendUint16(b, uint16(channels*bits/8))
	b = le.AppendUint16(b, uint16(bits))
	b = append(b, "data"...)
	return le.AppendUint32(b, n)
}

func TestTranscribeInvalidAudio(t *testing.T) {
	t.Parallel()
	long := append(wavHeader(8000, 1, 8, 121*8000), make([]byte, 121*8000)...)
	streaming := append(wavHeader(8000, 1, 16, 0xFFFFFFFF), make([]byte, 16000)...) // 1 s, size unknown
	tests := []struct {
		name  string
		audio []byte
		code  domain.Code
	}{
		{"empty", nil, domain.CodeInvalidAudio},
		{"text", []byte("hello, this is not audio"), domain.CodeInvalidAudio},
		{"ogg", append([]byte("OggS"), make([]byte, 100)...), domain.CodeInvalidAudio},
		{"RIFF without WAVE", []byte("RIFF\x10\x00\x00\x00AVI LIST"), domain.CodeInvalidAudio},
		{"header only", []byte("RIFF\x04\x00\x00\x00WAVE"), domain.CodeInvalidAudio},
		{"truncated data", append(wavHeader(16000, 1, 16, 32000), make([]byte, 100)...), domain.CodeInvalidAudio},
		{"no samples", faltest.WAV(16000, nil), domain.CodeInvalidAudio},
		{"unusable rate", append(wavHeader(1000, 1, 16, 2000), make([]byte, 2000)...), domain.CodeInvalidAudio},
		{"under 8 kHz", append(wavHeader(4000, 1, 16, 8000), make([]byte, 8000)...), domain.CodeInvalidAudio},
		{"over 192 kHz", append(wavHeader(384000, 1, 16, 8000), make([]byte, 8000)...), domain.CodeInvalidAudio},
		{"12-bit PCM", append(wavHeader(16000, 1, 12, 8000), make([]byte, 8000)...), domain.CodeInvalidAudio},
		{"too long", long, domain.CodeAudioTooLong},
		{"too large", make([]byte, domain.MaxAudioBytes+1), domain.CodeAudioTooLarge},
		{"bad language", faltest.ToneWAV(time.Second), domain.CodeValidation},
	}
	srv := faltest.New(t)
	r := newRecognizer(srv)
	for _, tt := range tests {
		req := domain.TranscribeRequest{Audio: tt.audio, ContentType: "audio/wav"}
		if tt.name == "bad language" {
			req.Language = "english"
		}
		_, err := r.Transcribe(t.Context(), req)
		if de := domainErr(t, err); de.Code != tt.code || de.Message == "" {
			t.Errorf("%s: %v", tt.name, de)
		}
		if de := domainErr(t, err); de.Code == domain.CodeAudioTooLong && de.Details["max_seconds"] != 120 {
			t.Errorf("%s: details %v", tt.name, de.Details)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for invalid audio", n)
	}
	tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: streaming})
	if err != nil || tr.Duration != time.Second {
		t.Errorf("streaming WAV: %+v %v", tr, err)
	}
}

func TestTranscribeFailures(t *testing.T) {
	t.Parallel()
	w := faltest.Wizper
	tests := []struct {
		name   string
		inject func(*faltest.Server)
		key    string
		code   domain.Code
		status int
	}{
		{"wrong key", nil, "wrong", domain.CodeFalServiceError, 401},
		{"500 persistent", func(s *faltest.Server) { s.FailNext(w, 10, 500, "") }, "", domain.CodeFalServiceError, 500},
		{"503 then success", func(s *faltest.Server) { s.FailNext(w, 2, 503, "") }, "", "", 0},
		{"stalled", func(s *faltest.Server) { s.StallNext(w, 1) }, "", domain.CodeProviderTimeout, 0},
		{"422 from the model", func(s *faltest.Server) {
			s.Handle(w, func(json.RawMessage) (any, *faltest.Failure) {
				return nil, &faltest.Failure{Status: 422, Body: `{"detail":[{"loc":["body","audio_url"],"msg":"Could not decode","type":"audio_decode_error"}]}`}
			})
		}, "", domain.CodeFalServiceError, 422},
		{"unreadable output", func(s *faltest.Server) {
			s.Handle(w, func(json.RawMessage) (any, *faltest.Failure) { return "not an object", nil })
		}, "", domain.CodeFalServiceError, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			if tt.inject != nil {
				tt.inject(srv)
			}
			c := newClient(srv, func(c *falclient.Config) {
				c.Timeout = 200 * time.Millisecond
				if tt.key != "" {
					c.Key = tt.key
				}
			})
			tr, err := falclient.NewSpeechRecognizer(c).Transcribe(t.Context(), domain.TranscribeRequest{Audio: faltest.ToneWAV(time.Second)})
			if tt.code == "" {
				if err != nil || tr.Text != faltest.DefaultTranscript {
					t.Fatalf("%+v %v", tr, err)
				}
				return
			}
			de := domainErr(t, err)
			if de.Code != tt.code || (tt.status != 0 && de.Details["upstream_status"] != tt.status) {
				t.Errorf("%v %v", de, de.Details)
			}
			if de.Code == domain.CodeFalServiceError && de.Details["endpoint"] != w {
				t.Errorf("details %v", de.Details)
			}
		})
	}
}

// TestTranscribeCompressedWAV checks WAV files in encodings fal decodes but the audio
// package does not: they are sent as they are, with the duration of the header when one
// byte is one sample (A-law, µ-law), else of the transcript.
func TestTranscribeCompressedWAV(t *testing.T) {
	t.Parallel()
	withTag := func(tag uint16, b []byte) []byte {
		binary.LittleEndian.PutUint16(b[20:], tag)
		return b
	}
	tests := []struct {
		name  string
		audio []byte
		dur   time.Duration
	}{
		{"A-law", withTag(6, append(wavHeader(8000, 1, 8, 16000), make([]byte, 16000)...)), 2 * time.Second},
		{"µ-law", withTag(7, append(wavHeader(8000, 1, 8, 8000), make([]byte, 8000)...)), time.Second},
		{"ADPCM", withTag(2, append(wavHeader(22050, 1, 4, 4000), make([]byte, 4000)...)), 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := faltest.New(t)
			srv.Handle(faltest.Wizper, func(json.RawMessage) (any, *faltest.Failure) {
				return map[string]any{"text": "Yes.", "chunks": []any{map[string]any{"timestamp": []any{0.0, 1.5}, "text": "Yes."}}}, nil
			})
			tr, err := newRecognizer(srv).Transcribe(t.Context(), domain.TranscribeRequest{Audio: tt.audio})
			if err != nil || tr.Duration != tt.dur || tr.Text != "Yes." {
				t.Errorf("transcript %+v, %v; want duration %s", tr, err, tt.dur)
			}
		})
	}
}
