package speech

import "strings"

// The visemes are the 15 mouth shapes of the Oculus (Meta) lip-sync set, which most game
// engines' lip-sync rigs (and the Preston Blair mouth charts, merged a little) can drive:
//
//	sil  rest, mouth closed        PP  p b m           FF  f v
//	TH   th (tongue between teeth) DD  t d             kk  k g ng
//	CH   ch j sh zh                SS  s z             nn  n l
//	RR   r                         aa  "car", "cup"    E   "bed", "bird", schwa
//	ih   "tip", "see", y           oh  "top", "go"     ou  "book", "blue", w
const (
	VisemeSil = "sil"
	VisemePP  = "PP"
	VisemeFF  = "FF"
	VisemeTH  = "TH"
	VisemeDD  = "DD"
	VisemeKK  = "kk"
	VisemeCH  = "CH"
	VisemeSS  = "SS"
	VisemeNN  = "nn"
	VisemeRR  = "RR"
	VisemeAA  = "aa"
	VisemeE   = "E"
	VisemeIH  = "ih"
	VisemeOH  = "oh"
	VisemeOU  = "ou"
)

// visemes maps espeak-ng's English phoneme mnemonics (every one its English voices print
// for a pangram-heavy test text, see TestVisemeTableCoversEnglish) to visemes.
var visemes = map[string]string{
	"p": VisemePP, "b": VisemePP, "m": VisemePP, "m-": VisemePP,
	"f": VisemeFF, "v": VisemeFF,
	"T": VisemeTH, "D": VisemeTH,
	"t": VisemeDD, "d": VisemeDD, "t#": VisemeDD, "t2": VisemeDD, "t[": VisemeDD, "d#": VisemeDD, "?": VisemeDD,
	"k": VisemeKK, "g": VisemeKK, "N": VisemeKK, "x": VisemeKK,
	"tS": VisemeCH, "dZ": VisemeCH, "S": VisemeCH, "Z": VisemeCH,
	"s": VisemeSS, "z": VisemeSS,
	"n": VisemeNN, "l": VisemeNN, "n-": VisemeNN, "@L": VisemeNN,
	"r": VisemeRR, "r-": VisemeRR,
	"w": VisemeOU, "w#": VisemeOU,
	"j": VisemeIH,
	"a": VisemeAA, "a#": VisemeAA, "aa": VisemeAA, "A:": VisemeAA, "A@": VisemeAA, "A": VisemeAA,
	"aI": VisemeAA, "aI2": VisemeAA, "aI3": VisemeAA, "aI@": VisemeAA, "aU": VisemeAA, "V": VisemeAA, "VR": VisemeAA,
	"E": VisemeE, "E2": VisemeE, "e": VisemeE, "e@": VisemeE, "eI": VisemeE,
	"@": VisemeE, "@2": VisemeE, "@5": VisemeE, "3": VisemeE, "3:": VisemeE,
	"I": VisemeIH, "I2": VisemeIH, "I#": VisemeIH, "IR": VisemeIH, "i": VisemeIH, "i:": VisemeIH, "i@": VisemeIH, "i@3": VisemeIH,
	"0": VisemeOH, "o": VisemeOH, "O": VisemeOH, "O:": VisemeOH, "O2": VisemeOH, "O@": VisemeOH, "o@": VisemeOH, "oU": VisemeOH, "OI": VisemeOH,
	"U": VisemeOU, "u": VisemeOU, "u:": VisemeOU, "U@": VisemeOU,
}

// visemeOf maps a phoneme to its viseme. "h" has no mouth shape of its own (it is breath
// through the following vowel's shape) and is given VisemeSil here; assignVisemes then
// gives it the next phoneme's. An unlisted phoneme falls back by class.
func visemeOf(name string) string {
	if v, ok := visemes[name]; ok {
		return v
	}
	if name == "h" {
		return VisemeSil
	}
	if v, ok := visemes[baseName(name)]; ok {
		return v
	}
	if isVowel(name) {
		return VisemeE
	}
	if strings.HasPrefix(name, "_") {
		return VisemeSil
	}
	return VisemeDD
}
