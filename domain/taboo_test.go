package domain_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/troupe-ai/troupe/data"
	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/domain/moderation"
	"github.com/troupe-ai/troupe/local/dialogue"
)

// charStore is an in-memory CharacterStore with just the character methods; memory
// methods are not used by these tests and panic through the nil embedded interface.
type charStore struct {
	domain.CharacterStore
	mu    sync.Mutex
	chars []*domain.Character
}

func (m *charStore) CreateCharacters(_ context.Context, cs []*domain.Character) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range cs {
		cp := *c
		m.chars = append(m.chars, &cp)
	}
	return nil
}

func (m *charStore) GetCharacter(_ context.Context, tenant, id string) (*domain.Character, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.chars {
		if c.TenantID == tenant && c.ID == id {
			cp := *c
			return &cp, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (m *charStore) UpdateCharacter(_ context.Context, c *domain.Character) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, old := range m.chars {
		if old.TenantID == c.TenantID && old.ID == c.ID {
			cp := *c
			m.chars[i] = &cp
			return nil
		}
	}
	return domain.ErrNotFound
}

func (m *charStore) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.chars)
}

// oneWorld is a WorldStore holding a single world.
type oneWorld struct {
	domain.WorldStore
	w *domain.World
}

func (o oneWorld) GetWorld(_ context.Context, tenant, id string) (*domain.World, error) {
	if o.w != nil && o.w.TenantID == tenant && o.w.ID == id {
		return o.w, nil
	}
	return nil, domain.ErrNotFound
}

// countingText counts the calls to the engine it wraps.
type countingText struct {
	domain.TextModel
	mu    sync.Mutex
	tasks []domain.TextTask
}

func (c *countingText) Complete(ctx context.Context, req domain.TextRequest) (domain.TextResult, error) {
	c.mu.Lock()
	c.tasks = append(c.tasks, req.Task)
	c.mu.Unlock()
	return c.TextModel.Complete(ctx, req)
}

func (c *countingText) calls() []domain.TextTask {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]domain.TextTask(nil), c.tasks...)
}

// voices knows the ids in it.
type voices map[string]bool

func (v voices) KnowsVoice(_ context.Context, id string) bool { return v[id] }

const tenant = "tenant_a"

func newService(t *testing.T, text domain.TextModel, world *domain.World) (*domain.CharacterService, *charStore) {
	t.Helper()
	defaults, err := domain.ParseDefaults(data.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	if text == nil {
		e, err := dialogue.New()
		if err != nil {
			t.Fatal(err)
		}
		text = e
	}
	store := &charStore{}
	return &domain.CharacterService{Store: store, Worlds: oneWorld{w: world}, Text: text, Defaults: defaults}, store
}

// dragonWorld is a world whose brief, places and one settlement name use "dragon".
func dragonWorld() *domain.World {
	return &domain.World{
		ID: "wld_dragons", TenantID: tenant,
		Content: domain.WorldContent{
			Name: "Vael",
			Brief: "Vael is a realm where dragons are remembered and every ruin hides a story. " +
				"The Dragon Wars burned half of it. Grain is scarce and the roads are watched.",
			Regions: []domain.Region{{Name: "the Ember Reach", Settlements: []domain.Settlement{
				{Name: "Dragonford"}, {Name: "Millbrook"}, {Name: "Oldwatch"},
			}}},
			Landmarks: []domain.Landmark{{Name: "the dragon's lair"}},
		},
	}
}

// tabooFree fails the test when a taboo word shows in the character's generated text:
// as the filter matches it, or (local engine) as the start of any word.
func tabooFree(t *testing.T, c *domain.Character, strict bool) {
	t.Helper()
	for field, text := range map[string]string{"acting prompt": c.ActingPrompt, "personality": c.Personality, "lore": c.CustomLore} {
		for _, m := range moderation.Check(text, c.TabooWords).Matches {
			if m.Category == moderation.CategoryTaboo {
				t.Errorf("%s holds the taboo word %q: %s", field, m.Term, text)
			}
		}
		if !strict {
			continue
		}
		for _, w := range c.TabooWords {
			if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(w)).MatchString(text) {
				t.Errorf("%s has a word starting with %q: %s", field, w, text)
			}
		}
	}
}

func TestCreateAvoidsTabooWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		role, arch string
		taboo      []string
		world      bool
		lore       string
	}{
		{"a common word", "blacksmith", "mentor", []string{"the"}, true, ""},
		{"a word of the world brief", "blacksmith", "mentor", []string{"dragon"}, true, ""},
		{"a word of the role description", "blacksmith", "mentor", []string{"forge"}, false, ""},
		{"the archetype", "guard", "mentor", []string{"mentor"}, false, ""},
		{"the mood", "guard", "hero", []string{"calm"}, false, ""},
		{"the world's name", "healer", "sage", []string{"Vael"}, true, ""},
		{"a word of the lore", "innkeeper", "caregiver", []string{"siege"}, false, "Lost her brother in the siege. Keeps a spare room."},
		{"disguised and repeated", "bard", "jester", []string{"DRAGON", "dragon", "Dragon"}, true, ""},
		{"several common words", "merchant", "trickster", []string{"the", "and", "of", "a", "you"}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var w *domain.World
			if tc.world {
				w = dragonWorld()
			}
			svc, _ := newService(t, nil, w)
			for seed := range int64(6) {
				in := domain.CreateCharacterInput{Role: tc.role, Archetype: tc.arch, TabooWords: tc.taboo, Seed: &seed}
				if w != nil {
					in.WorldID = &w.ID
				}
				if tc.lore != "" {
					in.CustomLore = &tc.lore
				}
				c, err := svc.Create(t.Context(), tenant, in)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				// The studio's lore is kept as given; only the generated text must avoid the words.
				lore := c.CustomLore
				c.CustomLore = ""
				tabooFree(t, c, len(tc.taboo) == 1 || tc.name == "disguised and repeated")
				if lore != tc.lore {
					t.Errorf("lore changed: %q", lore)
				}
				if !strings.Contains(c.ActingPrompt, c.Name) || c.Personality == "" {
					t.Errorf("seed %d: not a usable character: %+v", seed, c)
				}
				if w != nil && (c.Home == "Dragonford" || c.Home == "") && slicesHas(tc.taboo, "dragon") {
					t.Errorf("seed %d: home %q holds the taboo word", seed, c.Home)
				}
			}
		})
	}
}

func slicesHas(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func TestCreateRefusesTabooConflicts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, role, charName string
		taboo                []string
		word, field          string
	}{
		{"the role", "blacksmith", "", []string{"forge", "blacksmith"}, "blacksmith", "role"},
		{"the role in capitals", "guard", "", []string{"GUARD"}, "GUARD", "role"},
		{"part of the role", "innkeeper", "", []string{"keeper"}, "keeper", "role"},
		{"the name", "guard", "Maren", []string{"maren"}, "maren", "name"},
		{"a word of the name", "guard", "Old Dragon", []string{"dragon"}, "dragon", "name"},
		{"the start of the name", "guard", "Dragonheart", []string{"dragon"}, "dragon", "name"},
		{"the end of the name", "guard", "Ironheart", []string{"heart"}, "heart", "name"},
		{"the name disguised", "guard", "Dragonheart", []string{"dr4gon"}, "dr4gon", "name"},
		{"the name with accents", "guard", "Drágonheart", []string{"dragon"}, "dragon", "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text := &countingText{TextModel: mustEngine(t)}
			svc, store := newService(t, text, nil)
			in := domain.CreateCharacterInput{Role: tc.role, Archetype: "mentor", TabooWords: tc.taboo}
			if tc.charName != "" {
				in.Name = &tc.charName
			}
			_, err := svc.Create(t.Context(), tenant, in)
			e := wantCode(t, err, domain.CodeTabooConflict)
			if e.Details["word"] != tc.word || e.Details["field"] != tc.field {
				t.Errorf("details = %v, want word %q field %q", e.Details, tc.word, tc.field)
			}
			if n := len(text.calls()); n != 0 || store.count() != 0 {
				t.Errorf("%d model calls and %d characters stored for a refused character", n, store.count())
			}
		})
	}
	// Short words inside a name are accidents of spelling, and a name the service picks
	// itself avoids the taboo words.
	for _, tc := range []struct{ name, word string }{{"Theodora", "the"}, {"Beatrice", "ice"}, {"", "dragon"}, {"", "a"}} {
		svc, _ := newService(t, nil, nil)
		in := domain.CreateCharacterInput{Role: "guard", Archetype: "hero", TabooWords: []string{tc.word}}
		if tc.name != "" {
			in.Name = &tc.name
		}
		c, err := svc.Create(t.Context(), tenant, in)
		if err != nil {
			t.Fatalf("%q with taboo %q: %v", tc.name, tc.word, err)
		}
		tabooFree(t, c, false)
	}
}

