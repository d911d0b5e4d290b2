package recognition

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe/domain"
)

func TestParseWAVFormats(t *testing.T) {
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	for _, tc := range []struct {
		name string
		file []byte
		rate int
		want []float32
	}{
		{"pcm8 unsigned", makeWAV(wavPCM, 0, 1, 8000, 8, []byte{128, 255, 0, 192}), 8000, []float32{0, 127.0 / 128, -1, 0.5}},
		{"pcm16", makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(0, 16384, -32768, -16384)), 16000, []float32{0, 0.5, -1, -0.5}},
		{"pcm24", makeWAV(wavPCM, 0, 1, 44100, 24, []byte{0, 0, 0x40, 0, 0, 0xC0, 0xFF, 0xFF, 0x7F}), 44100, []float32{0.5, -0.5, 1 - 1.0/(1<<23)}},
		{"pcm32", makeWAV(wavPCM, 0, 1, 48000, 32, binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 1<<30), 0xC0000000)), 48000, []float32{0.5, -0.5}},
		{"float32", makeWAV(wavFloat, 0, 1, 22050, 32, f32(0.25, -0.75, 2, float32(math.NaN()))), 22050, []float32{0.25, -0.75, 1, 0}},
		{"float64", makeWAV(wavFloat, 0, 1, 22050, 64, f64(0.125, -1)), 22050, []float32{0.125, -1}},
		{"stereo mixed to mono", makeWAV(wavPCM, 0, 2, 16000, 16, pcm16(16384, -16384, 16384, 16384)), 16000, []float32{0, 0.5}},
		{"extensible pcm", makeWAV(wavExtensible, wavPCM, 2, 32000, 16, pcm16(8192, 8192)), 32000, []float32{0.25}},
		{"extensible float", makeWAV(wavExtensible, wavFloat, 1, 96000, 32, f32(0.5)), 96000, []float32{0.5}},
		{"partial last frame dropped", makeWAV(wavPCM, 0, 1, 16000, 16, append(pcm16(16384), 7)), 16000, []float32{0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := parseWAV(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if w.rate != tc.rate {
				t.Errorf("rate %d, want %d", w.rate, tc.rate)
			}
			if got := w.mono(); !slices.Equal(got, tc.want) {
				t.Errorf("samples %v, want %v", got, tc.want)
			}
		})
	}
}

// TestParseWAVChunks: unknown chunks (LIST, odd-sized with a pad byte) are skipped, and a
// streaming placeholder size is read to the end.
func TestParseWAVChunks(t *testing.T) {
	base := makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(100, 200))
	fmtEnd := 12 + 8 + 16
	var b []byte
	b = append(b, base[:fmtEnd]...)
	b = append(b, "LIST\x03\x00\x00\x00abc\x00"...) // odd size, padded
	b = append(b, base[fmtEnd:]...)
	w, err := parseWAV(b)
	if err != nil || w.frames() != 2 {
		t.Fatalf("with a LIST chunk: %+v, %v", w, err)
	}
	stream := slices.Clone(base)
	binary.LittleEndian.PutUint32(stream[len(stream)-4-4:], 0xFFFFFFFF)
	if w, err := parseWAV(stream); err != nil || w.frames() != 2 {
		t.Errorf("streamed size: %+v, %v", w, err)
	}
}

func TestParseWAVErrors(t *testing.T) {
	good := makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1, 2, 3, 4))
	declared := slices.Clone(good)
	binary.LittleEndian.PutUint32(declared[40:], 1000) // says 1000 bytes, has 8
	for _, tc := range []struct {
		name, msg string
		file      []byte
	}{
		{"random bytes", "not a WAV", []byte("this is not audio at all, it is text")},
		{"truncated header", "header is incomplete", good[:10]},
		{"no fmt", "no fmt chunk", good[:12]},
		{"truncated fmt", "fmt chunk is truncated", good[:30]},
		{"no data", "no data chunk", good[:36]},
		{"data shorter than declared", "shorter than its header says", declared},
		{"no samples", "no samples", makeWAV(wavPCM, 0, 1, 16000, 16, nil)},
		{"rate too low", "Sample rate too low", makeWAV(wavPCM, 0, 1, 4000, 16, pcm16(1))},
		{"rate too high", "too high", makeWAV(wavPCM, 0, 1, 1000000, 16, pcm16(1))},
		{"no channels", "0 channels", makeWAV(wavPCM, 0, 0, 16000, 16, pcm16(1))},
		{"12-bit", "12-bit PCM", makeWAV(wavPCM, 0, 1, 16000, 12, pcm16(1))},
		{"16-bit float", "16-bit float", makeWAV(wavFloat, 0, 1, 16000, 16, pcm16(1))},
		{"big-endian", "RIFX", append([]byte("RIFX"), good[4:]...)},
		{"not WAVE", "not WAVE", append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseWAV(tc.file)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalidAudio || !strings.Contains(de.Message, tc.msg) {
				t.Errorf("got %v, want %s containing %q", err, domain.CodeInvalidAudio, tc.msg)
			}
		})
	}
	// A-law is well-formed but not decoded here: it goes to sox.
	_, err := parseWAV(makeWAV(6, 0, 1, 8000, 8, []byte{1, 2, 3}))
	var unsupported errUnsupportedEncoding
	if !errors.As(err, &unsupported) || unsupported.tag != 6 {
		t.Errorf("A-law: %v", err)
	}
}

// FuzzParseWAV: no input panics the parser or the decoder, and whatever parses decodes
// to as many samples as it has frames, all in [-1, 1].
func FuzzParseWAV(f *testing.F) {
	f.Add(makeWAV(wavPCM, 0, 1, 16000, 16, pcm16(1, -1, 300)))
	f.Add(makeWAV(wavPCM, 0, 2, 44100, 24, make([]byte, 12)))
	f.Add(makeWAV(wavExtensible, wavFloat, 1, 48000, 32, make([]byte, 8)))
	f.Add(makeWAV(wavFloat, 0, 3, 8000, 64, make([]byte, 48)))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := parseWAV(b)
		if err != nil {
			return
		}
		m := w.mono()
		if len(m) != w.frames() || w.rate < minRate || w.rate > maxRate {
			t.Fatalf("%d samples for %d frames at %d Hz", len(m), w.frames(), w.rate)
		}
		for _, v := range m {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("sample %v out of range", v)
			}
		}
	})
}
