package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/server/servertest"
)

func speechResult(t *testing.T, j gen.Job) gen.SpeechJobResult {
	t.Helper()
	if j.Status != gen.JobStatusCompleted || j.Result == nil {
		t.Fatalf("tts job %+v (error %+v)", j, j.Error)
	}
	r := j.Result.Tts
	if r == nil || j.Result.Avatar != nil || j.Result.Background != nil {
		t.Fatalf("tts job %s: result %+v, want only result.tts", j.JobId, j.Result)
	}
	checkSignedFile(t, r.FileId, r.AudioUrl, r.ExpiresAt)
	return *r
}

// speakToWAV runs a tts job and downloads its audio.
func speakToWAV(t *testing.T, b *bundle, text string) (gen.SpeechJobResult, []byte) {
	t.Helper()
	res, err := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{Text: text, VoiceId: ptr("local-en-us-m3")})
	if err != nil || res.JSON202 == nil {
		t.Fatalf("tts: %v %d %s", err, res.StatusCode(), res.Body)
	}
	r := speechResult(t, waitJob(t, b.demo, res.JSON202.JobId))
	dl, body := download(t, b.url, r.AudioUrl, nil)
	if dl.StatusCode != 200 {
		t.Fatalf("download: %d", dl.StatusCode)
	}
	return r, body
}

func TestTextToSpeechJobs(t *testing.T) {
	b := setup(t)
	for _, c := range []struct {
		format      gen.SpeechRequestFormat
		contentType string
		magic       string
	}{{gen.SpeechRequestFormatWav, "audio/wav", "RIFF"}, {gen.SpeechRequestFormatMp3, "audio/mpeg", ""}, {gen.SpeechRequestFormatOgg, "audio/ogg", "OggS"}} {
		t.Run(string(c.format), func(t *testing.T) {
			res, err := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{
				Text: "Welcome, traveller. The forge is hot today.", VoiceId: ptr("local-en-us-f3"), Format: &c.format,
			})
			if err != nil || res.JSON202 == nil {
				t.Fatalf("tts: %v %s", err, res.Body)
			}
			r := speechResult(t, waitJob(t, b.demo, res.JSON202.JobId))
			if r.Format != string(c.format) || r.Engine != "local" || r.VoiceId != "local-en-us-f3" || r.DurationMs <= 0 || r.SampleRate <= 0 {
				t.Fatalf("result %+v", r)
			}
			if len(r.Words) != 7 {
				t.Fatalf("%d word timings for 7 words: %+v", len(r.Words), r.Words)
			}
			for i, w := range r.Words {
				if w.EndMs < w.StartMs || i > 0 && w.StartMs < r.Words[i-1].StartMs || w.EndMs > r.DurationMs+1 {
					t.Fatalf("word timings out of order: %+v", r.Words)
				}
			}
			dl, body := download(t, b.url, r.AudioUrl, nil)
			if dl.StatusCode != 200 || dl.Header.Get("Content-Type") != c.contentType || !bytes.HasPrefix(body, []byte(c.magic)) {
				t.Fatalf("download: %d %q %q", dl.StatusCode, dl.Header.Get("Content-Type"), body[:min(8, len(body))])
			}
		})
	}

	t.Run("a character's voice", func(t *testing.T) {
		ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "bard", Archetype: "jester", VoiceId: ptr("local-en-gb-f2")})
		res, _ := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{Text: "A song for you.", CharacterId: &ch.Id})
		r := speechResult(t, waitJob(t, b.demo, res.JSON202.JobId))
		if r.VoiceId != "local-en-gb-f2" || r.CharacterId == nil || *r.CharacterId != ch.Id {
			t.Fatalf("result %+v", r)
		}
	})

	t.Run("another tenant sees neither the job nor the audio", func(t *testing.T) {
		res, _ := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{Text: "Secret words."})
		r := speechResult(t, waitJob(t, b.demo, res.JSON202.JobId))
		other, _ := b.other.GetJobWithResponse(t.Context(), res.JSON202.JobId)
		expectError(t, other.HTTPResponse, other.Body, 404, "JOB_NOT_FOUND")
		u := strings.SplitN(r.AudioUrl, "?", 2)[0]
		dl, body := do(t, "GET", b.url+strings.TrimPrefix(u, "http://troupe.test"), nil, map[string]string{"Authorization": "Bearer " + servertest.TestKey})
		expectError(t, dl, body, 404, "FILE_NOT_FOUND")
	})
}

