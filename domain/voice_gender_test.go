package domain_test

import (
	"fmt"
	"testing"

	"github.com/troupe-ai/troupe/domain"
	"github.com/troupe-ai/troupe/local/speech"
)

func TestCharacterGender(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		char  string
		texts []string
		want  string
	}{
		{"a captain named Aldric", "Captain Aldric", []string{"A veteran captain of the city watch."}, domain.GenderMale},
		{"a bare known name", "Aldric", nil, domain.GenderMale},
		{"a herbalist named Elara", "Elara", []string{"Elara, a herbalist"}, domain.GenderFemale},
		{"a name from the pool", "Sigrid", nil, domain.GenderFemale},
		{"an accented name", "Inés", nil, domain.GenderFemale},
		{"the accent left out", "Ines", nil, domain.GenderFemale},
		{"a name with a surname", "Gareth Ironhand", nil, domain.GenderMale},
		{"a pronoun beats the name", "Aldric", []string{"She keeps the keys of the keep."}, domain.GenderFemale},
		{"pronouns beat the name", "Elara", []string{"He was a soldier; now he brews ale."}, domain.GenderMale},
		{"a title beats the name", "Lady Aldric", nil, domain.GenderFemale},
		{"a gendered noun", "Quill", []string{"An old fisherwoman who mends nets."}, domain.GenderFemale},
		{"an -ess form", "Quill", []string{"The duchess of the marsh."}, domain.GenderFemale},
		{"a -wife compound", "Quill", []string{"The village midwife."}, domain.GenderFemale},
		{"a male title", "Quill", []string{"A baron fallen on hard times."}, domain.GenderMale},
		{"card tags", "Quill", []string{"", "fantasy, female, healer"}, domain.GenderFemale},
		{"shepherd is not she", "Quill", []string{"A shepherd of the high fells."}, ""},
		{"herbalist is not her", "Quill", []string{"A herbalist; hermit; heretic."}, ""},
		{"manager and human are not a man", "Quill", []string{"A human manager of the shaman's hut."}, ""},
		{"an unknown name and no pronouns", "Quill", []string{"Keeps the lighthouse and counts the ships."}, ""},
		{"nothing at all", "", nil, ""},
		{"a tie and an unknown name", "Quill", []string{"He says she knows."}, ""},
		{"a tie falls back to the name", "Gareth", []string{"He says she knows."}, domain.GenderMale},
		{"a relative is someone else", "Elara", []string{"Her father was a king; her brother is a monk."}, domain.GenderFemale},
		{"son of a queen", "Quill", []string{"The son of a queen."}, domain.GenderMale},
		{"the owner of what follows", "Quill", []string{"The queen's guard."}, ""},
		{"a leaning word when nothing else", "Quill", []string{"A priest of the old gods."}, domain.GenderMale},
		{"a leaning word loses to the name", "Elara", []string{"A wizard of the tower."}, domain.GenderFemale},
		{"a name given to either sex", "Ren", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := domain.CharacterGender(tc.char, tc.texts...); got != tc.want {
				t.Errorf("CharacterGender(%q, %q) = %q, want %q", tc.char, tc.texts, got, tc.want)
			}
		})
	}
}

// catalogueGenders maps each local voice id to its gender in local/speech's catalogue.
func catalogueGenders(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, v := range speech.New().Voices(t.Context()) {
		out[v.ID] = v.Gender
	}
	if len(out) == 0 {
		t.Fatal("empty local voice catalogue")
	}
	return out
}

