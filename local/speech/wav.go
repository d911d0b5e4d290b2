package speech

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// pcm is mono signed 16-bit audio.
type pcm struct {
	rate    int
	samples []int16
}

// duration is how long the audio plays.
func (p pcm) duration() time.Duration {
	if p.rate <= 0 {
		return 0
	}
	return time.Duration(int64(len(p.samples)) * int64(time.Second) / int64(p.rate))
}

// at converts a sample index to a time.
func (p pcm) at(sample int) time.Duration {
	return time.Duration(int64(sample) * int64(time.Second) / int64(p.rate))
}

// parseEspeakWAV reads what `espeak-ng --stdout` writes: a RIFF/WAVE stream of mono s16le.
// Because espeak-ng streams, it cannot know the length up front and writes placeholder
// sizes (RIFF 0x7FFFF024, data 0x7FFFF000), so the data chunk is read to the end of the
// output, not to its declared size.
func parseEspeakWAV(b []byte) (pcm, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return pcm{}, errors.New("espeak-ng output is not a WAV stream")
	}
	var p pcm
	var haveFmt bool
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:off+8]))
		body := b[off+8:]
		switch id {
		case "fmt ":
			if size < 16 || len(body) < 16 {
				return pcm{}, errors.New("espeak-ng output has a short fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(body[0:2]), binary.LittleEndian.Uint16(body[2:4])
			p.rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits := binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || channels != 1 || bits != 16 || p.rate <= 0 {
				return pcm{}, fmt.Errorf("espeak-ng output is format %d, %d channels, %d bits: want mono 16-bit PCM", format, channels, bits)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return pcm{}, errors.New("espeak-ng output has data before fmt")
			}
			n := len(body) / 2
			p.samples = make([]int16, n)
			for i := range n {
				p.samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return p, nil
		}
		off += 8 + size + size&1
	}
	return pcm{}, errors.New("espeak-ng output has no data chunk")
}

// encodeWAV writes p as a canonical 44-byte-header RIFF/WAVE file with true sizes.
func encodeWAV(p pcm) []byte {
	dataLen := 2 * len(p.samples)
	b := make([]byte, 44+dataLen)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)             // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)              // PCM
	binary.LittleEndian.PutUint16(b[22:], 1)              // mono
	binary.LittleEndian.PutUint32(b[24:], uint32(p.rate)) // sample rate
	binary.LittleEndian.PutUint32(b[28:], uint32(2*p.rate))
	binary.LittleEndian.PutUint16(b[32:], 2)  // block align
	binary.LittleEndian.PutUint16(b[34:], 16) // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataLen))
	for i, s := range p.samples {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return b
}
