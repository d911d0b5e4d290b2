package domain

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"
)

// DefaultMaxSpeechStreams is how many speech streams a tenant may have open at once on
// one server when VoiceService.MaxStreams is 0.
const DefaultMaxSpeechStreams = 8

// SpeechStreamInput is what to speak as a stream. Text may be empty when the text is
// written later (a character's line while it is generated).
type SpeechStreamInput struct {
	Text        string
	VoiceID     string
	CharacterID string
	Speed       float64
}

// streamSlots counts each tenant's open speech streams.
type streamSlots struct {
	mu   sync.Mutex
	open map[string]int
}

// take claims one of tenant's max slots, or reports false when all are taken.
func (s *streamSlots) take(tenant string, max int) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		s.open = map[string]int{}
	}
	if s.open[tenant] >= max {
		return nil, false
	}
	s.open[tenant]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.open[tenant]--; s.open[tenant] <= 0 {
				delete(s.open, tenant)
			}
		})
	}, true
}

// CheckSpeechText refuses text a synthesis cannot take: blank, longer than MaxSpeechText
// characters, or holding control characters (CodeValidation on "text").
func CheckSpeechText(text string) error {
	if bad := speechTextProblem(text); bad != nil {
		return ValidationError(*bad)
	}
	return nil
}

// speechTextProblem is CheckSpeechText's field error, or nil.
func speechTextProblem(text string) *FieldError {
	if strings.TrimSpace(text) == "" || utf8.RuneCountInString(text) > MaxSpeechText || badControl(text) {
		return &FieldError{Field: "text", Message: "must be 1–1000 characters of speakable text"}
	}
	return nil
}

// StreamSpeech checks the request and starts a SpeechStream of in.Text (plus whatever is
// written to it later), in the character's voice when in names a character and no voice.
// Events are sent from the stream's own goroutine; the stream ends when Close returns or
// ctx ends.
//
// Errors, all before any audio: CodeValidation (text longer than MaxSpeechText, speed
// outside 0.5–2, an unknown voice), CodeCharacterNotFound, CodeEngineUnavailable (the
// voice's engine is not installed), and CodeRateLimited with details {limit:
// "concurrent_streams", max} when the tenant already has MaxStreams streams open here.
func (v *VoiceService) StreamSpeech(ctx context.Context, tenantID string, in SpeechStreamInput, events SpeechEvents) (*SpeechStream, error) {
	req := SpeechRequest{Text: in.Text, VoiceID: in.VoiceID, Format: AudioWAV}
	var bad []FieldError
	if in.Text != "" {
		if problem := speechTextProblem(in.Text); problem != nil {
			bad = append(bad, *problem)
		}
	}
	var problem *FieldError
	if req.Speed, problem = speechSpeed(in.Speed); problem != nil {
		bad = append(bad, *problem)
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if in.CharacterID != "" && req.VoiceID == "" {
		var err error
		if req.VoiceID, err = characterVoice(ctx, v.Characters, tenantID, in.CharacterID); err != nil {
			return nil, err
		}
	}
	if err := checkVoice(ctx, v.Synth, req.VoiceID); err != nil {
		return nil, err
	}
	max := v.MaxStreams
	if max <= 0 {
		max = DefaultMaxSpeechStreams
	}
	release, ok := v.slots.take(tenantID, max)
	if !ok {
		return nil, Errorf(CodeRateLimited, "This key's tenant already has %d speech streams open; close one first.", max).
			WithDetails(map[string]any{"limit": "concurrent_streams", "max": max})
	}
	s := startSpeechStream(ctx, v.Synth, req, events, release)
	if strings.TrimSpace(in.Text) != "" {
		_ = s.Write(in.Text) // cannot fail: the stream is open
	}
	return s, nil
}
