package card

import "fmt"

// Error reports malformed input: a card file, an avatar, or a card whose
// fields cannot be written. Problem is a complete human-readable message
// suitable for showing to the person who uploaded the file (the API returns
// it with a 422); Field is the JSON path of the offending field, such as
// "data.character_book.entries[3].keys", or "" when the problem is not about
// one field.
type Error struct {
	Problem string
	Field   string
}

// Error returns the problem message unchanged, so it can be shown as is.
func (e *Error) Error() string { return e.Problem }

// problemf builds an *Error that is not tied to a field.
func problemf(format string, args ...any) *Error {
	return &Error{Problem: fmt.Sprintf(format, args...)}
}

// fieldf builds an *Error about the field at path.
func fieldf(path, format string, args ...any) *Error {
	return &Error{Field: path, Problem: fmt.Sprintf(format, args...)}
}

// sizeText renders a byte count the way people write limits ("8 MiB").
func sizeText(n int64) string {
	const kib, mib = 1 << 10, 1 << 20
	switch {
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
