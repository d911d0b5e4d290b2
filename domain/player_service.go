package domain

import (
	"context"
	"errors"
	"time"
)

// ErasedText is what an erased player line reads as in a conversation turn, and
// ErasedSpeaker who it is then said by.
const (
	ErasedText    = "[erased]"
	ErasedSpeaker = "player"
)

// The bounds of a data space's retention of memory entries about players, in days.
const (
	MinPlayerMemoryDays = 1
	MaxPlayerMemoryDays = 3650
)

// PlayerConversation is a conversation a player is part of, as an export gives it: the
// name the conversation's players list gives them ("" when it does not list them, or
// lists them without one) and their lines, in turn order.
type PlayerConversation struct {
	ConversationID string
	Name           string
	Messages       []PlayerMessage
}

// PlayerMessage is one line a player said in a conversation, with the turn that
// answered it.
type PlayerMessage struct {
	TurnID    string
	TurnIndex int
	Speaker   string
	Text      string
	CreatedAt time.Time
}

// PlayerExportSink receives a player's data as it is read, so an export of any size is
// never held in memory at once. Begin comes first, then every Memory, then every
// Conversation, then every Relationship; an error from any of them stops the export and is returned by it.
type PlayerExportSink interface {
	// Begin names the player and the export's time.
	Begin(playerID string, exportedAt time.Time) error
	// Memory receives one memory entry about the player.
	Memory(e MemoryEntry) error
	// Conversation receives one conversation the player is part of, with their lines.
	Conversation(c PlayerConversation) error
	// Relationship receives one character's relationship with the player, with every
	// recorded change in Recent, newest first.
	Relationship(r Relationship) error
}

// PlayerErasure counts what erasing a player's data changed.
type PlayerErasure struct {
	MemoriesDeleted      int
	ConversationsUpdated int
	TurnsRedacted        int
	RelationshipsDeleted int
}

// PlayerRetention is how long a data space keeps memory entries about players.
type PlayerRetention struct {
	TenantID string
	// PlayerMemoryDays is how many days entries with a player id are kept; 0 means until
	// they are erased.
	PlayerMemoryDays int
	UpdatedAt        time.Time
}

// PlayerDataStore keeps what a data space holds about the players of its game, by the
// game's player id. Every method is scoped by the data space (tenantID).
//
// ExportPlayer and ErasePlayer are the only ways in to a player's data as a whole: data
// about players added later (relationships and feelings toward a player, and any other
// table keyed by a player id) must be read by ExportPlayer and erased by ErasePlayer, in
// the same snapshot and the same transaction, so that one export gives everything and one
// erasure leaves nothing half done.
type PlayerDataStore interface {
	PlayerRetentionStore
	// ExportPlayer reads, from one snapshot, every memory entry with the player's id
	// across the space's characters (oldest first) and every conversation whose players
	// list names them or whose turns answered a line of theirs (oldest first, with those
	// lines in turn order), then every character's relationship with them (oldest first,
	// with all its changes), handing each to sink as it is read. It does not call
	// sink.Begin.
	ExportPlayer(ctx context.Context, tenantID, playerID string, sink PlayerExportSink) error
	// ErasePlayer, in one transaction, deletes every memory entry with the player's id
	// (pinned ones too), removes the player from every conversation's players list,
	// replaces every turn message with the player's id by ErasedText said by
	// ErasedSpeaker with no player id (clearing that turn's actions, whose reasons may quote
	// the player), and deletes every character's relationship with
	// them and its recorded changes. Nothing held is not an error: the counts are zero.
	ErasePlayer(ctx context.Context, tenantID, playerID string) (PlayerErasure, error)
	// PlayerRetention returns the space's retention, or ErrNotFound when none is set.
	PlayerRetention(ctx context.Context, tenantID string) (*PlayerRetention, error)
	// PutPlayerRetention sets the space's retention; a PlayerMemoryDays of 0 removes it.
	PutPlayerRetention(ctx context.Context, r *PlayerRetention) error
}

// PlayerRetentionStore is what the periodic cleanup needs to apply retentions.
type PlayerRetentionStore interface {
	// PlayerRetentions returns every space's retention, in tenant order.
	PlayerRetentions(ctx context.Context) ([]PlayerRetention, error)
	// DeletePlayerMemoriesBefore deletes up to limit of the space's memory entries with a
	// player id written before the cutoff, pinned ones too, and up to limit of the recorded
	// changes of relationships with players made before it (their causes quote the
	// players' words), and returns how many it deleted of both.
	DeletePlayerMemoriesBefore(ctx context.Context, tenantID string, before time.Time, limit int) (int, error)
}

