package domain

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// ConversationService runs conversations: it starts them, advances them turn by turn
// through the director, and keeps their transcripts.
type ConversationService struct {
	Store ConversationStore
	// Characters makes the participants react and speak, and reads their memory.
	Characters *CharacterService
	// ReactionConcurrency bounds how many participants react at once in one turn; 0
	// means 4. Reactions of the local engine take microseconds, those of a remote model
	// a round trip each, so they run side by side.
	ReactionConcurrency int
}

// CreateConversationInput is a conversation to start. Zero limits take the defaults; a
// nil seed is drawn at random.
type CreateConversationInput struct {
	Participants   []string
	WorldID        *string
	Scene          string
	Topic          string
	Players        []Player
	MaxTurns       int
	MaxConsecutive int
	Seed           *int64
}

// AdvanceInput says how to advance a conversation: optionally after a player's line, by
// Turns character turns (0 means 1).
type AdvanceInput struct {
	PlayerID string
	// Message is the player's line; its Speaker defaults to the named player's name, else
	// "player".
	Message     *Line
	Turns       int
	GameContext string
	// Actions are added to every participant's catalogue for these turns, replacing any of
	// the same name.
	Actions []ActionSpec
}

// AdvanceHooks are told of a turn as it is made, for streaming; any of them may be nil.
// An error from one stops the advance (the client went away).
type AdvanceHooks struct {
	// Started gets the turn with its speaker and decision record, before the line.
	Started func(t *Turn) error
	// Delta gets each piece of the line, already moderated.
	Delta func(index int, delta string) error
	// Completed gets the written turn and the conversation after it.
	Completed func(t *Turn, c *Conversation) error
}

