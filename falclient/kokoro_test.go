package falclient_test

import (
	"bytes"
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

const line = "Welcome, traveller. The gate is shut until dawn!"

func newSynth(srv *faltest.Server, mods ...func(*falclient.Config)) *falclient.SpeechSynth {
	return falclient.NewSpeechSynth(newClient(srv, mods...))
}

// wavDuration reads a 16-bit PCM WAV the way a player would, independently of the
// package's parser: rate, channels and the data chunk's length.
func wavDuration(t *testing.T, b []byte) (int, time.Duration) {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a WAV")
	}
	var rate, channels int
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		switch id {
		case "fmt ":
			channels, rate = int(binary.LittleEndian.Uint16(b[p+10:])), int(binary.LittleEndian.Uint32(b[p+12:]))
		case "data":
			return rate, time.Duration(size/2/channels) * time.Second / time.Duration(rate)
		}
		p += 8 + size + size%2
	}
	t.Fatal("no data chunk")
	return 0, 0
}

func TestSpeechVoices(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	voices := newSynth(srv).Voices(t.Context())
	if len(voices) != 54 {
		t.Errorf("%d voices, want 54 (fal's Kokoro schema)", len(voices))
	}
	ids := map[string]domain.Voice{}
	for _, v := range voices {
		if _, dup := ids[v.ID]; dup || !strings.HasPrefix(v.ID, falclient.KokoroVoicePrefix) || v.Engine != "fal" ||
			!v.Available || v.Name == "" || v.Description == "" || (v.Gender != "female" && v.Gender != "male") {
			t.Errorf("voice %+v", v)
		}
		ids[v.ID] = v
	}
	for id, want := range map[string][2]string{
		"fal-kokoro-af_heart": {"en-US", "female"}, "fal-kokoro-am_adam": {"en-US", "male"},
		"fal-kokoro-bf_emma": {"en-GB", "female"}, "fal-kokoro-bm_george": {"en-GB", "male"},
		"fal-kokoro-ff_siwis": {"fr-FR", "female"}, "fal-kokoro-jm_kumo": {"ja", "male"},
	} {
		if v := ids[id]; v.Language != want[0] || v.Gender != want[1] {
			t.Errorf("%s: %+v", id, v)
		}
	}
	if v := ids["fal-kokoro-bm_george"]; v.Name != "George (British English)" {
		t.Errorf("name %q", v.Name)
	}
	for _, v := range falclient.NewSpeechSynth(falclient.New(falclient.Config{})).Voices(t.Context()) {
		if v.Available {
			t.Fatalf("%s available without a key", v.ID)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

// TestSpeechVoiceMapping checks which endpoint and Kokoro voice each id reaches,
// local ids included.
func TestSpeechVoiceMapping(t *testing.T) {
	t.Parallel()
	us, gb := faltest.KokoroAmericanEnglish, faltest.KokoroBritishEnglish
	tests := []struct {
		id, endpoint, voice string
	}{
		{"", us, "af_heart"},
		{"fal-kokoro-am_adam", us, "am_adam"},
		{" fal-kokoro-bf_emma ", gb, "bf_emma"},
		{"fal-kokoro-bm_george", gb, "bm_george"},
		{"fal-kokoro-ff_siwis", "fal-ai/kokoro/french", "ff_siwis"},
		{"local-en-us-m1", us, "am_adam"},
		{"local-en-us-m3", us, "am_eric"},
		{"local-en-us-m7", us, "am_puck"},
		{"local-en-us-f1", us, "af_heart"},
		{"local-en-us-f3", us, "af_nicole"},
		{"local-en-us-f5", us, "af_sky"},
		{"local-en-gb-m2", gb, "bm_lewis"},
		{"local-en-gb-f2", gb, "bf_isabella"},
	}
	srv := faltest.New(t)
	s := newSynth(srv)
	for _, tt := range tests {
		v, err := s.Resolve(tt.id)
		if err != nil || v.ID != falclient.KokoroVoicePrefix+tt.voice || !v.Available {
			t.Errorf("Resolve(%q): %+v %v", tt.id, v, err)
		}
		res, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: "Hello.", VoiceID: tt.id})
		if err != nil {
			t.Fatalf("%q: %v", tt.id, err)
		}
		if in := submitted(t, srv); in["voice"] != tt.voice || res.Model != tt.endpoint || res.VoiceID != v.ID {
			t.Errorf("%q: voice %v, model %s, voice id %s", tt.id, in["voice"], res.Model, res.VoiceID)
		}
		if n := srv.Count(tt.endpoint, faltest.KindSubmit); n == 0 {
			t.Errorf("%q: nothing submitted to %s", tt.id, tt.endpoint)
		}
	}
	// Every local variant maps, to a voice of its accent and gender.
	for _, accent := range []string{"us", "gb"} {
		for _, g := range []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"} {
			v, err := s.Resolve("local-en-" + accent + "-" + g)
			wantGender := map[byte]string{'m': "male", 'f': "female"}[g[0]]
			if err != nil || v.Gender != wantGender || v.Language != "en-"+strings.ToUpper(accent) {
				t.Errorf("local-en-%s-%s: %+v %v", accent, g, v, err)
			}
		}
	}
	n := len(srv.Requests())
	for _, id := range []string{"local-en-us-m8", "local-fr-f1", "af_heart", "fal-kokoro-nobody", "FAL-KOKORO-AF_HEART"} {
		_, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: "Hello.", VoiceID: id})
		de := domainErr(t, err)
		fields, _ := de.Details["fields"].([]domain.FieldError)
		if de.Code != domain.CodeValidation || len(fields) != 1 || fields[0].Field != "voice_id" {
			t.Errorf("%q: %v %v", id, de, de.Details)
		}
		if _, err := s.Resolve(id); domain.ErrorCode(err) != domain.CodeValidation {
			t.Errorf("Resolve(%q): %v", id, err)
		}
	}
	if len(srv.Requests()) != n {
		t.Error("an unknown voice reached fal")
	}
}

