package recognition

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/audio"
	"github.com/troupe-ai/troupe/domain"
)

// without returns a Recognizer that pretends the named programs are not installed.
func without(programs ...string) *Recognizer {
	r := New()
	r.lookPath = func(name string) (string, error) {
		for _, p := range programs {
			if name == p {
				return "", exec.ErrNotFound
			}
		}
		return exec.LookPath(name)
	}
	return r
}

// TestBadAudio: every kind of audio that cannot be transcribed is a 422-class error with
// its own code, never an internal error; none needs the decoder installed.
func TestBadAudio(t *testing.T) {
	t.Parallel()
	good := makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1, 2, 3, 4))
	truncated := bytes.Clone(good[:30])
	short := bytes.Clone(good)
	short = append(short[:40], 0xE8, 0x03, 0, 0, 1, 0) // declares 1000 data bytes, has 2
	noise := make([]byte, 4096)
	_, _ = rand.Read(noise)
	noise[0] = 'x' // not accidentally a known signature
	// 121 s of 8 kHz 8-bit silence: 968 kB, cheap, and one second too long.
	long := makeWAV(wavPCM, 0, 1, 8000, 8, bytes.Repeat([]byte{128}, 121*8000))
	mp3 := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xFF, 0xFB, 0x90, 0x64}, 100)...)
	for _, tc := range []struct {
		name  string
		r     *Recognizer
		req   domain.TranscribeRequest
		code  domain.Code
		msg   string
		check func(*domain.Error) bool
	}{
		{"empty", New(), domain.TranscribeRequest{}, domain.CodeInvalidAudio, "empty", nil},
		{"random bytes", New(), domain.TranscribeRequest{Audio: noise}, domain.CodeInvalidAudio, "not in a format", nil},
		{"text", New(), domain.TranscribeRequest{Audio: []byte("hello, world"), ContentType: "audio/wav"}, domain.CodeInvalidAudio, "not in a format", nil},
		{"truncated header", New(), domain.TranscribeRequest{Audio: truncated}, domain.CodeInvalidAudio, "truncated", nil},
		{"data shorter than declared", New(), domain.TranscribeRequest{Audio: short}, domain.CodeInvalidAudio, "shorter than its header says", nil},
		{"4000 Hz", New(), domain.TranscribeRequest{Audio: makeWAV(wavPCM, 0, 1, 4000, 16, pcm16(1, 2))}, domain.CodeInvalidAudio, "Sample rate too low",
			func(e *domain.Error) bool {
				return e.Details["sample_rate"] == 4000 && e.Details["min_sample_rate"] == 8000
			}},
		{"no samples", New(), domain.TranscribeRequest{Audio: makeWAV(wavPCM, 0, 1, 16000, 16, nil)}, domain.CodeInvalidAudio, "The WAV file has no samples.", nil},
		{"big-endian", New(), domain.TranscribeRequest{Audio: append([]byte("RIFX"), good[4:]...)}, domain.CodeInvalidAudio, "RIFX WAV files are not supported", nil},
		{"avi", New(), domain.TranscribeRequest{Audio: append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...)}, domain.CodeInvalidAudio, "not in a format", nil},
		{"webm", New(), domain.TranscribeRequest{Audio: []byte{0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0}}, domain.CodeInvalidAudio, "not in a format", nil},
		{"too long", New(), domain.TranscribeRequest{Audio: long}, domain.CodeAudioTooLong, "longer than the 120 seconds allowed",
			func(e *domain.Error) bool { return e.Details["max_seconds"] == 120 }},
		{"too large", New(), domain.TranscribeRequest{Audio: make([]byte, domain.MaxAudioBytes+1)}, domain.CodeAudioTooLarge, "larger",
			func(e *domain.Error) bool { return e.Details["max_bytes"] == domain.MaxAudioBytes }},
		{"mp3 without sox", without("sox"), domain.TranscribeRequest{Audio: mp3}, domain.CodeInvalidAudio, "MP3 audio cannot be decoded here",
			func(e *domain.Error) bool { return e.Details["package"] == "sox libsox-fmt-mp3" }},
		{"ogg without sox", without("sox"), domain.TranscribeRequest{Audio: []byte("OggS\x00\x02\x00\x00")}, domain.CodeInvalidAudio, "OGG audio cannot be decoded here", nil},
		{"a-law without sox", without("sox"), domain.TranscribeRequest{Audio: makeWAV(6, 0, 1, 8000, 8, []byte{1, 2, 3})}, domain.CodeInvalidAudio, "WAV audio cannot be decoded here", nil},
		{"language", New(), domain.TranscribeRequest{Audio: good, Language: "fr"}, domain.CodeValidation, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.r.Transcribe(t.Context(), tc.req)
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *domain.Error", err)
			}
			if de.Code != tc.code || !strings.Contains(de.Message, tc.msg) || (tc.check != nil && !tc.check(de)) {
				t.Errorf("got %s %q %v, want %s containing %q", de.Code, de.Message, de.Details, tc.code, tc.msg)
			}
		})
	}
}

