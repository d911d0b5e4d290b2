package domain

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// CardImport is a Character Card as an adapter read it, in Troupe's terms.
type CardImport struct {
	// Format is what the body was (json, png, charx); Spec and SpecVersion what the card
	// said it was.
	Format      string
	Spec        string
	SpecVersion string
	Name        string
	Personality string
	Profile     CharacterProfile
	// Book is the card's character_book; nil when it had none. Its ids may be empty.
	Book *Lorebook
	// Avatar is the card's image as PNG (the PNG the card came in, or a charx icon).
	Avatar []byte
	// Leftovers are the card's fields with no home in Troupe, kept under
	// metadata.character_card and given back on export.
	Leftovers map[string]any
	// Troupe is what an earlier Troupe export recorded of the character (empty fields for
	// other cards): used where the caller gives nothing, and only when valid here.
	Troupe CardTroupeFields
}

// CardTroupeFields are Troupe's own fields, as a card exported by Troupe carries them.
type CardTroupeFields struct {
	Role, Archetype, SkillTier, CustomLore string
	TabooWords                             []string
}

// ImportInput is a card to import and what the caller chose for it; nil fields are
// inferred (role, archetype) or absent (world).
type ImportInput struct {
	Card      CardImport
	Role      *string
	Archetype *string
	WorldID   *string
}

// ImportResult is an imported character and what was done with its card.
type ImportResult struct {
	Character         *Character
	LorebookID        string
	AvatarFileID      string
	RoleInferred      bool
	ArchetypeInferred bool
	// UnsupportedDecorators are the decorators of the card's lorebook Troupe does not act
	// on (kept in their entries).
	UnsupportedDecorators []EntryDecorator
	// KeptInMetadata names the leftovers kept under metadata.character_card.
	KeptInMetadata []string
}

// EntryDecorator names a decorator of a lorebook entry.
type EntryDecorator struct {
	EntryID   string
	Decorator string
}

// CardMetadataKey is where an imported card's leftovers live in the character's metadata.
const CardMetadataKey = "character_card"

// MaxCardMetadataBytes bounds an imported character's metadata, leftovers included:
// cards carry tools' extensions (regex scripts, depth prompts) well past the 16 KiB a
// studio's own metadata may hold.
const MaxCardMetadataBytes = 256 << 10

// EngineCard is the engine named on a character whose acting prompt was written from its
// card, with no model call.
const EngineCard = "card"

// fallbackImportRole is the role of a card that names none: a bard talks, tells stories
// and carries news, which fits the companions most cards describe.
const fallbackImportRole = "bard"

// fallbackImportArchetype is the archetype of a card whose text suggests none.
const fallbackImportArchetype = "everyman"

