package falclient

import (
	"fmt"
	"strings"

	"github.com/troupe-ai/troupe/domain"
)

// kokoroLanguage is one Kokoro endpoint: its path under KokoroEndpointPrefix, the
// language's name and BCP 47 tag, and its voices (fal's Kokoro schema).
type kokoroLanguage struct {
	path, name, tag string
	voices          []string
}

var kokoroLanguages = []kokoroLanguage{
	{"american-english", "American English", "en-US", []string{"af_heart", "af_alloy", "af_aoede", "af_bella",
		"af_jessica", "af_kore", "af_nicole", "af_nova", "af_river", "af_sarah", "af_sky", "am_adam", "am_echo",
		"am_eric", "am_fenrir", "am_liam", "am_michael", "am_onyx", "am_puck", "am_santa"}},
	{"british-english", "British English", "en-GB", []string{"bf_alice", "bf_emma", "bf_isabella", "bf_lily",
		"bm_daniel", "bm_fable", "bm_george", "bm_lewis"}},
	{"spanish", "Spanish", "es", []string{"ef_dora", "em_alex", "em_santa"}},
	{"french", "French", "fr-FR", []string{"ff_siwis"}},
	{"italian", "Italian", "it", []string{"if_sara", "im_nicola"}},
	{"japanese", "Japanese", "ja", []string{"jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo"}},
	{"mandarin-chinese", "Mandarin Chinese", "zh-CN", []string{"zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi",
		"zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang"}},
	{"hindi", "Hindi", "hi", []string{"hf_alpha", "hf_beta", "hm_omega", "hm_psi"}},
	{"brazilian-portuguese", "Brazilian Portuguese", "pt-BR", []string{"pf_dora", "pm_alex", "pm_santa"}},
}

// kokoroVoice is one voice of the catalogue: what to send and what to list.
type kokoroVoice struct {
	endpoint string
	name     string // Kokoro's voice name, e.g. af_heart
	voice    domain.Voice
}

// localVoices maps Troupe's local espeak-ng voice ids to Kokoro voices of the same
// accent and gender, so characters created offline keep a comparable voice when FAL_KEY
// is set. espeak-ng has male variants m1–m7 and female f1–f5; Kokoro has fewer British
// voices than that, so some British variants share one.
var localVoices = func() map[string]string {
	m := map[string]string{}
	variants := []struct {
		prefix string
		kokoro []string
	}{
		{"local-en-us-m", []string{"am_adam", "am_michael", "am_eric", "am_liam", "am_onyx", "am_fenrir", "am_puck"}},
		{"local-en-us-f", []string{"af_heart", "af_bella", "af_nicole", "af_sarah", "af_sky"}},
		{"local-en-gb-m", []string{"bm_george", "bm_lewis", "bm_daniel", "bm_fable", "bm_george", "bm_lewis", "bm_daniel"}},
		{"local-en-gb-f", []string{"bf_emma", "bf_isabella", "bf_alice", "bf_lily", "bf_emma"}},
	}
	for _, v := range variants {
		for i, k := range v.kokoro {
			m[fmt.Sprintf("%s%d", v.prefix, i+1)] = KokoroVoicePrefix + k
		}
	}
	return m
}()

// kokoroCatalogue is every Kokoro voice, in the order of fal's Kokoro schema, and the same
// voices by id.
var kokoroCatalogue, kokoroByID = func() ([]kokoroVoice, map[string]kokoroVoice) {
	var list []kokoroVoice
	byID := map[string]kokoroVoice{}
	for _, l := range kokoroLanguages {
		for _, name := range l.voices {
			gender := "female"
			if name[1] == 'm' {
				gender = "male"
			}
			display := name[strings.IndexByte(name, '_')+1:]
			display = strings.ToUpper(display[:1]) + display[1:]
			v := kokoroVoice{endpoint: KokoroEndpointPrefix + l.path, name: name, voice: domain.Voice{
				ID:          KokoroVoicePrefix + name,
				Name:        display + " (" + l.name + ")",
				Engine:      engineName,
				Language:    l.tag,
				Gender:      gender,
				Description: fmt.Sprintf("Kokoro %s %s voice %q, on fal.ai.", l.name, gender, name),
			}}
			list = append(list, v)
			byID[v.voice.ID] = v
		}
	}
	return list, byID
}()