// playerIDPattern is what a game's player id may hold, as the API schema says.
var playerIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.:@-]{1,100}$`)

// Create starts a conversation. It returns CodeValidation for bad input, CodeCharNotFound
// for a participant the tenant does not have and CodeWorldNotFound for an unknown world.
func (s *ConversationService) Create(ctx context.Context, tenantID string, in CreateConversationInput) (*Conversation, error) {
	if err := validateConversation(&in); err != nil {
		return nil, err
	}
	for _, id := range in.Participants {
		if _, err := s.Characters.Get(ctx, tenantID, id); err != nil {
			return nil, err
		}
	}
	if _, err := s.Characters.world(ctx, tenantID, in.WorldID); err != nil {
		return nil, err
	}
	seed := RandomSeed()
	if in.Seed != nil {
		seed = *in.Seed
	}
	now := s.Characters.now()
	c := &Conversation{
		ID: NewID(PrefixConversation, now), TenantID: tenantID, Participants: in.Participants, WorldID: in.WorldID,
		Scene: in.Scene, Topic: in.Topic, Players: append([]Player{}, in.Players...), MaxTurns: in.MaxTurns,
		MaxConsecutive: in.MaxConsecutive, Seed: seed, Status: ConversationActive, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.Store.CreateConversation(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// validateConversation applies the defaults to in and reports every invalid field.
func validateConversation(in *CreateConversationInput) error {
	var bad []FieldError
	if n := len(in.Participants); n < MinParticipants || n > MaxParticipants {
		bad = append(bad, FieldError{Field: "participants", Message: fmt.Sprintf("must list %d to %d characters", MinParticipants, MaxParticipants)})
	}
	seen := map[string]bool{}
	for i, id := range in.Participants {
		if seen[id] {
			bad = append(bad, FieldError{Field: fmt.Sprintf("participants.%d", i), Message: "lists a character twice"})
		}
		seen[id] = true
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"scene", in.Scene, maxSceneText}, {"topic", in.Topic, maxTopicText}} {
		if badControl(f.value) {
			bad = append(bad, FieldError{Field: f.field, Message: "must not contain control characters"})
		} else if len([]rune(f.value)) > f.max {
			bad = append(bad, FieldError{Field: f.field, Message: fmt.Sprintf("must be at most %d characters", f.max)})
		}
	}
	if len(in.Players) > MaxPlayers {
		bad = append(bad, FieldError{Field: "players", Message: fmt.Sprintf("must list at most %d players", MaxPlayers)})
	}
	players := map[string]bool{}
	for i, p := range in.Players {
		field := fmt.Sprintf("players.%d", i)
		if !playerIDPattern.MatchString(p.ID) {
			bad = append(bad, FieldError{Field: field + ".player_id", Message: "must be 1 to 100 letters, digits or _.:@-"})
		} else if players[p.ID] {
			bad = append(bad, FieldError{Field: field + ".player_id", Message: "lists a player twice"})
		}
		players[p.ID] = true
		bad = append(bad, checkLine(field, Line{Speaker: p.Name, Text: "-"})...)
	}
	if in.MaxTurns == 0 {
		in.MaxTurns = DefaultMaxTurns
	}
	if in.MaxConsecutive == 0 {
		in.MaxConsecutive = DefaultMaxConsecutive
	}
	if in.MaxTurns < 1 || in.MaxTurns > MaxMaxTurns {
		bad = append(bad, FieldError{Field: "max_turns", Message: fmt.Sprintf("must be 1 to %d", MaxMaxTurns)})
	}
	if in.MaxConsecutive < 1 || in.MaxConsecutive > MaxMaxConsecutive {
		bad = append(bad, FieldError{Field: "max_consecutive_turns", Message: fmt.Sprintf("must be 1 to %d", MaxMaxConsecutive)})
	}
	if in.Seed != nil && (*in.Seed < 0 || *in.Seed > MaxWorldSeed) {
		bad = append(bad, FieldError{Field: "seed", Message: fmt.Sprintf("must be 0 to %d", MaxWorldSeed)})
	}
	if len(bad) > 0 {
		return ValidationError(bad...)
	}
	return nil
}

// Get returns the tenant's conversation, or CodeConversationNotFound.
func (s *ConversationService) Get(ctx context.Context, tenantID, id string) (*Conversation, error) {
	c, err := s.Store.GetConversation(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, conversationNotFound(id)
	}
	return c, err
}

// List returns a page of the tenant's conversations, newest first, and the total.
func (s *ConversationService) List(ctx context.Context, tenantID string, page Page) ([]Conversation, int, error) {
	return s.Store.ListConversations(ctx, tenantID, page)
}

// Delete deletes the conversation and its transcript, or returns
// CodeConversationNotFound. The characters keep what they remember of it.
func (s *ConversationService) Delete(ctx context.Context, tenantID, id string) error {
	err := s.Store.DeleteConversation(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return conversationNotFound(id)
	}
	return err
}

// Turns returns a page of the conversation's transcript, oldest first, or
// CodeConversationNotFound.
func (s *ConversationService) Turns(ctx context.Context, tenantID, id string, page Page) ([]Turn, int, error) {
	if _, err := s.Get(ctx, tenantID, id); err != nil {
		return nil, 0, err
	}
	return s.Store.ListTurns(ctx, tenantID, id, page)
}

// CheckAdvance returns the conversation an advance would take, or the error it would fail
// with before any turn: CodeValidation, CodeConversationNotFound, CodeConversationEnded.
// A stream calls it so those are plain errors, not error events.
func (s *ConversationService) CheckAdvance(ctx context.Context, tenantID, id string, in AdvanceInput) (*Conversation, error) {
	bad := checkPlayerID(in.PlayerID)
	if in.Message != nil {
		msg := *in.Message
		if msg.Speaker == "" {
			msg.Speaker = "player"
		}
		bad = append(bad, checkLine("message", msg)...)
	}
	if in.Turns < 0 || in.Turns > MaxTurnsPerRequest {
		bad = append(bad, FieldError{Field: "turns", Message: fmt.Sprintf("must be 1 to %d", MaxTurnsPerRequest)})
	}
	if badControl(in.GameContext) {
		bad = append(bad, FieldError{Field: "game_context", Message: "must not contain control characters"})
	}
	bad = append(bad, checkCatalogue("actions", in.Actions)...)
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if c.Status == ConversationEnded {
		return nil, conversationEnded(c)
	}
	if c.TurnCount == 0 && in.Message == nil && strings.TrimSpace(c.Topic) == "" && strings.TrimSpace(c.Scene) == "" {
		return nil, ValidationError(FieldError{Field: "message", Message: "is needed for the first turn of a conversation with no topic and no scene"})
	}
	return c, nil
}

// Advance takes up to in.Turns character turns (never past max_turns), the first after
// the player's message when there is one, and returns them with the conversation after
// them. Each turn is written as it is made, with every participant's memory of it, so an
// error after the first turn keeps the turns before it. Besides CheckAdvance's errors it
// returns CodeConversationBusy when another advance wrote a turn first, and the engine's
// errors (see TextModel).
func (s *ConversationService) Advance(ctx context.Context, tenantID, id string, in AdvanceInput, hooks AdvanceHooks) (*Conversation, []Turn, error) {
	conv, err := s.CheckAdvance(ctx, tenantID, id, in)
	if err != nil {
		return nil, nil, err
	}
	cast, err := s.cast(ctx, conv)
	if err != nil {
		return nil, nil, err
	}
	recent, err := s.Store.RecentTurns(ctx, tenantID, conv.ID, promptHistory)
	if err != nil {
		return nil, nil, err
	}
	sc := newScript(conv, recent)
	var message *TurnMessage
	var players []Player
	if in.Message != nil {
		message = &TurnMessage{Speaker: in.Message.Speaker, Text: in.Message.Text, PlayerID: in.PlayerID}
		if message.Speaker == "" {
			message.Speaker = conv.playerName(in.PlayerID)
		}
	}
	if in.PlayerID != "" {
		name := ""
		if message != nil {
			name = message.Speaker
		}
		players = []Player{{ID: in.PlayerID, Name: name}}
	}
	gameContext := conv.promptContext(cast, in.GameContext)

	n := max(in.Turns, 1)
	var turns []Turn
	for i := 0; i < n && conv.Status == ConversationActive; i++ {
		var m *TurnMessage
		if i == 0 {
			m = message
		}
		t, next, err := s.turn(ctx, conv, cast, sc, m, players, gameContext, in.Actions, hooks)
		if err != nil {
			return nil, turns, err
		}
		conv = next
		turns = append(turns, *t)
	}
	return conv, turns, nil
}

// cast loads the participants that still exist, in the conversation's order. A deleted
// character leaves the scene; a conversation with none left cannot go on.
func (s *ConversationService) cast(ctx context.Context, conv *Conversation) ([]*Character, error) {
	var out []*Character
	for _, id := range conv.Participants {
		c, err := s.Characters.Get(ctx, conv.TenantID, id)
		if ErrorCode(err) == CodeCharNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, Errorf(CodeConversationEnded, "No participant of conversation %q exists any more.", conv.ID).
			WithDetails(map[string]any{"id": conv.ID})
	}
	return out, nil
}

// script is the conversation so far as the director and the prompts read it.
type script struct {
	// lines are the transcript's lines, players' and characters', oldest first.
	lines []Line
	// speakers are the ids of the characters who took the latest turns, oldest first;
	// lastSpeaker is who said the newest line, "" when a player did.
	speakers    []string
	lastSpeaker string
	opener      Line
}

func newScript(conv *Conversation, recent []Turn) *script {
	sc := &script{opener: Line{Speaker: "Narrator", Text: strings.TrimSpace(conv.Topic)}}
	if sc.opener.Text == "" {
		sc.opener.Text = strings.TrimSpace(conv.Scene)
	}
	for _, t := range recent {
		if t.Message != nil {
			sc.lines = append(sc.lines, Line{Speaker: t.Message.Speaker, Text: t.Message.Text})
		}
		sc.lines = append(sc.lines, Line{Speaker: t.SpeakerName, Text: t.Text})
		sc.speakers = append(sc.speakers, t.SpeakerID)
		sc.lastSpeaker = t.SpeakerID
	}
	return sc
}

// answering returns the line the next turn answers and the history before it.
func (sc *script) answering() (Line, []Line) {
	if len(sc.lines) == 0 {
		return sc.opener, nil
	}
	return sc.lines[len(sc.lines)-1], sc.lines[:len(sc.lines)-1]
}

func (sc *script) hearPlayer(m *TurnMessage) {
	sc.lines = append(sc.lines, Line{Speaker: m.Speaker, Text: m.Text})
	sc.lastSpeaker = ""
}

func (sc *script) said(t *Turn) {
	sc.lines = append(sc.lines, Line{Speaker: t.SpeakerName, Text: t.Text})
	sc.speakers = append(sc.speakers, t.SpeakerID)
	sc.lastSpeaker = t.SpeakerID
	if len(sc.lines) > 2*promptHistory {
		sc.lines = sc.lines[len(sc.lines)-promptHistory:]
	}
}

// turn makes one turn: every participant reacts, the director picks the speaker, the
// speaker speaks, and the turn is written with everyone's memory of it.
func (s *ConversationService) turn(ctx context.Context, conv *Conversation, cast []*Character, sc *script, m *TurnMessage,
	players []Player, gameContext string, actions []ActionSpec, hooks AdvanceHooks) (*Turn, *Conversation, error) {
	if m != nil {
		sc.hearPlayer(m)
	}
	line, history := sc.answering()
	// Only the line a player said draws on what the characters know of that player.
	playerID := ""
	if m != nil {
		playerID = m.PlayerID
	}
	now := s.Characters.now()
	hearings, err := s.hearLine(ctx, cast, line, m, sc.lastSpeaker, now)
	if err != nil {
		return nil, nil, err
	}
	catalogues := make([][]ActionSpec, len(cast))
	for i, c := range cast {
		catalogues[i] = catalogueFor(c.Actions, actions)
	}
	reactions, err := s.react(ctx, cast, line, history, gameContext, playerID, catalogues)
	if err != nil {
		return nil, nil, err
	}
	index := conv.TurnCount + 1
	in := DirectorInput{
		Line: line, LineSpeakerID: sc.lastSpeaker, FromPlayer: m != nil, Recent: sc.speakers,
		MaxConsecutive: conv.MaxConsecutive, Seed: conv.Seed, Index: index,
	}
	reasons := make([]string, len(cast))
	for i, c := range cast {
		priority, reason := pulled(reactions[i], hearings[i].regard)
		reasons[i] = reason
		in.Candidates = append(in.Candidates, Candidate{ID: c.ID, Name: c.Name, Decision: reactions[i].Decision, Priority: priority})
	}
	dir := Direct(in)
	speaker := cast[dir.Speaker]
	t := &Turn{
		ID: NewID(PrefixTurn, now), TenantID: conv.TenantID, ConversationID: conv.ID, Index: index, Message: m,
		SpeakerID: speaker.ID, SpeakerName: speaker.Name, ChosenBecause: dir.ChosenBecause, CreatedAt: now,
	}
	for i, c := range cast {
		t.Decisions = append(t.Decisions, Decision{
			CharacterID: c.ID, Name: c.Name, Decision: reactions[i].Decision, Priority: in.Candidates[i].Priority,
			Reason: reasons[i], ExcludedBecause: dir.Excluded[i],
		})
	}
	if hooks.Started != nil {
		if err := hooks.Started(t); err != nil {
			return nil, nil, err
		}
	}

	h := hearings[dir.Speaker]
	mood := h.mood(speaker.Mood, "")
	t.Actions, t.RefusedActions = vetActions(catalogues[dir.Speaker], reactions[dir.Speaker].Proposed)
	t.RefusedActions = append(t.RefusedActions, reactions[dir.Speaker].Malformed...)
	res, outcome, err := s.speak(ctx, conv, speaker, line, history, gameContext, playerID, mood, h.length(""), h.regard, t.Actions, index, hooks)
	if err != nil {
		return nil, nil, err
	}
	t.Text, t.Engine, t.Model, t.Usage, t.Moderation = res.Text, res.Engine, res.Model, res.Usage, outcome
	t.Emotion = h.emotion(mood, t.Text, now)
	t.SpriteFileID = speaker.SpriteFor(t.Emotion)

	src := MemorySource{Type: MemorySourceConversation, RequestID: RequestIDFrom(ctx), ConversationID: conv.ID, TurnID: t.ID}
	w := memoryWriter{tenantID: conv.TenantID, now: now}
	var changes []StateChange
	spoken := Target{Type: TargetCharacter, ID: speaker.ID, Name: speaker.Name}
	for i, c := range cast {
		if m != nil {
			w.hear(c.ID, Line{Speaker: m.Speaker, Text: m.Text}, m.PlayerID)
			if ch, ok := hearings[i].change(c, src, now); ok {
				changes = append(changes, ch)
			}
		}
		if c.ID == speaker.ID {
			w.add(c.ID, MemorySaid, t.Text, c.Name, 0.3, playerID)
			continue
		}
		// Facts (introductions, promises) come from players' lines only: characters
		// trade "I'll" at every turn, and those would crowd what players said out of
		// every prompt.
		w.add(c.ID, MemoryHeard, t.Text, speaker.Name, importanceOf(t.Text), "")
		// Characters' banter weighs half what a player's words do.
		heard := hearing{heard: Appraise(t.Text).scaled(0.5 * meantFor(t.Text, c, cast)), from: spoken, text: t.Text}
		if ch, ok := heard.change(c, src, now); ok {
			changes = append(changes, ch)
		}
	}
	entries := w.sourced(src)
	next, err := s.Store.AppendTurn(ctx, t, players, entries, changes)
	switch {
	case errors.Is(err, ErrConflict):
		return nil, nil, s.conflict(ctx, conv)
	case errors.Is(err, ErrNotFound):
		return nil, nil, conversationNotFound(conv.ID)
	case err != nil:
		return nil, nil, err
	}
	for _, ch := range changes {
		for _, c := range cast {
			if c.ID == ch.CharacterID {
				ch.applyTo(c)
			}
		}
	}
	sc.said(t)
	if hooks.Completed != nil {
		if err := hooks.Completed(t, next); err != nil {
			return nil, nil, err
		}
	}
	return t, next, nil
}

// react asks every participant whether it wants to answer line, at most
// ReactionConcurrency at once; the first error fails the turn.
func (s *ConversationService) react(ctx context.Context, cast []*Character, line Line, history []Line, gameContext, playerID string, catalogues [][]ActionSpec) ([]*Reaction, error) {
	out := make([]*Reaction, len(cast))
	errs := make([]error, len(cast))
	limit := s.ReactionConcurrency
	if limit <= 0 {
		limit = 4
	}
	sem := make(chan struct{}, limit)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i, c := range cast {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// A panic here is outside the HTTP handler's recovery and would end the process
			// for every tenant: it fails this turn instead.
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("reaction of %s: panic: %v", c.ID, p)
					cancel()
				}
			}()
			out[i], errs[i] = s.Characters.reaction(ctx, c, line, history, gameContext, playerID, catalogues[i])
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The first failure in participant order, not a cancellation it caused in another.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// speak makes the chosen character say its line in mood and length, with its regard for
// the line's speaker, moderated as speak is, streamed to hooks.Delta when set.
func (s *ConversationService) speak(ctx context.Context, conv *Conversation, c *Character, line Line, history []Line,
	gameContext, playerID, mood, length string, regard *Relationship, doing []Action, index int, hooks AdvanceHooks) (TextResult, ModerationOutcome, error) {
	cs := s.Characters
	taboo := cleanWords(c.TabooWords)
	in := SpeakInput{Messages: append(append([]Line{}, history...), line), GameContext: gameContext, PlayerID: playerID}
	req, err := cs.dialogueRequest(ctx, c, in, mood, length, taboo, regard, doing)
	if err != nil {
		return TextResult{}, ModerationOutcome{}, err
	}
	// The conversation's seed and the turn's place make the local engine's line differ
	// between conversations and turns, and repeat for the same ones.
	req.Scene.Seed = int64(mix(mix(uint64(req.Scene.Seed), uint64(conv.Seed)), uint64(index)) & uint64(MaxWorldSeed))
	if hooks.Delta == nil {
		return cs.completeModerated(ctx, req, taboo)
	}
	return cs.streamModerated(ctx, req, taboo, func(delta string) error { return hooks.Delta(index, delta) })
}

// conflict is the error of a turn another advance beat to the store: the conversation
// ended meanwhile, or is busy.
func (s *ConversationService) conflict(ctx context.Context, conv *Conversation) error {
	now, err := s.Get(ctx, conv.TenantID, conv.ID)
	if err != nil {
		return err
	}
	if now.Status == ConversationEnded {
		return conversationEnded(now)
	}
	return Errorf(CodeConversationBusy, "Another advance of conversation %q took its turn first; nothing was changed. Read the transcript and try again.", conv.ID).
		WithDetails(map[string]any{"id": conv.ID})
}

// playerName is the name of the listed player id, or "player".
func (c *Conversation) playerName(id string) string {
	for _, p := range c.Players {
		if p.ID == id && id != "" && p.Name != "" {
			return p.Name
		}
	}
	return "player"
}

// promptContext is what every prompt of the conversation gets as game context: the
// scene, the topic, who is present, and the request's own context. Prompts treat it as
// data, never as instructions.
func (c *Conversation) promptContext(cast []*Character, extra string) string {
	var b strings.Builder
	if c.Scene != "" {
		fmt.Fprintf(&b, "Scene: %s\n", c.Scene)
	}
	if c.Topic != "" {
		fmt.Fprintf(&b, "Topic: %s\n", c.Topic)
	}
	var present []string
	for _, ch := range cast {
		present = append(present, fmt.Sprintf("%s (%s)", ch.Name, ch.Role))
	}
	for _, p := range c.Players {
		if p.Name != "" {
			present = append(present, p.Name)
		}
	}
	fmt.Fprintf(&b, "Present: %s.\n", strings.Join(present, ", "))
	if extra != "" {
		b.WriteString(extra)
	}
	return strings.TrimSpace(b.String())
}

func conversationNotFound(id string) *Error {
	return Errorf(CodeConversationNotFound, "No conversation with id %q.", id).WithDetails(map[string]any{"id": id})
}

func conversationEnded(c *Conversation) *Error {
	return Errorf(CodeConversationEnded, "Conversation %s has ended after its %d turns.", c.ID, c.MaxTurns).
		WithDetails(map[string]any{"id": c.ID, "max_turns": c.MaxTurns})
}
