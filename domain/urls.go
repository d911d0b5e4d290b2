package domain

import "errors"

// URLRefusal is an error that refuses a URL by policy, such as the SSRF guard's
// (webhook.URLError): Refusal says why without naming a request field, so that each
// caller names its own.
type URLRefusal interface {
	error
	Refusal() string
}

// urlFieldError names the field whose URL failed: a policy refusal (also one made when
// connecting, wrapped in a fetch's error) as "<field> refused: <why>", any other failure
// as it says what went wrong.
func urlFieldError(field string, err error) FieldError {
	msg := err.Error()
	var refused URLRefusal
	if errors.As(err, &refused) {
		msg = field + " refused: " + refused.Refusal()
	}
	return FieldError{Field: field, Message: msg}
}
