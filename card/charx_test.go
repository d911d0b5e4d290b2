package card

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// zipOf builds an archive from name/content pairs, in order.
func zipOf(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const charxCard = `{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"Cy","assets":[
 {"type":"emotion","uri":"embeded://assets/emotion/images/happy.png","name":"happy","ext":"png"},
 {"type":"icon","uri":"embeded://assets/icon/images/alt.png","name":"alt","ext":"png"},
 {"type":"icon","uri":"embeded://assets/icon/images/main.png","name":"main","ext":"png"},
 {"type":"background","uri":"https://example.com/bg.png","name":"main","ext":"png"},
 {"type":"icon","uri":"embeded://assets/missing.png","name":"gone","ext":"png"}]}}`

func TestReadCharx(t *testing.T) {
	t.Parallel()
	icon, alt, happy := string(Placeholder("main")), string(Placeholder("alt")), string(Placeholder("happy"))
	body := zipOf(t,
		[2]string{"card.json", charxCard},
		[2]string{"assets/icon/images/main.png", icon},
		[2]string{"assets/icon/images/alt.png", alt},
		[2]string{"assets/emotion/images/happy.png", happy},
		[2]string{"assets/other/unreferenced.bin", "xx"},
		[2]string{"x_app.json", "{}"},
	)
	f, err := Read(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != (Format{Container: ContainerCharx, Version: 3, SpecVersion: "3.0"}) {
		t.Errorf("format = %+v", f.Format)
	}
	if f.Card.Data.Name != "Cy" || string(f.Avatar) != icon || f.AvatarExt != "png" {
		t.Errorf("card %q, avatar ok %v, ext %q", f.Card.Data.Name, string(f.Avatar) == icon, f.AvatarExt)
	}
	var paths []string
	for p := range f.Assets {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// Only referenced files are loaded; the missing one is skipped.
	want := []string{"assets/emotion/images/happy.png", "assets/icon/images/alt.png", "assets/icon/images/main.png"}
	if !reflect.DeepEqual(paths, want) || string(f.Assets[want[0]]) != happy {
		t.Errorf("assets = %v, want %v", paths, want)
	}

	// Writing it back and reading again keeps the card and the files.
	out, err := f.Card.Charx(f.Avatar, f.Assets)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := ReadCharx(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f2.Card, f.Card) || !bytes.Equal(f2.Avatar, f.Avatar) || !reflect.DeepEqual(f2.Assets, f.Assets) {
		t.Errorf("charx round trip differs:\n%+v\n%+v", f.Card.Data.Assets, f2.Card.Data.Assets)
	}
}

func TestCharxIconChoice(t *testing.T) {
	t.Parallel()
	png1, png2 := string(Placeholder("1")), string(Placeholder("2"))
	for _, tc := range []struct {
		name  string
		files [][2]string
		want  string
	}{
		{"first icon when no main", [][2]string{
			{"card.json", `{"spec":"chara_card_v3","data":{"name":"A","assets":[{"type":"icon","uri":"embedded://b.png","name":"x","ext":"png"},{"type":"icon","uri":"embeded://a.png","name":"y","ext":"png"}]}}`},
			{"a.png", png1}, {"b.png", png2}}, png2},
		{"no assets: spec icon folder", [][2]string{
			{"card.json", `{"spec":"chara_card_v3","data":{"name":"A"}}`},
			{"assets/icon/images/", ""}, {"assets/icon/images/z.png", png1}}, png1},
		{"ccdefault without files", [][2]string{
			{"card.json", `{"spec":"chara_card_v3","data":{"name":"A","assets":[{"type":"icon","uri":"ccdefault:","name":"main","ext":"png"}]}}`}}, ""},
		{"data url", [][2]string{
			{"card.json", `{"spec":"chara_card_v3","data":{"name":"A","assets":[{"type":"icon","uri":"data:image/png;base64,` +
				base64.StdEncoding.EncodeToString([]byte(png1)) + `","name":"main","ext":"png"}]}}`}}, png1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := ReadCharx(zipOf(t, tc.files...), nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(f.Avatar) != tc.want {
				t.Errorf("avatar is %d bytes, want %d", len(f.Avatar), len(tc.want))
			}
		})
	}
}

func TestCharxErrors(t *testing.T) {
	t.Parallel()
	many := make([][2]string, 0, 6)
	many = append(many, [2]string{"card.json", `{"spec":"chara_card_v3","data":{"name":"A"}}`})
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		many = append(many, [2]string{n, "x"})
	}
	big := zipOf(t, [2]string{"card.json", `{"spec":"chara_card_v3","data":{"name":"A","description":"` + strings.Repeat("x", 4096) + `"}}`})
	for _, tc := range []struct {
		name    string
		body    []byte
		opts    *Options
		problem string
	}{
		{"no card.json", zipOf(t, [2]string{"dir/card.json", "{}"}), nil, "card.json missing from the charx archive"},
		{"too big", big, &Options{MaxArchiveSize: 1024}, "the charx archive expands past 1 KiB"},
		{"too many", zipOf(t, many...), &Options{MaxArchiveEntries: 5}, "the charx archive has more than 5 files"},
		{"not a zip", []byte("PK\x03\x04 this is not a zip"), nil, "the charx archive is not a valid zip file: zip: not a valid zip file"},
		{"bad card", zipOf(t, [2]string{"card.json", `{"spec":"chara_card_v3","data":{"name":1}}`}), nil, "data.name must be a string"},
		// archive/zip refuses to inflate past the declared size, so the lie is
		// caught as corruption before our own byte budget has to step in.
		{"lying sizes", lyingZip(t), &Options{MaxArchiveSize: 1 << 10}, "card.json in the charx archive is corrupt: zip: not a valid zip file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(tc.body, tc.opts)
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

// lyingZip is an archive whose card.json declares a small size but inflates
// to far more, as a zip bomb would.
func lyingZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	hdr := &zip.FileHeader{Name: "card.json", Method: zip.Deflate}
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`{"spec":"chara_card_v3","data":{"name":"A","description":"` + strings.Repeat("x", 64<<10) + `"}}`))
	zw.Close()
	body := b.Bytes()
	// Patch the declared uncompressed size (local header at 22, central
	// directory entry at 24 from its signature) down to 10 bytes.
	patch := func(at int) { body[at], body[at+1], body[at+2], body[at+3] = 10, 0, 0, 0 }
	patch(22)
	cd := bytes.LastIndex(body, []byte("PK\x01\x02"))
	patch(cd + 24)
	return body
}

func TestCharxWrite(t *testing.T) {
	t.Parallel()
	c := New("Dee")
	jpg := []byte("\xff\xd8\xff\xe0 pretend jpeg")
	out, err := c.Charx(jpg, map[string][]byte{"assets/other/x.txt": []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Data.Assets != nil {
		t.Error("Charx changed the caller's card")
	}
	f, err := ReadCharx(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Avatar, jpg) || f.AvatarExt != "jpeg" {
		t.Errorf("avatar = %q %q", f.Avatar, f.AvatarExt)
	}
	want := []Asset{{Type: "icon", URI: "embeded://assets/icon/images/main.jpeg", Name: "main", Ext: "jpeg"}}
	if !reflect.DeepEqual(f.Card.Data.Assets, want) {
		t.Errorf("assets = %+v", f.Card.Data.Assets)
	}
	for _, bad := range []string{"../x", "/abs", "a/../../b", "a\\b", ""} {
		if _, err := c.Charx(nil, map[string][]byte{bad: nil}); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}
