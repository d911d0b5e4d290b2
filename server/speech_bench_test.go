package server_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/server/servertest"
)

// eventTimes posts body to url and returns, for each event type, when it was first
// read, measured from just before the request was sent.
func eventTimes(b *testing.B, url, body string) map[string]time.Duration {
	req, _ := http.NewRequestWithContext(b.Context(), "POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("%s: %v %v", url, err, res)
	}
	defer res.Body.Close()
	seen := map[string]time.Duration{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			if _, dup := seen[name]; !dup {
				seen[name] = time.Since(start)
			}
			if name == "error" || name == "audio.failed" {
				b.Fatalf("%s: %s event", url, name)
			}
		}
	}
	return seen
}

// median of ds in milliseconds.
func medianMs(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds()) / 1000
}

// BenchmarkSpeechStreamFirstAudio measures, for a five-sentence line on the local
// engine, the time from sending POST /v1/voice/tts/stream to reading the first
// audio.delta, against the time the whole file takes to synthesise (the work of a tts
// job, without its queue) in the same loop. Reported as medians in milliseconds and
// their ratio.
func BenchmarkSpeechStreamFirstAudio(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	synth := speech.New()
	body := `{"text":"` + fiveSentences + `","voice_id":"local-en-us-m3"}`
	var first, streamed, whole []time.Duration
	for b.Loop() {
		seen := eventTimes(b, srv.URL+"/v1/voice/tts/stream", body)
		first, streamed = append(first, seen["audio.delta"]), append(streamed, seen["audio.completed"])
		start := time.Now()
		if _, err := synth.Synthesize(b.Context(), domain.SpeechRequest{Text: fiveSentences, VoiceID: "local-en-us-m3"}); err != nil {
			b.Fatal(err)
		}
		whole = append(whole, time.Since(start))
	}
	b.ReportMetric(medianMs(first), "first-audio-ms")
	b.ReportMetric(medianMs(streamed), "all-streamed-ms")
	b.ReportMetric(medianMs(whole), "whole-file-ms")
	b.ReportMetric(medianMs(first)/medianMs(whole), "first/whole")
}

// BenchmarkSpeakWithVoiceFirstAudio measures speak/stream with voice on the local
// engines: the time from reading the first dialogue.delta to reading the first
// audio.delta (the first sentence's synthesis and its way out), as a median in
// milliseconds.
func BenchmarkSpeakWithVoiceFirstAudio(b *testing.B) {
	h, _ := newHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := servertest.Client(b, srv.URL, servertest.DemoKey)
	res, err := c.CreateCharacterWithResponse(b.Context(), nil, gen.CreateCharacterRequest{Role: "merchant", Archetype: "sage", Name: ptr("Aldric")})
	if err != nil || res.JSON201 == nil {
		b.Fatal(err)
	}
	url := srv.URL + "/v1/characters/" + res.JSON201.Id + "/speak/stream"
	body := `{"voice":true,"length":"long","context_messages":[{"speaker":"player","text":"Tell me about this town and what you sell."}]}`
	var gap, toText []time.Duration
	for b.Loop() {
		seen := eventTimes(b, url, body)
		gap, toText = append(gap, seen["audio.delta"]-seen["dialogue.delta"]), append(toText, seen["dialogue.delta"])
	}
	b.ReportMetric(medianMs(toText), "first-text-ms")
	b.ReportMetric(medianMs(gap), "text-to-audio-ms")
}