func mustEngine(t *testing.T) *dialogue.Engine {
	t.Helper()
	e, err := dialogue.New()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func wantCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
	return e
}

// llm plays a language model: the generation answers come from draft (by attempt), and
// the validator rejects any draft holding a taboo word, as a strict model would.
type llm struct {
	engine  string
	draft   func(attempt int) string
	approve func(draft string, taboo []string) bool
	mu      sync.Mutex
	tasks   []domain.TextTask
	systems []string
}

func (m *llm) Complete(_ context.Context, req domain.TextRequest) (domain.TextResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tasks = append(m.tasks, req.Task)
	m.systems = append(m.systems, req.System)
	res := domain.TextResult{Engine: m.engine, Model: req.Model}
	switch req.Task {
	case domain.TaskCharacter:
		n := 0
		for _, t := range m.tasks {
			if t == domain.TaskCharacter {
				n++
			}
		}
		res.Text = m.draft(n - 1)
	case domain.TaskValidate:
		ok := m.approve == nil || m.approve(req.Scene.Draft, req.Scene.Character.TabooWords)
		b, _ := json.Marshal(map[string]any{"approved": ok, "reason": "it says a forbidden word"})
		res.Text = string(b)
	default:
		return res, fmt.Errorf("unexpected task %s", req.Task)
	}
	return res, nil
}

func (m *llm) Stream(context.Context, domain.TextRequest, func(string) error) (domain.TextResult, error) {
	return domain.TextResult{}, errors.New("not streamed")
}

func (m *llm) Status(context.Context) domain.DependencyHealth { return domain.DependencyHealth{} }

func (m *llm) calls() []domain.TextTask {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]domain.TextTask(nil), m.tasks...)
}

func draftJSON(personality, prompt string) string {
	b, _ := json.Marshal(map[string]string{"personality": personality, "acting_prompt": prompt})
	return "```json\n" + string(b) + "\n```"
}

// strictValidator rejects a draft that holds a taboo word anywhere, ignoring case.
func strictValidator(draft string, taboo []string) bool {
	for _, w := range taboo {
		if strings.Contains(strings.ToLower(draft), strings.ToLower(w)) {
			return false
		}
	}
	return true
}

