package domain_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/domain"
)

// nothingExpired is a JobStore and a MediaStore with nothing to clean: only what the
// cleanup calls is answered (any other call panics on the nil interface).
type nothingExpired struct {
	domain.JobStore
	domain.MediaStore
}

func (nothingExpired) ExpiredJobs(context.Context, time.Time, int) ([]domain.Job, []domain.File, error) {
	return nil, nil, nil
}
func (nothingExpired) ForgetReplicas(context.Context, time.Time) error { return nil }
func (nothingExpired) Written(context.Context, time.Time, func([]string) error) error {
	return nil
}

// memPlayers is an in-memory PlayerDataStore that records what reached it.
type memPlayers struct {
	retention map[string]domain.PlayerRetention
	calls     []string
	// batches are what DeletePlayerMemoriesBefore answers, call after call, per space.
	batches map[string][]int
	cutoffs map[string]time.Time
}

func newMemPlayers() *memPlayers {
	return &memPlayers{retention: map[string]domain.PlayerRetention{}, batches: map[string][]int{}, cutoffs: map[string]time.Time{}}
}

func (s *memPlayers) ExportPlayer(_ context.Context, space, player string, sink domain.PlayerExportSink) error {
	s.calls = append(s.calls, "export "+space+" "+player)
	return sink.Memory(domain.MemoryEntry{ID: "mem_1", TenantID: space, PlayerID: player})
}

func (s *memPlayers) ErasePlayer(_ context.Context, space, player string) (domain.PlayerErasure, error) {
	s.calls = append(s.calls, "erase "+space+" "+player)
	return domain.PlayerErasure{MemoriesDeleted: 2}, nil
}

func (s *memPlayers) PlayerRetention(_ context.Context, space string) (*domain.PlayerRetention, error) {
	r, ok := s.retention[space]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &r, nil
}

func (s *memPlayers) PutPlayerRetention(_ context.Context, r *domain.PlayerRetention) error {
	s.calls = append(s.calls, "put "+r.TenantID)
	if r.PlayerMemoryDays == 0 {
		delete(s.retention, r.TenantID)
		return nil
	}
	s.retention[r.TenantID] = *r
	return nil
}

func (s *memPlayers) PlayerRetentions(context.Context) ([]domain.PlayerRetention, error) {
	var out []domain.PlayerRetention
	for _, r := range s.retention {
		out = append(out, r)
	}
	return out, nil
}

func (s *memPlayers) DeletePlayerMemoriesBefore(_ context.Context, space string, before time.Time, limit int) (int, error) {
	s.cutoffs[space] = before
	next := s.batches[space]
	if len(next) == 0 {
		return 0, nil
	}
	s.batches[space] = next[1:]
	return min(next[0], limit), nil
}

// sinkLog records what an export hands its sink.
type sinkLog struct {
	begun    string
	at       time.Time
	memories int
}

func (l *sinkLog) Begin(player string, at time.Time) error {
	l.begun, l.at = player, at
	return nil
}
func (l *sinkLog) Memory(domain.MemoryEntry) error              { l.memories++; return nil }
func (l *sinkLog) Conversation(domain.PlayerConversation) error { return nil }
func (l *sinkLog) Relationship(domain.Relationship) error       { return nil }
func testCaller(tenant string, mode domain.Mode) domain.Principal {
	return domain.Principal{TenantID: tenant, Mode: mode}
}

