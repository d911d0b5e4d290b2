package prompts

// ValidateInput is what the validation model needs to judge a generated character (the
// VALIDATOR_SYSTEM prompt).
type ValidateInput struct {
	// Character is the sheet the draft was generated from; Name and Role are required.
	Character CharacterInput
	// Draft is the generation model's answer, normally the JSON object
	// {"personality": "...", "acting_prompt": "..."}. It is passed as untrusted data, as
	// it is: a draft that is not valid JSON is for the validator to reject. Required.
	Draft string
}

// validateView is ValidateInput cleaned for the templates.
type validateView struct {
	characterView
	Draft string
}

// Validate renders VALIDATOR_SYSTEM: the validation model judges a draft character for
// consistency with its role, archetype and world, for safety, and for prompt-injection
// content, and answers the JSON object {"approved": true|false, "reason": "..."}
// (domain.TaskValidate). Forbidden words are not its to judge: the caller filters them out
// of the draft first (redacted words show as █), and the sheet's own text may use them, so
// the model is told that neither is a reason to reject.
func Validate(in ValidateInput) (system, user string, err error) {
	v := validateView{characterView: in.Character.clean(), Draft: block(in.Draft)}
	if v.Name == "" || v.Role == "" {
		return "", "", invalid("validate: Character.Name and Character.Role are required")
	}
	if v.Draft == "" {
		return "", "", invalid("validate: Draft is required")
	}
	return render("validate", v)
}