func TestSynthesize(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	res, err := newSynth(srv).Synthesize(t.Context(), domain.SpeechRequest{
		Text: "  " + line + "\n", VoiceID: "fal-kokoro-bm_george", Speed: 1.25, Format: domain.AudioMP3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if in := submitted(t, srv); !reflect.DeepEqual(in, map[string]any{"prompt": line, "voice": "bm_george", "speed": 1.25}) {
		t.Errorf("input %v", in)
	}
	rate, d := wavDuration(t, res.Data)
	if rate != 24000 || d <= 0 || !bytes.Equal(res.Data, faltest.SpeechAudio(line, "bm_george", 1.25)) {
		t.Errorf("audio %d Hz, %s", rate, d)
	}
	// Kokoro answers WAV whatever was asked for; the result says what it is.
	got := res
	got.Data, got.Words = nil, nil
	want := domain.SpeechResult{ContentType: "audio/wav", Format: domain.AudioWAV, SampleRate: 24000, Duration: d,
		Engine: "fal", Model: faltest.KokoroBritishEnglish, VoiceID: "fal-kokoro-bm_george"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result %+v\nwant   %+v", got, want)
	}
	checkWords(t, res.Words, []string{"Welcome", "traveller", "The", "gate", "is", "shut", "until", "dawn"}, 0, d)
	// Longer words take longer, and the full stop pauses longer than the spaces.
	w := res.Words
	if w[1].End-w[1].Start <= w[2].End-w[2].Start || w[2].Start-w[1].End <= w[3].Start-w[2].End {
		t.Errorf("timings not proportional: %+v", w)
	}
	if w[len(w)-1].End != d {
		t.Errorf("last word ends at %s, audio at %s", w[len(w)-1].End, d)
	}
}

func TestSynthesizeSpeed(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	s := newSynth(srv)
	for speed, want := range map[float64]float64{0: 1, 0.5: 0.5, 2: 2, 0.01: 0.1, 9: 5} {
		if _, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: "Hi.", Speed: speed}); err != nil {
			t.Fatal(err)
		}
		if got := submitted(t, srv)["speed"]; got != want {
			t.Errorf("speed %v sent as %v, want %v", speed, got, want)
		}
	}
}

