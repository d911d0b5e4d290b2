package domain

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/troupe-ai/troupe/domain/moderation"
)

// Bounds that keep a speak prompt the same size however long a character's history is.
const (
	// promptHistory is how many of the request's context messages reach the prompt.
	promptHistory = 12
	// promptFacts is how many remembered facts (pinned ones first) reach the prompt.
	promptFacts = 8
	// saidWindow is how many of the character's own recent lines are checked for repeats.
	saidWindow = 20
	// SummarizeThreshold is how many unsummarized entries trigger a fold into the summary.
	SummarizeThreshold = 24
)

// SpeakInput is what a character should answer.
type SpeakInput struct {
	// Messages is the conversation so far; the last one is what the character answers.
	Messages    []Line
	GameContext string
	// Mood overrides the character's mood for this line.
	Mood string
	// Length is "short", "medium" (default) or "long".
	Length     string
	TabooWords []string
	// PlayerID is the game's id of the player who said the last message, if a player did;
	// the exchange's memory entries are about that player.
	PlayerID string
	// Actions are added to the character's catalogue for this line, replacing any of the
	// same name.
	Actions []ActionSpec
}

// ModerationOutcome says what moderation did to a line.
type ModerationOutcome struct {
	Flagged    bool
	Action     string // "none", "regenerated" or "redacted"
	Categories []string
}

// SpeakResult is a character's line.
type SpeakResult struct {
	CharacterID string
	Text        string
	Mood        string
	Emotion     Emotion
	Engine      string
	Model       string
	Usage       Usage
	Latency     time.Duration
	Moderation  ModerationOutcome
	Memory      []MemoryEntry
	// Relationship is the character's relationship with the player after the line, when
	// the line was a player's.
	Relationship *Relationship
	// Actions are what the character does as it says the line; RefusedActions what the
	// engine proposed that the catalogue does not allow.
	Actions        []Action
	RefusedActions []RefusedAction
	// Lore names the lorebook entries the line triggered and the engine was given.
	Lore []LoreUse
	// SpriteFileID is the character's sprite for the line's emotion (SpriteFor); empty
	// when it has none.
	SpriteFileID string
}

// Speak makes the character answer the last message, in character, then writes what it
// heard and said to its memory. With onDelta set the line streams: onDelta gets pieces of
// it as they are produced (already moderated), and the result holds the whole line.
func (s *CharacterService) Speak(ctx context.Context, tenantID, id string, in SpeakInput, onDelta func(string) error) (*SpeakResult, error) {
	if err := ValidateSpeak(in); err != nil {
		return nil, err
	}
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	last := in.Messages[len(in.Messages)-1]
	now := s.now()
	h, err := s.hear(ctx, c, last, playerTarget(in.PlayerID, last.Speaker), 1, now)
	if err != nil {
		return nil, err
	}
	mood, length := h.mood(c.Mood, in.Mood), h.length(in.Length)
	taboo := cleanWords(append(append([]string{}, c.TabooWords...), in.TabooWords...))

	actions, refused, chose, err := s.chooseActions(ctx, c, in)
	if err != nil {
		return nil, err
	}
	req, err := s.dialogueRequest(ctx, c, in, mood, length, taboo, h.regard, actions)
	if err != nil {
		return nil, err
	}
	// Taken now so the request (its prompt, its scene) is not kept through a stream that
	// may wait a long time on the model.
	lore := loreUses(req.Scene)
	start := time.Now()
	var res TextResult
	outcome := ModerationOutcome{Action: "none", Categories: []string{}}
	if onDelta != nil {
		res, outcome, err = s.streamModerated(ctx, req, taboo, onDelta)
	} else {
		res, outcome, err = s.completeModerated(ctx, req, taboo)
	}
	if err != nil {
		return nil, err
	}
	// The line's cost includes choosing its actions.
	res.Usage.PromptTokens += chose.PromptTokens
	res.Usage.CompletionTokens += chose.CompletionTokens

	src := MemorySource{Type: MemorySourceSpeak, RequestID: RequestIDFrom(ctx)}
	entries := s.exchangeEntries(c, last, res.Text, in.PlayerID, src)
	var changes []StateChange
	if ch, ok := h.change(c, src, now); ok {
		changes = append(changes, ch)
	}
	if err := s.Store.RecordExchange(ctx, c.TenantID, entries, changes); err != nil {
		return nil, err
	}
	// The line is said and remembered; a failed fold is retried on the next exchange and
	// must not turn a delivered line into an error.
	_ = s.maybeFold(ctx, c)
	// The relationship as the line left it, for the game; like the fold, a failed read
	// must not undo a delivered line, so the answer then goes without it.
	var regard *Relationship
	if in.PlayerID != "" {
		if r, err := s.Store.Relationship(ctx, c.TenantID, c.ID, TargetPlayer, in.PlayerID); err == nil {
			regard = r
		}
	}
	emotion := h.emotion(mood, res.Text, now)
	return &SpeakResult{
		CharacterID:    c.ID,
		Text:           res.Text,
		Mood:           mood,
		Emotion:        emotion,
		SpriteFileID:   c.SpriteFor(emotion),
		Engine:         res.Engine,
		Model:          res.Model,
		Usage:          res.Usage,
		Latency:        time.Since(start),
		Moderation:     outcome,
		Memory:         entries,
		Relationship:   regard,
		Actions:        actions,
		RefusedActions: refused,
		Lore:           lore,
	}, nil
}

