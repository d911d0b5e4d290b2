// Package moderation is Troupe's deterministic word filter: it finds a tenant's taboo
// words and a small built-in list of clearly unsafe terms in a line of dialogue, even when
// the line disguises them, and redacts what it found.
//
// Check normalises the text before matching, keeping a map from every normalised
// position back to the original rune offsets, so Matches point into the text as given:
//
//   - case folding, and NFKC-like folding done by hand: fullwidth forms, mathematical
//     alphanumerics, circled and squared letters, small capitals and ligatures;
//   - Latin diacritics stripped (é → e, ß → ss) and combining marks, zero-width and other
//     invisible format characters ignored;
//   - Cyrillic and Greek homoglyphs read as the Latin letters they imitate (а → a, ο → o);
//   - leetspeak: digits and symbols read as letters (0 → o, 4 → a, @ → a, $ → s …); the
//     ambiguous ones are tried every way (1 and ! as i or l; a symbol as a letter or as
//     punctuation);
//   - repeated letters: a run of three or more of the same letter matches that letter
//     once or twice ("draaagon" matches "dragon"), while single and double letters stay
//     distinct, so "good" does not match "god" and "as" does not match "ass"; runs are
//     counted after leet folding, so "a4", "4a" and "44" are each a double a;
//   - both at once: in a match that reads any digit or symbol as a letter, a doubled
//     letter also matches a single one, wherever it stands ("b4starrd", "basst4rd",
//     "ba4stard" match "bastard"): a word written in leetspeak is disguised, not spelt.
//     The price is that a leet spelling of a word with a double matches the word without
//     it ("g00d" matches "god"), as "good" itself does not;
//   - separators inside a word are skipped: punctuation always ("d.r.a.g.o.n",
//     "dra-gon"), white space and apostrophes only between single letters
//     ("d r a g o n", but "drag on" is two words, and "he'll" is not "hell").
//
// Matching is per word or phrase: a match must start and end at word boundaries, so
// "class" does not match "ass". White space, apostrophes and punctuation are all
// boundaries, so "dragon's" and "dragon-slayer" match "dragon" (and, the price of that,
// "hell-o" matches "hell"); plurals and other inflections do not match, so list them. A multi-word term matches with any separators, or none,
// between its words ("kill yourself", "kill-yourself", "killyourself").
//
// The filter is a cheap first line, not a judge: it has no context (a villain's threat and
// a real one look alike), and the model-based moderator (prompts.Moderator) covers what a
// word list cannot.
package moderation
