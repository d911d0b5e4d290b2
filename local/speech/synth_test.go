package speech

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// requiredVoices are referenced by domain.DefaultVoice and stored characters.
var requiredVoices = []string{
	"local-en-us-m1", "local-en-us-m3", "local-en-us-m7", "local-en-gb-m2",
	"local-en-us-f1", "local-en-us-f3", "local-en-gb-f2", "local-en-us-f5",
}

func TestCatalogue(t *testing.T) {
	bcp47 := regexp.MustCompile(`^[a-z]{2,3}(-([A-Z]{2}|[0-9]{3}))?(-[a-z0-9]{5,8})?$`)
	seen := map[string]bool{}
	for _, v := range catalogue {
		if seen[v.id] {
			t.Errorf("duplicate voice id %s", v.id)
		}
		seen[v.id] = true
		if !strings.HasPrefix(v.id, "local-") || v.name == "" || v.description == "" || strings.Contains(v.description, "\n") {
			t.Errorf("%s: id, name or one-line description missing: %+v", v.id, v)
		}
		if !bcp47.MatchString(v.language) {
			t.Errorf("%s: language %q is not a BCP 47 tag", v.id, v.language)
		}
		if v.gender != "male" && v.gender != "female" {
			t.Errorf("%s: gender %q", v.id, v.gender)
		}
		if v.pitch < 0 || v.pitch > 99 || v.wpm < minWPM || v.wpm*2 > maxWPM {
			t.Errorf("%s: pitch %d or wpm %d out of espeak-ng's range at speeds 0.5–2", v.id, v.pitch, v.wpm)
		}
		if strings.HasPrefix(v.espeak, "en-gb+") {
			t.Errorf("%s: espeak-ng 1.51 drops the variant of %q: write en+…", v.id, v.espeak)
		}
	}
	for _, id := range requiredVoices {
		if !seen[id] {
			t.Errorf("required voice %s is missing", id)
		}
	}
	if len(catalogue) < 16 {
		t.Errorf("%d voices, want at least 16", len(catalogue))
	}
	if _, ok := voiceByID(defaultVoiceID); !ok {
		t.Errorf("default voice %s is not in the catalogue", defaultVoiceID)
	}
}

func TestVoicesAvailability(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lookPath  func(string) (string, error)
		available bool
	}{
		{"installed", pretend(), true},
		{"missing", pretend("espeak-ng"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Synth{lookPath: tc.lookPath}
			vs := s.Voices(t.Context())
			if len(vs) != len(catalogue) {
				t.Fatalf("%d voices, want %d", len(vs), len(catalogue))
			}
			for _, v := range vs {
				if v.Available != tc.available || v.Engine != Engine {
					t.Errorf("%s: available %v engine %q, want %v %q", v.ID, v.Available, v.Engine, tc.available, Engine)
				}
			}
		})
	}
}

func TestStatus(t *testing.T) {
	st := (&Synth{lookPath: pretend("espeak-ng")}).Status(t.Context())
	if st.Status != domain.StatusUnavailable || st.Detail != "install espeak-ng" || st.Engine != Engine {
		t.Errorf("without espeak-ng: %+v", st)
	}
	st = (&Synth{lookPath: without("lame", "sox", "oggenc")}).Status(t.Context())
	if _, err := (&Synth{lookPath: without()}).lookPath("espeak-ng"); err == nil {
		if st.Status != domain.StatusOK || !strings.Contains(st.Detail, "mp3 output needs lame") || !strings.Contains(st.Detail, "ogg output needs sox") {
			t.Errorf("without converters: %+v", st)
		}
	}
	requireTools(t, "espeak-ng")
	st = New().Status(t.Context())
	if st.Status != domain.StatusOK || !regexp.MustCompile(`^espeak-ng \d+\.\d+`).MatchString(st.Model) {
		t.Errorf("installed: %+v, want ok with model \"espeak-ng 1.51\"", st)
	}
}

