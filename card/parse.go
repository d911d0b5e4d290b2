package card

import (
	"bytes"
)

// Read reads a card file of any supported kind, told apart by its first
// bytes: PNG, CHARX (zip) or JSON. opts may be nil for the default limits.
func Read(body []byte, opts *Options) (*File, error) {
	switch {
	case bytes.HasPrefix(body, pngSignature):
		return ReadPNG(body, opts)
	case bytes.HasPrefix(body, []byte("PK\x03\x04")), bytes.HasPrefix(body, []byte("PK\x05\x06")):
		return ReadCharx(body, opts)
	case looksLikeJSON(body):
		c, f, err := ParseJSON(body)
		if err != nil {
			return nil, err
		}
		return &File{Card: c, Format: f}, nil
	case len(bytes.TrimSpace(body)) == 0:
		return nil, problemf("the file is empty")
	}
	switch ext := imageExt(body); ext {
	case "unknown":
		return nil, problemf("the file is not a character card (expected PNG, CHARX or JSON)")
	default:
		return nil, problemf("a %s image cannot hold a character card (expected PNG, CHARX or JSON)", ext)
	}
}

// Parse reads a card file of any supported kind with the default limits.
// Use Read to get the avatar and assets too.
func Parse(body []byte) (*Card, Format, error) {
	f, err := Read(body, nil)
	if err != nil {
		return nil, Format{}, err
	}
	return f.Card, f.Format, nil
}

func looksLikeJSON(body []byte) bool {
	body = bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}
