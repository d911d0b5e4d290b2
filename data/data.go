// Package data holds the static data files Troupe ships inside its binary, embedded at
// build time so a deployment never depends on files beside the executable.
//
// Each file system below keeps the layout of this folder, so a file is opened by its path
// relative to data/, such as "worlds/fantasy.json".
package data

import "embed"

// Worlds holds the world generator's tables: worlds/<genre>.json for every genre (names,
// biomes, settlements, factions, landmarks, history, tensions and scene cards), and
// worlds/common.json with the genre-independent tables keyed by tone.
//
//go:embed worlds/*.json
var Worlds embed.FS
