package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/detrand"
	"github.com/troupe-ai/troupe/domain/moderation"
)

// TextModels names the models and temperatures of each kind of text call.
type TextModels struct {
	Generation            string
	Dialogue              string
	Validation            string
	GenerationTemperature float64
	DialogueTemperature   float64
	ValidationTemperature float64
}

// CharacterService creates characters and makes them speak, react and remember.
type CharacterService struct {
	Store    CharacterStore
	Worlds   WorldStore
	Text     TextModel
	Defaults *Defaults
	Models   TextModels
	// Voices, when set, refuses a voice id that no engine knows at create and update.
	Voices VoiceCatalog
	// Now returns the current time; tests may fix it.
	Now func() time.Time
	// BatchConcurrency bounds how many characters of a batch are generated at once; 0
	// means 4.
	BatchConcurrency int
	// MemoryWeights rank the memories that reach a prompt; the zero value means
	// DefaultMemoryWeights.
	MemoryWeights MemoryWeights
	// Relevance rates memories against what was just said; nil means BM25.
	Relevance RelevanceScorer
	// Lorebooks holds what characters know of their worlds; nil means no lorebooks.
	Lorebooks LorebookStore
	// Files keeps and reads avatars of imported and exported cards; nil means cards
	// travel without images.
	Files *FileService
}

// Limits on character input, beyond what the API schema already checks.
const (
	MaxMetadataBytes = 16 << 10
	MaxBatchCount    = 50
	defaultSkillTier = "skilled"
	defaultMood      = "calm"
)

// CreateCharacterInput is what a caller asks for. Nil fields take defaults: a name from
// the pool, skill tier "skilled", a personality from the generator, a voice by role.
type CreateCharacterInput struct {
	Role        string
	Archetype   string
	Name        *string
	WorldID     *string
	SkillTier   *string
	CustomLore  *string
	Personality *string
	VoiceID     *string
	TabooWords  []string
	Metadata    map[string]any
	Seed        *int64
	// Actions is what the game lets the character do (see ActionSpec).
	Actions []ActionSpec
	// LorebookIDs are the tenant's lorebooks the character knows, before its world's.
	LorebookIDs []string
	// Profile sets the Character Card fields.
	Profile ProfileInput
}

// ProfileInput holds Character Card fields to set; nil leaves a field as it is.
type ProfileInput struct {
	Description             *string
	Scenario                *string
	FirstMessage            *string
	AlternateGreetings      *[]string
	ExampleMessages         *string
	SystemPrompt            *string
	PostHistoryInstructions *string
	Tags                    *[]string
	Creator                 *string
	CreatorNotes            *string
	CharacterVersion        *string
	Nickname                *string
}

// apply sets the given fields of p.
func (in ProfileInput) apply(p *CharacterProfile) {
	set(&p.Description, in.Description)
	set(&p.Scenario, in.Scenario)
	set(&p.FirstMessage, in.FirstMessage)
	set(&p.AlternateGreetings, in.AlternateGreetings)
	set(&p.ExampleMessages, in.ExampleMessages)
	set(&p.SystemPrompt, in.SystemPrompt)
	set(&p.PostHistoryInstructions, in.PostHistoryInstructions)
	set(&p.Tags, in.Tags)
	set(&p.Creator, in.Creator)
	set(&p.CreatorNotes, in.CreatorNotes)
	set(&p.CharacterVersion, in.CharacterVersion)
	set(&p.Nickname, in.Nickname)
}

// BatchInput asks for Count characters spread over Roles and Archetypes (every default
// when empty), with distinct names.
type BatchInput struct {
	Count      int
	WorldID    *string
	Roles      []string
	Archetypes []string
	Seed       *int64
}

// UpdateCharacterInput changes the non-nil fields.
type UpdateCharacterInput struct {
	Name        *string
	CustomLore  *string
	Personality *string
	Mood        *string
	VoiceID     *string
	TabooWords  *[]string
	Metadata    *map[string]any
	Actions     *[]ActionSpec
	LorebookIDs *[]string
	Profile     ProfileInput
}

