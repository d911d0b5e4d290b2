package domain

import (
	"strings"
	"unicode"
)

// The genders CharacterGender infers and DefaultVoice picks voices by; "" is unknown.
const (
	GenderMale   = "male"
	GenderFemale = "female"
)

// CharacterGender guesses a character's gender from its name and the texts that
// describe it (personality, description, nickname, tags), for picking a voice that fits.
// It returns GenderMale, GenderFemale or "" when it cannot tell.
//
// The evidence, strongest first:
//  1. Explicit words in the name and the texts, as whole words: the pronouns
//     he/him/his/himself and she/her/hers/herself, and gendered nouns and titles (king,
//     queen, sir, lady, woman, daughter, nun, duchess, fisherman, midwife…). A noun that
//     names someone else is not counted: one after a possessive or "of" ("her father",
//     "daughter of a king") or one that owns something ("the queen's guard"). The gender
//     with more such words wins.
//  2. When they tie or there are none, the first name (after titles such as "Captain"),
//     looked up in a table of common given names (English, fantasy and the name pool's).
//  3. Then words that lean male but are often used of anyone (priest, wizard, actor,
//     hero, -man compounds), the gender with more of them.
//
// Anything else, an unknown name with no such words or a tie at the last step, is "".
func CharacterGender(name string, texts ...string) string {
	var strong, weak [2]int
	countGenderWords(genderTokens(name), &strong, &weak)
	for _, t := range texts {
		countGenderWords(genderTokens(t), &strong, &weak)
	}
	if g := leading(strong); g != "" {
		return g
	}
	if g := givenNameGender(name); g != "" {
		return g
	}
	return leading(weak)
}

// characterGender is CharacterGender of what a character says of itself.
func characterGender(c *Character) string {
	return CharacterGender(c.Name, c.Profile.Nickname, c.Personality, c.Profile.Description, strings.Join(c.Profile.Tags, ", "))
}

// genderClue is what one word says: its gender (male unless female), and whether it is
// a strong clue or only leans (see CharacterGender).
type genderClue struct {
	female bool
	strong bool
	// pronoun clues count wherever they stand; nouns are skipped where they name
	// someone else.
	pronoun bool
}

// countGenderWords adds the clues of the words to the strong and weak counts.
func countGenderWords(words []string, strong, weak *[2]int) {
	for i, w := range words {
		clue, ok := wordClue(w)
		if !ok {
			continue
		}
		if !clue.pronoun && namesSomeoneElse(words, i) {
			continue
		}
		idx := 0
		if clue.female {
			idx = 1
		}
		if clue.strong {
			strong[idx]++
		} else {
			weak[idx]++
		}
	}
}

// namesSomeoneElse reports whether the noun at i is likely not the character: it follows
// a possessive ("his mother") or "of" ("son of a king"), or owns what follows ("the
// king's guard", split by the apostrophe into "king" "s").
func namesSomeoneElse(words []string, i int) bool {
	if i+1 < len(words) && words[i+1] == "s" {
		return true
	}
	if i == 0 {
		return false
	}
	prev := words[i-1]
	if (prev == "a" || prev == "an" || prev == "the") && i >= 2 {
		return words[i-2] == "of"
	}
	switch prev {
	case "his", "her", "their", "my", "your", "our", "its", "whose", "of":
		return true
	}
	return false
}

// wordClue returns the clue of one lower-case word: from the word lists, then from how
// compounds end (-woman, -wife, -maid, -girl, -boy, -man).
func wordClue(w string) (genderClue, bool) {
	if c, ok := genderWords[w]; ok {
		return c, true
	}
	switch {
	case strings.HasSuffix(w, "woman"), strings.HasSuffix(w, "wife"),
		strings.HasSuffix(w, "maid"), strings.HasSuffix(w, "maiden"), strings.HasSuffix(w, "girl"):
		return genderClue{female: true, strong: true}, true
	case strings.HasSuffix(w, "boy") && len(w) > 3:
		return genderClue{strong: true}, true
	case strings.HasSuffix(w, "man") && len(w) > 4 && !notMan[w]:
		return genderClue{}, true
	}
	return genderClue{}, false
}

