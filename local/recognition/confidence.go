package recognition

import "math"

// The confidence of a word heard with a grammar is how well the audio fits the word's
// sounds: its acoustic score per frame s, which pocketsphinx gives relative to the best
// of all the model's sound states in each frame (0 would be a word that fits every frame
// as well as the best-fitting sound does; the unit is the decoder's scaled log
// likelihood, about a tenth of a nat), mapped to 0–1 by a logistic curve:
//
//	confidence = 1 / (1 + exp(−(s − confidenceMid) / confidenceWidth))
//
// Measured (TestRejection): words of real recordings heard in their own grammar have s
// around −12 (confidence 0.9), words forced onto unrelated real speech by a grammar with
// no rejection around −52 (0.06). The local TTS's speech fits the model badly (its open
// vocabulary WER is 74 %), so its words score low even when right: around −45 (0.13).
const (
	confidenceMid   = -30.0
	confidenceWidth = 8.0
)

// acousticConfidence maps a word's acoustic score over its frames to 0–1.
func acousticConfidence(ascr, frames int) float64 {
	s := float64(ascr) / float64(max(1, frames))
	return 1 / (1 + math.Exp(-(s-confidenceMid)/confidenceWidth))
}