// Create validates the input, generates the character's acting prompt (checked by the
// validation model) and stores it.
func (s *CharacterService) Create(ctx context.Context, tenantID string, in CreateCharacterInput) (*Character, error) {
	seed := RandomSeed()
	if in.Seed != nil {
		seed = *in.Seed
	}
	world, err := s.world(ctx, tenantID, in.WorldID)
	if err != nil {
		return nil, err
	}
	c, err := s.draft(ctx, tenantID, in, seed, world, nil)
	if err != nil {
		return nil, err
	}
	if err := s.generate(ctx, c); err != nil {
		return nil, err
	}
	if err := s.Store.CreateCharacters(ctx, []*Character{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// CreateBatch creates Count characters with distinct names and a spread of roles and
// archetypes. It is all or nothing: when one fails, none is stored.
func (s *CharacterService) CreateBatch(ctx context.Context, tenantID string, in BatchInput) ([]*Character, error) {
	var bad []FieldError
	if in.Count < 1 || in.Count > MaxBatchCount {
		bad = append(bad, FieldError{Field: "count", Message: "must be between 1 and 50"})
	}
	for i, r := range in.Roles {
		if _, ok := find(s.Defaults.Roles, r); !ok {
			return nil, s.invalidRole(fmt.Sprintf("roles.%d", i), r)
		}
	}
	for i, a := range in.Archetypes {
		if _, ok := find(s.Defaults.Archetypes, a); !ok {
			return nil, s.invalidArchetype(fmt.Sprintf("archetypes.%d", i), a)
		}
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	seed := RandomSeed()
	if in.Seed != nil {
		seed = *in.Seed
	}
	world, err := s.world(ctx, tenantID, in.WorldID)
	if err != nil {
		return nil, err
	}
	roles, archetypes := in.Roles, in.Archetypes
	if len(roles) == 0 {
		roles = ids(s.Defaults.Roles)
	}
	if len(archetypes) == 0 {
		archetypes = ids(s.Defaults.Archetypes)
	}
	// Spread: walk shuffled role and archetype lists round-robin, so every role appears
	// before any repeats.
	rng := newRand(uint64(seed))
	roles, archetypes = shuffled(rng, roles), shuffled(rng, archetypes)
	used := map[string]bool{}
	chars := make([]*Character, in.Count)
	for i := range chars {
		charSeed := int64(mix(uint64(seed), uint64(i)) & uint64(MaxWorldSeed))
		c, err := s.draft(ctx, tenantID, CreateCharacterInput{
			Role: roles[i%len(roles)], Archetype: archetypes[i%len(archetypes)], WorldID: in.WorldID, Seed: &charSeed,
		}, charSeed, world, used)
		if err != nil {
			return nil, err
		}
		used[c.Name] = true
		chars[i] = c
	}

	limit := s.BatchConcurrency
	if limit <= 0 {
		limit = 4
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for _, c := range chars {
		sem <- struct{}{}
		if gctx.Err() != nil {
			// One failed: the batch is lost anyway, so start no more generations.
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.generate(gctx, c); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := s.Store.CreateCharacters(ctx, chars); err != nil {
		return nil, err
	}
	return chars, nil
}

// Get returns the tenant's character, or CodeCharNotFound.
func (s *CharacterService) Get(ctx context.Context, tenantID, id string) (*Character, error) {
	c, err := s.Store.GetCharacter(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, charNotFound(id)
	}
	return c, err
}

// List returns a page of the tenant's characters, newest first, and the total.
func (s *CharacterService) List(ctx context.Context, tenantID string, page Page) ([]Character, int, error) {
	return s.Store.ListCharacters(ctx, tenantID, page)
}

// Update changes the given fields of the tenant's character. A voice no engine knows is
// refused, and so is a name or list of taboo words that makes a taboo word part of the
// character's name or role (CodeTabooConflict). New taboo words are redacted from the
// stored acting prompt, which is the service's own text; the personality and lore are the
// studio's and stay as they are.
func (s *CharacterService) Update(ctx context.Context, tenantID, id string, in UpdateCharacterInput) (*Character, error) {
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	var bad []FieldError
	if in.Name != nil {
		if name := strings.TrimSpace(*in.Name); validText(name, 80) {
			c.Name = name
		} else {
			bad = append(bad, FieldError{Field: "name", Message: "must be 1–80 printable characters"})
		}
	}
	if in.Mood != nil {
		if mood := strings.TrimSpace(*in.Mood); validText(mood, 40) {
			c.Mood = mood
		} else {
			bad = append(bad, FieldError{Field: "mood", Message: "must be 1–40 printable characters"})
		}
	}
	if in.CustomLore != nil {
		c.CustomLore = *in.CustomLore
	}
	if in.Personality != nil {
		c.Personality = *in.Personality
	}
	if in.VoiceID != nil {
		if s.knowsVoice(ctx, *in.VoiceID) {
			c.VoiceID = *in.VoiceID
		} else {
			bad = append(bad, unknownVoice)
		}
	}
	if in.TabooWords != nil {
		c.TabooWords = cleanWords(*in.TabooWords)
	}
	if in.Metadata != nil {
		if f, ok := checkMetadata(*in.Metadata); !ok {
			bad = append(bad, f)
		} else {
			c.Metadata = *in.Metadata
		}
	}
	if in.Actions != nil {
		if f := checkCatalogue("actions", *in.Actions); len(f) > 0 {
			bad = append(bad, f...)
		} else {
			c.Actions = *in.Actions
		}
	}
	links := c.LorebookIDs
	c.LorebookIDs = nil // unchanged, unless the request sets them
	if in.LorebookIDs != nil {
		missing, err := s.missingLorebooks(ctx, tenantID, *in.LorebookIDs)
		if err != nil {
			return nil, err
		}
		bad = append(bad, missing...)
		links = append([]string{}, *in.LorebookIDs...)
		c.LorebookIDs = links
	}
	reprompt := c.Engine == EngineCard && (in.Name != nil || in.Personality != nil || in.Profile != (ProfileInput{}))
	in.Profile.apply(&c.Profile)
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	if in.Name != nil || in.TabooWords != nil {
		if err := s.tabooConflict(c.Name, true, c.Role, c.TabooWords); err != nil {
			return nil, err
		}
	}
	if reprompt {
		// A card's character is played from its card: a new name, personality or profile
		// writes its acting prompt again.
		c.ActingPrompt = cardActingPrompt(c)
	}
	if in.TabooWords != nil || reprompt {
		c.ActingPrompt = redactTaboo(c.ActingPrompt, c.TabooWords)
	}
	c.UpdatedAt = s.now()
	if err := s.Store.UpdateCharacter(ctx, c); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, charNotFound(id)
		}
		return nil, err
	}
	if c.LorebookIDs == nil {
		c.LorebookIDs = links
	}
	return c, nil
}

// Delete deletes the tenant's character and its memory.
func (s *CharacterService) Delete(ctx context.Context, tenantID, id string) error {
	err := s.Store.DeleteCharacter(ctx, tenantID, id)
	if errors.Is(err, ErrNotFound) {
		return charNotFound(id)
	}
	return err
}

// missingLorebooks reports the ids that are not the tenant's lorebooks.
func (s *CharacterService) missingLorebooks(ctx context.Context, tenantID string, ids []string) ([]FieldError, error) {
	if s.Lorebooks == nil {
		return nil, nil
	}
	return checkLorebookIDs(ctx, s.Lorebooks, tenantID, "lorebook_ids", ids)
}

// world loads the world a character is created in, when one is named.
func (s *CharacterService) world(ctx context.Context, tenantID string, id *string) (*World, error) {
	if id == nil {
		return nil, nil
	}
	w, err := s.Worlds.GetWorld(ctx, tenantID, *id)
	if errors.Is(err, ErrNotFound) {
		return nil, worldNotFound(*id)
	}
	return w, err
}

// draft checks the input and fills a character without calling a model. used holds the
// names already taken in a batch. A taboo word the character cannot avoid, because it is
// part of the given name or of the role, fails here with CodeTabooConflict; a name picked
// from the pool and the home picked from the world avoid the taboo words instead.
func (s *CharacterService) draft(ctx context.Context, tenantID string, in CreateCharacterInput, seed int64, world *World, used map[string]bool) (*Character, error) {
	if _, ok := find(s.Defaults.Roles, in.Role); !ok {
		return nil, s.invalidRole("role", in.Role)
	}
	if _, ok := find(s.Defaults.Archetypes, in.Archetype); !ok {
		return nil, s.invalidArchetype("archetype", in.Archetype)
	}
	var bad []FieldError
	if seed < 0 || seed > MaxWorldSeed {
		bad = append(bad, FieldError{Field: "seed", Message: "must be between 0 and 9007199254740991"})
	}
	tier := defaultSkillTier
	if in.SkillTier != nil {
		tier = *in.SkillTier
		if _, ok := find(s.Defaults.SkillTiers, tier); !ok {
			bad = append(bad, FieldError{Field: "skill_tier", Message: "must be one of " + strings.Join(ids(s.Defaults.SkillTiers), ", ")})
		}
	}
	if f, ok := checkMetadata(in.Metadata); !ok {
		bad = append(bad, f)
	}
	bad = append(bad, checkCatalogue("actions", in.Actions)...)
	missing, err := s.missingLorebooks(ctx, tenantID, in.LorebookIDs)
	if err != nil {
		return nil, err
	}
	bad = append(bad, missing...)
	name := ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if !validText(name, 80) {
			bad = append(bad, FieldError{Field: "name", Message: "must be 1–80 printable characters"})
		}
	}
	if in.VoiceID != nil && *in.VoiceID != "" && !s.knowsVoice(ctx, *in.VoiceID) {
		bad = append(bad, unknownVoice)
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	taboo := cleanWords(in.TabooWords)
	if err := s.tabooConflict(name, name != "", in.Role, taboo); err != nil {
		return nil, err
	}
	rng := newRand(uint64(seed))
	if name == "" {
		name = s.pickName(rng, used, taboo)
	}
	now := s.now()
	c := &Character{
		ID:          NewID(PrefixCharacter, now),
		TenantID:    tenantID,
		Name:        name,
		Role:        in.Role,
		Archetype:   in.Archetype,
		SkillTier:   tier,
		Mood:        defaultMood,
		CustomLore:  deref(in.CustomLore),
		TabooWords:  taboo,
		Metadata:    in.Metadata,
		Seed:        seed,
		CreatedAt:   now,
		UpdatedAt:   now,
		Personality: deref(in.Personality),
		Actions:     in.Actions,
		LorebookIDs: in.LorebookIDs,
	}
	in.Profile.apply(&c.Profile)
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	c.VoiceID = deref(in.VoiceID)
	if c.VoiceID == "" {
		c.VoiceID = DefaultVoice(c.Role, c.Archetype, characterGender(c), seed)
	}
	if world != nil {
		c.WorldID, c.WorldName, c.WorldBrief = world.ID, world.Content.Name, world.Content.Brief
		c.Places, c.Home = worldPlaces(world, rng, taboo)
	}
	return c, nil
}

// generate writes the character's personality and acting prompt with the generation
// model and has the validation model judge it.
//
// The character's taboo words are the service's to keep out, not the validator's to
// catch: a draft that uses one is written again once, told so, and a draft that still
// uses one has the words redacted (moderation.Redact), so the validator never sees them
// and a taboo word never fails creation. Only the text the model generated is judged:
// a personality the studio gave is kept as given. A draft the validator rejects is
// written again once, with its reason; a second rejection fails.
func (s *CharacterService) generate(ctx context.Context, c *Character) error {
	var reason string
	rejections := 0
	for attempt := 0; ; attempt++ {
		draft, res, err := s.compose(ctx, c, attempt, reason)
		if err != nil {
			return err
		}
		if c.Personality != "" {
			draft.Personality = c.Personality
		}
		if draft.usesTaboo(c) {
			if attempt == 0 {
				// The words are in the sheet already; the note does not repeat the studio's text.
				reason = "it used some of the forbidden words listed in the sheet. Write none of them, " +
					"not even where the world brief, lore or descriptions use them"
				continue
			}
			draft.redactTaboo(c)
		}
		ok, why, vres, err := s.validate(ctx, c, draft)
		if err != nil {
			return err
		}
		if ok {
			if c.Personality == "" {
				c.Personality = draft.Personality
			}
			c.ActingPrompt, c.Engine, c.Model = draft.ActingPrompt, res.Engine, res.Model
			return nil
		}
		if rejections++; rejections == 2 {
			e := providerFailure(vres, "The validation model rejected the generated character twice.")
			e.Details["reason"] = why
			return e
		}
		reason = why
	}
}

// characterDraft is the generation model's JSON answer.
type characterDraft struct {
	Personality  string `json:"personality"`
	ActingPrompt string `json:"acting_prompt"`
}

// usesTaboo reports whether the text the model wrote for c holds one of c's taboo words:
// the acting prompt, and the personality unless the studio gave it.
func (d *characterDraft) usesTaboo(c *Character) bool {
	return hasTaboo(d.ActingPrompt, c.TabooWords) || (c.Personality == "" && hasTaboo(d.Personality, c.TabooWords))
}

// redactTaboo redacts c's taboo words from the text the model wrote.
func (d *characterDraft) redactTaboo(c *Character) {
	d.ActingPrompt = redactTaboo(d.ActingPrompt, c.TabooWords)
	if c.Personality == "" {
		d.Personality = redactTaboo(d.Personality, c.TabooWords)
	}
}

func (s *CharacterService) compose(ctx context.Context, c *Character, attempt int, rejection string) (characterDraft, TextResult, error) {
	sheet := s.sheet(c)
	system, user, err := renderCharacterPrompt(sheet, rejection)
	if err != nil {
		return characterDraft{}, TextResult{}, err
	}
	res, err := s.Text.Complete(ctx, TextRequest{
		Task: TaskCharacter, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Generation, Temperature: s.Models.GenerationTemperature, JSON: true,
		Scene: &Scene{Character: sheet, Seed: int64(mix(uint64(c.Seed), uint64(attempt)))},
	})
	if err != nil {
		return characterDraft{}, res, err
	}
	var d characterDraft
	if err := decodeModelJSON(res.Text, &d); err != nil || strings.TrimSpace(d.ActingPrompt) == "" {
		return d, res, badModelOutput("character", res)
	}
	return d, res, nil
}

// validation is the validation model's JSON answer.
type validation struct {
	Approved bool   `json:"approved"`
	Reason   string `json:"reason"`
}

func (s *CharacterService) validate(ctx context.Context, c *Character, d characterDraft) (bool, string, TextResult, error) {
	draft, _ := json.Marshal(d)
	sheet := s.sheet(c)
	system, user, err := renderValidatePrompt(sheet, string(draft))
	if err != nil {
		return false, "", TextResult{}, err
	}
	res, err := s.Text.Complete(ctx, TextRequest{
		Task: TaskValidate, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Validation, Temperature: s.Models.ValidationTemperature, JSON: true,
		Scene: &Scene{Character: sheet, Draft: string(draft), Seed: c.Seed},
	})
	if err != nil {
		return false, "", res, err
	}
	var v validation
	if err := decodeModelJSON(res.Text, &v); err != nil {
		return false, "", res, badModelOutput("validation", res)
	}
	return v.Approved, v.Reason, res, nil
}

// sheet is the character as engines see it.
func (s *CharacterService) sheet(c *Character) CharacterSheet {
	role, _ := find(s.Defaults.Roles, c.Role)
	arch, _ := find(s.Defaults.Archetypes, c.Archetype)
	return CharacterSheet{
		Name: c.Name, Role: c.Role, Archetype: c.Archetype, SkillTier: c.SkillTier, Mood: c.Mood,
		Personality: c.Personality, Lore: c.CustomLore,
		RoleDescription: role.Description, ArchetypeDescription: arch.Description,
		Home: c.Home, WorldName: c.WorldName, WorldBrief: c.WorldBrief, Places: c.Places, TabooWords: c.TabooWords,
		Profile: c.Profile,
	}
}

// pickName picks a name from the pool that is not in used, preferring one that holds no
// taboo word at all, then one that does not conflict with one (see tabooPart); only when
// every name does is the taboo list ignored.
func (s *CharacterService) pickName(rng *detrand.Rand, used map[string]bool, taboo []string) string {
	names := s.Defaults.Names
	start := rng.Intn(len(names))
	prefs := []func(string) bool{
		func(n string) bool { return !spellsTaboo(n, taboo) },
		func(n string) bool { return tabooPart(n, taboo) == "" },
		func(string) bool { return true },
	}
	if len(taboo) == 0 {
		prefs = prefs[2:]
	}
	for _, ok := range prefs {
		for i := range names {
			if n := names[(start+i)%len(names)].Name; !used[n] && ok(n) {
				return n
			}
		}
	}
	// More characters than names: number the repeats so names stay distinct.
	base := names[start].Name
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s %d", base, i); !used[n] {
			return n
		}
	}
}

// tabooConflict returns the CodeTabooConflict error for the first taboo word the
// character cannot avoid: one that is part of its name (when checkName is set) or of its
// role, as tabooPart defines it. nil means there is none.
func (s *CharacterService) tabooConflict(name string, checkName bool, role string, taboo []string) *Error {
	if len(taboo) == 0 {
		return nil
	}
	roleNames := []string{role}
	if r, ok := find(s.Defaults.Roles, role); ok && r.Name != "" {
		roleNames = append(roleNames, r.Name)
	}
	for _, w := range taboo {
		if checkName && tabooPart(name, []string{w}) != "" {
			return Errorf(CodeTabooConflict, "The taboo word %q is part of the character's name %q, which it cannot avoid saying. Change the name or the taboo words.", w, name).
				WithDetails(map[string]any{"word": w, "field": "name"})
		}
		for _, r := range roleNames {
			if tabooPart(r, []string{w}) != "" {
				return Errorf(CodeTabooConflict, "The taboo word %q is part of the character's role %q, which it cannot avoid saying. Change the role or the taboo words.", w, role).
					WithDetails(map[string]any{"word": w, "field": "role"})
			}
		}
	}
	return nil
}

func (s *CharacterService) invalidRole(field, got string) *Error {
	return &Error{Code: CodeInvalidRole, Message: fmt.Sprintf("Unknown role %q. See GET /v1/defaults.", got),
		Details: map[string]any{"field": field, "allowed": ids(s.Defaults.Roles)}}
}

func (s *CharacterService) invalidArchetype(field, got string) *Error {
	return &Error{Code: CodeInvalidArchetype, Message: fmt.Sprintf("Unknown archetype %q. See GET /v1/defaults.", got),
		Details: map[string]any{"field": field, "allowed": ids(s.Defaults.Archetypes)}}
}

func (s *CharacterService) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

func charNotFound(id string) *Error {
	return Errorf(CodeCharNotFound, "No character with id %q.", id).WithDetails(map[string]any{"id": id})
}

// badModelOutput is the error for a model answer that is not the JSON its task asks for.
func badModelOutput(task string, res TextResult) *Error {
	return providerFailure(res, fmt.Sprintf("The text model returned an unusable %s answer.", task))
}

// falEngine is the engine name fal.ai's text adapter reports.
const falEngine = "fal"

// providerFailure is the error for an answer of the engine that produced res that cannot
// be used: CodeFalServiceError when the engine is fal.ai, CodeProviderError for any other
// (an OpenAI-compatible server, the local engine), with details.engine and details.model.
func providerFailure(res TextResult, message string) *Error {
	code := CodeProviderError
	if res.Engine == falEngine {
		code = CodeFalServiceError
	}
	return &Error{Code: code, Message: message, Details: map[string]any{"engine": res.Engine, "model": res.Model}}
}

// decodeModelJSON reads the first JSON object in a model's answer, tolerating prose or
// code fences around it.
func decodeModelJSON(text string, v any) error {
	start, end := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}')
	if start < 0 || end < start {
		return errors.New("no JSON object")
	}
	return json.Unmarshal([]byte(text[start:end+1]), v)
}

// unknownVoice is the field error for a voice id no engine's catalogue knows.
var unknownVoice = FieldError{Field: "voice_id", Message: "is not a voice any speech engine knows; see GET /v1/voice/voices"}

// knowsVoice reports whether a character may be given the voice; with no catalogue, any.
func (s *CharacterService) knowsVoice(ctx context.Context, id string) bool {
	return s.Voices == nil || s.Voices.KnowsVoice(ctx, id)
}

func checkMetadata(m map[string]any) (FieldError, bool) {
	if m == nil {
		return FieldError{}, true
	}
	b, err := json.Marshal(m)
	if err != nil || len(b) > MaxMetadataBytes {
		return FieldError{Field: "metadata", Message: "must be a JSON object of at most 16384 bytes"}, false
	}
	return FieldError{}, true
}

func validText(s string, max int) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !strings.ContainsFunc(s, isControl)
}

// cleanWords trims, drops empties and duplicates, keeping order.
func cleanWords(in []string) []string {
	out := []string{}
	for _, w := range in {
		w = strings.TrimSpace(w)
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// worldPlaces lists a world's place names and picks a home settlement for a character,
// among those that hold none of its taboo words when there are any.
func worldPlaces(w *World, rng *detrand.Rand, taboo []string) (places []string, home string) {
	var settlements []string
	for _, r := range w.Content.Regions {
		places = append(places, r.Name)
		for _, st := range r.Settlements {
			places = append(places, st.Name)
			settlements = append(settlements, st.Name)
		}
	}
	for _, l := range w.Content.Landmarks {
		places = append(places, l.Name)
	}
	if clean := slices.DeleteFunc(slices.Clone(settlements), func(n string) bool { return spellsTaboo(n, taboo) }); len(clean) > 0 {
		settlements = clean
	}
	if len(settlements) > 0 {
		home = settlements[rng.Intn(len(settlements))]
	}
	return places, home
}

// DefaultVoice picks a voice for a character that has none. gender is the character's
// (CharacterGender): GenderMale or GenderFemale picks among the default voices of that
// gender, anything else ("" when unknown) among all of them. The pick hashes role and
// archetype with the seed, so the same character always gets the same voice.
func DefaultVoice(role, archetype, gender string, seed int64) string {
	pool := defaultVoices
	if gender == GenderMale || gender == GenderFemale {
		pool = slices.DeleteFunc(slices.Clone(defaultVoices), func(v defaultVoice) bool { return v.gender != gender })
	}
	return pool[mix(fnv64(role+"/"+archetype), uint64(seed))%uint64(len(pool))].id
}

// defaultVoice is a default voice and the gender it speaks as.
type defaultVoice struct{ id, gender string }

// defaultVoices are local espeak-ng variants, with their gender in local/speech's
// catalogue; the voice catalogue maps them to each engine (fal keeps the gender). The
// order is the one voices were picked from before genders counted, so characters of
// unknown gender keep their voice.
var defaultVoices = []defaultVoice{
	{"local-en-us-m1", GenderMale}, {"local-en-us-m3", GenderMale}, {"local-en-us-m7", GenderMale}, {"local-en-gb-m2", GenderMale},
	{"local-en-us-f1", GenderFemale}, {"local-en-us-f3", GenderFemale}, {"local-en-gb-f2", GenderFemale}, {"local-en-us-f5", GenderFemale},
}

// minTabooPart is the fewest letters a taboo word needs to conflict with a name or role
// it is only a part of ("dragon" in "Dragonheart"). Shorter words turn up inside names by
// accident of spelling ("the" in "Theodora", "ice" in "Beatrice") and are left to the
// filter, which matches whole words.
const minTabooPart = 4

// tabooMatches returns what the moderation filter finds of the taboo words in text; the
// safety terms it also looks for are the validator's and the moderator's business.
func tabooMatches(text string, taboo []string) moderation.Result {
	var r moderation.Result
	if len(taboo) == 0 || text == "" {
		return r
	}
	for _, m := range moderation.Check(text, taboo).Matches {
		if m.Category == moderation.CategoryTaboo {
			r.Matches = append(r.Matches, m)
		}
	}
	r.Flagged = len(r.Matches) > 0
	return r
}

// tabooWords returns what of the taboo words the service keeps out of the text it
// generates: the filter's matches, and every word that begins with a taboo word of at
// least minTabooPart letters, read through the filter's normalisation, since the filter
// leaves inflections and compounds to be listed ("dragon" also rules out "Dragons" and
// "dragonslayer" here). Shorter taboo words match only as whole words, so "the" does not
// rule out "them".
func tabooWords(text string, taboo []string) moderation.Result {
	r := tabooMatches(text, taboo)
	var stems, terms []string
	for _, w := range taboo {
		if n := moderation.Normalize(strings.TrimSpace(w)); !strings.Contains(n, " ") && utf8.RuneCountInString(n) >= minTabooPart {
			stems, terms = append(stems, n), append(terms, w)
		}
	}
	if len(stems) == 0 || text == "" {
		return r
	}
	runes := []rune(text)
	for i := 0; i < len(runes); {
		if !inWord(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && inWord(runes[j]) {
			j++
		}
		word := string(runes[i:j])
		n := moderation.Normalize(word)
		for k, st := range stems {
			if strings.HasPrefix(n, st) {
				r.Matches = append(r.Matches, moderation.Match{Category: moderation.CategoryTaboo, Term: terms[k], Start: i, End: j, Text: word})
				break
			}
		}
		i = j
	}
	r.Flagged = len(r.Matches) > 0
	return r
}

// inWord reports whether r continues a word: letters, digits and combining marks.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// hasTaboo reports whether text holds a taboo word, as tabooWords finds them.
func hasTaboo(text string, taboo []string) bool { return tabooWords(text, taboo).Flagged }

// redactTaboo replaces the taboo words tabooWords finds in text, rune for rune.
func redactTaboo(text string, taboo []string) string {
	return moderation.Redact(text, tabooWords(text, taboo))
}

// tabooPart returns the first taboo word that is part of text (a name or a role), or "":
// one the filter finds there as a word or phrase ("Old Dragon"), or one of at least
// minTabooPart letters that begins or ends a word of it, read through the filter's
// normalisation ("Dragonheart", "Wolfsbane", "Innkeeper" for "keeper").
func tabooPart(text string, taboo []string) string {
	if r := tabooMatches(text, taboo); r.Flagged {
		return r.Matches[0].Term
	}
	var words []string
	for _, w := range taboo {
		n := moderation.Normalize(strings.TrimSpace(w))
		if strings.Contains(n, " ") || utf8.RuneCountInString(n) < minTabooPart {
			continue
		}
		if words == nil {
			words = strings.Fields(moderation.Normalize(text))
		}
		for _, f := range words {
			if strings.HasPrefix(f, n) || strings.HasSuffix(f, n) {
				return w
			}
		}
	}
	return ""
}

// spellsTaboo reports whether text holds a taboo word anywhere, even inside a longer word,
// after the filter's normalisation. The service prefers names and homes it picks itself
// to be free of them altogether, so that the engines need not talk around them.
func spellsTaboo(text string, taboo []string) bool {
	if len(taboo) == 0 {
		return false
	}
	n := moderation.Normalize(text)
	for _, w := range taboo {
		if t := moderation.Normalize(strings.TrimSpace(w)); strings.TrimSpace(t) != "" && strings.Contains(n, t) {
			return true
		}
	}
	return tabooPart(text, taboo) != ""
}
