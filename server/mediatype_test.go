package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// heardRecognizer is a speech recogniser that records what it was given and says it heard
// "open the gate".
type heardRecognizer struct {
	mu    sync.Mutex
	heard []domain.TranscribeRequest
}

func (r *heardRecognizer) Transcribe(_ context.Context, req domain.TranscribeRequest) (domain.Transcript, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heard = append(r.heard, req)
	return domain.Transcript{
		Text: "open the gate", Language: "en", Duration: time.Second, Engine: "local", Model: "heard",
		Segments: []domain.TranscriptSegment{{End: time.Second, Text: "open the gate"}},
		Words:    []domain.WordTiming{{Word: "open", End: 300 * time.Millisecond}},
	}, nil
}

func (r *heardRecognizer) Status(context.Context) domain.DependencyHealth {
	return domain.DependencyHealth{Status: domain.StatusOK, Engine: "local"}
}

func (r *heardRecognizer) last() (domain.TranscribeRequest, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.heard) == 0 {
		return domain.TranscribeRequest{}, 0
	}
	return r.heard[len(r.heard)-1], len(r.heard)
}

// TestMediaTypesAreCaseInsensitive sends Content-Types in any case (RFC 9110 §8.3.1): JSON
// bodies are taken as JSON, and an upper-case multipart upload reaches the recogniser with
// its audio and fields, its case-sensitive boundary untouched.
func TestMediaTypesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	rec := &heardRecognizer{}
	b := setup(t, func(o *setupOptions) { o.recognizer = rec })

	for _, ct := range []string{"APPLICATION/JSON", "Application/Json; Charset=UTF-8", " application/JSON;charset=utf-8"} {
		t.Run("json "+ct, func(t *testing.T) {
			t.Parallel()
			res, raw := do(t, "POST", b.url+"/v1/worlds", strings.NewReader(`{"seed":5}`), map[string]string{"Content-Type": ct})
			var w gen.World
			if res.StatusCode != 201 || json.Unmarshal(raw, &w) != nil || w.Seed != 5 {
				t.Fatalf("%d %s", res.StatusCode, raw)
			}
		})
	}

	t.Run("an upper-case multipart upload", func(t *testing.T) {
		t.Parallel()
		audio := wavOf(16000, 1600)
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		if err := w.SetBoundary("MiXeD-CaSe-BoUnDaRy"); err != nil {
			t.Fatal(err)
		}
		part, _ := w.CreateFormFile("audio", "clip.wav")
		part.Write(audio)
		w.WriteField("language", "en")
		w.WriteField("phrases", "open the gate")
		w.Close()
		res, raw := do(t, "POST", b.url+"/v1/voice/stt", &body, map[string]string{"Content-Type": "MULTIPART/FORM-DATA; boundary=MiXeD-CaSe-BoUnDaRy"})
		var tr gen.Transcription
		if res.StatusCode != 200 || json.Unmarshal(raw, &tr) != nil || tr.Text != "open the gate" {
			t.Fatalf("%d %s", res.StatusCode, raw)
		}
		heard, n := rec.last()
		if n != 1 || !bytes.Equal(heard.Audio, audio) || heard.Language != "en" || strings.Join(heard.Phrases, "|") != "open the gate" {
			t.Fatalf("the recogniser got %d requests, the last with %d bytes of audio, language %q, phrases %q",
				n, len(heard.Audio), heard.Language, heard.Phrases)
		}
	})
}