// dialogueRequest builds the dialogue call from the character, its memory, its regard for
// the speaker (nil for none), the actions it takes as it speaks and the request. Its size
// is bounded: the summary, a few facts, the last few messages, at most 3 actions.
func (s *CharacterService) dialogueRequest(ctx context.Context, c *Character, in SpeakInput, mood, length string, taboo []string, regard *Relationship, doing []Action) (TextRequest, error) {
	last := in.Messages[len(in.Messages)-1]
	history := in.Messages[:len(in.Messages)-1]
	if len(history) > promptHistory {
		history = history[len(history)-promptHistory:]
	}
	facts, err := s.promptMemory(ctx, c, last, in.PlayerID, in.GameContext)
	if err != nil {
		return TextRequest{}, err
	}
	said, err := s.Store.RecentSaid(ctx, c.TenantID, c.ID, saidWindow)
	if err != nil {
		return TextRequest{}, err
	}
	lore, knowers, err := s.sceneLore(ctx, c, history, last)
	if err != nil {
		return TextRequest{}, err
	}
	sheet := s.sheet(c)
	sheet.Mood, sheet.TabooWords = mood, taboo
	sheet.Profile = withCardMacros(sheet.Profile, c.Name, last.Speaker)
	scene := &Scene{
		Character: sheet, Speaker: last.Speaker, Line: last.Text, History: history,
		Summary: c.MemorySummary, Facts: facts, Said: said,
		GameContext: withGameState(c, in.GameContext), Length: length, Regard: regardText(regard, last.Speaker), Doing: doing,
		Lore: lore, Knowers: knowers,
	}
	scene.Seed = sceneSeed(c.Seed, scene)
	system, user, err := renderDialoguePrompt(c.ActingPrompt, scene)
	if err != nil {
		return TextRequest{}, err
	}
	return TextRequest{
		Task: TaskDialogue, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Dialogue, Temperature: s.Models.DialogueTemperature, MaxTokens: maxTokensFor(length),
		Scene: scene,
	}, nil
}

// completeModerated asks for the line, checks it against the taboo words and the safety
// list, regenerates once when it breaks a rule, and leaves out the second draft's
// sentences that break one too.
func (s *CharacterService) completeModerated(ctx context.Context, req TextRequest, taboo []string) (TextResult, ModerationOutcome, error) {
	outcome := ModerationOutcome{Action: "none", Categories: []string{}}
	res, err := s.Text.Complete(ctx, req)
	if err != nil {
		return res, outcome, err
	}
	res.Text = withoutStageDirections(res.Text, true)
	verdict := moderation.Check(res.Text, taboo)
	if !verdict.Flagged {
		return res, outcome, nil
	}
	outcome.Flagged, outcome.Categories = true, verdict.Categories
	retry := req
	retry.System += fmt.Sprintf("\n\nYour previous draft broke a rule (%s). Write a different line that avoids it.", strings.Join(verdict.Categories, ", "))
	if retry.Scene != nil {
		sc := *retry.Scene
		sc.Seed = int64(mix(uint64(sc.Seed), 1))
		sc.Said = append(append([]string{}, sc.Said...), res.Text)
		retry.Scene = &sc
	}
	second, err := s.Text.Complete(ctx, retry)
	if err != nil {
		return res, outcome, err
	}
	second.Text = withoutStageDirections(second.Text, true)
	second.Usage.PromptTokens += res.Usage.PromptTokens
	second.Usage.CompletionTokens += res.Usage.CompletionTokens
	if v := moderation.Check(second.Text, taboo); v.Flagged {
		second.Text = withoutFlaggedSentences(second.Text, v)
		outcome.Action = "redacted"
		return second, outcome, nil
	}
	outcome.Action = "regenerated"
	return second, outcome, nil
}

