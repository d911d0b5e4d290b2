package dialogue

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/domain"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		line string
		want Intent
	}{
		{"Hello!", IntentGreeting},
		{"hey there", IntentGreeting},
		{"Good morning, Maren.", IntentGreeting},
		{"Nice to meet you.", IntentGreeting},
		{"How are you?", IntentGreeting},
		{"Goodbye.", IntentFarewell},
		{"I must go, see you later!", IntentFarewell},
		{"Thanks, goodbye!", IntentFarewell},
		{"Good morning! Do you sell swords?", IntentTrade},
		{"How much for the rope?", IntentTrade},
		{"I'd like to buy some bread", IntentTrade},
		{"Will you buy this pelt?", IntentTrade},
		{"Can you repair my shield?", IntentTrade},
		{"Any work for me?", IntentQuest},
		{"I'm looking for a job.", IntentQuest},
		{"Do you need help?", IntentQuest},
		{"Is there a bounty on the bandits?", IntentQuest},
		{"What do you know about the old mill?", IntentQuestion},
		{"Where is Ashford?", IntentQuestion},
		{"Tell me about yourself.", IntentQuestion},
		{"Is the bridge safe?", IntentQuestion},
		{"Who are you?", IntentQuestion},
		{"You're an idiot.", IntentInsult},
		{"Shut up, you useless fool!", IntentInsult},
		{"Hello, you stupid oaf.", IntentInsult},
		{"Thanks for the help!", IntentThanks},
		{"Thank you so much.", IntentThanks},
		{"I really appreciate it", IntentThanks},
		{"I'll kill you!", IntentThreat},
		{"Hand over your purse or else.", IntentThreat},
		{"You'll regret this, idiot.", IntentThreat},
		{"That's beautiful work.", IntentCompliment},
		{"You're very brave.", IntentCompliment},
		{"Nice work on the gate!", IntentCompliment},
		{"Heard any rumors?", IntentRumor},
		{"What's new around here?", IntentRumor},
		{"Any news from the capital?", IntentRumor},
		{"The sky is grey.", IntentUnknown},
		{"Can't complain.", IntentUnknown},
		{"", IntentUnknown},
		{"   ", IntentUnknown},
		{"asdkjh qwpoeiru zxmcnv", IntentUnknown},
		{"Wie geht es dir heute?", IntentUnknown},
		{"Où est la gare ?", IntentUnknown},
		{"¿Dónde está la biblioteca?", IntentUnknown},
		{"Wo ist die Bibliothek?", IntentUnknown},
		{"Привет, как дела?", IntentUnknown},
		{"今日はいい天気ですね", IntentUnknown},
		{"!!!???...", IntentUnknown},
		{"\xff\xfe\xfd", IntentUnknown},
	}
	for _, tt := range tests {
		if got := Classify(tt.line); got != tt.want {
			t.Errorf("Classify(%q) = %s, want %s", tt.line, got, tt.want)
		}
	}
}

// TestClassifyCoversEveryIntent keeps the table above honest as intents are added.
func TestClassifyCoversEveryIntent(t *testing.T) {
	samples := map[Intent]string{
		IntentGreeting: "hello", IntentFarewell: "farewell", IntentTrade: "what are your prices",
		IntentQuest: "any quests", IntentQuestion: "why", IntentInsult: "coward", IntentThanks: "thanks",
		IntentThreat: "last warning", IntentCompliment: "impressive", IntentRumor: "any gossip",
		IntentUnknown: "hmm",
	}
	for _, in := range Intents {
		line, ok := samples[in]
		if !ok {
			t.Errorf("no sample for intent %s", in)
			continue
		}
		if got := Classify(line); got != in {
			t.Errorf("Classify(%q) = %s, want %s", line, got, in)
		}
	}
}

func TestClassifyLongInput(t *testing.T) {
	line := strings.Repeat("blah ", 100000) + "hello"
	if got := Classify(line); got != IntentUnknown {
		t.Errorf("Classify(huge) = %s, want unknown (only the first 4 KiB is read)", got)
	}
	if got := Classify("hello " + strings.Repeat("blah ", 100000)); got != IntentGreeting {
		t.Errorf("Classify(huge greeting) = %s, want greeting", got)
	}
}

func TestFindTopic(t *testing.T) {
	base := sheet("blacksmith", "mentor", "calm")
	base.Name = "Maren Holt"
	tests := []struct {
		line, kind, text string
	}{
		{"What do you know about Ashford?", topicPlace, "Ashford"},
		{"Tell me about the grey marsh", topicPlace, "the Grey Marsh"},
		{"Where is Oakvale?", topicHome, "Oakvale"},
		{"Have you seen Aldric?", topicFact, "Aldric"},
		{"What do you know about the old mill?", topicWord, "the old mill"},
		{"Tell me about the sunken bell, please.", topicWord, "the sunken bell"},
		{"Who are you?", topicSelf, ""},
		{"Tell me about yourself.", topicSelf, ""},
		{"Are you Maren?", topicSelf, ""},
		{"Is it going to rain?", topicNone, ""},
	}
	for _, tt := range tests {
		sc := &domain.Scene{Character: base, Speaker: "player", Line: tt.line, Facts: []string{"Aldric owes me twenty gold."}}
		s := newScene(sc, 1)
		if s.topic.kind != tt.kind || s.topic.text != tt.text {
			t.Errorf("topic of %q = %+v, want {%s %q}", tt.line, s.topic, tt.kind, tt.text)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "hello", "How much for the sword?", "about", "what is", "\xff", "I'll kill you",
		"tell me about the", "where's", strings.Repeat("a", 5000), "’’’", "Ω≈ç√", "who is ,", "about ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		in := Classify(line)
		if !slices.Contains(Intents, in) {
			t.Fatalf("Classify(%q) = %q, not an intent", line, in)
		}
		if topic := phraseAfterMarker(line); len(topic) > 60 || (utf8.ValidString(line) && !utf8.ValidString(topic)) {
			t.Fatalf("phraseAfterMarker(%q) = %q", line, topic)
		}
	})
}
