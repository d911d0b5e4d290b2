package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/troupe-ai/troupe"
	"github.com/troupe-ai/troupe/domain"
)

// Every code the domain can return has exactly one status, and the spec's ErrorCode
// description documents that status: one table, one contract.
func TestEveryCodeHasOneDocumentedStatus(t *testing.T) {
	t.Parallel()
	sw, err := troupe.Spec()
	if err != nil {
		t.Fatal(err)
	}
	doc := sw.Components.Schemas["ErrorCode"].Value.Description
	for _, c := range domain.Codes {
		status, ok := statusOf[c]
		if !ok {
			t.Errorf("%s has no HTTP status", c)
			continue
		}
		if !documentsStatus(doc, string(c), status) {
			t.Errorf("ErrorCode's description does not put %s under %d", c, status)
		}
	}
	if len(statusOf) != len(domain.Codes) {
		t.Errorf("the status table has %d codes, domain.Codes %d", len(statusOf), len(domain.Codes))
	}
}

// documentsStatus reports whether, in the description, the first status number written
// after the code is status (the description lists codes in groups, each group followed by
// its status).
func documentsStatus(doc, code string, status int) bool {
	i := strings.Index(doc, "`"+code+"`")
	if i < 0 {
		return false
	}
	rest := doc[i:]
	for j := 0; j+3 <= len(rest); j++ {
		if n, err := strconv.Atoi(rest[j : j+3]); err == nil && n >= 100 && n < 600 && (j+3 == len(rest) || rest[j+3] < '0' || rest[j+3] > '9') && (j == 0 || rest[j-1] < '0' || rest[j-1] > '9') {
			return n == status
		}
	}
	return false
}