func TestTextToSpeechRefusesBadInput(t *testing.T) {
	b := setup(t, func(o *setupOptions) { o.noWorkers = true })
	cases := []struct {
		body   string
		status int
		code   string
		fields []string
	}{
		{`{"text":"hi","voice_id":"nobody"}`, 422, "VALIDATION_ERROR", []string{"voice_id"}},
		{`{"text":""}`, 422, "VALIDATION_ERROR", []string{"text"}},
		{`{"text":"   "}`, 422, "VALIDATION_ERROR", []string{"text"}},
		{`{"text":"hi","speed":3,"format":"flac"}`, 422, "VALIDATION_ERROR", []string{"format", "speed"}},
		{`{"text":"hi","character_id":"chr_nope"}`, 404, "CHAR_NOT_FOUND", nil},
	}
	for _, c := range cases {
		res, raw := do(t, "POST", b.url+"/v1/voice/tts", strings.NewReader(c.body), nil)
		e := expectError(t, res, raw, c.status, c.code)
		if c.fields != nil && strings.Join(sorted(fieldNames(e)), ",") != strings.Join(c.fields, ",") {
			t.Errorf("%s: fields %v, want %v", c.body, fieldNames(e), c.fields)
		}
	}
	list, _ := b.demo.ListJobsWithResponse(t.Context(), nil)
	if list.JSON200.Total != 0 {
		t.Fatal("refused requests created jobs")
	}
}

// upload posts audio as multipart, with optional phrases.
func upload(t *testing.T, url string, audio []byte, phrases ...string) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if audio != nil {
		part, _ := w.CreateFormFile("audio", "clip.wav")
		part.Write(audio)
	}
	if len(phrases) > 0 {
		w.WriteField("phrases", strings.Join(phrases, "\n"))
	}
	w.WriteField("language", "en")
	w.Close()
	return do(t, "POST", url+"/v1/voice/stt", &body, map[string]string{"Content-Type": w.FormDataContentType()})
}

func TestSpeechRoundTrip(t *testing.T) {
	b := setup(t)
	commands := []string{"open the gate", "close the gate", "attack the dragon", "give me the sword"}
	for _, said := range []string{"open the gate", "attack the dragon"} {
		t.Run(said, func(t *testing.T) {
			_, wav := speakToWAV(t, b, said)

			res, body := upload(t, b.url, wav, commands...)
			var tr gen.Transcription
			if res.StatusCode != 200 || json.Unmarshal(body, &tr) != nil || tr.Text != said || tr.Engine != "local" || tr.DurationMs <= 0 {
				t.Fatalf("multipart: %d %s", res.StatusCode, body)
			}

			js, _ := json.Marshal(gen.TranscriptionRequest{AudioBase64: ptr(base64.StdEncoding.EncodeToString(wav)), Phrases: &commands})
			res, body = do(t, "POST", b.url+"/v1/voice/stt", bytes.NewReader(js), nil)
			if res.StatusCode != 200 || json.Unmarshal(body, &tr) != nil || tr.Text != said {
				t.Fatalf("base64: %d %s", res.StatusCode, body)
			}

			host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "audio/wav")
				w.Write(wav)
			}))
			defer host.Close()
			js, _ = json.Marshal(gen.TranscriptionRequest{AudioUrl: ptr(host.URL + "/clip.wav"), Phrases: &commands})
			res, body = do(t, "POST", b.url+"/v1/voice/stt", bytes.NewReader(js), nil)
			if res.StatusCode != 200 || json.Unmarshal(body, &tr) != nil || tr.Text != said || len(tr.Words) == 0 {
				t.Fatalf("url: %d %s", res.StatusCode, body)
			}
		})
	}
}

// wavOf is a 16-bit mono PCM WAV of n samples at rate.
func wavOf(rate, n int) []byte {
	var b bytes.Buffer
	data := make([]byte, 2*n)
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+len(data)))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

