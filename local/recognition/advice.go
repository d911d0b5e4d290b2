package recognition

import "github.com/troupe-ai/troupe/domain"

var _ domain.Advisor = (*Recognizer)(nil)

// Advice tells games to use phrase mode: open vocabulary on this model misses about a
// quarter of the words of read speech and most of short lines said by a synthetic voice
// (TestWER), while phrase mode returns the phrase said exactly and rejects speech that is
// none of them. No better model can be installed offline.
func (r *Recognizer) Advice() domain.RecognitionAdvice {
	return domain.RecognitionAdvice{
		Engine: Engine, Model: Model, RecommendedMode: domain.ModePhrases,
		Note: "Open vocabulary on the offline recognizer (pocketsphinx, US English) gets about one word in four " +
			"wrong on read speech and three in four on short game lines from a synthetic voice; send the commands " +
			"you expect as phrases: it answers with one of them exactly, or with no text when the speech is none of them.",
	}
}
