package domain

import "context"

// LoreUse names a lorebook entry a line triggered and the engine was given.
type LoreUse struct {
	LorebookID string
	EntryID    string
	Name       string
}

// sceneLore gives a scene what the character's lorebooks (its own, then its world's) hold
// for the line: the entries the newest lines trigger, and who in its world might know
// more. It costs one read, none for a character with no lorebooks and no world.
func (s *CharacterService) sceneLore(ctx context.Context, c *Character, history []Line, last Line) ([]LoreSnippet, []string, error) {
	if s.Lorebooks == nil || (len(c.LorebookIDs) == 0 && c.WorldID == "") {
		return nil, nil, nil
	}
	owners := []string{c.ID}
	if c.WorldID != "" {
		owners = append(owners, c.WorldID)
	}
	books, err := s.Lorebooks.LorebooksOf(ctx, c.TenantID, owners)
	if err != nil || len(books) == 0 {
		return nil, nil, err
	}
	scanned := make([]string, 0, len(history)+1)
	for _, l := range history {
		scanned = append(scanned, l.Text)
	}
	scanned = append(scanned, last.Text)
	return TriggeredLore(books, scanned), LoreKnowers(books), nil
}

// loreUses names the snippets a scene was given.
func loreUses(sc *Scene) []LoreUse {
	uses := make([]LoreUse, 0, len(sc.Lore))
	for _, l := range sc.Lore {
		name := l.Name
		if name == "" && len(l.Keys) > 0 {
			name = l.Keys[0]
		}
		uses = append(uses, LoreUse{LorebookID: l.LorebookID, EntryID: l.EntryID, Name: name})
	}
	return uses
}
