package card

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Card chunk keywords. SillyTavern compares them case-insensitively, and
// so do we.
const (
	keywordV2 = "chara"
	keywordV3 = "ccv3"
)

// ReadPNG reads a card from a PNG: the ccv3 text chunk when present,
// otherwise the chara chunk. tEXt, zTXt and iTXt chunks are all accepted.
// The PNG's signature and every chunk's CRC are checked. File.Avatar is the
// PNG without its card chunks.
func ReadPNG(body []byte, opts *Options) (*File, error) {
	lim := opts.limits()
	if !bytes.HasPrefix(body, pngSignature) {
		return nil, problemf("the file is not a PNG (bad signature)")
	}
	found := map[string][]byte{} // keyword -> chunk type + data, first of each
	foundType := map[string]string{}
	err := walkPNG(bytes.NewReader(body[len(pngSignature):]), lim.MaxTextChunk, false,
		func(typ, keyword string, data []byte) error {
			if keyword != "" && found[keyword] == nil {
				found[keyword], foundType[keyword] = data, typ
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	keyword := keywordV3
	if found[keyword] == nil {
		keyword = keywordV2
	}
	if found[keyword] == nil {
		return nil, problemf("the PNG has no chara or ccv3 text chunk")
	}
	text, err := chunkText(foundType[keyword], keyword, found[keyword], lim.MaxTextChunk)
	if err != nil {
		return nil, err
	}
	payload, err := decodePayload(keyword, text)
	if err != nil {
		return nil, err
	}
	c, f, err := ParseJSON(payload)
	if err != nil {
		return nil, err
	}
	f.Container, f.Chunk = ContainerPNG, keyword
	avatar, err := StripPNG(body)
	if err != nil {
		return nil, err
	}
	return &File{Card: c, Format: f, Avatar: avatar, AvatarExt: "png"}, nil
}

// walkPNG reads the chunks after the signature up to IEND, checking CRCs,
// and calls visit for each. keyword is "chara" or "ccv3" for card text
// chunks and "" otherwise. data is passed for card text chunks, and for
// every chunk when all is set; otherwise it is nil and the chunk is only
// hashed, so large image data is never held.
//
// A card text chunk's declared length is checked against maxText (when
// positive) before its body is read, and bodies are read into a growing
// buffer rather than a buffer of the declared length: a forged length never
// makes us allocate it.
func walkPNG(r io.Reader, maxText int64, all bool, visit func(typ, keyword string, data []byte) error) error {
	var hdr [8]byte
	for n := 0; ; n++ {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if n == 0 {
				return problemf("the PNG has no chunks")
			}
			return problemf("the PNG is truncated: it ends before its IEND chunk")
		}
		length := binary.BigEndian.Uint32(hdr[:4])
		typ := string(hdr[4:])
		if !validChunkType(typ) {
			return problemf("the PNG is corrupt: chunk %d has an invalid type %q", n+1, typ)
		}
		if length > 1<<31-1 {
			return problemf("the PNG is corrupt: chunk %s has an invalid length", typ)
		}
		if n == 0 && typ != "IHDR" {
			return problemf("the PNG is corrupt: it does not start with an IHDR chunk")
		}
		crc := crc32.NewIEEE()
		crc.Write(hdr[4:])

		// The keyword is at most 79 bytes and comes first, so peeking at
		// 80 bytes tells whether this is a card chunk before reading on.
		var prefix []byte
		keyword := ""
		if typ == "tEXt" || typ == "zTXt" || typ == "iTXt" {
			prefix = make([]byte, min(int(length), 80))
			n, err := io.ReadFull(r, prefix)
			prefix = prefix[:n]
			if i := bytes.IndexByte(prefix, 0); i > 0 {
				switch k := strings.ToLower(string(prefix[:i])); k {
				case keywordV2, keywordV3:
					keyword = k
				}
			}
			if keyword != "" && maxText > 0 && int64(length) > maxText {
				return &Error{Problem: "the " + keyword + " text chunk is larger than " + sizeText(maxText)}
			}
			if err != nil { // checked after the size so a forged length is named as such
				return problemf("the PNG is truncated inside chunk %s", typ)
			}
			crc.Write(prefix)
		}
		rest := int64(length) - int64(len(prefix))
		var data []byte
		if all || keyword != "" {
			var buf bytes.Buffer
			buf.Write(prefix)
			if _, err := io.CopyN(io.MultiWriter(&buf, crc), r, rest); err != nil {
				return problemf("the PNG is truncated inside chunk %s", typ)
			}
			data = buf.Bytes()
		} else if _, err := io.CopyN(crc, r, rest); err != nil {
			return problemf("the PNG is truncated inside chunk %s", typ)
		}
		var sum [4]byte
		if _, err := io.ReadFull(r, sum[:]); err != nil {
			return problemf("the PNG is truncated inside chunk %s", typ)
		}
		if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
			return problemf("CRC mismatch in chunk %s", typ)
		}
		if err := visit(typ, keyword, data); err != nil {
			return err
		}
		if typ == "IEND" {
			return nil
		}
	}
}

func validChunkType(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// chunkText extracts the text of a tEXt, zTXt or iTXt chunk, inflating it
// when compressed, but never past max bytes (a zlib bomb in a PNG).
func chunkText(typ, keyword string, data []byte, max int64) ([]byte, error) {
	bad := func(what string) error {
		return &Error{Problem: "the " + keyword + " " + typ + " chunk " + what}
	}
	rest := data[bytes.IndexByte(data, 0)+1:]
	switch typ {
	case "tEXt":
		return rest, nil
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return nil, bad("uses an unknown compression method")
		}
		return inflate(rest[1:], max, bad)
	}
	// iTXt: compression flag, method, language tag\0, translated keyword\0, text.
	if len(rest) < 2 {
		return nil, bad("is malformed")
	}
	flag, method, rest := rest[0], rest[1], rest[2:]
	for range 2 {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return nil, bad("is malformed")
		}
		rest = rest[i+1:]
	}
	if flag == 0 {
		return rest, nil
	}
	if method != 0 {
		return nil, bad("uses an unknown compression method")
	}
	return inflate(rest, max, bad)
}

