package server

import (
	"errors"
	"strings"
)

// CheckJSON runs the strict JSON check on data with no schema, for the fuzz tests of
// package server_test: the kind of a 400 ("syntax", "duplicate", "depth", "encoding"; ""
// when none) and, for a 422, the messages of its fields.
func CheckJSON(data []byte) (kind string, problems []string) {
	var be *bodyError
	if !errors.As(checkJSON("application/json", data, nil), &be) {
		return "", nil
	}
	for _, f := range be.fields {
		problems = append(problems, f.Field+": "+f.Message)
	}
	return be.kind, problems
}

// HasNUL reports whether a problem CheckJSON returned is about a NUL character.
func HasNUL(problems []string) bool { return anyContains(problems, "NUL") }

// HasLoneSurrogate reports whether a problem CheckJSON returned is about an unpaired
// surrogate.
func HasLoneSurrogate(problems []string) bool { return anyContains(problems, "surrogate") }

func anyContains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}