func TestSynthesizeValidation(t *testing.T) {
	s := &Synth{lookPath: pretend()} // nothing is run: validation comes first
	for _, tc := range []struct {
		name  string
		req   domain.SpeechRequest
		field string
	}{
		{"unknown voice", domain.SpeechRequest{Text: "hi", VoiceID: "local-xx-nobody"}, "voice_id"},
		{"fal voice", domain.SpeechRequest{Text: "hi", VoiceID: "af_heart"}, "voice_id"},
		{"empty text", domain.SpeechRequest{Text: " \n\t "}, "text"},
		{"too slow", domain.SpeechRequest{Text: "hi", Speed: 0.2}, "speed"},
		{"too fast", domain.SpeechRequest{Text: "hi", Speed: 3}, "speed"},
		{"format", domain.SpeechRequest{Text: "hi", Format: "flac"}, "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Synthesize(t.Context(), tc.req)
			de := asDomainError(t, err)
			fields, _ := de.Details["fields"].([]domain.FieldError)
			if de.Code != domain.CodeValidation || len(fields) != 1 || fields[0].Field != tc.field {
				t.Errorf("got %v %+v, want a validation error on %s", de.Code, de.Details, tc.field)
			}
		})
	}
}

func TestSynthesizeMissingPrograms(t *testing.T) {
	for _, tc := range []struct {
		name    string
		missing []string
		format  string
		pkg     string
	}{
		{"espeak-ng", []string{"espeak-ng"}, domain.AudioWAV, "espeak-ng"},
		{"lame", []string{"lame"}, domain.AudioMP3, "lame"},
		{"ogg converters", []string{"sox", "oggenc"}, domain.AudioOGG, "sox"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Synth{lookPath: pretend(tc.missing...)}
			_, err := s.Synthesize(t.Context(), domain.SpeechRequest{Text: "hello", Format: tc.format})
			de := asDomainError(t, err)
			if de.Code != domain.CodeEngineUnavailable || de.Details["package"] != tc.pkg {
				t.Errorf("got %v %+v, want %s with package %q", de.Code, de.Details, domain.CodeEngineUnavailable, tc.pkg)
			}
		})
	}
}

// TestSynthesizeDeterministic: the same request gives the same bytes and timings, in
// every format (espeak-ng is deterministic; lame is; sox only with -R).
func TestSynthesizeDeterministic(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng", "lame", "sox")
	for _, tc := range []struct {
		format, contentType string
		magic               []byte
	}{
		{domain.AudioWAV, "audio/wav", []byte("RIFF")},
		{domain.AudioMP3, "audio/mpeg", nil},
		{domain.AudioOGG, "audio/ogg", []byte("OggS")},
	} {
		t.Run(tc.format, func(t *testing.T) {
			req := domain.SpeechRequest{Text: "Halt! Who goes there? State your name, traveler.", VoiceID: "local-en-us-f3", Speed: 1.1, Format: tc.format}
			a, b := synth(t, req), synth(t, req)
			if !bytes.Equal(a.Data, b.Data) {
				t.Fatalf("two runs differ: %x vs %x", sha256.Sum256(a.Data), sha256.Sum256(b.Data))
			}
			if !slices.Equal(a.Words, b.Words) || !slices.Equal(a.Phonemes, b.Phonemes) {
				t.Error("two runs have different timings")
			}
			if a.Format != tc.format || a.ContentType != tc.contentType || a.Engine != Engine || a.Model != Model || a.VoiceID != req.VoiceID {
				t.Errorf("result %s %s %s %s %s", a.Format, a.ContentType, a.Engine, a.Model, a.VoiceID)
			}
			if tc.magic != nil && !bytes.HasPrefix(a.Data, tc.magic) {
				t.Errorf("%s data starts %q", tc.format, a.Data[:4])
			}
			if tc.format == domain.AudioMP3 && !bytes.HasPrefix(a.Data, []byte("ID3")) && !(a.Data[0] == 0xFF && a.Data[1]&0xE0 == 0xE0) {
				t.Errorf("mp3 data starts %x", a.Data[:4])
			}
		})
	}
}