// TestBadAudioThroughSox: damaged compressed audio is CodeInvalidAudio too.
func TestBadAudioThroughSox(t *testing.T) {
	t.Parallel()
	requireTools(t, "sox")
	for name, data := range map[string][]byte{
		"mp3":  append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xFF, 0xFB, 0x90, 0x64, 0, 0, 0}, 50)...),
		"ogg":  append([]byte("OggS"), bytes.Repeat([]byte{7}, 300)...),
		"flac": append([]byte("fLaC"), bytes.Repeat([]byte{1}, 300)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New().Transcribe(t.Context(), domain.TranscribeRequest{Audio: data})
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalidAudio {
				t.Errorf("got %v, want %s", err, domain.CodeInvalidAudio)
			}
		})
	}
}

func TestEngineMissing(t *testing.T) {
	t.Parallel()
	audio := makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1, 2, 3, 4))
	for _, tc := range []struct {
		name string
		r    *Recognizer
		pkg  string
	}{
		{"decoder", without(decoderProgram), "pocketsphinx pocketsphinx-en-us"},
		{"model", func() *Recognizer {
			r := New()
			r.lookPath = func(string) (string, error) { return "/usr/bin/true", nil }
			r.exists = func(string) bool { return false }
			return r
		}(), "pocketsphinx-en-us"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio})
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeEngineUnavailable || de.Details["package"] != tc.pkg {
				t.Errorf("got %v, want %s with package %q", err, domain.CodeEngineUnavailable, tc.pkg)
			}
			st := tc.r.Status(t.Context())
			if st.Status != domain.StatusUnavailable || st.Detail != "install "+tc.pkg {
				t.Errorf("status %+v", st)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTools(t, "sox")
	st := New().Status(t.Context())
	if st.Status != domain.StatusOK || st.Engine != Engine || st.Model != Model {
		t.Errorf("status %+v", st)
	}
	if st := without("sox").Status(t.Context()); st.Status != domain.StatusOK || !strings.Contains(st.Detail, "WAV input only") {
		t.Errorf("without sox: %+v", st)
	}
}

// gamePhrases are what a game might listen for.
var gamePhrases = []string{
	"Open the gate!", "attack the dragon", "give me the sword", "where is the blacksmith",
	"I need a healing potion", "follow me", "run away", "what is your name",
}

// TestPhrasesRoundTrip: each phrase spoken by the local TTS (several voices, a few
// formats) is recognised as exactly that phrase, spelt as the caller gave it.
func TestPhrasesRoundTrip(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTools(t, "espeak-ng")
	r := newRecognizer(t)
	for i, p := range gamePhrases {
		voice := []string{"local-en-us-m1", "local-en-us-f3", "local-en-gb-m2", "local-en-us-f5"}[i%4]
		t.Run(p, func(t *testing.T) {
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: speak(t, p, voice, ""), Phrases: gamePhrases})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Text != p {
				t.Errorf("%s said %q, heard %q", voice, p, tr.Text)
			}
			if len(tr.Segments) != 1 || tr.Segments[0].Text != p || len(tr.Words) != len(normalizePhrase(p)) {
				t.Errorf("segments %+v words %+v", tr.Segments, tr.Words)
			}
			if tr.Engine != Engine || tr.Model != Model || tr.Language != "en" || tr.Duration <= 0 {
				t.Errorf("transcript %+v", tr)
			}
		})
	}
}

// TestCompressedFormats: MP3 and Ogg (made by the TTS with lame and sox) and FLAC (made
// by sox) are decoded through sox and recognised like WAV.
func TestCompressedFormats(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTools(t, "espeak-ng", "lame", "sox")
	r := newRecognizer(t)
	wavData := speak(t, "attack the dragon", "local-en-us-m7", "")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.flac")
	if err := os.WriteFile(in, wavData, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("sox", in, out).Run(); err != nil {
		t.Fatal(err)
	}
	flac, _ := os.ReadFile(out)
	for name, audio := range map[string][]byte{
		"mp3":  speak(t, "attack the dragon", "local-en-us-m7", domain.AudioMP3),
		"ogg":  speak(t, "attack the dragon", "local-en-us-m7", domain.AudioOGG),
		"flac": flac,
	} {
		t.Run(name, func(t *testing.T) {
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: gamePhrases})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Text != "attack the dragon" {
				t.Errorf("heard %q", tr.Text)
			}
		})
	}
}

