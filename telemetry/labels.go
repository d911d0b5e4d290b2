package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/troupe-ai/troupe/domain"
)

// Label values for what falls outside a bounded set.
const (
	// RouteUnmatched is the route label of a request no route matched, whatever its path.
	RouteUnmatched = "unmatched"
	// OutcomeOK is the outcome of a call that succeeded.
	OutcomeOK = "ok"
	// OutcomeCanceled is the outcome of a call its caller gave up on.
	OutcomeCanceled = "canceled"
	// labelOther stands for any value outside the set a label allows.
	labelOther = "other"
	// methodOther is OpenTelemetry's name for a method that is not a standard one.
	methodOther = "_OTHER"
)

// knownMethods are the methods kept as they are; any other collapses to methodOther, so a
// client inventing methods cannot add series.
var knownMethods = map[string]string{
	http.MethodGet: http.MethodGet, http.MethodHead: http.MethodHead, http.MethodPost: http.MethodPost,
	http.MethodPut: http.MethodPut, http.MethodPatch: http.MethodPatch, http.MethodDelete: http.MethodDelete,
	http.MethodOptions: http.MethodOptions, http.MethodConnect: http.MethodConnect, http.MethodTrace: http.MethodTrace,
}

func methodLabel(m string) string {
	if known, ok := knownMethods[m]; ok {
		return known
	}
	return methodOther
}

// statusLabels holds the decimal form of every status, so labelling a request allocates
// nothing.
var statusLabels = func() (s [600]string) {
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

func statusLabel(status int) string {
	if status < 100 || status >= len(statusLabels) {
		return labelOther
	}
	return statusLabels[status]
}

// codeLabels maps every domain code to its label: the code in lower case.
var codeLabels = func() map[domain.Code]string {
	m := make(map[domain.Code]string, len(domain.Codes))
	for _, c := range domain.Codes {
		m[c] = strings.ToLower(string(c))
	}
	return m
}()

// outcomeOf is the outcome label of a call: OutcomeOK, OutcomeCanceled when the caller's
// context was canceled or the error says so, else the error's domain code in lower case.
// A code outside domain.Codes (which no engine should return) is "other".
func outcomeOf(ctx context.Context, err error) string {
	if err == nil {
		return OutcomeOK
	}
	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return OutcomeCanceled
	}
	if l, ok := codeLabels[domain.ErrorCode(err)]; ok {
		return l
	}
	return labelOther
}

// errorType names an error for a span's error.type attribute without its message: the
// domain code, or the status of an Echo error, or the status sent.
func errorType(err error, status int) string {
	var de *domain.Error
	if errors.As(err, &de) {
		if l, ok := codeLabels[de.Code]; ok {
			return l
		}
		return labelOther
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return statusLabel(he.Code)
	}
	return statusLabel(status)
}

// jobTypes and jobOutcomes bound the job histograms' labels.
var (
	jobTypes = map[string]bool{
		string(domain.JobAvatar): true, string(domain.JobBackground): true, string(domain.JobTTS): true,
		string(domain.JobVariation): true, string(domain.JobSprites): true,
	}
	jobStates = map[string]bool{
		string(domain.JobPending): true, string(domain.JobProcessing): true, string(domain.JobCompleted): true,
		string(domain.JobFailed): true, string(domain.JobCanceled): true,
	}
	jobOutcomes = func() map[string]bool {
		m := map[string]bool{
			string(domain.JobCompleted): true, string(domain.JobFailed): true, string(domain.JobCanceled): true,
			OutcomeRetried: true,
		}
		for _, l := range codeLabels {
			m[l] = true
		}
		return m
	}()
)

// bounded returns v when allowed holds it, else "other".
func bounded(v string, allowed map[string]bool) string {
	if allowed[v] {
		return v
	}
	return labelOther
}
