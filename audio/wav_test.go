package audio

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseWAVFormats(t *testing.T) {
	t.Parallel()
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
		name     string
		file     []byte
		rate     int
		channels int
		float    bool
		want     []float32
	}{
		{"pcm8 unsigned", makeWAV(tagPCM, 0, 1, 8000, 8, []byte{128, 255, 0, 192}), 8000, 1, false, []float32{0, 127.0 / 128, -1, 0.5}},
		{"pcm16", makeWAV(tagPCM, 0, 1, 16000, 16, pcm16(0, 16384, -32768, -16384)), 16000, 1, false, []float32{0, 0.5, -1, -0.5}},
		{"pcm24", makeWAV(tagPCM, 0, 1, 44100, 24, []byte{0, 0, 0x40, 0, 0, 0xC0, 0xFF, 0xFF, 0x7F}), 44100, 1, false, []float32{0.5, -0.5, 1 - 1.0/(1<<23)}},
		{"pcm32", makeWAV(tagPCM, 0, 1, 48000, 32, binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 1<<30), 0xC0000000)), 48000, 1, false, []float32{0.5, -0.5}},
		{"float32", makeWAV(tagFloat, 0, 1, 22050, 32, f32(0.25, -0.75, 2, float32(math.NaN()))), 22050, 1, true, []float32{0.25, -0.75, 1, 0}},
		{"float64", makeWAV(tagFloat, 0, 1, 22050, 64, f64(0.125, -1)), 22050, 1, true, []float32{0.125, -1}},
		{"stereo mixed to mono", makeWAV(tagPCM, 0, 2, 16000, 16, pcm16(16384, -16384, 16384, 16384)), 16000, 2, false, []float32{0, 0.5}},
		{"extensible pcm", makeWAV(tagExtensible, tagPCM, 2, 32000, 16, pcm16(8192, 8192)), 32000, 2, false, []float32{0.25}},
		{"extensible float", makeWAV(tagExtensible, tagFloat, 1, 96000, 32, f32(0.5)), 96000, 1, true, []float32{0.5}},
		{"partial last frame dropped", makeWAV(tagPCM, 0, 1, 16000, 16, append(pcm16(16384), 7)), 16000, 1, false, []float32{0.5}},
		{"highest rate", makeWAV(tagPCM, 0, 1, MaxRate, 16, pcm16(0)), MaxRate, 1, false, []float32{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := ParseWAV(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if w.Rate != tc.rate || w.Channels != tc.channels || w.Float != tc.float {
				t.Errorf("format %d Hz, %d channels, float %v; want %d, %d, %v", w.Rate, w.Channels, w.Float, tc.rate, tc.channels, tc.float)
			}
			if got := w.Mono(); !slices.Equal(got, tc.want) {
				t.Errorf("samples %v, want %v", got, tc.want)
			}
			if w.Frames() != len(tc.want) {
				t.Errorf("%d frames, want %d", w.Frames(), len(tc.want))
			}
		})
	}
}

// TestParseWAVChunks: unknown chunks (LIST, odd-sized with a pad byte) are skipped, and
// streaming placeholder sizes are read to the end.
func TestParseWAVChunks(t *testing.T) {
	t.Parallel()
	base := makeWAV(tagPCM, 0, 1, 16000, 16, pcm16(100, 200))
	fmtEnd := 12 + 8 + 16
	var list []byte
	list = append(list, base[:fmtEnd]...)
	list = append(list, "LIST\x03\x00\x00\x00abc\x00"...) // odd size, padded
	list = append(list, base[fmtEnd:]...)
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"with a LIST chunk", list},
		{"size 0xFFFFFFFF", withDataSize(base, 0xFFFFFFFF)},
		{"size 0x7FFFF000 (espeak-ng)", withDataSize(base, 0x7FFFF000)},
		{"size 0 with data after it", withDataSize(base, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := ParseWAV(tc.file)
			if err != nil || !slices.Equal(w.PCM16(), []int16{100, 200}) {
				t.Fatalf("%+v, %v", w, err)
			}
		})
	}
}

