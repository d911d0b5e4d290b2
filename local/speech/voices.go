package speech

import "github.com/troupe-ai/troupe/domain"

// voice is one curated voice: an espeak-ng language voice plus a variant, at a pitch and a
// base speed chosen so that voices sound distinct from one another.
type voice struct {
	id          string
	name        string
	language    string // BCP 47
	gender      string
	description string
	// espeak is the -v argument: language voice "+" variant. British voices are spelt
	// "en+…", not "en-gb+…": espeak-ng 1.51 resolves "en-gb" as a language and silently
	// drops the variant (en-gb+f2 gives the same bytes as en-gb), while "en" names the
	// voice file gmw/en, which is the same British voice.
	espeak string
	// pitch is espeak-ng's -p (0–99, 50 is the voice's own).
	pitch int
	// wpm is the words per minute at speed 1.
	wpm int
	// timingVoice, when set, is the voice timings are measured on instead (the probe
	// and a twin of the real audio; see timing.go). It is set for the variants with an
	// echo (a copy of the sound 120–140 ms later at 4–6 %, fed back), which fills the
	// pauses the timing relies on. The twin is the same language with a variant that
	// has no echo but the same duration settings (stressAdd): the base voice for m2
	// and f3, whisperf for f2 and f5, aunty for f4. Its pauses start where the real
	// ones do, to within a pitch period (mapTwin).
	timingVoice string
}

// defaultVoiceID is spoken with when a request names no voice.
const defaultVoiceID = "local-en-us-m1"

// catalogue is the local voice list, in the order GET /v1/voice/voices shows it. The first
// eight ids are referenced by domain.DefaultVoice and by stored characters: never rename
// or remove them.
var catalogue = []voice{
	{"local-en-us-m1", "Walter", "en-US", "male", "A steady, plain-spoken American man: the default narrator.", "en-us+m1", 45, 165, ""},
	{"local-en-us-m3", "Hank", "en-US", "male", "A deeper, slower American man, good for guards and smiths.", "en-us+m3", 35, 155, ""},
	{"local-en-us-m7", "Rory", "en-US", "male", "A brisk, bright young American man: traders, squires, scouts.", "en-us+m7", 55, 180, ""},
	{"local-en-gb-m2", "Edmund", "en-GB", "male", "A measured southern British man, for scholars and stewards.", "en+m2", 45, 160, "en"},
	{"local-en-us-f1", "Maren", "en-US", "female", "A warm, clear American woman.", "en-us+f1", 55, 165, ""},
	{"local-en-us-f3", "Tess", "en-US", "female", "A light, quick American woman, for innkeepers and messengers.", "en-us+f3", 60, 175, "en-us"},
	{"local-en-gb-f2", "Imogen", "en-GB", "female", "A crisp British woman, for nobles and captains.", "en+f2", 55, 160, "en+whisperf"},
	{"local-en-us-f5", "Nell", "en-US", "female", "A soft, lower American woman, for healers and elders.", "en-us+f5", 45, 155, "en-us+whisperf"},
	{"local-en-gb-scotland-m4", "Angus", "en-GB-scotland", "male", "A Scottish man with a rolling accent: dwarves, highlanders, sailors.", "en-gb-scotland+m4", 40, 160, ""},
	{"local-en-gb-rp-f4", "Lady Cecily", "en-GB", "female", "A Received Pronunciation woman, formal and cool: queens and court officials.", "en-gb-x-rp+f4", 55, 150, "en-gb-x-rp+aunty"},
	{"local-en-029-m6", "Desmond", "en-029", "male", "A Caribbean English man with an easy lilt: pirates and harbour folk.", "en-029+m6", 45, 165, ""},
	{"local-en-us-nyc-m8", "Sal", "en-US", "male", "A fast-talking New York man: fences, bookies and street merchants.", "en-us-nyc+m8", 50, 185, ""},
	{"local-en-us-whisper", "Shade", "en-US", "female", "A breathy whisper: spies, ghosts and conspirators.", "en-us+whisperf", 50, 150, ""},
	{"local-en-us-grandpa", "Old Tobias", "en-US", "male", "A creaky old man, slow and low: hermits and village elders.", "en-us+grandpa", 30, 130, ""},
	{"local-en-gb-grandma", "Granny Weave", "en-GB", "female", "A quavering old British woman: grandmothers and hedge witches.", "en+grandma", 60, 135, ""},
	{"local-en-us-robot", "Unit Seven", "en-US", "male", "A flat synthetic monotone: robots, golems and constructs.", "en-us+robosoft", 40, 160, ""},
	{"local-en-us-croak", "Grimgor", "en-US", "male", "A rasping, croaking growl: orcs, trolls and monsters.", "en-us+croak", 20, 145, ""},
}

// voiceByID finds a catalogue voice.
func voiceByID(id string) (voice, bool) {
	for _, v := range catalogue {
		if v.id == id {
			return v, true
		}
	}
	return voice{}, false
}

// domainVoices turns the catalogue into the domain's list, each voice available or not.
func domainVoices(available bool) []domain.Voice {
	out := make([]domain.Voice, 0, len(catalogue))
	for _, v := range catalogue {
		out = append(out, domain.Voice{
			ID: v.id, Name: v.name, Engine: Engine, Language: v.language, Gender: v.gender,
			Description: v.description, Available: available,
		})
	}
	return out
}
