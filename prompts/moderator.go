package prompts

// The categories the moderator prompt lets the model flag. CategoryTaboo and
// CategorySafety match the categories of the deterministic checker in domain/moderation,
// so the two verdicts can be merged.
const (
	CategoryTaboo          = "taboo"
	CategorySafety         = "safety"
	CategoryOutOfCharacter = "out_of_character"
)

// ModeratorInput is what the model needs to judge one line before players see it (the
// MODERATOR_SYSTEM prompt).
type ModeratorInput struct {
	// Text is the line to judge. Required. Untrusted.
	Text string
	// Name is who says the line, if known.
	Name string
	// Setting is a few words on the game's world and tone, such as "grim dark fantasy",
	// so the judge can tell in-world violence from real-world harm. Optional.
	Setting string
	// TabooWords are the words the line must not contain, in any spelling.
	TabooWords []string
}

// moderatorView is ModeratorInput cleaned for the templates.
type moderatorView struct {
	Text    string
	Name    string
	Setting string
	Taboo   string
}

// Moderator renders MODERATOR_SYSTEM: the model judges a line for taboo words, safety and
// character breaks and answers the JSON object
// {"flagged": true|false, "categories": [...], "reason": "..."}, where categories are
// drawn from CategoryTaboo, CategorySafety and CategoryOutOfCharacter.
func Moderator(in ModeratorInput) (system, user string, err error) {
	v := moderatorView{
		Text:    block(in.Text),
		Name:    inline(in.Name),
		Setting: inline(in.Setting),
		Taboo:   quotedList(in.TabooWords),
	}
	if v.Text == "" {
		return "", "", invalid("moderator: Text is required")
	}
	return render("moderator", v)
}
