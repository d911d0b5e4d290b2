package prompts

// DefaultSummaryWords is the summary length used when SummarizeInput.MaxWords is zero.
const DefaultSummaryWords = 120

// Entry is one memory entry to fold into a summary.
type Entry struct {
	// Kind is the memory kind: "heard", "said", "fact" or "summary".
	Kind string
	// Speaker is who said it, when it was said.
	Speaker string
	// Text is the entry itself. Untrusted: it is what players and characters said.
	Text string
}

// SummarizeInput is what the model needs to fold new memory entries into a character's
// running summary.
type SummarizeInput struct {
	// Name is the character whose memory this is. Required.
	Name string
	// PreviousSummary is the summary so far; empty for the first one. Untrusted, since it
	// was written from what players said.
	PreviousSummary string
	// Entries are the new entries, oldest first. At least one is required.
	Entries []Entry
	// MaxWords caps the new summary; zero means DefaultSummaryWords.
	MaxWords int
}

// summarizeView is SummarizeInput cleaned for the templates.
type summarizeView struct {
	Name            string
	PreviousSummary string
	Entries         []entryView
	MaxWords        int
}

// entryView is an Entry cleaned for the templates.
type entryView struct {
	Kind, Speaker, Text string
	// Quoted marks what someone said (heard and said entries), which the template shows
	// as a quotation, the way the summary must keep it.
	Quoted bool
}

// Summarize renders the memory summarizer prompt: the model folds the previous summary
// and the new entries into a new summary of at most MaxWords words, keeping names,
// promises, debts, grudges and facts, and answers in plain text (domain.TaskSummarize).
// What people said (heard and said entries) is shown quoted, and the summary must keep
// it quoted and attributed: the summary feeds the character's later prompts, where a
// player's claim or order must read as something said, not as the character's belief.
func Summarize(in SummarizeInput) (system, user string, err error) {
	v := summarizeView{
		Name:            inline(in.Name),
		PreviousSummary: block(in.PreviousSummary),
		MaxWords:        in.MaxWords,
	}
	if v.MaxWords == 0 {
		v.MaxWords = DefaultSummaryWords
	}
	if v.Name == "" {
		return "", "", invalid("summarize: Name is required")
	}
	if v.MaxWords < 0 {
		return "", "", invalid("summarize: MaxWords %d is negative", in.MaxWords)
	}
	for _, e := range in.Entries {
		kind := inline(e.Kind)
		ev := entryView{Kind: kind, Speaker: inline(e.Speaker), Text: inline(e.Text), Quoted: kind == "heard" || kind == "said"}
		if ev.Quoted {
			ev.Text = quotable(ev.Text)
		}
		if ev.Text != "" {
			v.Entries = append(v.Entries, ev)
		}
	}
	if len(v.Entries) == 0 {
		return "", "", invalid("summarize: at least one entry with text is required")
	}
	return render("summarize", v)
}
