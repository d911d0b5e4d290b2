package audio

import "encoding/binary"

// EncodeWAV16 writes mono signed 16-bit samples at rate Hz as a canonical WAV file: a
// 44-byte header with the true sizes, then the samples, little-endian.
func EncodeWAV16(samples []int16, rate int) []byte {
	dataLen := 2 * len(samples)
	b := make([]byte, 44, 44+dataLen)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16) // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], tagPCM)
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(2*rate)) // bytes per second
	binary.LittleEndian.PutUint16(b[32:], 2)              // block align
	binary.LittleEndian.PutUint16(b[34:], 16)             // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataLen))
	return appendPCM16(b, samples)
}

// PCM16Bytes is samples as little-endian signed 16-bit PCM (s16le).
func PCM16Bytes(samples []int16) []byte {
	return appendPCM16(make([]byte, 0, 2*len(samples)), samples)
}

// SamplesFromPCM16 reads little-endian signed 16-bit PCM (s16le); a trailing odd byte is
// ignored.
func SamplesFromPCM16(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

func appendPCM16(b []byte, samples []int16) []byte {
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}