// TestPlayerServiceWorksInTheCallersSpace: export and erasure reach the store under the
// caller's data space (a test key's is its test space), the export begins with the
// player and the service's time, and a player id the API would refuse never reaches the
// store or the sink.
func TestPlayerServiceWorksInTheCallersSpace(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)
	st := newMemPlayers()
	svc := &domain.PlayerService{Store: st, Now: func() time.Time { return now }}

	var log sinkLog
	if err := svc.Export(ctx, testCaller("ten_a", domain.ModeTest), "p1", &log); err != nil {
		t.Fatal(err)
	}
	if log.begun != "p1" || !log.at.Equal(now) || log.memories != 1 {
		t.Fatalf("sink got %+v", log)
	}
	n, err := svc.Erase(ctx, testCaller("ten_a", domain.ModeLive), "p1")
	if err != nil || n.MemoriesDeleted != 2 {
		t.Fatalf("erase: %+v, %v", n, err)
	}
	if want := []string{"export ten_a/test p1", "erase ten_a p1"}; strings.Join(st.calls, "|") != strings.Join(want, "|") {
		t.Fatalf("store calls %q, want %q", st.calls, want)
	}

	st.calls = nil
	for _, bad := range []string{"", "has space", "semi;colon", "é", strings.Repeat("a", 101), "a/b", "nul\x00"} {
		var log sinkLog
		if err := svc.Export(ctx, testCaller("ten_a", domain.ModeLive), bad, &log); domain.ErrorCode(err) != domain.CodeBadRequest {
			t.Errorf("export %q: %v, want BAD_REQUEST", bad, err)
		}
		if log.begun != "" {
			t.Errorf("export %q began", bad)
		}
		if _, err := svc.Erase(ctx, testCaller("ten_a", domain.ModeLive), bad); domain.ErrorCode(err) != domain.CodeBadRequest {
			t.Errorf("erase %q: %v, want BAD_REQUEST", bad, err)
		}
	}
	if len(st.calls) != 0 {
		t.Fatalf("refused ids reached the store: %q", st.calls)
	}
	if !domain.ValidPlayerID(strings.Repeat("a", 100)) || !domain.ValidPlayerID("steam:7656_1.x@eu-west") {
		t.Fatal("a valid player id was refused")
	}
}

// TestPlayerRetentionBounds: the retention is 1 to 3650 days or none; a refused value
// changes nothing, and none reads back as 0.
func TestPlayerRetentionBounds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st := newMemPlayers()
	svc := &domain.PlayerService{Store: st}
	caller := testCaller("ten_a", domain.ModeLive)

	if days, err := svc.Retention(ctx, caller); err != nil || days != 0 {
		t.Fatalf("no retention yet: %d, %v", days, err)
	}
	for _, days := range []int{1, 3650} {
		if got, err := svc.SetRetention(ctx, caller, &days); err != nil || got != days {
			t.Fatalf("set %d: %d, %v", days, got, err)
		}
	}
	for _, days := range []int{0, -1, 3651} {
		_, err := svc.SetRetention(ctx, caller, &days)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeValidation ||
			de.Details["fields"].([]domain.FieldError)[0].Field != "player_memory_days" {
			t.Fatalf("set %d: %v, want VALIDATION_ERROR on player_memory_days", days, err)
		}
	}
	if days, _ := svc.Retention(ctx, caller); days != 3650 {
		t.Fatalf("after refused values the retention is %d, want 3650", days)
	}
	if got, err := svc.SetRetention(ctx, caller, nil); err != nil || got != 0 {
		t.Fatalf("set none: %d, %v", got, err)
	}
	if days, _ := svc.Retention(ctx, caller); days != 0 {
		t.Fatalf("after none the retention is %d", days)
	}
}

// TestCleanupAppliesPlayerRetention: the cleanup deletes each space's expired entries
// about players with its own cutoff (now minus its days), batch after batch until a
// batch comes back short, and counts them in its report. (store/players_test.go runs it
// on both real databases.)
func TestCleanupAppliesPlayerRetention(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	st := newMemPlayers()
	st.retention["ten_a"] = domain.PlayerRetention{TenantID: "ten_a", PlayerMemoryDays: 30}
	st.retention["ten_b/test"] = domain.PlayerRetention{TenantID: "ten_b/test", PlayerMemoryDays: 1}
	st.batches["ten_a"] = []int{1000, 1000, 7}
	st.batches["ten_b/test"] = []int{3}

	cleanup := &domain.CleanupService{Store: nothingExpired{}, Media: nothingExpired{}, Players: st, Now: func() time.Time { return now }}
	rep, err := cleanup.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PlayerMemories != 2010 {
		t.Fatalf("the report counts %d entries about players, want 2010", rep.PlayerMemories)
	}
	if len(st.batches["ten_a"]) != 0 {
		t.Fatalf("batches left unasked: %v", st.batches["ten_a"])
	}
	if got := st.cutoffs["ten_a"]; !got.Equal(now.Add(-30 * 24 * time.Hour)) {
		t.Fatalf("ten_a's cutoff %s", got)
	}
	if got := st.cutoffs["ten_b/test"]; !got.Equal(now.Add(-24 * time.Hour)) {
		t.Fatalf("ten_b/test's cutoff %s", got)
	}

	// Without a retention store, nothing about players is deleted.
	cleanup.Players = nil
	st.batches["ten_a"] = []int{5}
	if rep, err := cleanup.Run(ctx); err != nil || rep.PlayerMemories != 0 || len(st.batches["ten_a"]) != 1 {
		t.Fatalf("without Players: %+v, %v", rep, err)
	}
}
