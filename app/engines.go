package app

import (
	"time"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/falclient"
	"github.com/troupe-ai/troupe/local/dialogue"
	"github.com/troupe-ai/troupe/local/pixelart"
	"github.com/troupe-ai/troupe/local/recognition"
	"github.com/troupe-ai/troupe/local/speech"
	"github.com/troupe-ai/troupe/openaiclient"
)

// speechEngines builds the configured text-to-speech and speech-to-text engines, and the
// engine not in use, whose voices the catalogue lists too.
func speechEngines(cfg Config) (domain.SpeechSynth, domain.SpeechRecognizer, domain.SpeechSynth) {
	fal := cfg.falClient()
	if cfg.ActiveSpeechEngine() == "fal" {
		return falclient.NewSpeechSynth(fal), falclient.NewSpeechRecognizer(fal), speech.New()
	}
	return speech.New(), recognition.New(), falclient.NewSpeechSynth(fal)
}

// imageModel builds the configured image engine.
func imageModel(cfg Config) domain.ImageModel {
	if cfg.ActiveImageEngine() == "fal" {
		return falclient.NewImageModel(cfg.falClient())
	}
	return pixelart.New()
}

// textModel builds the configured text engine and the model names its calls use.
func textModel(cfg Config) (domain.TextModel, domain.TextModels, error) {
	models := domain.TextModels{
		Generation: cfg.GenerationModel, Dialogue: cfg.DialogueModel, Validation: cfg.ValidationModel,
		GenerationTemperature: cfg.GenerationTemperature, DialogueTemperature: cfg.DialogueTemperature,
		ValidationTemperature: cfg.ValidationTemperature,
	}
	switch cfg.ActiveTextEngine() {
	case "fal":
		return falclient.NewTextModel(cfg.falClient(), falclient.TextDefaults{Model: cfg.DialogueModel}), models, nil
	case "openai":
		if cfg.LLMModel != "" {
			// One server, one model: the per-task model names (GENERATION_MODEL…) are
			// fal/OpenRouter ids that an OpenAI-compatible server would not know.
			models.Generation, models.Dialogue, models.Validation = cfg.LLMModel, cfg.LLMModel, cfg.LLMModel
		}
		return openaiclient.New(openaiclient.Config{
			BaseURL: cfg.LLMBaseURL, APIKey: cfg.LLMAPIKey, Model: cfg.LLMModel, Timeout: cfg.TextTimeout,
		}), models, nil
	default:
		e, err := dialogue.New()
		return e, models, err
	}
}

// falClient is a fal client on the configured endpoints. Its wait for a queued request is
// the job's timeout less a margin (FalQueueTimeout), so fal's side gives up (and is told
// to cancel) while the job can still record why.
func (cfg Config) falClient() *falclient.Client {
	return falclient.New(falclient.Config{
		Key: cfg.FalKey, RunURL: cfg.FalRunURL, QueueURL: cfg.FalQueueURL,
		QueueTimeout: cfg.FalQueueTimeout(), TextTimeout: cfg.TextTimeout,
	})
}

// FalQueueTimeout is how long fal may take over one queued request (an image, a voice
// line): JOB_TIMEOUT less a tenth, at most 30 s less, the margin in which the job still
// stores the result or records the timeout.
func (cfg Config) FalQueueTimeout() time.Duration {
	return cfg.JobTimeout - min(cfg.JobTimeout/10, 30*time.Second)
}
