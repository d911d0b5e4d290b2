package speech

import (
	"encoding/binary"
	"slices"
	"testing"
)

func TestParseEspeakWAV(t *testing.T) {
	p := pcm{rate: 22050, samples: []int16{0, 1, -1, 32767, -32768}}
	b := encodeWAV(p)
	got, err := parseEspeakWAV(b)
	if err != nil || got.rate != p.rate || !slices.Equal(got.samples, p.samples) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// espeak-ng --stdout: placeholder sizes, data read to the end.
	stream := slices.Clone(b)
	binary.LittleEndian.PutUint32(stream[4:], 0x7FFFF024)
	binary.LittleEndian.PutUint32(stream[40:], 0x7FFFF000)
	if got, err := parseEspeakWAV(stream); err != nil || !slices.Equal(got.samples, p.samples) {
		t.Errorf("streamed: %+v, %v", got, err)
	}
	stereo := slices.Clone(b)
	binary.LittleEndian.PutUint16(stereo[22:], 2)
	for name, bad := range map[string][]byte{"empty": nil, "not riff": []byte("RIFX0000WAVEfmt "), "stereo": stereo, "no data": b[:36]} {
		if _, err := parseEspeakWAV(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if d := (pcm{rate: 22050, samples: make([]int16, 22050)}).duration(); d.Seconds() != 1 {
		t.Errorf("duration %v", d)
	}
}