func TestBadAudioIsRefused(t *testing.T) {
	b := setup(t)
	good := wavOf(16000, 16000)
	cases := map[string]struct {
		audio []byte
		code  string
	}{
		"empty":          {[]byte{}, "INVALID_AUDIO"},
		"not audio":      {[]byte("this is plainly not a wave file at all, just text"), "INVALID_AUDIO"},
		"truncated":      {good[:30], "INVALID_AUDIO"},
		"rate too low":   {wavOf(4000, 4000), "INVALID_AUDIO"},
		"too long":       {wavOf(8000, 8000*125), "AUDIO_TOO_LONG"},
		"data cut short": {good[:len(good)/2], "INVALID_AUDIO"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res, body := upload(t, b.url, c.audio)
			expectError(t, res, body, 422, c.code)
		})
	}
	t.Run("no audio part", func(t *testing.T) {
		res, body := upload(t, b.url, nil)
		expectError(t, res, body, 422, "VALIDATION_ERROR")
	})
	t.Run("both and neither of url and base64", func(t *testing.T) {
		for _, js := range []string{`{}`, `{"audio_url":"https://example.com/a.wav","audio_base64":"AAAA"}`} {
			res, body := do(t, "POST", b.url+"/v1/voice/stt", strings.NewReader(js), nil)
			expectError(t, res, body, 422, "VALIDATION_ERROR")
		}
	})
}

// Audio URLs go through the webhooks' SSRF guard, and a refusal names the field that
// was refused, audio_url, not webhooks.
func TestAudioURLsMustBePublic(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *setupOptions) { o.strictWebhooks = true })
	for _, u := range []string{"http://127.0.0.1/a.wav", "https://127.0.0.1/a.wav", "https://169.254.169.254/latest",
		"https://10.0.0.8/a.wav", "https://[::1]/a.wav", "https://localhost/a.wav", "/a.wav"} {
		js, _ := json.Marshal(gen.TranscriptionRequest{AudioUrl: &u})
		res, body := do(t, "POST", b.url+"/v1/voice/stt", bytes.NewReader(js), nil)
		e := expectError(t, res, body, 422, "VALIDATION_ERROR")
		if e.Details.Fields == nil || len(*e.Details.Fields) != 1 || (*e.Details.Fields)[0].Field != "audio_url" {
			t.Fatalf("%s: fields %v", u, fieldNames(e))
		}
		msg := (*e.Details.Fields)[0].Message
		if !strings.HasPrefix(msg, "audio_url refused: ") || strings.Contains(strings.ToLower(msg), "webhook") ||
			strings.Contains(strings.ToLower(msg), "hook") {
			t.Errorf("%s: message %q should name audio_url and not webhooks", u, msg)
		}
	}
}

// An audio URL that passes the guard but cannot be fetched says what went wrong, not
// that it was refused.
func TestAudioURLFetchFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	host := httptest.NewServer(http.NotFoundHandler())
	defer host.Close()
	u := host.URL + "/missing.wav"
	js, _ := json.Marshal(gen.TranscriptionRequest{AudioUrl: &u})
	res, body := do(t, "POST", b.url+"/v1/voice/stt", bytes.NewReader(js), nil)
	e := expectError(t, res, body, 422, "VALIDATION_ERROR")
	if e.Details.Fields == nil || (*e.Details.Fields)[0].Field != "audio_url" {
		t.Fatalf("fields %v", fieldNames(e))
	}
	if msg := (*e.Details.Fields)[0].Message; strings.Contains(msg, "refused") || !strings.Contains(msg, "404") {
		t.Errorf("message %q should say the fetch answered 404", msg)
	}
}

func TestVoiceCatalogue(t *testing.T) {
	b := setup(t)
	res, err := b.demo.ListVoicesWithResponse(t.Context())
	if err != nil || res.JSON200 == nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, v := range res.JSON200.Items {
		ids[v.Id] = v.Available
		if v.Name == "" || v.Language == "" || v.Engine == "" {
			t.Fatalf("voice %+v", v)
		}
	}
	for _, id := range []string{"local-en-us-m1", "local-en-us-m3", "local-en-us-m7", "local-en-gb-m2", "local-en-us-f1", "local-en-us-f3", "local-en-gb-f2", "local-en-us-f5"} {
		if !ids[id] {
			t.Fatalf("voice %s missing or unavailable", id)
		}
	}
}