func TestDefaultVoiceFitsGender(t *testing.T) {
	t.Parallel()
	genders := catalogueGenders(t)
	picks := func(gender string) map[string]bool {
		seen := map[string]bool{}
		for _, ra := range [][2]string{{"guard", "hero"}, {"healer", "caregiver"}, {"noble", "ruler"}, {"thief", "trickster"}} {
			for seed := int64(0); seed < 500; seed++ {
				id := domain.DefaultVoice(ra[0], ra[1], gender, seed)
				if _, ok := genders[id]; !ok {
					t.Fatalf("DefaultVoice(%q, %q, %q, %d) = %q, not in the local catalogue", ra[0], ra[1], gender, seed, id)
				}
				if again := domain.DefaultVoice(ra[0], ra[1], gender, seed); again != id {
					t.Fatalf("DefaultVoice(%q, %q, %q, %d) gave %q then %q", ra[0], ra[1], gender, seed, id, again)
				}
				seen[id] = true
			}
		}
		return seen
	}
	male, female := picks(domain.GenderMale), picks(domain.GenderFemale)
	for _, tc := range []struct {
		gender string
		seen   map[string]bool
	}{{domain.GenderMale, male}, {domain.GenderFemale, female}} {
		if len(tc.seen) < 2 {
			t.Errorf("%s characters all get %v", tc.gender, tc.seen)
		}
		for id := range tc.seen {
			if genders[id] != tc.gender {
				t.Errorf("a %s character got %s, a %s voice", tc.gender, id, genders[id])
			}
		}
	}
	for _, gender := range []string{"", "nonbinary"} {
		all := picks(gender)
		if len(all) != len(male)+len(female) {
			t.Errorf("gender %q picks %d voices, want the %d of both genders", gender, len(all), len(male)+len(female))
		}
		for id := range male {
			if !all[id] {
				t.Errorf("gender %q never picks %s", gender, id)
			}
		}
		for id := range female {
			if !all[id] {
				t.Errorf("gender %q never picks %s", gender, id)
			}
		}
	}
}

func TestCreateDefaultVoiceFitsCharacter(t *testing.T) {
	t.Parallel()
	genders := catalogueGenders(t)
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name   string
		in     domain.CreateCharacterInput
		gender string // of the voice; "" when voice is set
		voice  string
	}{
		{"a captain named Aldric", domain.CreateCharacterInput{Role: "guard", Archetype: "hero", Name: ptr("Aldric")}, domain.GenderMale, ""},
		{"Elara", domain.CreateCharacterInput{Role: "healer", Archetype: "caregiver", Name: ptr("Elara")}, domain.GenderFemale, ""},
		{"a given personality", domain.CreateCharacterInput{Role: "farmer", Archetype: "everyman", Name: ptr("Quill"), Personality: ptr("She is patient and dry-witted.")}, domain.GenderFemale, ""},
		{"a profile description", domain.CreateCharacterInput{Role: "merchant", Archetype: "trickster", Name: ptr("Quill"),
			Profile: domain.ProfileInput{Description: ptr("A travelling salesman who never gives his real name.")}}, domain.GenderMale, ""},
		{"an explicit voice is kept", domain.CreateCharacterInput{Role: "guard", Archetype: "hero", Name: ptr("Aldric"), VoiceID: ptr("local-en-us-f1")}, "", "local-en-us-f1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, _ := newService(t, nil, nil)
			for seed := int64(0); seed < 8; seed++ {
				in := tc.in
				in.Seed = &seed
				c, err := svc.Create(t.Context(), tenant, in)
				if err != nil {
					t.Fatal(err)
				}
				if tc.voice != "" && c.VoiceID != tc.voice {
					t.Errorf("seed %d: voice %q, want %q", seed, c.VoiceID, tc.voice)
				}
				if tc.gender != "" && genders[c.VoiceID] != tc.gender {
					t.Errorf("seed %d: voice %q is %q, want %s", seed, c.VoiceID, genders[c.VoiceID], tc.gender)
				}
			}
		})
	}
}

func TestImportDefaultVoiceFitsCard(t *testing.T) {
	t.Parallel()
	genders := catalogueGenders(t)
	role, archetype := "bard", "everyman"
	for i, tc := range []struct {
		desc   string
		gender string
	}{
		{"She sings in the taverns of the coast.", domain.GenderFemale},
		{"He sings in the taverns of the coast.", domain.GenderMale},
	} {
		t.Run(tc.gender, func(t *testing.T) {
			t.Parallel()
			svc, _ := newService(t, nil, nil)
			card := domain.CardImport{Format: "json", Spec: "chara_card_v2", Name: fmt.Sprintf("Quill %d", i), Profile: domain.CharacterProfile{Description: tc.desc}}
			res, err := svc.Import(t.Context(), tenant, domain.ImportInput{Card: card, Role: &role, Archetype: &archetype})
			if err != nil {
				t.Fatal(err)
			}
			if v := res.Character.VoiceID; genders[v] != tc.gender {
				t.Errorf("voice %q is %q, want %s", v, genders[v], tc.gender)
			}
		})
	}
}
