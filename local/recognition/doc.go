// Package recognition is Troupe's offline speech-to-text engine: it implements
// domain.SpeechRecognizer with CMU PocketSphinx 5prealpha (Debian 12) and its US English
// model, run as a program (pocketsphinx_batch), so speech can be transcribed with no key,
// no network and no cgo.
//
// # Input
//
// WAV is parsed by package audio: integer PCM of 8, 16, 24 or 32 bits, float of 32 or 64
// bits, any channel count, plain or WAVE_FORMAT_EXTENSIBLE, any rate from 8 to 384 kHz. It
// is mixed down to mono and resampled to the model's 16 kHz. MP3, Ogg, FLAC, AIFF and WAV
// in other encodings (A-law…) are decoded by sox when it is installed (MP3 also needs
// libsox-fmt-mp3). The format is sniffed from the bytes; the client's content type is not
// trusted.
//
// Audio that cannot be transcribed is a *domain.Error, never an internal error: empty,
// not audio, truncated, a data chunk shorter than its header says, a rate under 8 kHz, a
// format with no decoder installed or a file sox cannot decode are CodeInvalidAudio;
// over domain.MaxAudioBytes CodeAudioTooLarge; over domain.MaxAudioDuration
// CodeAudioTooLong (domain.CheckAudioDuration). A language other than English is a
// validation error on "language". Audio with no sound above about −50 dBFS gives an
// empty transcript without running the decoder.
//
// # Warm decoders
//
// Decoders are long-lived pocketsphinx_batch processes (decoder.go, pool.go). The
// program reads the names of the files to decode from its control file one line at a
// time, and answers each before reading the next; with the control file on a pipe it
// loads its model once and then waits for work. A request writes its audio to the
// decoder's directory, names it and then an empty sentinel file on the pipe, and reads
// the decoder's output up to the sentinel's (empty) answer. pocketsphinx_continuous,
// which the package used before, cannot be kept: it decodes one input to its end and
// exits (it does load the model before opening its input, so it can be pre-started on
// -infile /dev/stdin, but serves one request), and fed one endless stream it would carry
// its cepstral mean and voice detection from one request into the next.
//
// There is one pool for the language model and one per phrase set (its grammar), the 8
// most recently used kept; each holds at most one process per CPU. A request takes an
// idle decoder or waits for one being started; taking the last idle one starts a spare in
// the background. A decoder is reused until Close; one that fails, or whose request is
// cancelled or times out, is killed (a decode cannot be stopped otherwise) and replaced
// in the background. At most one decode per CPU runs at a time. Close stops every
// process and waits for it to exit; a process whose parent dies reads the end of its
// control pipe and exits too. Warm starts a language-model decoder ahead of the first
// call. Measured: a language-model decoder is ready 0.45 s after it is started and holds
// 99 MB; a grammar's, with its own small dictionary, 0.04 s and 10 MB. The same audio
// decodes the same way in a fresh or a reused decoder (TestWarmPool, TestDeterministic).
//
// # Open vocabulary
//
// Without phrases, the 3-gram language model decodes whatever was said. The whole file is
// one utterance (-remove_silence no: with voice-activity detection pocketsphinx_batch
// drops the silences and every later time shifts), split into segments at pauses of half
// a second. Words carry their times and posterior probability (-ctm); fillers (<s>,
// <sil>, [NOISE]…) are dropped and alternative pronunciations ("was(2)") folded.
//
// Accuracy is modest and cannot be improved much with the models Debian ships (there is
// no larger English model to install, and nothing is downloaded): pocketsphinx_batch
// normalises each file's cepstra over the whole file, which makes it better than
// pocketsphinx_continuous was, but 27 % word error rate on read speech is the level of
// this model. For commands, use phrases. Measured (TestWER, BenchmarkWER), before → now:
// 35.2 → 26.8 % WER on LibriVox read speech, 42.9 → 4.8 % on the playing-card
// recordings, 84.9 → 73.6 % on the local TTS's own speech, which is far from the voices
// the model learned from. Options tried that did not help: skipping the second pass
// (-fwdflat no: 25.4 % LibriVox but 81.1 % TTS), padding the audio with silence (cards
// 38 %), fewer Gaussians (-topn 2) or frame skipping (-ds 2: both 29.6 % LibriVox).
//
// # Phrases
//
// With req.Phrases, recognition is restricted to a finite-state grammar of exactly those
// phrases (grammar.go, fsg.go), and the transcript's text is one of them as the caller
// wrote it, or empty. Phrases are matched in lower case without punctuation; a word
// missing from the pronunciation dictionary is a validation error on "phrases" listing
// the words (details "unknown_words").
//
// The grammar can say "none of these". Beside the phrases, it has a garbage loop: any
// sequence of single phones, each costing garbagePhoneProb (1e-2). Speech that fits no
// phrase better than it fits some sequence of sounds is heard as garbage, and the
// transcript is empty, with no words and no segments, and no error (as for silence). The
// audio is padded with 0.3 s of near-silence on each side, as the acoustic model expects.
//
// Measured on 112 game phrases spoken by the 14 local TTS voices, 112 unrelated lines and
// 56 near misses ("open the door" for "open the gate") by 7 of them, and the 11 real
// recordings of pocketsphinx-testdata (LibriVox, cards, goforward…) against their own
// sentences, the game phrases and their set less themselves (TestRejection), before →
// now:
//
//	in-grammar TTS missed         24 → 17 of 112 (15 %; before, searches that failed)
//	in-grammar real missed         0 → 0 of 11
//	unrelated TTS accepted        35 → 1 of 112 (before, the rest failed to match)
//	unrelated real accepted       11 → 0 of 13
//	near-miss TTS accepted        13 → 10 of 56 (18 %)
//	real, own set less itself      6 → 3 of 10 ("seven of clubs" heard as "ten of clubs")
//
// (missed: rejected or heard as another phrase). The candidates tried, on the same
// corpus (TestRejectionCandidates):
//
//	                             missed:  TTS    real   accepted: TTS   real  near  own set
//	no rejection                          8/112  0/11          100/112 12/13 52/56  8/10
//	acoustic score ≥ −30                 81      0               0      0     1     2
//	acoustic score ≥ −40                 43      0               2      1     7     3
//	phone loop 1e-1                      44      0               0      0     1     2
//	phone loop 10^-1.5                   24      0               0      0     5     2
//	phone loop 1e-2 (shipped)            17      0               1      0    10     3
//	phone loop 10^-2.5                   14      0               4      0    15     3
//	phone loop 1e-3                      13      0              12      1    17     3
//	phone loop 1e-2 and score ≥ −40      74      0               0      0     2     2
//	word loop 1e-3 (194 common words)    21      0               0      0     7     1
//	word loop 1e-5                       10      0               5      0    19     2
//	keyword spotting 1e-2 per phone      97      2               1      0     0     1
//	keyword spotting 1e-4 per phone      80      2               7      0     0     2
//
// A threshold on the acoustic score alone separates real speech perfectly but cannot
// tell the TTS's right phrases from its wrong ones (both fit the model badly); keyword
// spotting misses most phrases; a loop of common words is on the phone loop's curve and
// three times slower. The phone loop at 1e-2 keeps unrelated speech out at the cost of
// one in seven TTS phrases; real speech, the case that matters, lost none. JSGF could not
// express the loop's cost: pocketsphinx 5prealpha ignores JSGF weights.
//
// # Confidence
//
// Open vocabulary: a word's confidence is its posterior probability in the decoder's
// lattice. Phrases: the decoder's lattice holds one phrase, so its posteriors are all 1;
// instead a word's confidence is how well the audio fits its sounds, its acoustic score
// per frame relative to the best-fitting sound of each frame mapped through a logistic
// curve (confidence.go): 0.5 at −30 per frame, about 0.9 at −12 (a real recording's
// typical word), 0.06 at −52. Measured (TestPhraseConfidence): the right phrases of the
// real recordings have word means of at least 0.67; phrases forced onto unrelated real
// speech by a grammar with no garbage loop at most 0.25. The TTS fits the model badly
// even when right (median word 0.13), so the number is not comparable between the TTS
// and a microphone, and is not asserted on it. A segment's confidence is the mean of its
// words'.
//
// # Determinism and cost
//
// The same audio gives the same transcript: pocketsphinx_batch, the resampler and the
// padding are deterministic, and a decoder keeps nothing from one file to the next.
// Real-time factor (seconds of audio per second of wall time) on two shared cores
// (BenchmarkTranscribe, BenchmarkWER, before and after in one run), before → now: a 3 s
// LibriVox line 0.6–0.8 → 1.0–1.1 open vocabulary, a 1.3 s phrase 3.6–5.8 → 15–18; the
// WER sets 1.1 → 1.6 (LibriVox), 0.7 → 1.1 (cards), 1.7 → 1.6 (TTS) open vocabulary and
// 8–14 → 17–20 with phrases. A call that has to start its decoder (BenchmarkTranscribe's
// -cold) pays 0.5–0.8 s more with the language model (0.45 s of it loading the model),
// 0.1 s with phrases. Open vocabulary decodes at about 0.6 s of CPU per second of
// audio; 103 s took 51 s.
package recognition