// Import creates a character from a Character Card: its fields become the character's
// profile, its lorebook a lorebook of the tenant's attached first, its image the avatar,
// and what has no home stays in metadata. No model is called. It returns CodeInvalidCard
// for a card Troupe cannot hold (a name it cannot use, a lorebook that fails the lorebook
// rules), CodeInvalidRole or CodeInvalidArchetype for a bad choice, CodeWorldNotFound,
// and CodeTabooConflict never (imported characters have no taboo words).
func (s *CharacterService) Import(ctx context.Context, tenantID string, in ImportInput) (*ImportResult, error) {
	card := in.Card
	name := strings.TrimSpace(card.Name)
	if !validText(name, 80) {
		return nil, invalidCard("data.name must be 1–80 printable characters", "data.name")
	}
	if err := checkCardSizes(card); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	role, archetype := deref(in.Role), deref(in.Archetype)
	if _, ok := find(s.Defaults.Roles, card.Troupe.Role); ok && role == "" {
		role = card.Troupe.Role
	}
	if _, ok := find(s.Defaults.Archetypes, card.Troupe.Archetype); ok && archetype == "" {
		archetype = card.Troupe.Archetype
	}
	if role == "" {
		role, res.RoleInferred = s.inferRole(card), true
	}
	if archetype == "" {
		archetype, res.ArchetypeInferred = s.inferArchetype(card), true
	}
	world, err := s.world(ctx, tenantID, in.WorldID)
	if err != nil {
		return nil, err
	}
	meta := map[string]any{}
	if len(card.Leftovers) > 0 {
		meta[CardMetadataKey] = card.Leftovers
		for k := range card.Leftovers {
			res.KeptInMetadata = append(res.KeptInMetadata, k)
		}
		slices.Sort(res.KeptInMetadata)
	}
	if b, err := json.Marshal(meta); err != nil || len(b) > MaxCardMetadataBytes {
		return nil, invalidCard(fmt.Sprintf("the card's extensions and other fields take more than %d KiB", MaxCardMetadataBytes>>10), "data.extensions")
	}
	seed := int64(fnv64(name+"\x00"+card.Profile.Description) & uint64(MaxWorldSeed))
	personality := card.Personality
	draft := CreateCharacterInput{
		Role: role, Archetype: archetype, Name: &name, WorldID: in.WorldID, Personality: &personality, Seed: &seed,
		TabooWords: card.Troupe.TabooWords,
	}
	if t := card.Troupe; t.CustomLore != "" {
		draft.CustomLore = &t.CustomLore
	}
	if _, ok := find(s.Defaults.SkillTiers, card.Troupe.SkillTier); ok {
		draft.SkillTier = &card.Troupe.SkillTier
	}
	c, err := s.draft(ctx, tenantID, draft, seed, world, nil)
	if err != nil {
		return nil, err
	}
	c.Profile, c.Metadata = card.Profile, meta
	// The draft's default voice was picked before the card's profile was in; a card names
	// no voice, so pick again with what its description says.
	c.VoiceID = DefaultVoice(c.Role, c.Archetype, characterGender(c), seed)
	c.ActingPrompt = cardActingPrompt(c)
	c.Engine, c.Model = EngineCard, card.Spec
	if card.Book != nil {
		book := card.Book
		now := c.CreatedAt
		book.ID, book.TenantID, book.CreatedAt, book.UpdatedAt = NewID(PrefixLorebook, now), tenantID, now, now
		if book.Name == "" {
			book.Name = name + "'s lorebook"
		}
		for i := range book.Entries {
			if book.Entries[i].ID == "" {
				book.Entries[i].ID = NewID(PrefixLoreEntry, now)
			}
		}
		for i := range book.Entries {
			setAsideUnusableKeys(&book.Entries[i])
		}
		NormalizeLorebook(book)
		if bad := CheckLorebook(book); len(bad) > 0 {
			return nil, invalidCard("character_book."+bad[0].Field+": "+bad[0].Message, "character_book."+bad[0].Field)
		}
		for _, e := range book.Entries {
			for _, d := range e.Decorators {
				if !d.Supported {
					res.UnsupportedDecorators = append(res.UnsupportedDecorators, EntryDecorator{EntryID: e.ID, Decorator: d.Name})
				}
			}
		}
		c.Book, res.LorebookID = book, book.ID
	}
	if len(card.Avatar) > 0 && s.Files != nil {
		f := &File{ID: NewID(PrefixFile, c.CreatedAt), TenantID: tenantID, ContentType: "image/png", Size: int64(len(card.Avatar)), CreatedAt: c.CreatedAt}
		// The bytes go first: a crash before the character is stored leaves media with no
		// file row, which the orphan sweep removes.
		if err := s.Files.Media.Put(ctx, f, card.Avatar); err != nil {
			return nil, err
		}
		c.Avatar, c.AvatarFileID, res.AvatarFileID = f, f.ID, f.ID
	}
	if err := s.Store.CreateCharacters(ctx, []*Character{c}); err != nil {
		return nil, err
	}
	c.Book, c.Avatar = nil, nil
	res.Character = c
	return res, nil
}

// UnusableKeysExtension is the entry extension that keeps the keys of an imported entry
// Troupe cannot match: blank ones (SillyTavern exports keys: [""]) and regular expressions
// only JavaScript compiles (look-arounds, back-references). They are set aside rather
// than failing the import, so the rest of the card works, and exports put them back.
const UnusableKeysExtension = "troupe_unusable_keys"

// setAsideUnusableKeys moves e's unusable keys into UnusableKeysExtension.
func setAsideUnusableKeys(e *LoreEntry) {
	usable := func(k string) bool {
		if strings.TrimSpace(k) == "" {
			return false
		}
		if e.UseRegex {
			_, err := CompileLoreKey(k, e.CaseSensitive)
			return err == nil
		}
		return true
	}
	var aside []any
	keep := func(keys []string, kind string) []string {
		out := keys[:0:0]
		for _, k := range keys {
			if usable(k) {
				out = append(out, k)
			} else {
				aside = append(aside, map[string]any{"key": k, "kind": kind})
			}
		}
		return out
	}
	e.Keys, e.SecondaryKeys = keep(e.Keys, "primary"), keep(e.SecondaryKeys, "secondary")
	if len(aside) > 0 {
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		e.Extensions[UnusableKeysExtension] = aside
	}
}

