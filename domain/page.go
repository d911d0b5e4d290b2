package domain

// Page limits and defaults for every list.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 100
)

// Page selects a window of a list ordered newest first.
type Page struct {
	Limit  int
	Offset int
}

// PageOf returns a Page from optional parameters, applying the defaults and clamping the
// limit. The HTTP layer has already refused out-of-range values; the clamp protects other
// callers.
func PageOf(limit, offset *int) Page {
	p := Page{Limit: DefaultPageLimit}
	if limit != nil {
		p.Limit = min(max(*limit, 1), MaxPageLimit)
	}
	if offset != nil {
		p.Offset = max(*offset, 0)
	}
	return p
}