// TestOggencFallback: without sox, Ogg comes from oggenc (vorbis-tools) with a fixed
// serial, when that is installed. oggenc is optional, so this skips even in CI.
func TestOggencFallback(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	s := &Synth{lookPath: without("sox")}
	if _, err := s.lookPath("oggenc"); err != nil {
		t.Skip("oggenc (vorbis-tools) is not installed; it is an optional fallback")
	}
	req := domain.SpeechRequest{Text: "The tide turns at dawn.", VoiceID: "local-en-029-m6", Format: domain.AudioOGG}
	a, err := s.Synthesize(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Synthesize(t.Context(), req)
	if !bytes.HasPrefix(a.Data, []byte("OggS")) || !bytes.Equal(a.Data, b.Data) {
		t.Error("oggenc output is not a deterministic Ogg stream")
	}
}

func TestWAVOutput(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	res := synth(t, domain.SpeechRequest{Text: "The bridge is out. Go round by the mill."})
	d := res.Data
	le16 := func(o int) int { return int(binary.LittleEndian.Uint16(d[o:])) }
	le32 := func(o int) int { return int(binary.LittleEndian.Uint32(d[o:])) }
	switch {
	case string(d[0:4]) != "RIFF" || string(d[8:16]) != "WAVEfmt " || string(d[36:40]) != "data":
		t.Fatalf("not a canonical WAV header: %q", d[:44])
	case le32(4) != len(d)-8 || le32(40) != len(d)-44:
		t.Errorf("sizes: RIFF %d data %d, file %d bytes", le32(4), le32(40), len(d))
	case le16(20) != 1 || le16(22) != 1 || le32(24) != 22050 || le32(28) != 44100 || le16(32) != 2 || le16(34) != 16:
		t.Errorf("fmt: format %d channels %d rate %d byte rate %d align %d bits %d", le16(20), le16(22), le32(24), le32(28), le16(32), le16(34))
	}
	if res.SampleRate != 22050 || res.Duration != time.Duration(le32(40)/2)*time.Second/22050 {
		t.Errorf("sample rate %d, duration %v for %d samples", res.SampleRate, res.Duration, le32(40)/2)
	}
}

func TestSpeedChangesDuration(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	text := "Bring me ten wolf pelts and I will pay you in gold."
	var last time.Duration
	for i, speed := range []float64{0.5, 0.75, 1, 1.5, 2} {
		d := synth(t, domain.SpeechRequest{Text: text, VoiceID: "local-en-us-m3", Speed: speed}).Duration
		if i > 0 && d >= last {
			t.Errorf("speed %.2f: %v, not shorter than %v", speed, d, last)
		}
		last = d
	}
	slow := synth(t, domain.SpeechRequest{Text: text, VoiceID: "local-en-us-m3", Speed: 0.5}).Duration
	fast := synth(t, domain.SpeechRequest{Text: text, VoiceID: "local-en-us-m3", Speed: 2}).Duration
	if ratio := float64(slow) / float64(fast); ratio < 2.5 {
		t.Errorf("speed 0.5 is only %.1f× as long as speed 2", ratio)
	}
}

// TestEveryVoiceSpeaksDistinctly catches espeak-ng silently ignoring a voice or variant
// (as it does for en-gb+f2): every catalogue voice must give different audio.
func TestEveryVoiceSpeaksDistinctly(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	seen := map[[32]byte]string{}
	for _, v := range catalogue {
		sum := sha256.Sum256(synth(t, domain.SpeechRequest{Text: "Well met, stranger.", VoiceID: v.id}).Data)
		if other, dup := seen[sum]; dup {
			t.Errorf("%s sounds exactly like %s", v.id, other)
		}
		seen[sum] = v.id
	}
}

// TestMarkupIsNotObeyed: tags in the text are spoken, never interpreted (no -m), so a
// caller cannot insert a 10-second break or switch voices.
func TestMarkupIsNotObeyed(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	res := synth(t, domain.SpeechRequest{Text: `Go <break time="10s"/> now [[h@l'oU]]`})
	if res.Duration > 6*time.Second {
		t.Errorf("duration %v: the break was obeyed", res.Duration)
	}
	var words []string
	for _, w := range res.Words {
		words = append(words, w.Word)
	}
	if !slices.Contains(words, "break") {
		t.Errorf("words %v: the tag was not spoken", words)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	res := synth(t, domain.SpeechRequest{Text: "Hello."})
	if res.VoiceID != defaultVoiceID || res.Format != domain.AudioWAV || res.ContentType != "audio/wav" {
		t.Errorf("defaults: voice %s format %s content type %s", res.VoiceID, res.Format, res.ContentType)
	}
}

// TestCancel: a cancelled context stops synthesis with the context's error.
func TestCancel(t *testing.T) {
	t.Parallel()
	requireTools(t, "espeak-ng")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := New().Synthesize(ctx, domain.SpeechRequest{Text: "Too late."})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