func TestParseWAVErrors(t *testing.T) {
	t.Parallel()
	good := makeWAV(tagPCM, 0, 1, 16000, 16, pcm16(1, 2, 3, 4))
	shortExtensible := append([]byte(nil), good...) // tag 0xFFFE in a 16-byte fmt chunk
	binary.LittleEndian.PutUint16(shortExtensible[20:], tagExtensible)
	var format *FormatError
	for _, tc := range []struct {
		name, msg string
		file      []byte
		kind      error // a sentinel, or nil for a *FormatError
	}{
		{"empty", "not a WAV", nil, ErrNotWAV},
		{"random bytes", "not a WAV", []byte("this is not audio at all, it is text"), ErrNotWAV},
		{"big-endian", "RIFX", append([]byte("RIFX"), good[4:]...), ErrNotWAV},
		{"RF64", "RF64", append([]byte("RF64"), good[4:]...), ErrNotWAV},
		{"not WAVE", "not WAVE", append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...), ErrNotWAV},
		{"data before fmt", "before its fmt", append([]byte("RIFF\x0c\x00\x00\x00WAVE"), good[36:]...), ErrNotWAV},
		{"truncated header", "header is incomplete", good[:10], ErrTruncated},
		{"no fmt", "no fmt chunk", good[:12], ErrTruncated},
		{"truncated fmt", "fmt chunk is truncated", good[:30], ErrTruncated},
		{"no data", "no data chunk", good[:36], ErrTruncated},
		{"data shorter than declared", "shorter than its header says (8 of 1000 bytes)", withDataSize(good, 1000), ErrTruncated},
		{"truncated LIST", `inside its "LIST" chunk`, append(good[:36:36], "LIST\x10\x00\x00\x00ab"...), ErrTruncated},
		{"truncated extensible", "extensible fmt chunk is truncated", shortExtensible, ErrTruncated},
		{"no samples", "no samples", makeWAV(tagPCM, 0, 1, 16000, 16, nil), ErrNoSamples},
		{"partial frame only", "no samples", makeWAV(tagPCM, 0, 2, 16000, 16, []byte{1, 2}), ErrNoSamples},
		{"rate too low", "sample rate too low", makeWAV(tagPCM, 0, 1, 4000, 16, pcm16(1)), nil},
		{"rate too high", "too high", makeWAV(tagPCM, 0, 1, 1000000, 16, pcm16(1)), nil},
		{"no channels", "0 channels", makeWAV(tagPCM, 0, 0, 16000, 16, pcm16(1)), nil},
		{"33 channels", "33 channels", makeWAV(tagPCM, 0, 33, 16000, 16, pcm16(1)), nil},
		{"12-bit", "12-bit PCM", makeWAV(tagPCM, 0, 1, 16000, 12, pcm16(1)), nil},
		{"16-bit float", "16-bit float", makeWAV(tagFloat, 0, 1, 16000, 16, pcm16(1)), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseWAV(tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want an error containing %q", err, tc.msg)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("%v is not %v", err, tc.kind)
			}
			// Its own target: the cases run in parallel.
			var format *FormatError
			if tc.kind == nil && !errors.As(err, &format) {
				t.Errorf("%v (%T) is not a *FormatError", err, err)
			}
		})
	}
	if _, err := ParseWAV(makeWAV(tagPCM, 0, 1, 4000, 16, pcm16(1))); !errors.As(err, &format) || format.Rate != 4000 {
		t.Errorf("rate too low: %v", err)
	}
}

// TestParseWAVUnsupported: A-law and the like are well-formed but not decoded here; the
// WAV comes back with the error, so a caller can hand the file to another decoder or
// still read its length.
func TestParseWAVUnsupported(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		file          []byte
		tag, channels int
		frames        int
	}{
		{"A-law", makeWAV(6, 0, 1, 8000, 8, []byte{1, 2, 3}), 6, 1, 3},
		{"ADPCM, 4 bits", makeWAV(2, 0, 2, 22050, 4, []byte{1, 2, 3, 4}), 2, 2, 2},
		{"extensible µ-law", makeWAV(tagExtensible, 7, 1, 8000, 8, []byte{1, 2}), 7, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := ParseWAV(tc.file)
			var unsupported *UnsupportedEncodingError
			if !errors.As(err, &unsupported) || unsupported.Tag != tc.tag {
				t.Fatalf("got %v, want tag %d unsupported", err, tc.tag)
			}
			if w.Channels != tc.channels || w.Frames() != tc.frames || w.Rate == 0 {
				t.Errorf("WAV %+v", w)
			}
		})
	}
}