// notMan are words ending in "man" that are not a man.
var notMan = map[string]bool{
	"human": true, "inhuman": true, "superhuman": true, "shaman": true, "talisman": true,
	"german": true, "roman": true, "caiman": true, "cayman": true, "ottoman": true,
	"everyman": true, "leman": true, "brahman": true, "doberman": true,
}

// genderWords are the explicit words, lower case with accents folded. Plurals are left
// out ("men" and "women" are others), and so are words that are also common verbs or
// adjectives ("count", "miss", "prior", "don", "master", "fellow").
var genderWords = func() map[string]genderClue {
	m := map[string]genderClue{}
	add := func(c genderClue, list string) {
		for _, w := range strings.Fields(list) {
			m[w] = c
		}
	}
	add(genderClue{strong: true, pronoun: true}, "he him his himself")
	add(genderClue{female: true, strong: true, pronoun: true}, "she her hers herself")
	add(genderClue{strong: true}, `
		male man boy lad laddie gentleman mr mister sir sire lord king emperor tsar czar
		sultan prince duke archduke baron baronet earl viscount marquis marquess
		father dad daddy papa brother son husband uncle nephew grandfather grandpa gramps
		grandson godfather stepfather stepson patriarch widower bridegroom boyfriend
		fiance monk friar abbot warlock merman nobleman horseman swordsman
		senor signor signore monsieur herr`)
	add(genderClue{female: true, strong: true}, `
		female woman girl lass lassie gal wench damsel maiden lady dame madam madame
		mrs ms mistress headmistress queen empress tsarina czarina sultana princess
		duchess archduchess baroness countess viscountess marchioness marquise
		mother mom mum mama mommy sister daughter wife aunt auntie niece grandmother
		grandma granny gran nana granddaughter godmother stepmother stepdaughter matriarch
		widow bride girlfriend fiancee matron crone hag nun abbess prioress priestess
		witch sorceress enchantress heroine goddess actress waitress hostess heiress
		huntress seamstress songstress stewardess shepherdess governess patroness
		poetess prophetess seeress giantess temptress murderess adventuress laundress
		deaconess lioness tigress peeress mayoress spinster dowager mermaid
		senora senorita signora signorina mademoiselle frau fraulein tomboy`)
	add(genderClue{}, "priest wizard sorcerer enchanter actor waiter hero bachelor groom")
	return m
}()

// leading returns the gender with the higher count, "" on a tie.
func leading(n [2]int) string {
	switch {
	case n[0] > n[1]:
		return GenderMale
	case n[1] > n[0]:
		return GenderFemale
	}
	return ""
}

// genderTokens splits text into lower-case words of letters, accents folded, so that
// "Shepherd" is one word and never "she", and "king's" is "king" "s".
func genderTokens(text string) []string {
	return strings.FieldsFunc(foldAccents(strings.ToLower(text)), func(r rune) bool { return !unicode.IsLetter(r) })
}

// accentFolder drops the accents of the letters names and titles use (Inés, Väinö,
// señora, fiancée), so either spelling matches.
var accentFolder = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ã", "a", "ä", "a", "å", "a", "ā", "a", "ă", "a", "ạ", "a", "ả", "a",
	"ç", "c", "ć", "c", "č", "c", "đ", "d",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ē", "e", "ě", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "ī", "i", "ı", "i",
	"ñ", "n", "ń", "n",
	"ò", "o", "ó", "o", "ô", "o", "õ", "o", "ö", "o", "ø", "o", "ō", "o", "ơ", "o",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ū", "u", "ư", "u",
	"ý", "y", "ÿ", "y", "ğ", "g", "ş", "s", "š", "s", "ž", "z", "ł", "l",
)