// The longest card fields an import takes, in characters: the limits of the API's own
// profile fields, and a personality longer than the API's own (cards often write a
// paragraph there). Every field reaches a model prompt on every line, so an unbounded one
// would cost a studio a fortune, or fail every call.
const (
	maxCardPersonality = 8000
	maxCardLongText    = 16000
	maxCardText        = 8000
	maxCardList        = 50
	maxCardTag         = 100
)

// checkCardSizes refuses a card with a field past its limit, naming the field.
func checkCardSizes(card CardImport) error {
	p := card.Profile
	for _, f := range []struct {
		field, text string
		max         int
	}{
		{"data.personality", card.Personality, maxCardPersonality},
		{"data.description", p.Description, maxCardLongText},
		{"data.mes_example", p.ExampleMessages, maxCardLongText},
		{"data.creator_notes", p.CreatorNotes, maxCardLongText},
		{"data.scenario", p.Scenario, maxCardText},
		{"data.first_mes", p.FirstMessage, maxCardText},
		{"data.system_prompt", p.SystemPrompt, maxCardText},
		{"data.post_history_instructions", p.PostHistoryInstructions, maxCardText},
		{"data.creator", p.Creator, 200},
		{"data.character_version", p.CharacterVersion, 100},
		{"data.nickname", p.Nickname, 80},
	} {
		if utf8.RuneCountInString(f.text) > f.max {
			return invalidCard(fmt.Sprintf("%s is longer than %d characters", f.field, f.max), f.field)
		}
	}
	for _, l := range []struct {
		field string
		items []string
		max   int
	}{{"data.alternate_greetings", p.AlternateGreetings, maxCardText}, {"data.tags", p.Tags, maxCardTag}} {
		if len(l.items) > maxCardList {
			return invalidCard(fmt.Sprintf("%s has more than %d items", l.field, maxCardList), l.field)
		}
		for i, it := range l.items {
			if utf8.RuneCountInString(it) > l.max {
				return invalidCard(fmt.Sprintf("%s[%d] is longer than %d characters", l.field, i, l.max), fmt.Sprintf("%s[%d]", l.field, i))
			}
		}
	}
	return nil
}

// cardActingPrompt is the prompt that makes a model play a card's character, written from
// the card: Troupe's own framing, the description, personality and scenario, and the
// card's system prompt around it ({{original}} standing for Troupe's part, as
// SillyTavern reads it).
func cardActingPrompt(c *Character) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You are %s", c.Name)
	if c.Home != "" {
		fmt.Fprintf(&b, ", of %s", c.Home)
	}
	if c.WorldName != "" {
		fmt.Fprintf(&b, " in %s", c.WorldName)
	}
	b.WriteString(".")
	for _, part := range []struct{ label, text string }{
		{"", c.Profile.Description}, {"Personality: ", c.Personality}, {"Scenario: ", c.Profile.Scenario},
	} {
		if t := strings.TrimSpace(part.text); t != "" {
			b.WriteString("\n\n" + part.label + t)
		}
	}
	own := expandCardMacros(b.String(), c.Name, "the player")
	sys := strings.TrimSpace(c.Profile.SystemPrompt)
	if sys == "" {
		return own
	}
	sys = expandCardMacros(sys, c.Name, "the player")
	if strings.Contains(sys, "{{original}}") {
		return strings.ReplaceAll(sys, "{{original}}", own)
	}
	return sys + "\n\n" + own
}

// expandCardMacros replaces the card macros {{char}} and {{user}} (any case) with the
// character's and the speaker's names.
func expandCardMacros(s, char, user string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	r := strings.NewReplacer("{{char}}", char, "{{Char}}", char, "{{CHAR}}", char,
		"{{user}}", user, "{{User}}", user, "{{USER}}", user, "<BOT>", char, "<USER>", user)
	return r.Replace(s)
}

// withCardMacros gives engines a profile whose macros name the character and speaker.
func withCardMacros(p CharacterProfile, char, user string) CharacterProfile {
	if user == "" {
		user = "traveller"
	}
	p.Description = expandCardMacros(p.Description, char, user)
	p.Scenario = expandCardMacros(p.Scenario, char, user)
	p.FirstMessage = expandCardMacros(p.FirstMessage, char, user)
	p.ExampleMessages = expandCardMacros(p.ExampleMessages, char, user)
	// Post-history instructions are read as instructions: the player's own name, which
	// the player chooses, must not become one.
	p.PostHistoryInstructions = expandCardMacros(p.PostHistoryInstructions, char, "the player")
	return p
}