func maxTokensFor(length string) int {
	switch length {
	case "short":
		return 80
	case "long":
		return 400
	default:
		return 200
	}
}

// exchangeEntries are the memory entries one exchange writes: what was heard, any fact
// it revealed, and what was said, all about playerID when the line was a player's, and
// all from src.
func (s *CharacterService) exchangeEntries(c *Character, heard Line, said, playerID string, src MemorySource) []MemoryEntry {
	w := memoryWriter{tenantID: c.TenantID, now: s.now()}
	w.hear(c.ID, heard, playerID)
	w.add(c.ID, MemorySaid, said, c.Name, 0.3, playerID)
	return w.sourced(src)
}

// memoryWriter builds the entries one exchange or turn writes. Times rise by a
// microsecond per entry so the order survives sorting by time.
type memoryWriter struct {
	tenantID string
	now      time.Time
	entries  []MemoryEntry
}

func (w *memoryWriter) add(characterID string, kind MemoryKind, text, speaker string, importance float64, playerID string) {
	at := w.now.Add(time.Duration(len(w.entries)) * time.Microsecond)
	w.entries = append(w.entries, MemoryEntry{
		ID: NewID(PrefixMemory, at), TenantID: w.tenantID, CharacterID: characterID, Kind: kind,
		Text: text, Speaker: speaker, Importance: importance, PlayerID: playerID, CreatedAt: at,
	})
}

// hear records that the character heard l, and the facts it revealed.
func (w *memoryWriter) hear(characterID string, l Line, playerID string) {
	w.add(characterID, MemoryHeard, l.Text, l.Speaker, importanceOf(l.Text), playerID)
	for _, f := range factsIn(l, playerID != "") {
		w.add(characterID, MemoryFact, f, l.Speaker, 0.8, playerID)
	}
}

// sourced sets every entry's source.
func (w *memoryWriter) sourced(src MemorySource) []MemoryEntry {
	for i := range w.entries {
		w.entries[i].Source = src
	}
	return w.entries
}

var (
	// Only the phrase is case-insensitive: the name must be capitalised, so "I'm tired"
	// is not an introduction. Each match is then judged by introducedName.
	introduction = regexp.MustCompile(`\b(?i:my name is|my name['’]s|call me|i am|i['’]m)\s+(\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?)`)
	promise      = regexp.MustCompile(`(?i)\b(i promise|i swear|i will|i'll|i owe|you owe|deal)\b`)
	weighty      = regexp.MustCompile(`(?i)\b(kill|dead|death|gold|coin|debt|owe|quest|secret|stole|betray|promise|swear|war|help)\b`)
)

// notNames are capitalised words that follow "I am" or "call me" without being a name:
// "I am Going to kill you", "I'm Sorry", "I'm Not".
var notNames = wordSet(`going gonna not no so sure sorry glad happy afraid here there back done fine
	ready tired hungry thirsty busy lost just only really very also still always never ever the a an
	your his her their our my its in on at from with of to for about after before by into over out
	up down off away home dead alive free good great bored scared angry sad sick hurt broke rich poor
	interested honest serious certain alone alright all ok okay well late early almost about new
	looking coming leaving trying telling asking waiting here's that this what who`)

// greetingWords may open the sentence of an "I'm <Name>" introduction: "Hi, I'm Kestrel",
// "Well met, friend, I am Kestrel", "Nice to meet you, I'm Kestrel".
var greetingWords = wordSet(`hi hello hey hiya howdy greetings well met good morning afternoon evening
	day there friend friends oh ah yes yeah and so ahoy hail sir madam traveller traveler stranger
	everyone all nice pleased to meet you`)

func wordSet(words string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(words) {
		out[w] = true
	}
	return out
}

// introducedAs joins a speaker and the name they introduced themselves by in the fact an
// introduction leaves: "player is called Kestrel.".
const introducedAs = " is called "

// factsIn extracts facts worth remembering on their own from a line: introductions and
// promises. An introduction by the name the speaker already goes by tells nothing, except
// of a player (fromPlayer): it ties their id to that name, so a later line of theirs under
// another label is still known as theirs.
func factsIn(l Line, fromPlayer bool) []string {
	var facts []string
	if name := introducedName(l.Text); name != "" && (fromPlayer || !strings.EqualFold(name, l.Speaker)) {
		facts = append(facts, l.Speaker+introducedAs+name+".")
	}
	if promises(l.Text) {
		facts = append(facts, fmt.Sprintf("%s said: %q", l.Speaker, clip(l.Text, 160)))
	}
	return facts
}

