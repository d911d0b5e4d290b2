package domain

import (
	"context"
	"io"
)

// CardExport is what a Character Card of a character is made from.
type CardExport struct {
	Character *Character
	// Books are the character's own lorebooks, in order (its world's stay with the world).
	Books []Lorebook
	// Avatar is the character's avatar image, when it has one that can still be read.
	Avatar            []byte
	AvatarContentType string
}

// maxExportAvatar bounds the avatar an export embeds, so a card stays importable.
const maxExportAvatar = 8 << 20

// Export gathers what the character's card is made of. It returns CodeCharNotFound.
func (s *CharacterService) Export(ctx context.Context, tenantID, id string) (*CardExport, error) {
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	out := &CardExport{Character: c}
	if s.Lorebooks != nil && len(c.LorebookIDs) > 0 {
		if out.Books, err = s.Lorebooks.LorebooksOf(ctx, tenantID, []string{c.ID}); err != nil {
			return nil, err
		}
	}
	if c.AvatarFileID != "" && s.Files != nil {
		// An avatar that expired or cannot be read leaves the card without its image
		// rather than failing the export.
		if f, r, err := s.Files.Open(ctx, tenantID, c.AvatarFileID); err == nil {
			b, rerr := io.ReadAll(io.LimitReader(r, maxExportAvatar+1))
			_ = r.Close()
			if rerr == nil && len(b) <= maxExportAvatar {
				out.Avatar, out.AvatarContentType = b, f.ContentType
			}
		}
	}
	return out, nil
}