func TestCreateRepairsModelDrafts(t *testing.T) {
	t.Parallel()
	dirty := draftJSON("Fears every dragon.", "You are the smith of Vael. Dragons are remembered here; the Dragon Wars took your father. Stay in character.")
	clean := draftJSON("Gruff and patient.", "You are the smith of Vael. Stay in character.")
	cases := []struct {
		name     string
		engine   string
		drafts   []string
		calls    []domain.TextTask
		redacted bool
	}{
		{"rewritten when told", "fal", []string{dirty, clean},
			[]domain.TextTask{domain.TaskCharacter, domain.TaskCharacter, domain.TaskValidate}, false},
		{"redacted when it persists", "fal", []string{dirty, dirty},
			[]domain.TextTask{domain.TaskCharacter, domain.TaskCharacter, domain.TaskValidate}, true},
		{"redacted on another engine", "openai", []string{dirty, dirty},
			[]domain.TextTask{domain.TaskCharacter, domain.TaskCharacter, domain.TaskValidate}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &llm{engine: tc.engine, draft: func(i int) string { return tc.drafts[min(i, len(tc.drafts)-1)] }, approve: strictValidator}
			w := dragonWorld()
			svc, store := newService(t, m, w)
			c, err := svc.Create(t.Context(), tenant, domain.CreateCharacterInput{
				Role: "blacksmith", Archetype: "mentor", WorldID: &w.ID, TabooWords: []string{"dragon"},
			})
			if err != nil {
				t.Fatal(err)
			}
			tabooFree(t, c, false)
			if got := strings.ContainsRune(c.ActingPrompt+c.Personality, moderation.RedactRune); got != tc.redacted {
				t.Errorf("redacted = %v, want %v: %q / %q", got, tc.redacted, c.ActingPrompt, c.Personality)
			}
			if got := m.calls(); fmt.Sprint(got) != fmt.Sprint(tc.calls) {
				t.Errorf("calls = %v, want %v", got, tc.calls)
			}
			if c.Engine != tc.engine || store.count() != 1 {
				t.Errorf("engine %q, %d stored", c.Engine, store.count())
			}
			// The retry is told why, without the studio's words in the system prompt.
			if retry := m.systems[1]; !strings.Contains(retry, "forbidden words") || strings.Contains(retry, `"dragon"`) {
				t.Errorf("retry system prompt: %s", retry[max(0, len(retry)-300):])
			}
		})
	}
}

