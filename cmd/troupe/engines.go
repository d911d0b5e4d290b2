package main

import (
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
func speechEngines(cfg config) (domain.SpeechSynth, domain.SpeechRecognizer, domain.SpeechSynth) {
	fal := falclient.New(falclient.Config{Key: cfg.FalKey, RunURL: cfg.FalRunURL, QueueURL: cfg.FalQueueURL})
	if cfg.speechEngine() == "fal" {
		return falclient.NewSpeechSynth(fal), falclient.NewSpeechRecognizer(fal), speech.New()
	}
	return speech.New(), recognition.New(), falclient.NewSpeechSynth(fal)
}

// imageModel builds the configured image engine.
func imageModel(cfg config) domain.ImageModel {
	if cfg.imageEngine() == "fal" {
		return falclient.NewImageModel(falclient.New(falclient.Config{Key: cfg.FalKey, RunURL: cfg.FalRunURL, QueueURL: cfg.FalQueueURL}))
	}
	return pixelart.New()
}

// textModel builds the configured text engine and the model names its calls use.
func textModel(cfg config) (domain.TextModel, domain.TextModels, error) {
	models := domain.TextModels{
		Generation: cfg.GenerationModel, Dialogue: cfg.DialogueModel, Validation: cfg.ValidationModel,
		GenerationTemperature: cfg.GenerationTemperature, DialogueTemperature: cfg.DialogueTemperature,
		ValidationTemperature: cfg.ValidationTemperature,
	}
	switch cfg.textEngine() {
	case "fal":
		c := falclient.New(falclient.Config{Key: cfg.FalKey, RunURL: cfg.FalRunURL, QueueURL: cfg.FalQueueURL})
		return falclient.NewTextModel(c, falclient.TextDefaults{Model: cfg.DialogueModel}), models, nil
	case "openai":
		if cfg.LLMModel != "" {
			// One server, one model: the plan's per-task model names are fal/OpenRouter ids.
			models.Generation, models.Dialogue, models.Validation = cfg.LLMModel, cfg.LLMModel, cfg.LLMModel
		}
		return openaiclient.New(openaiclient.Config{BaseURL: cfg.LLMBaseURL, APIKey: cfg.LLMAPIKey, Model: cfg.LLMModel}), models, nil
	default:
		e, err := dialogue.New()
		return e, models, err
	}
}
