package card

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	_ "image/gif"  // avatars may be GIF; registered for image.Decode
	_ "image/jpeg" // avatars may be JPEG; registered for image.Decode
	"image/png"
)

// maxAvatarPixels bounds the size of a JPEG or GIF avatar we decode to
// convert it, since a small file can declare a huge canvas.
const maxAvatarPixels = 64 << 20

// avatarPNG returns avatar as PNG bytes, converting other formats, or a
// placeholder when there is none.
func avatarPNG(avatar []byte, name string) ([]byte, error) {
	if len(avatar) == 0 {
		return Placeholder(name), nil
	}
	if bytes.HasPrefix(avatar, pngSignature) {
		return avatar, nil
	}
	ext := imageExt(avatar)
	if ext != "jpeg" && ext != "gif" {
		if ext != "unknown" {
			return nil, problemf("the avatar is a %s image; only PNG, JPEG and GIF avatars can hold a card", ext)
		}
		return nil, problemf("the avatar is not a PNG, JPEG or GIF image")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(avatar))
	if err != nil {
		return nil, problemf("the avatar %s image is corrupt: %v", ext, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxAvatarPixels {
		return nil, problemf("the avatar is too large (%d×%d pixels)", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(avatar))
	if err != nil {
		return nil, problemf("the avatar %s image is corrupt: %v", ext, err)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Placeholder returns a 64×64 PNG of one colour derived from seed (the
// character name), so characters without a picture still get distinct,
// stable avatars.
func Placeholder(seed string) []byte {
	h := fnv.New32a()
	h.Write([]byte(seed))
	img := image.NewPaletted(image.Rect(0, 0, 64, 64), color.Palette{hueColor(h.Sum32() % 360)})
	var out bytes.Buffer
	_ = png.Encode(&out, img) // cannot fail writing to a bytes.Buffer
	return out.Bytes()
}

// hueColor is a muted colour of the given hue (HSV with s=0.45, v=0.8).
func hueColor(hue uint32) color.RGBA {
	const v, s = 0.8, 0.45
	c := v * s
	hp := float64(hue) / 60
	x := c * (1 - abs(mod2(hp)-1))
	var r, g, b float64
	switch int(hp) {
	case 0:
		r, g = c, x
	case 1:
		r, g = x, c
	case 2:
		g, b = c, x
	case 3:
		g, b = x, c
	case 4:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := v - c
	to := func(f float64) uint8 { return uint8((f+m)*255 + 0.5) }
	return color.RGBA{to(r), to(g), to(b), 255}
}

func mod2(f float64) float64 { return f - 2*float64(int(f/2)) }

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// imageExt names an image format from its magic bytes, or "unknown".
func imageExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, pngSignature):
		return "png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "avif" || string(b[8:12]) == "avis"):
		return "avif"
	}
	return "unknown"
}
