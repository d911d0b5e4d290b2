package domain

import (
	"context"
	"strings"
)

// MemoryView is a page of a character's memory and its running summary.
type MemoryView struct {
	Summary string
	Entries []MemoryEntry
	Total   int
}

// Memory returns the character's running summary and a page of its entries, newest first.
func (s *CharacterService) Memory(ctx context.Context, tenantID, id string, page Page) (*MemoryView, error) {
	c, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	entries, total, err := s.Store.ListMemory(ctx, tenantID, id, page)
	if err != nil {
		return nil, err
	}
	return &MemoryView{Summary: c.MemorySummary, Entries: entries, Total: total}, nil
}

// maybeFold folds the unsummarized entries into the running summary once there are
// SummarizeThreshold of them (pinned entries are never folded, nor counted), so prompts
// carry a summary of bounded size instead of an ever-growing history. What players said reaches the summary only as quoted,
// attributed words: the summarizers are asked to keep it so, and the fold drops any
// sentence that still reads as an instruction outside quotes.
func (s *CharacterService) maybeFold(ctx context.Context, c *Character) error {
	// Counted first: on most exchanges no fold is due, and the count reads no entry.
	if n, err := s.Store.UnsummarizedCount(ctx, c.TenantID, c.ID); err != nil || n < SummarizeThreshold {
		return err
	}
	pending, err := s.Store.UnsummarizedMemory(ctx, c.TenantID, c.ID)
	if err != nil || len(pending) < SummarizeThreshold {
		return err
	}
	// Fold at most a bounded batch, oldest first, so one fold's prompt stays small even if
	// earlier folds failed and entries piled up.
	pending = pending[:min(len(pending), 2*SummarizeThreshold)]
	sheet := s.sheet(c)
	scene := &Scene{Character: sheet, Summary: c.MemorySummary, Entries: pending, Seed: c.Seed}
	system, user, err := renderSummarizePrompt(c.Name, c.MemorySummary, pending)
	if err != nil {
		return err
	}
	res, err := s.Text.Complete(ctx, TextRequest{
		Task: TaskSummarize, System: system, Messages: []ChatMessage{{Role: RoleUser, Content: user}},
		Model: s.Models.Validation, Temperature: s.Models.ValidationTemperature, MaxTokens: 300, Scene: scene,
	})
	if err != nil {
		return err
	}
	// The summary is stored as the character's memory and feeds every later prompt, so a
	// player's words may stay in it only as quoted data: a sentence that poses as an
	// order outside quotes is dropped, whatever engine wrote it (see InstructionLike).
	summary := strings.TrimSpace(cleanSummary(res.Text))
	if summary == "" {
		return badModelOutput("summary", res)
	}
	folded := make([]string, len(pending))
	for i, e := range pending {
		folded[i] = e.ID
	}
	now := s.now()
	entry := MemoryEntry{
		ID: NewID(PrefixMemory, now), TenantID: c.TenantID, CharacterID: c.ID, Kind: MemorySummary,
		Text: summary, Speaker: c.Name, Importance: 0.9, Summarized: true, CreatedAt: now,
		Source: MemorySource{Type: MemorySourceSummary, RequestID: RequestIDFrom(ctx)},
	}
	// FoldMemory only applies when the summary is still the one this fold started from;
	// a concurrent fold that got there first makes this one a no-op (ErrConflict).
	if err := s.Store.FoldMemory(ctx, c.TenantID, c.ID, c.MemorySummary, summary, folded, entry); err != nil {
		return err
	}
	c.MemorySummary = summary
	return nil
}