// TestParseStreamedWAV: any data size beyond the input runs to its end, as espeak-ng
// --stdout writes it, where ParseWAV calls it truncated.
func TestParseStreamedWAV(t *testing.T) {
	t.Parallel()
	samples := []int16{0, 1, -1, 32767, -32768}
	good := EncodeWAV16(samples, 22050)
	espeak := withDataSize(good, 0x7FFFF000)
	binary.LittleEndian.PutUint32(espeak[4:], 0x7FFFF024)
	for _, tc := range []struct {
		name         string
		file         []byte
		want         []int16
		plainErr     error // what ParseWAV says; nil: the same as ParseStreamedWAV
		streamedFail bool
	}{
		{"true sizes", good, samples, nil, false},
		{"espeak-ng placeholders", espeak, samples, nil, false},
		{"size beyond the input", withDataSize(good, 1000), samples, ErrTruncated, false},
		{"odd byte dropped", append(withDataSize(good, 1000), 9), samples, ErrTruncated, false},
		{"no samples", EncodeWAV16(nil, 22050), nil, nil, true},
		{"no data chunk", good[:36], nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, err := ParseStreamedWAV(tc.file)
			if tc.streamedFail {
				if err == nil {
					t.Errorf("no error: %+v", w)
				}
				return
			}
			if err != nil || w.Rate != 22050 || !slices.Equal(w.PCM16(), tc.want) {
				t.Fatalf("%+v, %v", w, err)
			}
			if _, err := ParseWAV(tc.file); !errors.Is(err, tc.plainErr) {
				t.Errorf("ParseWAV: %v, want %v", err, tc.plainErr)
			}
		})
	}
}

func TestWAVDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		w    WAV
		want time.Duration
	}{
		{"one second mono", WAV{Rate: 16000, Channels: 1, Bits: 16, Data: make([]byte, 32000)}, time.Second},
		{"stereo 24-bit", WAV{Rate: 48000, Channels: 2, Bits: 24, Data: make([]byte, 6*24000)}, 500 * time.Millisecond},
		{"22.05 kHz exact", WAV{Rate: 22050, Channels: 1, Bits: 16, Data: make([]byte, 2*22050*3)}, 3 * time.Second},
		{"zero value", WAV{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := tc.w.Duration(); d != tc.want {
				t.Errorf("duration %s, want %s", d, tc.want)
			}
		})
	}
}

func TestWAVPCM16(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		w    WAV
		want []int16
	}{
		{"16-bit mono exact", WAV{Rate: 8000, Channels: 1, Bits: 16, Data: pcm16(-32768, 0, 32767, -3)}, []int16{-32768, 0, 32767, -3}},
		{"16-bit stereo averaged", WAV{Rate: 8000, Channels: 2, Bits: 16, Data: pcm16(100, 201, -100, -201)}, []int16{151, -151}},
		{"8-bit", WAV{Rate: 8000, Channels: 1, Bits: 8, Data: []byte{128, 192, 0}}, []int16{0, 16384, -32767}},
		{"float", WAV{Rate: 8000, Channels: 1, Bits: 32, Float: true,
			Data: binary.LittleEndian.AppendUint32(nil, math.Float32bits(0.5))}, []int16{16384}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.w.PCM16(); !slices.Equal(got, tc.want) {
				t.Errorf("PCM16 = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzParseWAV: no input panics the parsers or the decoders, and whatever parses decodes
// to as many samples as it has frames, all in [-1, 1].
func FuzzParseWAV(f *testing.F) {
	f.Add(makeWAV(tagPCM, 0, 1, 16000, 16, pcm16(1, -1, 300)))
	f.Add(makeWAV(tagPCM, 0, 2, 44100, 24, make([]byte, 12)))
	f.Add(makeWAV(tagExtensible, tagFloat, 1, 48000, 32, make([]byte, 8)))
	f.Add(makeWAV(tagFloat, 0, 3, 8000, 64, make([]byte, 48)))
	f.Add(withDataSize(makeWAV(tagPCM, 0, 1, 8000, 8, make([]byte, 5)), 0x7FFFF000))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (WAV, error){ParseWAV, ParseStreamedWAV} {
			w, err := parse(b)
			if err != nil {
				continue
			}
			m := w.Mono()
			if len(m) != w.Frames() || len(w.PCM16()) != w.Frames() || w.Rate < MinRate || w.Rate > MaxRate {
				t.Fatalf("%d samples for %d frames at %d Hz", len(m), w.Frames(), w.Rate)
			}
			for _, v := range m {
				if !(v >= -1 && v <= 1) {
					t.Fatalf("sample %v out of range", v)
				}
			}
		}
	})
}