// promises reports whether text makes a promise in a sentence that is not a question:
// "I'll bring the ore" is one, "What did I promise you?" asks about one.
func promises(text string) bool {
	for len(text) > 0 {
		i := strings.IndexAny(text, ".!?\n")
		if i < 0 {
			i = len(text) - 1
		}
		sentence := strings.TrimSpace(text[:i+1])
		if promise.MatchString(sentence) && !strings.HasSuffix(sentence, "?") {
			return true
		}
		text = text[i+1:]
	}
	return false
}

// introducedName returns the name a line introduces its speaker by, or "". Only real
// introductions count: "my name is" and "call me" anywhere, "I am" and "I'm" only at the
// start of a sentence or after a greeting, so "Hand over your gold" names no one and
// "they said I'm Done for" neither; the name must not be a common word ("I am Going").
func introducedName(text string) string {
	for _, m := range introduction.FindAllStringSubmatchIndex(text, -1) {
		phrase := strings.ToLower(text[m[0]:m[1]])
		words := strings.Fields(text[m[2]:m[3]])
		if notNames[strings.ToLower(words[0])] {
			continue
		}
		if len(words) > 1 && notNames[strings.ToLower(words[1])] {
			words = words[:1]
		}
		if strings.HasPrefix(phrase, "i") && !opensIntroduction(text[:m[0]]) {
			continue
		}
		if strings.HasPrefix(phrase, "i") && strings.HasSuffix(strings.ToLower(words[0]), "ing") {
			// "I'm Leaving", "I am Coming": a verb, not a name.
			continue
		}
		return strings.Join(words, " ")
	}
	return ""
}

// opensIntroduction reports whether the text before "I'm" leaves it at the start of a
// sentence, or after nothing but greeting words.
func opensIntroduction(before string) bool {
	if i := strings.LastIndexAny(before, ".!?\n"); i >= 0 {
		before = before[i+1:]
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(before), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		if !greetingWords[w] {
			return false
		}
	}
	return true
}

func importanceOf(text string) float64 {
	if weighty.MatchString(text) {
		return 0.7
	}
	return 0.4
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// sceneSeed derives the local engine's seed from the character's seed and everything that
// makes this request what it is, so the same request gives the same line.
func sceneSeed(seed int64, sc *Scene) int64 {
	h := uint64(seed)
	for _, part := range []string{sc.Speaker, sc.Line, sc.Character.Mood, sc.Length, sc.GameContext, fmt.Sprint(len(sc.History), len(sc.Said))} {
		h = mix(h, fnv64(part))
	}
	return int64(h & uint64(MaxWorldSeed))
}

// ValidateSpeak refuses what the schema lets through but no prompt can carry: no message,
// blank lines, and control characters (NUL above all, which PostgreSQL cannot store). A
// stream calls it before it starts, so bad input is a plain 422, not an error event.
func ValidateSpeak(in SpeakInput) error {
	if len(in.Messages) == 0 {
		return ValidationError(FieldError{Field: "context_messages", Message: "must hold at least one message"})
	}
	var bad []FieldError
	for i, m := range in.Messages {
		bad = append(bad, checkLine(fmt.Sprintf("context_messages.%d", i), m)...)
	}
	if badControl(in.GameContext) {
		bad = append(bad, FieldError{Field: "game_context", Message: "must not contain control characters"})
	}
	bad = append(bad, checkPlayerID(in.PlayerID)...)
	bad = append(bad, checkCatalogue("actions", in.Actions)...)
	if len(bad) > 0 {
		return ValidationError(bad...)
	}
	return nil
}

// checkPlayerID refuses a player id the API schema would refuse; "" is no player.
func checkPlayerID(id string) []FieldError {
	if id != "" && !playerIDPattern.MatchString(id) {
		return []FieldError{{Field: "player_id", Message: "must be 1 to 100 letters, digits or _.:@-"}}
	}
	return nil
}

func checkLine(field string, l Line) []FieldError {
	var bad []FieldError
	for _, f := range []struct{ name, value string }{{"speaker", l.Speaker}, {"text", l.Text}} {
		switch {
		case badControl(f.value):
			bad = append(bad, FieldError{Field: field + "." + f.name, Message: "must not contain control characters"})
		case strings.TrimFunc(f.value, unicode.IsSpace) == "":
			bad = append(bad, FieldError{Field: field + "." + f.name, Message: "must not be blank"})
		}
	}
	return bad
}

// badControl reports control and bidi-override characters other than newline and tab.
func badControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r != '\n' && r != '\t' && unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	})
}
