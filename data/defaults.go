package data

import _ "embed" // for the //go:embed directive below

// Defaults is defaults.json: the built-in roles, archetypes, skill tiers and moods a
// character is made from (each {"id","name","description"}; dialogue packs and requests
// refer to them by id) and the pool of given names from many cultures
// ({"name","culture"}) that unnamed characters draw from.
//
// It is the raw file; callers decode it into their own types.
//
//go:embed defaults.json
var Defaults []byte
