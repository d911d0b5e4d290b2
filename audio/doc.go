// Package audio reads and writes the audio Troupe handles itself: it names a file's
// format from its first bytes (Sniff), parses RIFF/WAVE (ParseWAV, ParseStreamedWAV)
// into a WAV it can mix down to mono, writes canonical 16-bit mono WAV (EncodeWAV16),
// converts between samples and little-endian PCM bytes, and resamples (Resample).
//
// It is pure Go and imports nothing of Troupe's: its errors are sentinels and types
// (ErrNotWAV, ErrTruncated, ErrNoSamples, *UnsupportedEncodingError, *FormatError) that
// callers map to their own error codes. Their texts are lower-case clauses that can be
// shown to an API's users ("the WAV data chunk is shorter than its header says …").
package audio
