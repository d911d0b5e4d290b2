package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxSpeechText is the longest text a tts job speaks, in characters.
const MaxSpeechText = 1000

// speechJobRequest is a tts job's stored input.
type speechJobRequest struct {
	SpeechRequest
	CharacterID string `json:"character_id,omitempty"`
	// NoCache makes a new synthesis even when an identical request's result is stored.
	NoCache bool `json:"no_cache,omitempty"`
}

// SubmitSpeech validates a text-to-speech request and queues it as a job. With a
// character, its voice is used unless the request names one, and the audio is linked to it.
// With noCache, the job synthesises anew even when an identical request's audio is stored.
func (s *JobService) SubmitSpeech(ctx context.Context, tenantID string, req SpeechRequest, characterID, webhookURL string, noCache bool) (*Job, error) {
	var bad []FieldError
	if problem := speechTextProblem(req.Text); problem != nil {
		bad = append(bad, *problem)
	}
	var problem *FieldError
	if req.Speed, problem = speechSpeed(req.Speed); problem != nil {
		bad = append(bad, *problem)
	}
	if req.Format == "" {
		req.Format = AudioWAV
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if err := s.checkWebhook(ctx, webhookURL); err != nil {
		return nil, err
	}
	if characterID != "" {
		// The character must exist even with a voice given: the audio is linked to it.
		voice, err := characterVoice(ctx, s.Characters, tenantID, characterID)
		if err != nil {
			return nil, err
		}
		if req.VoiceID == "" {
			req.VoiceID = voice
		}
	}
	if err := checkVoice(ctx, s.Speech, req.VoiceID); err != nil {
		return nil, err
	}
	// What is stored is what is spoken and what the cache keys on.
	req.Text = collapseSpace(req.Text)
	body, err := json.Marshal(speechJobRequest{SpeechRequest: req, CharacterID: characterID, NoCache: noCache})
	if err != nil {
		return nil, err
	}
	return s.enqueue(ctx, tenantID, JobTTS, body, webhookURL)
}

// speechSpeed is a request's speed with 0 read as 1 (normal), and the field error of one
// outside 0.5–2.
func speechSpeed(speed float64) (float64, *FieldError) {
	if speed == 0 {
		speed = 1
	}
	if speed < 0.5 || speed > 2 {
		return speed, &FieldError{Field: "speed", Message: "must be between 0.5 and 2"}
	}
	return speed, nil
}

// characterVoice is the voice of the tenant's character id, or CodeCharNotFound.
func characterVoice(ctx context.Context, chars CharacterStore, tenantID, id string) (string, error) {
	c, err := chars.GetCharacter(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return "", charNotFound(id)
	} else if err != nil {
		return "", err
	}
	return c.VoiceID, nil
}

// VoiceResolver is implemented by engines that accept more voice ids than they list,
// such as fal's, which maps Troupe's local ids to its own voices so characters keep
// their voices when the engine changes.
type VoiceResolver interface {
	Resolve(id string) (Voice, error)
}

// checkVoice refuses an unknown voice at submit time, and a known one whose engine is not
// installed, so the caller learns at once instead of from a failed job.
func checkVoice(ctx context.Context, synth SpeechSynth, id string) error {
	if id == "" {
		return nil
	}
	var voice *Voice
	// Test-mode work runs on the local engine, whose own list is what it can speak.
	if r, ok := synth.(VoiceResolver); ok && !InTestMode(ctx) {
		v, err := r.Resolve(id)
		if err != nil {
			return err
		}
		voice = &v
	} else {
		for _, v := range synth.Voices(ctx) {
			if v.ID == id {
				voice = &v
				break
			}
		}
	}
	if voice == nil {
		return ValidationError(FieldError{Field: "voice_id", Message: "is not a voice of GET /v1/voice/voices"})
	}
	if !voice.Available {
		st := synth.Status(ctx)
		return Errorf(CodeEngineUnavailable, "The voice %q is not available: %s.", id, st.Detail).
			WithDetails(map[string]any{"voice_id": id, "engine": voice.Engine})
	}
	return nil
}

// RunSpeech does a tts job's work: from the cache of identical requests when it may,
// else with the speech engine.
func (r *JobRunner) RunSpeech(ctx context.Context, jobID string, lastAttempt bool) error {
	return r.run(ctx, jobID, lastAttempt, func(ctx context.Context, job *Job) (output, error) {
		var req speechJobRequest
		if err := json.Unmarshal(job.Request, &req); err != nil {
			return output{}, errUnreadableRequest
		}
		key, err := cacheKey(job.Type, r.Speech.Status(ctx), req.SpeechRequest)
		if err != nil {
			return output{}, err
		}
		if !req.NoCache {
			out, hit, err := r.cachedOutput(ctx, job, key, func(raw json.RawMessage, fileID string) (any, error) {
				var res SpeechJobResult
				if err := json.Unmarshal(raw, &res); err != nil {
					return nil, fmt.Errorf("cached speech result: %w", err)
				}
				// The same audio may be linked to another character (or none) this time.
				res.FileID, res.CharacterID, res.Cached = fileID, req.CharacterID, true
				return &res, nil
			})
			if hit || err != nil {
				return out, err
			}
		}
		res, err := r.Speech.Synthesize(ctx, req.SpeechRequest)
		if err != nil {
			return output{}, err
		}
		res = withLipSync(res)
		return output{media: []media{{data: res.Data, contentType: res.ContentType}}, cache: &CacheEntry{Key: key},
			result: func(ids []string) (any, error) {
				r := &SpeechJobResult{
					FileID: ids[0], Format: res.Format, SampleRate: res.SampleRate,
					DurationMs: float64(res.Duration.Microseconds()) / 1000, Engine: res.Engine, Model: res.Model,
					VoiceID: res.VoiceID, CharacterID: req.CharacterID, Words: res.Words, Phonemes: res.Phonemes, LipSync: res.LipSync,
				}
				if r.Words == nil {
					r.Words = []WordTiming{}
				}
				return r, nil
			}}, nil
	})
}