func foldAccents(s string) string { return accentFolder.Replace(s) }

// nameTitles are words before a given name that are not one ("Captain Aldric", "Old
// Tobias"); gendered titles among them are counted as words already.
var nameTitles = map[string]bool{
	"captain": true, "capt": true, "old": true, "young": true, "little": true, "big": true,
	"the": true, "master": true, "mistress": true, "sir": true, "ser": true, "dame": true,
	"lady": true, "lord": true, "king": true, "queen": true, "prince": true, "princess": true,
	"brother": true, "sister": true, "father": true, "mother": true, "mr": true, "mrs": true,
	"ms": true, "miss": true, "dr": true, "doctor": true, "saint": true, "st": true,
	"sergeant": true, "commander": true, "general": true, "professor": true, "elder": true,
	"granny": true, "grandpa": true, "uncle": true, "aunt": true, "auntie": true,
	"madam": true, "madame": true, "mister": true, "lieutenant": true, "chief": true,
	"high": true, "grand": true, "good": true, "goodman": true, "goodwife": true,
	"friar": true, "abbot": true, "abbess": true, "baron": true, "baroness": true,
	"duke": true, "duchess": true, "count": true, "countess": true, "mage": true,
}

// givenNameGender looks the first name up in givenNames, skipping titles.
func givenNameGender(name string) string {
	for _, w := range genderTokens(name) {
		if !nameTitles[w] {
			return givenNames[w]
		}
	}
	return ""
}

