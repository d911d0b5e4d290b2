package card

import (
	"errors"
	"testing"
)

func TestReadSniffs(t *testing.T) {
	t.Parallel()
	c := New("Eve")
	js, _ := c.JSON()
	p, err := c.PNG(nil)
	if err != nil {
		t.Fatal(err)
	}
	x, err := c.Charx(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body []byte
		want Container
	}{
		{"json", js, ContainerJSON},
		{"json with space", append([]byte("\n  "), js...), ContainerJSON},
		{"png", p, ContainerPNG},
		{"charx", x, ContainerCharx},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, f, err := Parse(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if f.Container != tc.want || got.Data.Name != "Eve" {
				t.Errorf("format %+v name %q", f, got.Data.Name)
			}
		})
	}
}

func TestReadRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, problem string
	}{
		{"empty", "", "the file is empty"},
		{"blank", " \n", "the file is empty"},
		{"jpeg", "\xff\xd8\xff\xe0....", "a jpeg image cannot hold a character card (expected PNG, CHARX or JSON)"},
		{"text", "hello", "the file is not a character card (expected PNG, CHARX or JSON)"},
		{"json array", "[]", "the card JSON must be an object, not array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := Parse([]byte(tc.body))
			var e *Error
			if !errors.As(err, &e) || e.Problem != tc.problem {
				t.Errorf("err = %v, want %q", err, tc.problem)
			}
		})
	}
}

func TestMainIcon(t *testing.T) {
	t.Parallel()
	if a, ok := MainIcon(nil); !ok || a.URI != "ccdefault:" {
		t.Errorf("nil assets: %+v %v", a, ok)
	}
	if _, ok := MainIcon([]Asset{}); ok {
		t.Error("empty assets gave an icon")
	}
	if _, ok := MainIcon([]Asset{{Type: "background", Name: "main"}}); ok {
		t.Error("background taken as icon")
	}
	a, _ := MainIcon([]Asset{{Type: "icon", Name: "a"}, {Type: "icon", Name: "main"}})
	if a.Name != "main" {
		t.Errorf("got %q", a.Name)
	}
}
