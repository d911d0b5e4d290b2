// Package speech is Troupe's offline text-to-speech engine: it implements
// domain.SpeechSynth by spawning the espeak-ng command-line program (Debian's 1.51), so
// characters can speak with no key, no network and no cgo. Spawning rather than linking
// also keeps the GPL-3 espeak-ng out of the server binary.
//
// # Voices
//
// The catalogue (voices.go) is 17 curated voices, each an espeak-ng language voice plus a
// variant ("en-us+f3") at its own pitch and base speed: American, British, Scottish,
// Received Pronunciation, Caribbean and New York English, a whisper, an old man and an
// old woman, a robot and a croaking monster. The ids local-en-us-m1, -m3, -m7,
// local-en-gb-m2, local-en-us-f1, -f3, local-en-gb-f2 and local-en-us-f5 are referenced by
// stored characters and must never change. Voices are available when espeak-ng is on the
// PATH, checked at each call.
//
// # Synthesis
//
// The text goes to espeak-ng on stdin (never as an argument), without -m, so markup in it
// is spoken, not obeyed, and "[[" (espeak's raw-phoneme escape) is broken up. Speed scales
// the voice's words per minute, within espeak-ng's 80–450. The audio is 16-bit mono PCM
// at 22 050 Hz. WAV is written by this package with true sizes (espeak-ng's own stream
// has placeholders); MP3 comes from lame (CBR 64 kbit/s) and Ogg Vorbis from sox (or,
// without sox, oggenc). A missing program is a CodeEngineUnavailable error naming the
// Debian package; tools/install-voice-engines.sh installs them all.
//
// # Determinism
//
// The same request gives byte-identical audio and identical timings on every run with
// the same package versions: espeak-ng and lame are deterministic, sox is run with -R
// (otherwise it seeds the Ogg serial from the clock) and oggenc with a fixed --serial.
// TestSynthesizeDeterministic checks all three formats.
//
// # Timings
//
// Every word of the text gets a start and end, and every phoneme a start, an end and one
// of 15 visemes (visemes.go), measured from a second synthesis with a gap after every
// word (timing.go explains the method). After a pause, words start within a few frames
// of where the sound resumes: 12 ms on average, 82 ms at worst, over every voice at
// speeds 0.5, 1 and 2 (TestWordTimingsMatchPauses). Inside a phrase with no pause, word
// and phoneme boundaries are shared out in proportion to the probe's durations and to
// typical phoneme lengths, which is coarser.
//
// # Speed
//
// A 7.8 s line takes about 35 ms as WAV (RTF ≈ 220: seconds of audio per second of wall
// time), 45 ms for a voice with an echo (timed on a twin) and 60–70 ms as MP3 or Ogg, on
// two cores (BenchmarkSynthesize).
package speech
