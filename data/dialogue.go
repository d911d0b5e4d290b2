package data

import "embed"

// Dialogue holds the local text engine's packs: dialogue/*.json, each with response rules
// (Valve-style criteria pointing at a response group), Tracery-style grammar symbols and,
// in one of them, the reaction tables. Package local/dialogue merges and validates them
// when it starts.
//
//go:embed dialogue/*.json
var Dialogue embed.FS