// maleNames and femaleNames are common given names, lower case: English ones, those
// fantasy and medieval games use, and the unambiguous ones of data/defaults.json's pool
// (names given to either sex, such as Ren, Yuki or Kai, are in neither).
const (
	maleNames = `
		aaron adam adrian alan albert alexander alfred andrew anthony arthur barnaby
		bartholomew ben benjamin bernard bill bob brian bruce carl charles charlie christopher
		colin conrad daniel david dennis derek dominic donald douglas duncan edgar edmund
		edward edwin eric ernest eugene felix francis frank frederick gabriel geoffrey george
		gerald gilbert gordon graham gregory harold harry henry herbert howard hugh hugo ian
		isaac jack jacob james jasper jeffrey jeremy jerome john jonathan joseph joshua julian
		justin keith kenneth kevin lawrence leo leonard lewis liam louis luke malcolm mark
		martin matthew michael miles nathan nathaniel neil nicholas nigel noah norman oliver
		oscar oswald owen patrick paul peter philip ralph raymond reginald richard robert
		roger ronald rupert samuel sebastian simon stanley stephen steven stuart thomas
		timothy tobias toby tristan victor vincent walter wallace william winston
		aelric aldo alden aldous aldric alaric alistair ambrose angus anselm ardan aric arlen
		aurelius baldric baldwin balthazar bastian bertram borin bram brandt brennan brom
		cadmus cadoc caelan caspian cassius cedric corin corwin cuthbert dain dorian dorn
		draven drogo edric eldric elias elric elrond emeric emrys eamon faramir fenris fenwick
		finnian florian galahad gareth garret garrick gavin gawain geralt gideon godfrey
		godric gorm grimwald gunther hadrian hal halbrand halvard hamish hector horace hrothgar
		ingram isidore ivar jareth jorah jory kael kaelen kendrick lancelot leofric lorcan
		lucan lucius lysander magnus malachi marius mathias merek merlin mordred nestor
		nikolai oberon odo orin orrin osgood osric oswin percival percy perrin phineas pip
		quentin radagast randolph reynard rhys roderick roland rolf rurik sigurd silas soren
		stefan stellan sten talbot tancred thaddeus theobald theron thorin thorne torin
		tormund tybalt ulric uther valen varian viggo wendel wolfram wulfric wystan xander
		yorick
		bjorn gunnar leif ragnar ulf torvald bran cormac fionn oisin tadhg bogdan dragomir
		radoslav zoran yaroslav faris hakim nasir rashid tariq zayd arash dariush farhad
		kaveh bahram aydın emre ozan tolga berk hiroshi kenji noboru takeshi minho seojun
		sungmin adebayo femi olumide babatunde jabari juma baraka abebe dawit haile berhane
		aarav arjun ishaan rohan vikram ilango kumaran kathir alejandro diego javier mateo
		rodrigo afonso duarte gonçalo rui tiago vasco alessandro dario lorenzo raffaele
		tommaso alexios dimitris nikos stavros evangelos eero ilmari lauri mikko onni väinö
		hemi nikau rangi tāne wiremu amaru inti cuauhtli itzcoatl tenoch avi eitan oren
		giorgi levan davit irakli shota đức thành batu temur ganbaatar obinna emeka nnamdi
		sipho lwazi mandla aram tigran hovhannes vardan makoa keoni`
	femaleNames = `
		abigail ada adelaide agatha agnes alice alison amanda amelia amy anna anne annabel
		audrey barbara beatrice bella bridget caroline catherine cecily charlotte chloe
		claire clara constance cordelia daisy deborah diana dorothy edith eleanor elizabeth
		ella ellen eloise emily emma esther evelyn fiona florence frances grace gwendolyn
		hannah harriet hazel helen imogen irene isabel isabella jane janet jennifer jessica
		joan josephine judith julia juliet karen katherine kate laura lillian lily louise
		lucy mabel margaret maria marian martha mary matilda maud megan mildred molly nancy
		natalie nora olivia pamela patricia penelope philippa poppy rachel rebecca rose
		rosalind ruth sarah sophia sophie susan sylvia tabitha theresa victoria violet vivian
		wendy winifred
		elara lyra seraphina morgana adela alwen alys aria arwen astra aurelia branwen brenna
		briar bronwen brynn caelia calla catelyn celestine cerys corra danae eira elaine
		elowen elspeth elysia enid eowyn evangeline faye freya galadriel guinevere gwyneth
		ilsa isolde ivy jessamine kaia katla keira lenora lirael liriel lorelei lunara lyanna
		maelis maeve marisol melisandre merida minerva mirabel moira morwen nerys nimue
		odette ophelia rhea rowena sabine saoirse selene seren sigrun sylvana talia tamsin
		tessa thessaly titania una vanya verena vespera wren ygritte yseult ysolde zara zelda
		astrid freydis ingrid sigrid solveig hallveig aoife deirdre eilidh niamh rhiannon
		siobhan gwen milena svetlana vesna ludmila dobrava amira layla samira yasmin golnar
		mitra roya shirin soraya nilüfer selin yıldız haruka kaede michiko sakura xiu lian
		mei eunji jisoo minseo yejin folake yetunde imani neema zuri rehema almaz genet meron
		selam tsehay mekdes ananya devika kavya priya meera kayal malar nila selvi valli
		beatriz carmen inés lucía pilar bruna conceição joana leonor bianca caterina fiorella
		giulia serafina eleni kalliope theodora ariadne thalia aino kaija saara tuuli aroha
		mere killa sumaq urpi citlali xochitl yaretzi metztli izel miriam shira yael tamar
		liora ketevan eka mariam tinatin hoa hương linh khulan bolormaa oyun ngozi adaeze
		chinwe ifeoma thandiwe nomvula zanele nandi anahit nare lusine siranush leilani
		noelani malia`
)

// givenNames maps each name of maleNames and femaleNames, accents folded, to its gender.
var givenNames = func() map[string]string {
	m := map[string]string{}
	for _, list := range []struct{ names, gender string }{{maleNames, GenderMale}, {femaleNames, GenderFemale}} {
		for _, n := range strings.Fields(list.names) {
			m[foldAccents(n)] = list.gender
		}
	}
	return m
}()