// A personality the studio gives is its own: kept as given, and not judged.
func TestCreateKeepsGivenPersonality(t *testing.T) {
	t.Parallel()
	given := "Dreams of slaying a dragon."
	for _, text := range []domain.TextModel{nil, &llm{engine: "fal", draft: func(int) string {
		return draftJSON(given, "You are a guard. Stay in character.")
	}}} {
		svc, _ := newService(t, text, nil)
		c, err := svc.Create(t.Context(), tenant, domain.CreateCharacterInput{
			Role: "guard", Archetype: "hero", Personality: &given, TabooWords: []string{"dragon"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if c.Personality != given || hasTabooWord(c.ActingPrompt, "dragon") {
			t.Errorf("personality %q, acting prompt %q", c.Personality, c.ActingPrompt)
		}
	}
}

func hasTabooWord(text, w string) bool { return moderation.Check(text, []string{w}).Flagged }

func TestProviderFailures(t *testing.T) {
	t.Parallel()
	good := draftJSON("Calm.", "You are a guard. Stay in character.")
	cases := []struct {
		name    string
		engine  string
		draft   string
		approve func(string, []string) bool
		code    domain.Code
	}{
		{"fal rejects twice", "fal", good, func(string, []string) bool { return false }, domain.CodeFalServiceError},
		{"openai rejects twice", "openai", good, func(string, []string) bool { return false }, domain.CodeProviderError},
		{"openai answers no JSON", "openai", "I cannot help with that.", nil, domain.CodeProviderError},
		{"local answers no JSON", "local", "not json", nil, domain.CodeProviderError},
		{"fal answers no JSON", "fal", "not json", nil, domain.CodeFalServiceError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &llm{engine: tc.engine, draft: func(int) string { return tc.draft }, approve: tc.approve}
			svc, store := newService(t, m, nil)
			_, err := svc.Create(t.Context(), tenant, domain.CreateCharacterInput{Role: "guard", Archetype: "hero"})
			e := wantCode(t, err, tc.code)
			if e.Details["engine"] != tc.engine || store.count() != 0 {
				t.Errorf("details %v, %d stored", e.Details, store.count())
			}
		})
	}
}

func TestUpdateChecksTabooAndVoice(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, nil, nil)
	svc.Voices = voices{"local-en-us-m1": true, "local-en-us-f3": true}
	ctx := t.Context()
	name := "Maren"
	c, err := svc.Create(ctx, tenant, domain.CreateCharacterInput{Role: "blacksmith", Archetype: "mentor", Name: &name, TabooWords: []string{"dragon"}})
	if err != nil {
		t.Fatal(err)
	}
	ptr := func(s string) *string { return &s }
	words := func(w ...string) *[]string { return &w }
	for _, tc := range []struct {
		name  string
		in    domain.UpdateCharacterInput
		code  domain.Code
		word  string
		field string
	}{
		{"a name holding a taboo word", domain.UpdateCharacterInput{Name: ptr("Dragonheart")}, domain.CodeTabooConflict, "dragon", "name"},
		{"a taboo word in the name", domain.UpdateCharacterInput{TabooWords: words("maren")}, domain.CodeTabooConflict, "maren", "name"},
		{"the role as taboo word", domain.UpdateCharacterInput{TabooWords: words("smith")}, domain.CodeTabooConflict, "smith", "role"},
		{"both at once", domain.UpdateCharacterInput{Name: ptr("Wolfsbane"), TabooWords: words("wolf")}, domain.CodeTabooConflict, "wolf", "name"},
		{"an unknown voice", domain.UpdateCharacterInput{VoiceID: ptr("nobody-knows")}, domain.CodeValidation, "", "voice_id"},
		{"an empty voice", domain.UpdateCharacterInput{VoiceID: ptr("")}, domain.CodeValidation, "", "voice_id"},
	} {
		_, err := svc.Update(ctx, tenant, c.ID, tc.in)
		e := wantCode(t, err, tc.code)
		if tc.code == domain.CodeTabooConflict && (e.Details["word"] != tc.word || e.Details["field"] != tc.field) {
			t.Errorf("%s: details %v", tc.name, e.Details)
		}
		if tc.code == domain.CodeValidation {
			if f, _ := e.Details["fields"].([]domain.FieldError); len(f) != 1 || f[0].Field != tc.field {
				t.Errorf("%s: details %v", tc.name, e.Details)
			}
		}
	}
	after, _ := svc.Get(ctx, tenant, c.ID)
	if after.Name != "Maren" || fmt.Sprint(after.TabooWords) != "[dragon]" || after.VoiceID != c.VoiceID {
		t.Fatalf("refused updates changed the character: %+v", after)
	}

	// A new taboo word is redacted from the stored acting prompt; a known voice is taken.
	up, err := svc.Update(ctx, tenant, c.ID, domain.UpdateCharacterInput{VoiceID: ptr("local-en-us-f3")})
	if err != nil || up.VoiceID != "local-en-us-f3" {
		t.Fatalf("known voice: %v", err)
	}
	up, err = svc.Update(ctx, tenant, c.ID, domain.UpdateCharacterInput{TabooWords: words("stay")})
	if err != nil {
		t.Fatal(err)
	}
	if hasTabooWord(up.ActingPrompt, "stay") || !strings.ContainsRune(up.ActingPrompt, moderation.RedactRune) {
		t.Fatalf("acting prompt after a new taboo word: %s", up.ActingPrompt)
	}
}

func TestCreateChecksVoice(t *testing.T) {
	t.Parallel()
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name    string
		catalog domain.VoiceCatalog
		voice   *string
		ok      bool
	}{
		{"known", voices{"local-en-us-m1": true}, ptr("local-en-us-m1"), true},
		{"unknown", voices{"local-en-us-m1": true}, ptr("local-en-us-zz"), false},
		{"absent takes a default", voices{}, nil, true},
		{"empty takes a default", voices{}, ptr(""), true},
		{"no catalogue, no check", nil, ptr("anything"), true},
	} {
		svc, store := newService(t, nil, nil)
		svc.Voices = tc.catalog
		c, err := svc.Create(t.Context(), tenant, domain.CreateCharacterInput{Role: "guard", Archetype: "hero", VoiceID: tc.voice})
		if tc.ok {
			if err != nil || c.VoiceID == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e := wantCode(t, err, domain.CodeValidation)
		if f, _ := e.Details["fields"].([]domain.FieldError); len(f) != 1 || f[0].Field != "voice_id" || store.count() != 0 {
			t.Errorf("%s: details %v, %d stored", tc.name, e.Details, store.count())
		}
	}
}