// TestSynthesizeQueue checks that Synthesize follows the queue to completion, then
// downloads the audio without the key.
func TestSynthesizeQueue(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t, faltest.WithQueueSteps(1, 1))
	if _, err := newSynth(srv).Synthesize(t.Context(), domain.SpeechRequest{Text: line}); err != nil {
		t.Fatal(err)
	}
	var kinds []faltest.Kind
	for _, r := range srv.Requests() {
		kinds = append(kinds, r.Kind)
		if auth := r.Header.Get("Authorization"); (r.Kind == faltest.KindFile) != (auth == "") {
			t.Errorf("%s request with Authorization %q", r.Kind, auth)
		}
	}
	want := []faltest.Kind{faltest.KindSubmit, faltest.KindStatus, faltest.KindStatus, faltest.KindStatus,
		faltest.KindResult, faltest.KindFile}
	if !slices.Equal(kinds, want) {
		t.Fatalf("requests %v, want %v", kinds, want)
	}
}

func TestSynthesizeFailures(t *testing.T) {
	t.Parallel()
	us := faltest.KokoroAmericanEnglish
	tests := []struct {
		name   string
		inject func(*faltest.Server)
		text   string
		key    string
		code   domain.Code
		status int    // upstream_status, when not 0
		stage  string // details' stage
	}{
		{"wrong key", nil, line, "wrong", domain.CodeFalServiceError, 401, ""},
		{"500 persistent", func(s *faltest.Server) { s.FailNext(us, 10, 500, "") }, line, "", domain.CodeFalServiceError, 500, ""},
		{"503 then success", func(s *faltest.Server) { s.FailNext(us, 2, 503, "") }, line, "", "", 0, ""},
		{"stalled submit", func(s *faltest.Server) { s.StallNext(us, 1) }, line, "", domain.CodeProviderTimeout, 0, ""},
		{"422", func(s *faltest.Server) {
			s.Handle(us, func(json.RawMessage) (any, *faltest.Failure) {
				return nil, &faltest.Failure{Status: 422, Body: `{"detail":[{"loc":["body","prompt"],"msg":"too long","type":"value_error"}]}`}
			})
		}, line, "", domain.CodeFalServiceError, 422, ""},
		{"download 503 then success", func(s *faltest.Server) { s.FailNext(faltest.FilesEndpoint, 2, 503, "") }, line, "", "", 0, ""},
		{"download 404", func(s *faltest.Server) { s.FailNext(faltest.FilesEndpoint, 1, 404, "") }, line, "", domain.CodeFalServiceError, 404, "download"},
		{"stalled download", func(s *faltest.Server) { s.StallNext(faltest.FilesEndpoint, 1) }, line, "", domain.CodeProviderTimeout, 0, ""},
		{"no audio", func(s *faltest.Server) {
			s.Handle(us, func(json.RawMessage) (any, *faltest.Failure) { return map[string]any{"audio": nil}, nil })
		}, line, "", domain.CodeFalServiceError, 0, ""},
		{"not audio", func(s *faltest.Server) {
			s.Handle(us, func(json.RawMessage) (any, *faltest.Failure) {
				return faltest.KokoroOutput{Audio: faltest.AudioFile{URL: s.PutFile([]byte("<html>oops</html>"), "text/html")}}, nil
			})
		}, line, "", domain.CodeFalServiceError, 0, "download"},
		{"truncated WAV", func(s *faltest.Server) {
			s.Handle(us, func(json.RawMessage) (any, *faltest.Failure) {
				wav := faltest.SpeechAudio("Hello.", "af_heart", 1)
				return faltest.KokoroOutput{Audio: faltest.AudioFile{URL: s.PutFile(wav[:len(wav)/2], "audio/wav")}}, nil
			})
		}, line, "", domain.CodeFalServiceError, 0, "download"},
		{"empty text", nil, " \n ", "", domain.CodeValidation, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := faltest.New(t)
			if tt.inject != nil {
				tt.inject(srv)
			}
			s := newSynth(srv, func(c *falclient.Config) {
				c.Timeout = 200 * time.Millisecond
				if tt.key != "" {
					c.Key = tt.key
				}
			})
			res, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: tt.text})
			if tt.code == "" {
				if err != nil || len(res.Data) == 0 {
					t.Fatalf("%v", err)
				}
				return
			}
			de := domainErr(t, err)
			if de.Code != tt.code || (tt.status != 0 && de.Details["upstream_status"] != tt.status) ||
				(tt.stage != "" && de.Details["stage"] != tt.stage) {
				t.Errorf("%v %v", de, de.Details)
			}
			if de.Code == domain.CodeFalServiceError && de.Details["endpoint"] != us {
				t.Errorf("details %v", de.Details)
			}
			if strings.Contains(de.Error(), faltest.Key) || strings.Contains(de.Message, faltest.Key) {
				t.Errorf("error reveals the key: %v", de)
			}
		})
	}
}

