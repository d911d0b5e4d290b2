package audio

import (
	"encoding/binary"

	"github.com/troupe-ai/troupe/audio/audiotest"
)

// makeWAV builds a WAV file of the given layout (audiotest.MakeWAV).
func makeWAV(tag, sub, channels, rate, bits int, data []byte) []byte {
	return audiotest.MakeWAV(tag, sub, channels, rate, bits, data)
}

// pcm16 is 16-bit little-endian PCM of the samples.
func pcm16(samples ...int16) []byte { return PCM16Bytes(samples) }

// withDataSize is a copy of a makeWAV file (no extensible fmt) with its data chunk's
// declared size replaced.
func withDataSize(b []byte, size uint32) []byte {
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[40:], size)
	return c
}
