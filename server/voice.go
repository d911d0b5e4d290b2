package server

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"strings"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/gen"
)

// CreateSpeech answers POST /v1/voice/tts with 202 and a job.
func (h *handlers) CreateSpeech(ctx context.Context, req gen.CreateSpeechRequestObject) (gen.CreateSpeechResponseObject, error) {
	tenant, err := domain.TenantFrom(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	sr := domain.SpeechRequest{Text: b.Text, VoiceID: deref(b.VoiceId), Speed: deref(b.Speed)}
	if b.Format != nil {
		sr.Format = string(*b.Format)
	}
	job, err := h.svc.Jobs.SubmitSpeech(ctx, tenant, sr, deref(b.CharacterId), deref(b.WebhookUrl), bypassCache(b.Cache, req.Params.CacheControl))
	if err != nil {
		return nil, err
	}
	return gen.CreateSpeech202JSONResponse{JobAcceptedJSONResponse: accepted(job)}, nil
}

// CreateTranscription answers POST /v1/voice/stt, from a multipart upload or JSON.
func (h *handlers) CreateTranscription(ctx context.Context, req gen.CreateTranscriptionRequestObject) (gen.CreateTranscriptionResponseObject, error) {
	if _, err := domain.TenantFrom(ctx); err != nil {
		return nil, err
	}
	var in domain.TranscribeInput
	switch {
	case req.MultipartBody != nil:
		var err error
		if in, err = readUpload(req.MultipartBody); err != nil {
			return nil, err
		}
	case req.JSONBody != nil:
		b := req.JSONBody
		in = domain.TranscribeInput{URL: deref(b.AudioUrl), Language: deref(b.Language), Prompt: deref(b.Prompt)}
		if b.Phrases != nil {
			in.Phrases = *b.Phrases
		}
		if (b.AudioUrl == nil) == (b.AudioBase64 == nil) {
			return nil, domain.ValidationError(domain.FieldError{Field: "audio_url", Message: "give exactly one of audio_url and audio_base64"})
		}
		if b.AudioBase64 != nil {
			data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(*b.AudioBase64))
			if err != nil {
				return nil, domain.ValidationError(domain.FieldError{Field: "audio_base64", Message: "is not valid base64"})
			}
			in.Audio = data
		}
	}
	t, err := h.svc.Voice.Transcribe(ctx, in)
	if err != nil {
		return nil, err
	}
	return gen.CreateTranscription200JSONResponse{Body: toTranscription(t)}, nil
}

// readUpload reads the multipart form: the audio part, capped, and the text fields. Every
// phrases field is kept, each split into lines.
func readUpload(r *multipart.Reader) (domain.TranscribeInput, error) {
	var in domain.TranscribeInput
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, domain.Errorf(domain.CodeBadRequest, "The multipart body could not be read.")
		}
		data, err := io.ReadAll(io.LimitReader(part, domain.MaxAudioBytes+1))
		part.Close()
		if err != nil {
			return in, domain.Errorf(domain.CodeBadRequest, "The multipart body could not be read.")
		}
		switch part.FormName() {
		case "audio":
			in.Audio, in.ContentType = data, part.Header.Get("Content-Type")
		case "language":
			in.Language = string(data)
		case "prompt":
			in.Prompt = string(data)
		case "phrases":
			// Both the standard way (one field per phrase, as curl -F and browsers send a
			// list) and one field of newline-separated phrases are accepted, and mixed:
			// every field counts. Empty lines are dropped by Transcribe, which also caps
			// the total.
			in.Phrases = append(in.Phrases, strings.Split(string(data), "\n")...)
		}
	}
	if in.Audio == nil {
		return in, domain.ValidationError(domain.FieldError{Field: "audio", Message: "is required"})
	}
	return in, nil
}

// ListVoices answers GET /v1/voice/voices.
func (h *handlers) ListVoices(ctx context.Context, _ gen.ListVoicesRequestObject) (gen.ListVoicesResponseObject, error) {
	voices := h.svc.Voice.Voices(ctx)
	items := mapSlice(voices, func(v domain.Voice) gen.Voice {
		return gen.Voice{Id: v.ID, Name: v.Name, Engine: v.Engine, Language: v.Language, Gender: v.Gender,
			Description: v.Description, Available: v.Available}
	})
	advice := h.svc.Voice.RecognitionAdvice(ctx)
	return gen.ListVoices200JSONResponse{Body: gen.VoiceList{Items: items, Total: len(items), Recognition: gen.RecognitionAdvice{
		Engine: advice.Engine, Model: advice.Model, RecommendedMode: gen.RecognitionAdviceRecommendedMode(advice.RecommendedMode), Note: advice.Note,
	}}}, nil
}

func ms(d interface{ Microseconds() int64 }) float64 { return float64(d.Microseconds()) / 1000 }

func toTranscription(t *domain.Transcript) gen.Transcription {
	return gen.Transcription{
		Text: t.Text, Language: t.Language, DurationMs: ms(t.Duration), Engine: t.Engine, Model: t.Model,
		Segments: mapSlice(t.Segments, func(s domain.TranscriptSegment) gen.TranscriptSegment {
			return gen.TranscriptSegment{StartMs: ms(s.Start), EndMs: ms(s.End), Text: s.Text, Confidence: optional(s.Confidence)}
		}),
		Words: mapSlice(t.Words, toWordTiming),
	}
}

func toWordTiming(w domain.WordTiming) gen.WordTiming {
	return gen.WordTiming{Word: w.Word, StartMs: ms(w.Start), EndMs: ms(w.End), Confidence: optional(w.Confidence)}
}