// TestSynthesizeOtherAudio checks audio that is not WAV: the format comes from the
// bytes, duration and rate from fal's output, and words are still estimated; and audio
// inlined as a data URI.
func TestSynthesizeOtherAudio(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	mp3 := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), make([]byte, 1000)...)
	srv.Handle(faltest.KokoroAmericanEnglish, func(json.RawMessage) (any, *faltest.Failure) {
		return map[string]any{"audio": map[string]any{"url": srv.PutFile(mp3, "application/octet-stream"),
			"content_type": "audio/mpeg", "duration": 2.5, "sample_rate": 44100.0}}, nil
	})
	res, err := newSynth(srv).Synthesize(t.Context(), domain.SpeechRequest{Text: "Good morning.", Format: domain.AudioWAV})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Data, mp3) || res.Format != domain.AudioMP3 || res.ContentType != "audio/mpeg" ||
		res.Duration != 2500*time.Millisecond || res.SampleRate != 44100 {
		t.Errorf("result %+v", res)
	}
	checkWords(t, res.Words, []string{"Good", "morning"}, 0, 2500*time.Millisecond)

	wav := faltest.SpeechAudio("Hi.", "af_heart", 1)
	srv.Handle(faltest.KokoroAmericanEnglish, func(json.RawMessage) (any, *faltest.Failure) {
		return map[string]any{"audio": map[string]any{"url": "data:audio/wav;base64," + base64.StdEncoding.EncodeToString(wav)}}, nil
	})
	res, err = newSynth(srv).Synthesize(t.Context(), domain.SpeechRequest{Text: "Hi."})
	if _, d := wavDuration(t, wav); err != nil || !bytes.Equal(res.Data, wav) || res.Format != "wav" || res.Duration != d {
		t.Errorf("data URI: %+v %v", res, err)
	}
}

// TestSynthStatus checks the synthesizer's health with and without a key, and that
// without one it sends nothing.
func TestSynthStatus(t *testing.T) {
	t.Parallel()
	srv := faltest.New(t)
	if h := newSynth(srv).Status(t.Context()); h != (domain.DependencyHealth{Status: domain.StatusOK, Engine: "fal", Model: faltest.KokoroAmericanEnglish}) {
		t.Errorf("synth: %+v", h)
	}
	s := falclient.NewSpeechSynth(falclient.New(falclient.Config{}))
	if h := s.Status(t.Context()); h.Status != domain.StatusUnavailable || h.Engine != "fal" || h.Detail == "" {
		t.Errorf("without a key: %+v", h)
	}
	if _, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: "Hi."}); domain.ErrorCode(err) != domain.CodeEngineUnavailable {
		t.Errorf("Synthesize without a key: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}
