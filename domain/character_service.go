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
	"unicode/utf8"

	"github.com/troupe-ai/troupe/detrand"
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
	c, err := s.draft(tenantID, in, seed, world, nil)
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
		c, err := s.draft(tenantID, CreateCharacterInput{
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

// Update changes the given fields of the tenant's character.
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
		c.VoiceID = *in.VoiceID
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
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	c.UpdatedAt = s.now()
	if err := s.Store.UpdateCharacter(ctx, c); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, charNotFound(id)
		}
		return nil, err
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
// names already taken in a batch.
func (s *CharacterService) draft(tenantID string, in CreateCharacterInput, seed int64, world *World, used map[string]bool) (*Character, error) {
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
	name := ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if !validText(name, 80) {
			bad = append(bad, FieldError{Field: "name", Message: "must be 1–80 printable characters"})
		}
	}
	if len(bad) > 0 {
		return nil, ValidationError(bad...)
	}
	rng := newRand(uint64(seed))
	if name == "" {
		name = s.pickName(rng, used)
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
		TabooWords:  cleanWords(in.TabooWords),
		Metadata:    in.Metadata,
		Seed:        seed,
		CreatedAt:   now,
		UpdatedAt:   now,
		Personality: deref(in.Personality),
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	c.VoiceID = deref(in.VoiceID)
	if c.VoiceID == "" {
		c.VoiceID = DefaultVoice(c.Role, c.Archetype, seed)
	}
	if world != nil {
		c.WorldID, c.WorldName, c.WorldBrief = world.ID, world.Content.Name, world.Content.Brief
		c.Places, c.Home = worldPlaces(world, rng)
	}
	return c, nil
}

// generate writes the character's personality and acting prompt with the generation
// model and has the validation model judge it; a rejected draft is regenerated once.
func (s *CharacterService) generate(ctx context.Context, c *Character) error {
	var reason string
	for attempt := range 2 {
		draft, res, err := s.compose(ctx, c, attempt, reason)
		if err != nil {
			return err
		}
		ok, why, err := s.validate(ctx, c, draft)
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
		reason = why
	}
	return Errorf(CodeFalServiceError, "The validation model rejected the generated character twice.").
		WithDetails(map[string]any{"reason": reason})
}

// characterDraft is the generation model's JSON answer.
type characterDraft struct {
	Personality  string `json:"personality"`
	ActingPrompt string `json:"acting_prompt"`
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

func (s *CharacterService) validate(ctx context.Context, c *Character, d characterDraft) (bool, string, error) {
	draft, _ := json.Marshal(d)
	sheet := s.sheet(c)
	system, user, err := renderValidatePrompt(sheet, string(draft))
	if err != nil {
		return false, "", err
	}
	res, err := s.Text.Complete(ctx, TextRequest{
		Task: TaskValidate, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Validation, Temperature: s.Models.ValidationTemperature, JSON: true,
		Scene: &Scene{Character: sheet, Draft: string(draft), Seed: c.Seed},
	})
	if err != nil {
		return false, "", err
	}
	var v validation
	if err := decodeModelJSON(res.Text, &v); err != nil {
		return false, "", badModelOutput("validation", res)
	}
	return v.Approved, v.Reason, nil
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
	}
}

func (s *CharacterService) pickName(rng *detrand.Rand, used map[string]bool) string {
	names := s.Defaults.Names
	start := rng.Intn(len(names))
	for i := range names {
		n := names[(start+i)%len(names)].Name
		if !used[n] {
			return n
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
	return Errorf(CodeFalServiceError, "The text model returned an unusable %s answer.", task).
		WithDetails(map[string]any{"engine": res.Engine, "model": res.Model})
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

// worldPlaces lists a world's place names and picks a home settlement for a character.
func worldPlaces(w *World, rng *detrand.Rand) (places []string, home string) {
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
	if len(settlements) > 0 {
		home = settlements[rng.Intn(len(settlements))]
	}
	return places, home
}

// DefaultVoice picks a voice for a character that has none, by role and archetype, so
// the same character always gets the same voice.
func DefaultVoice(role, archetype string, seed int64) string {
	return defaultVoices[mix(fnv64(role+"/"+archetype), uint64(seed))%uint64(len(defaultVoices))]
}

// defaultVoices are local espeak-ng variants; the voice catalogue maps them to each engine.
var defaultVoices = []string{
	"local-en-us-m1", "local-en-us-m3", "local-en-us-m7", "local-en-gb-m2",
	"local-en-us-f1", "local-en-us-f3", "local-en-gb-f2", "local-en-us-f5",
}
