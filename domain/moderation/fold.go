package moderation

import (
	"unicode"
	"unicode/utf8"
)

// This file holds the character tables of normalisation. They are small on purpose:
// they cover the disguises people actually use, not the whole of Unicode.

// fold appends the folded form of r to dst: usually one rune, more for
// ligatures and letters such as ß. Folding is idempotent: folding the output again changes
// nothing (FuzzNormalize checks it).
func fold(dst []rune, r rune) []rune {
	if r < utf8.RuneSelf { // ASCII, most text: only case to fold
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, r)
	}
	if s, ok := expansions[r]; ok {
		for _, c := range s {
			dst = foldOne(dst, c)
		}
		return dst
	}
	return foldOne(dst, compat(r))
}

// foldOne folds a rune that is not an expansion: homoglyphs first, since some upper-case
// look-alikes (Greek Η looks like H, its lower case η like n) would be misread after
// lowering, then case, then diacritics.
func foldOne(dst []rune, r rune) []rune {
	if h, ok := homoglyphs[r]; ok {
		return append(dst, h)
	}
	// compat again after lowering: some small capitals are the lower case of a capital
	// (Ʀ → ʀ), and must end where ʀ itself ends.
	r = compat(unicode.ToLower(r))
	if h, ok := homoglyphs[r]; ok {
		return append(dst, h)
	}
	if s, ok := expansions[r]; ok { // lowered into one, such as Æ → æ
		return append(dst, []rune(s)...)
	}
	if b, ok := diacritics[r]; ok {
		return append(dst, b)
	}
	return append(dst, r)
}

// compat maps compatibility forms of ASCII (fullwidth, mathematical, enclosed) onto ASCII,
// the part of NFKC that matters for disguised words.
func compat(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // fullwidth ASCII
		return r - 0xFF01 + '!'
	case r == 0x3000: // ideographic space
		return ' '
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical letters: 13 styles of A–Z a–z
		i := (r - 0x1D400) % 52
		if i < 26 {
			return 'A' + i
		}
		return 'a' + i - 26
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits: 5 styles of 0–9
		return '0' + (r-0x1D7CE)%10
	case r >= 0x24B6 && r <= 0x24CF: // circled capitals
		return 'A' + r - 0x24B6
	case r >= 0x24D0 && r <= 0x24E9: // circled small letters
		return 'a' + r - 0x24D0
	case r >= 0x249C && r <= 0x24B5: // parenthesized small letters
		return 'a' + r - 0x249C
	case r >= 0x1F130 && r <= 0x1F149: // squared capitals
		return 'A' + r - 0x1F130
	case r >= 0x1F150 && r <= 0x1F169: // negative circled capitals
		return 'A' + r - 0x1F150
	case r >= 0x1F170 && r <= 0x1F189: // negative squared capitals
		return 'A' + r - 0x1F170
	case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators, which render as letters
		return 'A' + r - 0x1F1E6
	}
	if a, ok := smallCaps[r]; ok {
		return a
	}
	return r
}

// expansions are the characters that fold into several letters.
var expansions = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th",
	'ĳ': "ij", 'Ĳ': "ij", 'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl",
	'ﬅ': "st", 'ﬆ': "st",
}

// smallCaps are the small capitals of the phonetic blocks, a common disguise (ꜰᴜᴄᴋ).
var smallCaps = runeTable("ᴀaʙbᴄcᴅdᴇeꜰfɢgʜhɪiᴊjᴋkʟlᴍmɴnᴏoᴘpꞯqʀrꜱsᴛtᴜuᴠvᴡwʏyᴢz")

// homoglyphs are Cyrillic, Greek and other letters that look like Latin ones, in both
// cases where the cases look different.
var homoglyphs = runeTable(
	// Cyrillic lower case.
	"аaвbеeёeѕsіiїiјjкkмmнhоoпnрpсcтtуyхxүyһhԁdԛqԝwӏlьbɡg" +
		// Cyrillic upper case.
		"АaВbЕeЁeЅsІiЇiЈjКkМmНhОoРpСcТtУyХxҮyҺhԚqԜwӀl" +
		// Greek lower case, with the accented vowels.
		"αaβbγyεeηnιiκkνvοoρpτtυuχxωwμuάaέeήnίiόoύuώwϊiϋu" +
		// Greek upper case.
		"ΑaΒbΕeΖzΗhΙiΚkΜmΝnΟoΡpΤtΥyΧx" +
		// Latin oddities.
		"ıiℓlſs")

// diacritics strips the accents of the lower-case Latin letters that have them.
var diacritics = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăąǎạảấầẩẫậắằẳẵặ",
		'c': "çćĉċč",
		'd': "ďđð",
		'e': "èéêëēĕėęěẹẻẽếềểễệ",
		'g': "ĝğġģ",
		'h': "ĥħ",
		'i': "ìíîïĩīĭįǐỉị",
		'j': "ĵ",
		'k': "ķ",
		'l': "ĺļľŀł",
		'n': "ñńņňŉ",
		'o': "òóôõöøōŏőǒǫơọỏốồổỗộớờởỡợ",
		'r': "ŕŗř",
		's': "śŝşšș",
		't': "ţťŧț",
		'u': "ùúûüũūŭůűųǔưụủứừửữự",
		'w': "ŵ",
		'y': "ýÿŷỳỵỷỹ",
		'z': "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// leetTable holds the letters an ASCII digit or symbol may stand for, most likely first.
var leetTable = [utf8.RuneSelf][]rune{
	'0': {'o'}, '1': {'i', 'l'}, '2': {'z'}, '3': {'e'}, '4': {'a'}, '5': {'s'},
	'6': {'g', 'b'}, '7': {'t'}, '8': {'b'}, '9': {'g'},
	'@': {'a'}, '$': {'s'}, '!': {'i', 'l'}, '|': {'l', 'i'}, '+': {'t'},
}

// leet returns the letters r may stand for in leetspeak, most likely first, or nil. It
// is a function over an array rather than a map because the matcher asks it for every
// unit it looks at.
func leet(r rune) []rune {
	switch {
	case r < utf8.RuneSelf:
		return leetTable[r]
	case r == '€':
		return leetEuro
	case r == '¢':
		return leetCent
	}
	return nil
}

var leetEuro, leetCent = []rune{'e'}, []rune{'c'}

// apostrophes separate words like white space does ("he'll" is two words to the
// matcher), not like other punctuation.
var apostrophes = map[rune]bool{'\'': true, '’': true, '‘': true, 'ʼ': true, '`': true, '´': true, '′': true}

// runeTable builds a map from a string of (from, to) rune pairs.
func runeTable(pairs string) map[rune]rune {
	rs := []rune(pairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}