// PlayerService answers a game's requests about its players' data: export (access),
// erasure, and the retention of memories about them. Every method works in the caller's
// data space only: a test-mode key's players are its test space's, another tenant's are
// out of reach.
type PlayerService struct {
	Store PlayerDataStore
	Now   func() time.Time
}

// Export hands sink everything the caller's space keeps about the player: Begin, then
// each memory entry, then each conversation (see PlayerDataStore.ExportPlayer). A player
// nothing is known about is no error: sink gets Begin alone. It returns
// CodeBadRequest for a player id that is not 1 to 100 letters, digits or _.:@-, before
// calling sink; any error of sink is returned as it is.
func (s *PlayerService) Export(ctx context.Context, caller Principal, playerID string, sink PlayerExportSink) error {
	if err := checkPlayerParam(playerID); err != nil {
		return err
	}
	if err := sink.Begin(playerID, nowFrom(s.Now)); err != nil {
		return err
	}
	return s.Store.ExportPlayer(ctx, caller.Space(), playerID, sink)
}

// Erase erases everything the caller's space keeps about the player in one transaction
// (see PlayerDataStore.ErasePlayer) and counts what it changed; erasing again, or a
// player never known, gives zero counts. It returns CodeBadRequest for a player id that
// is not 1 to 100 letters, digits or _.:@-, changing nothing.
func (s *PlayerService) Erase(ctx context.Context, caller Principal, playerID string) (PlayerErasure, error) {
	if err := checkPlayerParam(playerID); err != nil {
		return PlayerErasure{}, err
	}
	return s.Store.ErasePlayer(ctx, caller.Space(), playerID)
}

// Retention returns how many days the caller's space keeps memory entries about players,
// 0 when they are kept until erased. It returns no error codes of its own.
func (s *PlayerService) Retention(ctx context.Context, caller Principal) (int, error) {
	r, err := s.Store.PlayerRetention(ctx, caller.Space())
	switch {
	case errors.Is(err, ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return r.PlayerMemoryDays, nil
}

// SetRetention sets how many days the caller's space keeps memory entries about players;
// nil keeps them until erased. It returns the days as set (0 for nil), or
// CodeValidation (field player_memory_days) for a number outside 1 to 3650.
func (s *PlayerService) SetRetention(ctx context.Context, caller Principal, days *int) (int, error) {
	n := 0
	if days != nil {
		if *days < MinPlayerMemoryDays || *days > MaxPlayerMemoryDays {
			return 0, ValidationError(FieldError{Field: "player_memory_days", Message: "must be from 1 to 3650, or null"})
		}
		n = *days
	}
	r := &PlayerRetention{TenantID: caller.Space(), PlayerMemoryDays: n, UpdatedAt: nowFrom(s.Now)}
	if err := s.Store.PutPlayerRetention(ctx, r); err != nil {
		return 0, err
	}
	return n, nil
}

// ValidPlayerID reports whether id is a player id the API accepts: 1 to 100 letters,
// digits or _.:@-.
func ValidPlayerID(id string) bool { return playerIDPattern.MatchString(id) }

// PlayerIDError is the 400 of a path player id that is not one.
func PlayerIDError() *Error {
	return ParameterError(FieldError{Field: "player_id", Message: "must be 1 to 100 letters, digits or _.:@-"})
}

func checkPlayerParam(id string) error {
	if !ValidPlayerID(id) {
		return PlayerIDError()
	}
	return nil
}

// playerMemoryBatch bounds one delete of expired memories about players, so the cleanup
// never holds the writer long.
const playerMemoryBatch = 1000

// deletePlayerMemories applies every space's retention at now: it deletes the memory
// entries about players older than the space keeps them, in batches, and counts them.
func deletePlayerMemories(ctx context.Context, store PlayerRetentionStore, now time.Time) (int, error) {
	all, err := store.PlayerRetentions(ctx)
	if err != nil {
		return 0, err
	}
	deleted := 0
	for _, r := range all {
		if r.PlayerMemoryDays <= 0 {
			continue
		}
		before := now.Add(-time.Duration(r.PlayerMemoryDays) * 24 * time.Hour)
		for {
			n, err := store.DeletePlayerMemoriesBefore(ctx, r.TenantID, before, playerMemoryBatch)
			deleted += n
			if err != nil {
				return deleted, err
			}
			if n < playerMemoryBatch {
				break
			}
		}
	}
	return deleted, nil
}
