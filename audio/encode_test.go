package audio

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
	"time"
)

// TestEncodeWAV16RoundTrip: what EncodeWAV16 writes, ParseWAV reads back exactly.
func TestEncodeWAV16RoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		samples []int16
		rate    int
	}{
		{"extremes", []int16{0, 1, -1, 32767, -32768}, 22050},
		{"one second", make([]int16, 16000), 16000},
		{"one sample", []int16{42}, 8000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := EncodeWAV16(tc.samples, tc.rate)
			le := binary.LittleEndian
			if len(b) != 44+2*len(tc.samples) || string(b[:4]) != "RIFF" || le.Uint32(b[4:]) != uint32(len(b)-8) ||
				string(b[8:16]) != "WAVEfmt " || le.Uint32(b[40:]) != uint32(2*len(tc.samples)) {
				t.Fatalf("header % x", b[:44])
			}
			w, err := ParseWAV(b)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Duration(len(tc.samples)) * time.Second / time.Duration(tc.rate)
			if w.Rate != tc.rate || w.Channels != 1 || w.Bits != 16 || w.Float || w.Duration() != want ||
				!slices.Equal(w.PCM16(), tc.samples) {
				t.Errorf("read back %d Hz, %d channels, %d bits, %s: %v", w.Rate, w.Channels, w.Bits, w.Duration(), w.PCM16())
			}
			if Sniff(b) != FormatWAV {
				t.Errorf("sniffed as %q", Sniff(b))
			}
		})
	}
}

func TestPCM16Bytes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		samples []int16
		bytes   []byte
	}{
		{"empty", nil, []byte{}},
		{"little-endian", []int16{1, -2, 0x1234}, []byte{1, 0, 0xFE, 0xFF, 0x34, 0x12}},
		{"extremes", []int16{32767, -32768}, []byte{0xFF, 0x7F, 0x00, 0x80}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := PCM16Bytes(tc.samples); !bytes.Equal(got, tc.bytes) {
				t.Errorf("PCM16Bytes = % x, want % x", got, tc.bytes)
			}
			if got := SamplesFromPCM16(tc.bytes); len(got) != len(tc.samples) || !slices.Equal(got, tc.samples) {
				t.Errorf("SamplesFromPCM16 = %v, want %v", got, tc.samples)
			}
		})
	}
	if got := SamplesFromPCM16([]byte{1, 0, 7}); !slices.Equal(got, []int16{1}) {
		t.Errorf("odd byte: %v", got)
	}
}