func inflate(data []byte, max int64, bad func(string) error) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, bad("cannot be decompressed")
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil {
		return nil, bad("cannot be decompressed")
	}
	if int64(len(out)) > max {
		return nil, bad("expands past " + sizeText(max))
	}
	return out, nil
}

// decodePayload turns chunk text into card JSON. The specs say base64, but
// a few tools store the JSON itself, which is unambiguous to detect.
func decodePayload(keyword string, text []byte) ([]byte, error) {
	t := bytes.TrimSpace(text)
	if len(t) > 0 && t[0] == '{' {
		return t, nil
	}
	// Some writers wrap base64 in lines; whitespace is never part of it.
	t = bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, t)
	out := make([]byte, base64.StdEncoding.DecodedLen(len(t)))
	n, err := base64.StdEncoding.Decode(out, t)
	if err != nil {
		n, err = base64.RawStdEncoding.Decode(out, t)
	}
	if err != nil || n == 0 {
		return nil, &Error{Problem: "bad base64 in the " + keyword + " chunk"}
	}
	return out[:n], nil
}

// StripPNG returns the PNG without its chara and ccv3 text chunks: the bare
// avatar image. The signature and CRCs are checked.
func StripPNG(png []byte) ([]byte, error) {
	return rewritePNG(png, nil)
}

// rewritePNG copies png, dropping card text chunks and writing insert just
// before IEND.
func rewritePNG(png []byte, insert []byte) ([]byte, error) {
	if !bytes.HasPrefix(png, pngSignature) {
		return nil, problemf("the file is not a PNG (bad signature)")
	}
	var out bytes.Buffer
	out.Grow(len(png) + len(insert))
	out.Write(pngSignature)
	err := walkPNG(bytes.NewReader(png[len(pngSignature):]), 0, true, func(typ, keyword string, data []byte) error {
		if keyword != "" {
			return nil
		}
		if typ == "IEND" {
			out.Write(insert)
		}
		writeChunk(&out, typ, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	start := w.Len()
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(w.Bytes()[start:]))
	w.Write(n[:])
}

// PNG writes the card into avatar, an image of the character, and returns
// the new PNG. A PNG avatar is kept as is apart from its old card chunks; a
// JPEG or GIF is converted to PNG; with no avatar a 64×64 placeholder is
// used (see Placeholder). Two tEXt chunks are added before IEND: ccv3 with
// the V3 JSON and chara with the V2 downgrade (see JSONV2), both base64.
func (c *Card) PNG(avatar []byte) ([]byte, error) {
	v3, err := c.JSON()
	if err != nil {
		return nil, err
	}
	v2, err := c.JSONV2()
	if err != nil {
		return nil, err
	}
	var chunks bytes.Buffer
	for _, t := range []struct {
		keyword string
		json    []byte
	}{{keywordV2, v2}, {keywordV3, v3}} {
		// Refuse what ReadPNG would refuse rather than write an unreadable card.
		if n := len(t.keyword) + 1 + base64.StdEncoding.EncodedLen(len(t.json)); n > DefaultMaxTextChunk {
			return nil, problemf("the card is too large for a PNG: its %s chunk would be %s, over the %s limit",
				t.keyword, sizeText(int64(n)), sizeText(DefaultMaxTextChunk))
		}
		data := append([]byte(t.keyword+"\x00"), base64.StdEncoding.EncodeToString(t.json)...)
		writeChunk(&chunks, "tEXt", data)
	}
	img, err := avatarPNG(avatar, c.Data.Name)
	if err != nil {
		return nil, err
	}
	out, err := rewritePNG(img, chunks.Bytes())
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, &Error{Problem: "the avatar is not a valid PNG: " + e.Problem}
		}
		return nil, err
	}
	return out, nil
}
