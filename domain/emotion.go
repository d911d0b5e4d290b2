package domain

import "strings"

// Emotion is the label of what a line, a face or a character's state feels: neutral, or
// one of Plutchik's eight primary emotions. It is one enum across the API, so a game maps
// each label to a portrait or an animation once.
type Emotion string

// The emotions.
const (
	EmotionNeutral      Emotion = "neutral"
	EmotionJoy          Emotion = "joy"
	EmotionTrust        Emotion = "trust"
	EmotionFear         Emotion = "fear"
	EmotionSurprise     Emotion = "surprise"
	EmotionSadness      Emotion = "sadness"
	EmotionDisgust      Emotion = "disgust"
	EmotionAnger        Emotion = "anger"
	EmotionAnticipation Emotion = "anticipation"
)

// moodEmotions maps the moods the defaults list to the emotion a line in that mood
// carries. Suspicion is Plutchik's disgust at its mildest (the opposite of trust);
// weariness is a mild sadness.
var moodEmotions = map[string]Emotion{
	"cheerful":   EmotionJoy,
	"angry":      EmotionAnger,
	"sad":        EmotionSadness,
	"fearful":    EmotionFear,
	"suspicious": EmotionDisgust,
	"excited":    EmotionAnticipation,
	"tired":      EmotionSadness,
}

// EmotionOfMood returns the emotion of a line spoken in mood; neutral for calm and for
// moods it does not know.
func EmotionOfMood(mood string) Emotion {
	if e, ok := moodEmotions[strings.ToLower(strings.TrimSpace(mood))]; ok {
		return e
	}
	return EmotionNeutral
}
