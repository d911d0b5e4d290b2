package speech

import (
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// BenchmarkSynthesize measures a typical NPC line end to end (real synthesis, timing
// probe, lone words, alignment) and reports the real-time factor: seconds of audio made
// per second of wall time.
//
//	go test -run='^$' -bench=Synthesize -benchtime=20x ./local/speech
func BenchmarkSynthesize(b *testing.B) {
	requireTools(b, "espeak-ng", "lame", "sox")
	for _, tc := range []struct {
		name string
		req  domain.SpeechRequest
	}{
		{"wav", domain.SpeechRequest{Text: timingTexts[2], VoiceID: "local-en-us-m1"}},
		{"wav-echo-voice", domain.SpeechRequest{Text: timingTexts[2], VoiceID: "local-en-gb-f2"}},
		{"mp3", domain.SpeechRequest{Text: timingTexts[2], VoiceID: "local-en-us-m1", Format: domain.AudioMP3}},
		{"ogg", domain.SpeechRequest{Text: timingTexts[2], VoiceID: "local-en-us-m1", Format: domain.AudioOGG}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := New()
			var audio time.Duration
			for b.Loop() {
				res, err := s.Synthesize(b.Context(), tc.req)
				if err != nil {
					b.Fatal(err)
				}
				audio += res.Duration
			}
			b.ReportMetric(audio.Seconds()/b.Elapsed().Seconds(), "rtf")
		})
	}
}