// TestSilenceIsNotAPhrase: with a grammar pocketsphinx forces the nearest phrase onto
// anything; silence (or near-silence) must give no text instead.
func TestSilenceIsNotAPhrase(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	r := newRecognizer(t)
	rng := mrand.New(mrand.NewPCG(1, 2))
	hiss := make([]int16, 32000)
	for i := range hiss {
		hiss[i] = int16(rng.IntN(61) - 30) // about −60 dBFS
	}
	for name, audio := range map[string][]byte{
		"digital silence": makeWAV(wavPCM, 0, 1, 16000, 16, make([]byte, 64000)),
		"faint hiss":      audio.EncodeWAV16(hiss, 16000),
	} {
		t.Run(name, func(t *testing.T) {
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: gamePhrases})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Text != "" || len(tr.Segments) != 0 || tr.Duration != 2e9 {
				t.Errorf("transcript %+v, want no text over 2 s", tr)
			}
		})
	}
}

// TestOpenVocabularyRecording decodes a real recording nobody here made
// (pocketsphinx-testdata's goforward.raw, 16 kHz raw, "go forward ten meters") at 44.1 kHz
// stereo, so the WAV parser, the mixdown and the resampler are on the path.
func TestOpenVocabularyRecording(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	raw, err := os.ReadFile(filepath.Join(testdata, "goforward.raw"))
	if err != nil {
		t.Fatal(err)
	}
	r := newRecognizer(t)
	for name, audio := range map[string][]byte{
		"16 kHz mono":     makeWAV(wavPCM, 0, 1, 16000, 16, raw),
		"44.1 kHz stereo": stereo44k(raw),
	} {
		t.Run(name, func(t *testing.T) {
			tr, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio})
			if err != nil {
				t.Fatal(err)
			}
			if w := wer("go forward ten meters", tr.Text); w > 0.5 {
				t.Errorf("heard %q: WER %.0f %%", tr.Text, 100*w)
			}
			if len(tr.Words) == 0 || len(tr.Segments) == 0 || tr.Words[0].Start <= 0 {
				t.Errorf("words %+v segments %+v", tr.Words, tr.Segments)
			}
		})
	}
}

// stereo44k resamples 16 kHz 16-bit mono raw audio to 44.1 kHz stereo WAV.
func stereo44k(raw []byte) []byte {
	w := audio.WAV{Rate: 16000, Channels: 1, Bits: 16, Data: raw}
	up := audio.ToInt16(audio.Resample(w.Mono(), 16000, 44100))
	var data []byte
	for _, s := range up {
		data = append(data, pcm16(s, s)...)
	}
	return makeWAV(wavPCM, 0, 2, 44100, 16, data)
}

// TestDeterministic: the same audio gives the same transcript, in both modes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTools(t, "espeak-ng")
	audio := speak(t, "where is the blacksmith", "local-en-us-f1", "")
	r := newRecognizer(t)
	for _, phrases := range [][]string{nil, gamePhrases} {
		a, err := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: phrases})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := r.Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: phrases})
		if !reflect.DeepEqual(a, b) {
			t.Errorf("phrases %v: two runs differ:\n%+v\n%+v", phrases != nil, a, b)
		}
	}
}

// TestUnknownPhraseWords: phrases with words the dictionary lacks are refused, listed.
func TestUnknownPhraseWords(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	audio := makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1, 2, 3, 4))
	_, err := New().Transcribe(t.Context(), domain.TranscribeRequest{Audio: audio, Phrases: []string{"summon the qwxzzy", "open the gate"}})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation {
		t.Fatalf("got %v", err)
	}
	if words, _ := de.Details["unknown_words"].([]string); len(words) != 1 || words[0] != "qwxzzy" {
		t.Errorf("details %+v", de.Details)
	}
}

// TestTimeout: a decode that outlives its context stops, as a provider timeout the job
// runner may retry, still wrapping the context's error.
func TestTimeout(t *testing.T) {
	t.Parallel()
	requireEngine(t)
	requireTestdata(t)
	audio, err := os.ReadFile(filepath.Join(testdata, "librivox", "sense_and_sensibility_01_austen_64kb-0870.wav"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err = newRecognizer(t).Transcribe(ctx, domain.TranscribeRequest{Audio: audio})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeProviderTimeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want %s wrapping the deadline", err, domain.CodeProviderTimeout)
	}
}
