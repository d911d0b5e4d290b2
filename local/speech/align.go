package speech

// maxAlignCells bounds the edit-distance table (one byte a cell): 1000 characters of text
// are about 800 phonemes, 0.64 M cells.
const maxAlignCells = 8 << 20

// Edit costs for aligning the phonemes of lone words to the spoken ones. A substitution
// within a class (vowel for vowel: "the" is D'@ alone and D@2 in a sentence, "a" 'eI and
// @) is cheaper than one across classes, which is cheaper than an insertion plus a
// deletion.
const (
	costSameClass  = 2
	costOtherClass = 3
	costIndel      = 2
)

// Backtrack moves.
const (
	moveDiag byte = iota
	moveUp        // a lone phoneme with no spoken counterpart
	moveLeft      // a spoken phoneme with no lone counterpart
)

// alignWords says which text word owns each spoken phoneme, by aligning the text words'
// lone phonemes (lone[i] for text[i]) to the spoken ones. It fails (false) when lone
// phonemes are unavailable or the table would be too big.
func alignWords(text []string, lone [][]phWord, phs []timedPhoneme) ([]int, bool) {
	if len(lone) != len(text) || len(phs) == 0 {
		return nil, false
	}
	var a []string
	var aWord []int
	for i, ws := range lone {
		for _, w := range ws {
			for _, p := range w {
				a = append(a, baseName(p.name))
				aWord = append(aWord, i)
			}
		}
	}
	b := make([]string, len(phs))
	for j, p := range phs {
		b[j] = baseName(p.name)
	}
	n, m := len(a), len(b)
	if n == 0 || (n+1)*(m+1) > maxAlignCells {
		return nil, false
	}
	moves := make([]byte, (n+1)*(m+1))
	prev, cur := make([]int, m+1), make([]int, m+1)
	for j := 1; j <= m; j++ {
		prev[j] = j * costIndel
		moves[j] = moveLeft
	}
	for i := 1; i <= n; i++ {
		cur[0] = i * costIndel
		moves[i*(m+1)] = moveUp
		for j := 1; j <= m; j++ {
			// Ties go diagonal, then up, then left, so the result is the same every run.
			best, mv := prev[j-1]+subCost(a[i-1], b[j-1]), moveDiag
			if c := prev[j] + costIndel; c < best {
				best, mv = c, moveUp
			}
			if c := cur[j-1] + costIndel; c < best {
				best, mv = c, moveLeft
			}
			cur[j] = best
			moves[i*(m+1)+j] = mv
		}
		prev, cur = cur, prev
	}
	owner := make([]int, m)
	for j := range owner {
		owner[j] = -1
	}
	for i, j := n, m; i > 0 || j > 0; {
		switch moves[i*(m+1)+j] {
		case moveDiag:
			owner[j-1] = aWord[i-1]
			i, j = i-1, j-1
		case moveUp:
			i--
		default:
			j--
		}
	}
	// Spoken phonemes with no counterpart go with the word before (or, at the start, the
	// first word owning anything).
	first := -1
	for _, o := range owner {
		if o >= 0 {
			first = o
			break
		}
	}
	if first < 0 {
		return nil, false
	}
	last := first
	for j, o := range owner {
		if o < 0 {
			owner[j] = last
		} else {
			last = o
		}
	}
	return owner, true
}

// subCost is the cost of aligning lone phoneme x with spoken phoneme y.
func subCost(x, y string) int {
	switch {
	case x == y:
		return 0
	case isVowel(x) == isVowel(y):
		return costSameClass
	default:
		return costOtherClass
	}
}

// proportionalOwners shares the spoken phonemes among the text words by letter count,
// keeping their order: the fallback when alignment is impossible.
func proportionalOwners(text []string, phs []timedPhoneme) []int {
	var total float64
	cum := make([]float64, len(text))
	for i, w := range text {
		total += float64(len([]rune(w)))
		cum[i] = total
	}
	owner := make([]int, len(phs))
	var wtotal float64
	for _, p := range phs {
		wtotal += weight(p.phoneme)
	}
	var acc float64
	word := 0
	for j, p := range phs {
		mid := (acc + weight(p.phoneme)/2) / max(wtotal, 1e-9) * total
		for word < len(text)-1 && mid > cum[word] {
			word++
		}
		owner[j] = word
		acc += weight(p.phoneme)
	}
	return owner
}