// roleWords are words of a card that suggest a role, beyond the roles' own ids.
var roleWords = map[string][]string{
	"blacksmith": {"smith", "forge", "anvil", "armorer", "armourer", "weaponsmith"},
	"innkeeper":  {"inn", "tavern", "barkeep", "bartender", "barmaid", "taverner"},
	"merchant":   {"trader", "shopkeeper", "vendor", "peddler", "shop"},
	"guard":      {"soldier", "captain", "knight", "watchman", "sentry", "guardsman", "sergeant"},
	"healer":     {"doctor", "nurse", "medic", "physician", "herbalist", "cleric"},
	"scholar":    {"librarian", "professor", "sage", "mage", "wizard", "researcher", "scientist"},
	"farmer":     {"farm", "harvest", "shepherd", "rancher"},
	"hunter":     {"ranger", "tracker", "huntress", "bounty"},
	"priest":     {"priestess", "nun", "monk", "temple", "shrine", "paladin"},
	"thief":      {"rogue", "pickpocket", "burglar", "assassin", "smuggler"},
	"bard":       {"singer", "musician", "minstrel", "storyteller", "performer", "poet"},
	"noble":      {"princess", "prince", "queen", "king", "duke", "duchess", "lady", "lord", "countess", "heiress"},
	"mercenary":  {"sellsword", "adventurer", "warrior", "swordsman", "swordswoman", "fighter"},
	"engineer":   {"mechanic", "inventor", "tinkerer", "technician", "artificer"},
}

// archetypeWords are words of a card that suggest an archetype.
var archetypeWords = map[string][]string{
	"mentor":    {"mentor", "teacher", "teaches", "guide", "wise"},
	"trickster": {"mischievous", "trickster", "prank", "sly", "cunning"},
	"hero":      {"brave", "heroic", "hero", "courageous", "valiant"},
	"outlaw":    {"rebel", "outlaw", "criminal", "defiant", "wanted"},
	"explorer":  {"adventurous", "curious", "explorer", "wanderer", "travels"},
	"creator":   {"artist", "creative", "crafts", "builds", "paints"},
	"ruler":     {"commanding", "regal", "leader", "rules", "authority"},
	"sage":      {"knowledge", "scholarly", "thoughtful", "learned", "philosopher"},
	"caregiver": {"kind", "caring", "gentle", "nurturing", "protective", "motherly", "warm"},
	"jester":    {"funny", "playful", "jokes", "witty", "humor", "humour"},
	"innocent":  {"naive", "innocent", "sweet", "shy", "pure"},
	"skeptic":   {"cynical", "skeptical", "sceptical", "doubts", "sarcastic"},
	"zealot":    {"devout", "fanatic", "zealous", "fanatical", "obsessed"},
}

// inferRole picks the role whose words a card uses most (its tags count double), or the
// fallback.
func (s *CharacterService) inferRole(card CardImport) string {
	return bestByWords(card, ids(s.Defaults.Roles), roleWords, fallbackImportRole)
}

// inferArchetype picks the archetype whose words a card uses most, or the fallback.
func (s *CharacterService) inferArchetype(card CardImport) string {
	return bestByWords(card, ids(s.Defaults.Archetypes), archetypeWords, fallbackImportArchetype)
}

func bestByWords(card CardImport, choices []string, words map[string][]string, fallback string) string {
	text := strings.ToLower(card.Name + " " + card.Profile.Description + " " + card.Personality + " " + card.Profile.Scenario)
	tags := strings.ToLower(strings.Join(card.Profile.Tags, " "))
	best, bestScore := "", 0
	for _, id := range choices {
		score := 0
		for _, w := range append([]string{id}, words[id]...) {
			score += countWord(text, w) + 2*countWord(tags, w)
		}
		if score > bestScore {
			best, bestScore = id, score
		}
	}
	if best == "" && slices.Contains(choices, fallback) {
		return fallback
	}
	if best == "" && len(choices) > 0 {
		return choices[0]
	}
	return best
}

// countWord counts whole-word occurrences of w in lower-case text.
func countWord(text, w string) int {
	n := 0
	for at := wordIndex(text, w); at >= 0; at = wordIndex(text, w) {
		n++
		text = text[at+len(w):]
	}
	return n
}

func invalidCard(problem, field string) *Error {
	d := map[string]any{"problem": problem}
	if field != "" {
		d["field"] = field
	}
	return Errorf(CodeInvalidCard, "The card cannot be imported: %s.", problem).WithDetails(d)
}

// InvalidCard is the error an adapter returns for a card it cannot read.
func InvalidCard(problem, field string) error { return invalidCard(problem, field) }
