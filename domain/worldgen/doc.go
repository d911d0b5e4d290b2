// Package worldgen builds a world's content (regions, settlements, factions, landmarks,
// history, tensions, scene cards and a prose brief) from a seed and domain.WorldParams.
//
// # Determinism
//
// Generate is a pure function: the same seed and parameters give the same
// domain.WorldContent, byte for byte once encoded, on every machine and Go release. To
// keep that promise the package
//
//   - draws every random number from its own splitmix64 generator (rand.go) rather than
//     math/rand or math/rand/v2, whose derived functions (Intn, Shuffle, …) are not
//     promised to stay the same across releases;
//   - mixes the seed with a hand-written FNV-1a hash of genre, tone, size and name, so a
//     change to any of them gives a different world;
//   - derives an independent stream for each section and each item (region 3, faction 1,
//     scene 5, …) from that mixed seed and a fixed label, so changing how one section draws
//     leaves the others untouched;
//   - never lets map iteration order, floating point or the locale reach the output: tables
//     are read into slices, and maps are only used for lookups.
//
// The embedded tables in package data are part of the output too: editing them changes
// worlds. The golden files under testdata pin a few worlds so such changes are deliberate.
package worldgen
