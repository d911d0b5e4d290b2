package card

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// pngWith returns a valid PNG holding the given extra chunks before IEND.
func pngWith(t *testing.T, chunks ...[2]string) []byte {
	t.Helper()
	var insert bytes.Buffer
	for _, c := range chunks {
		writeChunk(&insert, c[0], []byte(c[1]))
	}
	out, err := rewritePNG(Placeholder("test"), insert.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func textChunk(keyword, json string) [2]string {
	return [2]string{"tEXt", keyword + "\x00" + base64.StdEncoding.EncodeToString([]byte(json))}
}

func zlibText(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// chunkTypes lists a PNG's chunk types with the keyword of text chunks.
func chunkTypes(t *testing.T, p []byte) []string {
	t.Helper()
	var types []string
	err := walkPNG(bytes.NewReader(p[8:]), 0, true, func(typ, _ string, data []byte) error {
		if typ == "tEXt" {
			typ += ":" + string(data[:bytes.IndexByte(data, 0)])
		}
		types = append(types, typ)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return types
}

func TestPNGRoundTrip(t *testing.T) {
	t.Parallel()
	orig, _ := mustParse(t, v2Fixture)
	jpg := func() []byte {
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		img.Set(1, 1, color.RGBA{200, 0, 0, 255})
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	oldCard := pngWith(t, textChunk("chara", `{"name":"Stale"}`), [2]string{"tEXt", "Comment\x00hello"})
	for _, tc := range []struct {
		name   string
		avatar []byte
		size   int
	}{
		{"placeholder", nil, 64},
		{"png with old card", oldCard, 64},
		{"jpeg", jpg, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := orig.PNG(tc.avatar)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("output is not a decodable PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != tc.size {
				t.Errorf("size = %v", b)
			}
			types := chunkTypes(t, out)
			n := len(types)
			if types[n-1] != "IEND" || types[n-2] != "tEXt:ccv3" || types[n-3] != "tEXt:chara" {
				t.Errorf("chunks = %v", types)
			}
			if strings.Count(strings.Join(types, " "), "tEXt:chara") != 1 {
				t.Errorf("old chara chunk kept: %v", types)
			}
			f, err := Read(out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != (Format{Container: ContainerPNG, Version: 3, SpecVersion: "3.0", Chunk: "ccv3"}) {
				t.Errorf("format = %+v", f.Format)
			}
			if !reflect.DeepEqual(f.Card, orig) {
				t.Errorf("card differs after PNG round trip")
			}
			if f.AvatarExt != "png" || bytes.Contains(f.Avatar, []byte("ccv3")) {
				t.Errorf("avatar not stripped")
			}
			if _, err := png.Decode(bytes.NewReader(f.Avatar)); err != nil {
				t.Errorf("avatar: %v", err)
			}
			// The chara chunk is a readable V2 card.
			v2only, err := StripPNG(out)
			if err != nil {
				t.Fatal(err)
			}
			v2json, _ := orig.JSONV2()
			f2, err := ReadPNG(pngWithRaw(t, v2only, textChunk("chara", string(v2json))), nil)
			if err != nil || f2.Format.Version != 2 || f2.Card.Data.Name != "Aria" {
				t.Errorf("V2 chunk: %v %+v", err, f2)
			}
		})
	}
}

// pngWithRaw inserts chunks into an existing PNG.
func pngWithRaw(t *testing.T, p []byte, chunks ...[2]string) []byte {
	t.Helper()
	var insert bytes.Buffer
	for _, c := range chunks {
		writeChunk(&insert, c[0], []byte(c[1]))
	}
	out, err := rewritePNG(p, insert.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPNGChunkChoice(t *testing.T) {
	t.Parallel()
	v2 := `{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"FromChara"}}`
	v3 := `{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"FromCCV3"}}`
	for _, tc := range []struct {
		name   string
		chunks [][2]string
		want   string
		chunk  string
	}{
		{"both, chara first", [][2]string{textChunk("chara", v2), textChunk("ccv3", v3)}, "FromCCV3", "ccv3"},
		{"both, ccv3 first", [][2]string{textChunk("ccv3", v3), textChunk("chara", v2)}, "FromCCV3", "ccv3"},
		{"chara only", [][2]string{textChunk("chara", v2)}, "FromChara", "chara"},
		{"keyword case", [][2]string{textChunk("Chara", v2)}, "FromChara", "chara"},
		{"raw json", [][2]string{{"tEXt", "chara\x00" + v2}}, "FromChara", "chara"},
		{"wrapped base64", [][2]string{{"tEXt", "ccv3\x00" + wrap(base64.StdEncoding.EncodeToString([]byte(v3)))}}, "FromCCV3", "ccv3"},
		{"unpadded base64", [][2]string{{"tEXt", "ccv3\x00" + base64.RawStdEncoding.EncodeToString([]byte(v3))}}, "FromCCV3", "ccv3"},
		{"zTXt", [][2]string{{"zTXt", "ccv3\x00\x00" + zlibText(t, base64.StdEncoding.EncodeToString([]byte(v3)))}}, "FromCCV3", "ccv3"},
		{"iTXt", [][2]string{{"iTXt", "chara\x00\x00\x00en\x00Chara\x00" + base64.StdEncoding.EncodeToString([]byte(v2))}}, "FromChara", "chara"},
		{"iTXt compressed", [][2]string{{"iTXt", "ccv3\x00\x01\x00\x00\x00" + zlibText(t, base64.StdEncoding.EncodeToString([]byte(v3)))}}, "FromCCV3", "ccv3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := ReadPNG(pngWith(t, tc.chunks...), nil)
			if err != nil {
				t.Fatal(err)
			}
			if f.Card.Data.Name != tc.want || f.Format.Chunk != tc.chunk {
				t.Errorf("got %q from %q", f.Card.Data.Name, f.Format.Chunk)
			}
		})
	}
}

func wrap(s string) string {
	var b strings.Builder
	for len(s) > 20 {
		b.WriteString(s[:20] + "\n")
		s = s[20:]
	}
	return b.String() + s
}

func TestPNGErrors(t *testing.T) {
	t.Parallel()
	good := pngWith(t, textChunk("ccv3", `{"spec":"chara_card_v3","data":{"name":"A"}}`))
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-12-1]++ // last byte of the ccv3 chunk's CRC, just before IEND
	truncated := good[:len(good)-30]
	noIEND := good[:len(good)-12]
	// A chunk header claiming a 1 GiB ccv3 chunk, with almost nothing after it.
	huge := pngWith(t)
	huge = append(huge[:len(huge)-12], 0x40, 0, 0, 0)
	huge = append(huge, "tEXtccv3\x00AAAA"...)

	for _, tc := range []struct {
		name    string
		body    []byte
		opts    *Options
		problem string
	}{
		{"signature", []byte("\x89PNX\r\n\x1a\n...."), nil, "the file is not a PNG (bad signature)"},
		{"no chunk", pngWith(t, [2]string{"tEXt", "Comment\x00hi"}), nil, "the PNG has no chara or ccv3 text chunk"},
		{"bad base64", pngWith(t, [2]string{"tEXt", "ccv3\x00not*base64!"}), nil, "bad base64 in the ccv3 chunk"},
		{"bad base64 chara", pngWith(t, [2]string{"tEXt", "chara\x00@@@"}), nil, "bad base64 in the chara chunk"},
		{"crc", badCRC, nil, "CRC mismatch in chunk tEXt"},
		{"truncated", truncated, nil, "the PNG is truncated inside chunk tEXt"},
		{"no IEND", noIEND, nil, "the PNG is truncated: it ends before its IEND chunk"},
		{"huge", huge, nil, "the ccv3 text chunk is larger than 8 MiB"},
		{"limit option", good, &Options{MaxTextChunk: 16}, "the ccv3 text chunk is larger than 16 bytes"},
		{"zTXt bomb", pngWith(t, [2]string{"zTXt", "ccv3\x00\x00" + zlibText(t, strings.Repeat("A", 4096))}), &Options{MaxTextChunk: 1024},
			"the ccv3 zTXt chunk expands past 1 KiB"},
		{"zTXt corrupt", pngWith(t, [2]string{"zTXt", "ccv3\x00\x00garbage"}), nil, "the ccv3 zTXt chunk cannot be decompressed"},
		{"bad json", pngWith(t, textChunk("ccv3", `{"spec":"chara_card_v3","data":{}}`)), nil, "data.name is missing"},
		{"not IHDR", append(bytes.Clone(pngSignature), good[8+25:]...), nil, "the PNG is corrupt: it does not start with an IHDR chunk"},
		{"bad type", append(append(bytes.Clone(pngSignature), 0, 0, 0, 1), "I#DR"...), nil, `the PNG is corrupt: chunk 1 has an invalid type "I#DR"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadPNG(tc.body, tc.opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Problem != tc.problem {
				t.Errorf("problem = %q, want %q", e.Problem, tc.problem)
			}
		})
	}
}

// TestPNGForgedLengthDoesNotAllocate checks that chunk lengths are checked
// before reading and that bodies are never preallocated from the length
// field. It is not parallel: it measures process-wide allocation.
func TestPNGForgedLengthDoesNotAllocate(t *testing.T) {
	base := pngWith(t)
	forge := func(typ, body string) []byte {
		p := append(bytes.Clone(base[:len(base)-12]), 0x7f, 0xff, 0xff, 0xff)
		return append(p, typ+body...)
	}
	for _, tc := range []struct {
		name, problem string
		body          []byte
	}{
		{"card chunk", "the ccv3 text chunk is larger than 8 MiB", forge("tEXt", "ccv3\x00AAAA")},
		{"image chunk", "the PNG is truncated inside chunk IDAT", forge("IDAT", "xxxx")},
		{"other text chunk", "the PNG is truncated inside chunk tEXt", forge("tEXt", "Comment\x00xx")},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := ReadPNG(tc.body, nil)
		runtime.ReadMemStats(&after)
		var e *Error
		if !errors.As(err, &e) || e.Problem != tc.problem {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a forged 2 GiB chunk", tc.name, grew)
		}
	}
}

func TestPNGAvatarErrors(t *testing.T) {
	t.Parallel()
	c := New("A")
	badCRC := Placeholder("x")
	badCRC[8+8+13]++ // IHDR CRC
	webp := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 16)...)
	for _, tc := range []struct {
		name    string
		avatar  []byte
		problem string
	}{
		{"webp", webp, "the avatar is a webp image; only PNG, JPEG and GIF avatars can hold a card"},
		{"garbage", []byte("hello"), "the avatar is not a PNG, JPEG or GIF image"},
		{"bad png", badCRC, "the avatar is not a valid PNG: CRC mismatch in chunk IHDR"},
		{"bad jpeg", []byte("\xff\xd8\xff\xe0garbage"), "the avatar jpeg image is corrupt: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.PNG(tc.avatar)
			var e *Error
			if !errors.As(err, &e) || !strings.HasPrefix(e.Problem, tc.problem) {
				t.Errorf("err = %v, want prefix %q", err, tc.problem)
			}
		})
	}
}

func TestPNGTooLargeToWrite(t *testing.T) {
	t.Parallel()
	c := New("A")
	c.Data.Description = strings.Repeat("x", DefaultMaxTextChunk*3/4+1) // base64 makes it 4/3 larger
	_, err := c.PNG(nil)
	var e *Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.Problem, "the card is too large for a PNG") {
		t.Errorf("err = %v", err)
	}
}

func TestPlaceholder(t *testing.T) {
	t.Parallel()
	a, b := Placeholder("Aria"), Placeholder("Bex")
	if !bytes.Equal(a, Placeholder("Aria")) || bytes.Equal(a, b) {
		t.Error("placeholder not stable per seed or not distinct")
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil || img.Bounds().Dx() != 64 || img.Bounds().Dy() != 64 {
		t.Errorf("placeholder: %v %v", err, img.Bounds())
	}
	if binary.BigEndian.Uint32(a[8:12]) != 13 {
		t.Error("no IHDR first")
	}
}
