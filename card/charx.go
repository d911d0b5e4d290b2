package card

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// embededScheme is the V3 URI scheme for files inside a CHARX archive,
// spelled as in the spec. "embedded://" is accepted when reading.
const embededScheme = "embeded://"

// embeddedPath returns the archive path an asset URI points to.
func embeddedPath(uri string) (string, bool) {
	for _, scheme := range []string{embededScheme, "embedded://"} {
		if p, ok := strings.CutPrefix(uri, scheme); ok && p != "" {
			return p, true
		}
	}
	return "", false
}

// ReadCharx reads a CHARX archive: card.json at the root, plus the files
// its assets reference with embeded:// URIs (File.Assets). File.Avatar is
// the main icon (see MainIcon) when the archive or a data: URL holds it.
// The archive's entry count and total uncompressed size are limited (see
// Options), and the size is enforced on the bytes actually inflated, not
// only on what the archive declares.
func ReadCharx(body []byte, opts *Options) (*File, error) {
	lim := opts.limits()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// Insecure paths do not matter: nothing is written to disk.
		return nil, problemf("the charx archive is not a valid zip file: %v", err)
	}
	if len(zr.File) > lim.MaxArchiveEntries {
		return nil, problemf("the charx archive has more than %d files", lim.MaxArchiveEntries)
	}
	tooBig := problemf("the charx archive expands past %s", sizeText(lim.MaxArchiveSize))
	files := map[string]*zip.File{}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxArchiveSize) {
			return nil, tooBig
		}
		if _, dup := files[f.Name]; !dup {
			files[f.Name] = f
		}
	}
	budget := lim.MaxArchiveSize
	read := func(f *zip.File) ([]byte, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, problemf("%s in the charx archive cannot be read: %v", f.Name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, budget+1))
		if int64(len(b)) > budget {
			return nil, tooBig
		}
		if err != nil {
			return nil, problemf("%s in the charx archive is corrupt: %v", f.Name, err)
		}
		budget -= int64(len(b))
		return b, nil
	}

	cf := files["card.json"]
	if cf == nil {
		return nil, problemf("card.json missing from the charx archive")
	}
	js, err := read(cf)
	if err != nil {
		return nil, err
	}
	c, format, err := ParseJSON(js)
	if err != nil {
		return nil, err
	}
	format.Container = ContainerCharx
	out := &File{Card: c, Format: format}
	for _, a := range c.Data.Assets {
		p, ok := embeddedPath(a.URI)
		if !ok || out.Assets[p] != nil || files[p] == nil {
			continue // a missing file is an unusable asset, which the spec lets us ignore
		}
		b, err := read(files[p])
		if err != nil {
			return nil, err
		}
		if out.Assets == nil {
			out.Assets = map[string][]byte{}
		}
		out.Assets[p] = b
	}

	icon, ok := MainIcon(c.Data.Assets)
	if ok {
		out.Avatar, out.AvatarExt = iconBytes(icon, out.Assets)
	}
	if out.Avatar == nil {
		// No usable icon asset (often ccdefault:): fall back to the first
		// image stored where the spec says icons go.
		var names []string
		for n := range files {
			if strings.HasPrefix(n, "assets/icon/") && !strings.HasSuffix(n, "/") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := read(files[n])
			if err != nil {
				return nil, err
			}
			if ext := imageExt(b); ext != "unknown" {
				out.Avatar, out.AvatarExt = b, ext
				break
			}
		}
	}
	return out, nil
}

// iconBytes resolves an icon asset to bytes from the archive or a data URL.
func iconBytes(a Asset, files map[string][]byte) ([]byte, string) {
	var b []byte
	if p, ok := embeddedPath(a.URI); ok {
		b = files[p]
	} else if rest, ok := strings.CutPrefix(a.URI, "data:"); ok {
		if meta, payload, ok := strings.Cut(rest, ","); ok && strings.HasSuffix(meta, ";base64") {
			b, _ = base64.StdEncoding.DecodeString(payload)
		}
	}
	if len(b) == 0 {
		return nil, ""
	}
	ext := imageExt(b)
	if ext == "unknown" && a.Ext != "" {
		ext = a.Ext
	}
	return b, ext
}

// Charx writes the card as a CHARX archive. avatar, when not empty, is
// stored as assets/icon/images/main.<ext> and made the card's main icon
// (the asset list is changed in the archive only, not in c). files are
// further archive entries keyed by path, such as File.Assets from
// ReadCharx; paths must be relative, "/"-separated and free of "..".
func (c *Card) Charx(avatar []byte, files map[string][]byte) ([]byte, error) {
	cp := *c
	var avatarPath string
	if len(avatar) > 0 {
		ext := imageExt(avatar)
		avatarPath = "assets/icon/images/main." + ext
		assets := append([]Asset(nil), c.Data.Assets...)
		main := Asset{Type: "icon", URI: embededScheme + avatarPath, Name: "main", Ext: ext}
		replaced := false
		for i, a := range assets {
			if a.Type == "icon" && a.Name == "main" {
				main.Unknown = a.Unknown
				assets[i], replaced = main, true
				break
			}
		}
		if !replaced {
			assets = append([]Asset{main}, assets...)
		}
		cp.Data.Assets = assets
	}
	js, err := cp.JSON()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		clean := path.Clean(n)
		if n == "" || strings.HasPrefix(n, "/") || strings.Contains(n, "\\") || clean != n ||
			clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, problemf("the charx file path %q is not a clean relative path", n)
		}
		if n != "card.json" && n != avatarPath {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, b []byte) error {
		w, err := zw.Create(name)
		if err != nil {
			return fmt.Errorf("card: writing %s to charx: %w", name, err)
		}
		_, err = w.Write(b)
		return err
	}
	if err := add("card.json", js); err != nil {
		return nil, err
	}
	if avatarPath != "" {
		if err := add(avatarPath, avatar); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if err := add(n, files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