func TestMissingSpeechEngines(t *testing.T) {
	// An empty PATH hides espeak-ng, pocketsphinx and the converters, as on a machine
	// without the packages.
	t.Setenv("PATH", t.TempDir())
	b := setup(t)
	voices, _ := b.demo.ListVoicesWithResponse(t.Context())
	for _, v := range voices.JSON200.Items {
		if v.Available {
			t.Fatalf("voice %s says available without espeak-ng", v.Id)
		}
	}
	res, body := do(t, "POST", b.url+"/v1/voice/tts", strings.NewReader(`{"text":"hi","voice_id":"local-en-us-m1"}`), nil)
	expectError(t, res, body, 503, "ENGINE_UNAVAILABLE")
	res, body = upload(t, b.url, wavOf(16000, 16000))
	e := expectError(t, res, body, 503, "ENGINE_UNAVAILABLE")
	if !strings.Contains(string(body), "pocketsphinx") {
		t.Fatalf("the error does not name the package: %+v", e)
	}
	health, _ := b.anon.GetHealthWithResponse(t.Context())
	if health.JSON200 == nil || health.JSON200.Dependencies.Speech.Status == gen.DependencyHealthStatusOk {
		t.Fatalf("health says speech is fine: %s", health.Body)
	}
}

func TestVoiceOnFal(t *testing.T) {
	fake := faltest.New(t, faltest.WithQueueSteps(0, 1))
	client := falclient.New(falclient.Config{
		Key: fake.Key(), RunURL: fake.URL(), QueueURL: fake.URL(), PollInterval: 5 * time.Millisecond,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
	})
	b := setup(t, func(o *setupOptions) {
		o.synth, o.recognizer = falclient.NewSpeechSynth(client), falclient.NewSpeechRecognizer(client)
		o.otherSynths = []domain.SpeechSynth{speech.New()}
	})
	res, err := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{Text: "Halt, who goes there?", VoiceId: ptr("fal-kokoro-bm_george")})
	if err != nil || res.JSON202 == nil {
		t.Fatalf("tts: %v %s", err, res.Body)
	}
	r := speechResult(t, waitJob(t, b.demo, res.JSON202.JobId))
	if r.Engine != "fal" || !strings.HasPrefix(r.Model, "fal-ai/kokoro") || r.DurationMs <= 0 || len(r.Words) != 4 {
		t.Fatalf("fal tts %+v", r)
	}
	// The catalogue lists the fal voices and the local ones, usable on fal through mapping.
	voices, _ := b.demo.ListVoicesWithResponse(t.Context())
	engines := map[string]int{}
	for _, v := range voices.JSON200.Items {
		if v.Available {
			engines[v.Engine]++
		}
	}
	if engines["fal"] == 0 || engines["local"] < 8 {
		t.Fatalf("available voices by engine: %v", engines)
	}

	// A character keeps its local voice id when the engine is fal: it maps to a Kokoro voice.
	ch := createCharacter(t, b.demo, gen.CreateCharacterRequest{Role: "guard", Archetype: "hero", VoiceId: ptr("local-en-gb-m2")})
	byChar, _ := b.demo.CreateSpeechWithResponse(t.Context(), nil, gen.SpeechRequest{Text: "Move along.", CharacterId: &ch.Id})
	if byChar.JSON202 == nil {
		t.Fatalf("tts with a local voice on fal: %s", byChar.Body)
	}
	if rc := speechResult(t, waitJob(t, b.demo, byChar.JSON202.JobId)); !strings.HasPrefix(rc.VoiceId, "fal-kokoro-b") {
		t.Fatalf("local-en-gb-m2 spoke as %q on fal", rc.VoiceId)
	}
	_, wav := download(t, b.url, r.AudioUrl, nil)
	up, body := upload(t, b.url, wav)
	var tr gen.Transcription
	if up.StatusCode != 200 || json.Unmarshal(body, &tr) != nil || tr.Engine != "fal" || !strings.Contains(strings.ToLower(tr.Text), "who goes there") {
		t.Fatalf("fal stt: %d %s", up.StatusCode, body)
	}
}
