// Package recognition is Troupe's offline speech-to-text engine: it implements
// domain.SpeechRecognizer by spawning pocketsphinx_continuous (CMU PocketSphinx
// 5prealpha, Debian 12, with its US English model), so speech can be transcribed with no
// key, no network and no cgo.
//
// # Input
//
// WAV is parsed here (wav.go): integer PCM of 8, 16, 24 or 32 bits, float of 32 or 64
// bits, any channel count, plain or WAVE_FORMAT_EXTENSIBLE, any rate from 8 to 384 kHz. It
// is mixed down to mono and resampled to the model's 16 kHz by a windowed-sinc resampler
// (resample.go). MP3, Ogg, FLAC, AIFF and WAV in other encodings (A-law…) are decoded by
// sox when it is installed (MP3 also needs libsox-fmt-mp3). The format is sniffed from the
// bytes; the client's content type is not trusted.
//
// Audio that cannot be transcribed is a *domain.Error, never an internal error: empty,
// not audio, truncated, a data chunk shorter than its header says, a rate under 8 kHz, a
// format with no decoder installed or a file sox cannot decode are CodeInvalidAudio;
// over domain.MaxAudioBytes CodeAudioTooLarge; over domain.MaxAudioDuration
// CodeAudioTooLong with details {max_seconds}. A language other than English is a
// validation error on "language". Audio with no sound above about −50 dBFS gives an
// empty transcript without running the decoder.
//
// # Open vocabulary
//
// Without phrases, the 3-gram language model decodes whatever was said. The decoder cuts
// the audio into utterances at silences; each is a segment, split again at pauses of
// half a second. Words carry their times and posterior probability; fillers (<s>, <sil>,
// [NOISE]…) are dropped and alternative pronunciations ("was(2)") folded. Accuracy is
// modest (TestWER, measured): 35 % word error rate on LibriVox read speech, 43 % on the
// playing-card recordings, and 85 % on the local TTS's own speech, which is far from the
// voices the model learned from.
//
// # Phrases
//
// With req.Phrases, recognition is restricted to a JSGF grammar of exactly those phrases
// (grammar.go), and the transcript's text is one of them as the caller wrote it, or empty.
// Phrases are matched in lower case without punctuation; a word missing from the
// pronunciation dictionary is a validation error on "phrases" listing the words (details
// "unknown_words"). Measured: 0 % word error rate on all three sets above, and every game
// phrase spoken by the local TTS comes back exactly (TestPhrasesRoundTrip). The grammar
// has no rejection: speech that is none of the phrases is heard as the nearest one.
//
// # Determinism and cost
//
// The same audio gives the same transcript (pocketsphinx and the resampler are
// deterministic). Each call starts a decoder that loads the model (~1 s, ~110 MB), so at
// most one decode per CPU runs at once. Real-time factor on two cores (seconds of audio
// per second of wall time): about 1.8–2.7 open vocabulary, 9–25 with phrases
// (BenchmarkTranscribe, BenchmarkWER).
package recognition
