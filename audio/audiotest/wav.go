// Package audiotest builds WAV files of any layout for tests of the code that reads them.
package audiotest

import "encoding/binary"

// WAV format tags, for MakeWAV.
const (
	TagPCM        = 1
	TagFloat      = 3
	TagExtensible = 0xFFFE
)

// MakeWAV builds a WAV file: a fmt chunk of the given tag, channels, rate and bits (and,
// for TagExtensible, the sub-format tag sub), then data, with true sizes.
func MakeWAV(tag, sub, channels, rate, bits int, data []byte) []byte {
	fmtBody := make([]byte, 16, 40)
	binary.LittleEndian.PutUint16(fmtBody[0:], uint16(tag))
	binary.LittleEndian.PutUint16(fmtBody[2:], uint16(channels))
	binary.LittleEndian.PutUint32(fmtBody[4:], uint32(rate))
	binary.LittleEndian.PutUint32(fmtBody[8:], uint32(rate*channels*bits/8))
	binary.LittleEndian.PutUint16(fmtBody[12:], uint16(channels*bits/8))
	binary.LittleEndian.PutUint16(fmtBody[14:], uint16(bits))
	if tag == TagExtensible {
		ext := make([]byte, 24)
		binary.LittleEndian.PutUint16(ext[0:], 22)
		binary.LittleEndian.PutUint16(ext[2:], uint16(bits))
		binary.LittleEndian.PutUint16(ext[8:], uint16(sub))
		// The rest of the KSDATAFORMAT GUID every sub-format shares.
		copy(ext[10:], "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
		fmtBody = append(fmtBody, ext...)
	}
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVE"...)
	b = append(b, "fmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(fmtBody)))
	b = append(b, fmtBody...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}
