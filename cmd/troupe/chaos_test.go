package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/troupe-ai/troupe/falclient/faltest"
	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server/servertest"
	"github.com/troupe-ai/troupe/store/storetest"
)

// The chaos suite (make chaos): server processes on one database and one DATA_DIR, image
// jobs submitted across them while one process is killed with SIGKILL and restarted every
// 2 seconds, then drained. Every accepted job must complete exactly once: one result file
// each, none stuck, no media left that no row owns.
const (
	chaosJobs     = 1000
	chaosDuration = 60 * time.Second
	chaosKillGap  = 2 * time.Second
	chaosDrain    = 5 * time.Minute
)

func TestChaosPostgresTwoReplicas(t *testing.T) {
	skipUnlessChaos(t)
	dbURL := storetest.PostgresSchemaURL(t)
	if dbURL == "" {
		t.Skip("no PostgreSQL")
	}
	runChaos(t, 2, "DATABASE_URL="+dbURL, func() (*sql.DB, error) { return sql.Open("pgx", dbURL) })
}

func TestChaosSQLiteOneProcess(t *testing.T) {
	skipUnlessChaos(t)
	runChaos(t, 1, "", nil)
}

func skipUnlessChaos(t *testing.T) {
	if os.Getenv("TROUPE_CHAOS") != "1" {
		t.Skip("the chaos suite runs with TROUPE_CHAOS=1 (make chaos)")
	}
}

// replica is one server process of the chaos run, restarted on the same port.
type replica struct {
	port int
	mu   sync.Mutex
	cmd  *exec.Cmd
}

func runChaos(t *testing.T, replicas int, dbEnv string, openDB func() (*sql.DB, error)) {
	// Image jobs take a few fal polls (about a second), so kills land mid-job.
	fake := faltest.New(t, faltest.WithQueueSteps(0, 2))
	dataDir := t.TempDir()
	env := falImagesEnv(fake, dataDir,
		"JOB_WORKERS=8", "ORPHAN_MEDIA_GRACE=1m", "CLEANUP_EVERY=5s",
		// A process that lives 2 seconds interrupts many of the jobs it claims, and each
		// interrupted start counts as an attempt; the default 4 would fail jobs this run
		// interrupts again and again, which is right for a job that keeps killing its
		// server but not what this run measures.
		"JOB_MAX_ATTEMPTS=50",
	)
	if dbEnv != "" {
		env = append(env, dbEnv)
	}
	if openDB == nil {
		openDB = func() (*sql.DB, error) {
			return sql.Open("sqlite", "file:"+filepath.Join(dataDir, "troupe.db")+"?_pragma=busy_timeout(5000)")
		}
	}
	reps := make([]*replica, replicas)
	for i := range reps {
		reps[i] = &replica{port: freePort(t)}
		reps[i].cmd = startProcess(t, reps[i].port, env...)
	}
	victim := reps[len(reps)-1]

	// Submit the jobs over most of the chaos period, round robin; a replica that is down
	// (or dies mid-request) is skipped, and only answered 202s count as accepted.
	ctx, cancel := context.WithTimeout(t.Context(), chaosDuration+chaosDrain)
	defer cancel()
	var (
		accepted []string
		refused  int
		wg       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		every := (chaosDuration - 10*time.Second) / chaosJobs
		clients := make([]*gen.ClientWithResponses, len(reps))
		for i, r := range reps {
			clients[i] = servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(r.port), servertest.DemoKey)
		}
		for i := 0; len(accepted) < chaosJobs && ctx.Err() == nil; i++ {
			res, err := clients[i%len(clients)].CreateAvatarWithResponse(ctx, nil, gen.AvatarRequest{Description: "a chaos knight", Seed: ptr(int64(i))})
			if err != nil || res.JSON202 == nil {
				refused++
				time.Sleep(10 * time.Millisecond)
				continue
			}
			accepted = append(accepted, res.JSON202.JobId)
			time.Sleep(every)
		}
	}()

	kills := 0
	chaosEnd := time.Now().Add(chaosDuration)
	for time.Now().Before(chaosEnd) {
		time.Sleep(chaosKillGap)
		victim.mu.Lock()
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		victim.cmd.Wait()
		kills++
		victim.cmd = startProcess(t, victim.port, env...)
		victim.mu.Unlock()
	}
	wg.Wait()
	if len(accepted) != chaosJobs {
		t.Fatalf("only %d jobs accepted during the chaos (%d refused)", len(accepted), refused)
	}

	// Drain: every accepted job reaches a terminal status.
	drainStart := time.Now()
	c := servertest.Client(t, "http://127.0.0.1:"+strconv.Itoa(reps[0].port), servertest.DemoKey)
	attempts := map[int]int{}
	db, err := openDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range accepted {
		attempts[drainJob(t, c, db, id, drainStart.Add(chaosDrain))]++
	}
	drain := time.Since(drainStart)

	var jobs, notCompleted, files int
	mustScan(t, db, `SELECT count(*) FROM jobs`, &jobs)
	mustScan(t, db, `SELECT count(*) FROM jobs WHERE status <> 'completed'`, &notCompleted)
	mustScan(t, db, `SELECT count(*) FROM files`, &files)
	var twice int
	mustScan(t, db, `SELECT count(*) FROM (SELECT job_id FROM files GROUP BY job_id HAVING count(*) > 1) AS d`, &twice)
	if notCompleted != 0 || twice != 0 || files != jobs {
		t.Fatalf("%d jobs: %d not completed, %d with two result files, %d files", jobs, notCompleted, twice, files)
	}

	// Media no row owns (left by kills between writing bytes and row) is swept once past
	// its grace period; every row keeps its bytes.
	orphansAtDrain := len(orphanMedia(t, db, dataDir))
	deadline := time.Now().Add(3 * time.Minute)
	for len(orphanMedia(t, db, dataDir)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("orphaned media not swept: %v", orphanMedia(t, db, dataDir))
		}
		time.Sleep(500 * time.Millisecond)
	}
	if missing := missingMedia(t, db, dataDir); len(missing) > 0 {
		t.Fatalf("%d file rows without their bytes, e.g. %s", len(missing), missing[0])
	}

	keys := make([]int, 0, len(attempts))
	for k := range attempts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var dist []string
	for _, k := range keys {
		dist = append(dist, fmt.Sprintf("%d attempt(s): %d", k, attempts[k]))
	}
	t.Logf("CHAOS %s: %d jobs accepted (%d submits refused while a replica was down), %d kills, all completed once; %s; drain %.1fs; orphaned media at drain %d, swept to 0",
		t.Name(), len(accepted), refused, kills, strings.Join(dist, ", "), drain.Seconds(), orphansAtDrain)
}

// drainJob waits until the job has completed and returns its attempts; past the deadline
// it fails the test with the job's row and its River jobs, to show where it stuck.
func drainJob(t *testing.T, c *gen.ClientWithResponses, db *sql.DB, id string, deadline time.Time) int {
	t.Helper()
	for {
		res, err := c.GetJobWithResponse(t.Context(), id)
		if err == nil && res.JSON200 != nil {
			switch res.JSON200.Status {
			case gen.JobStatusCompleted:
				return res.JSON200.Attempts
			case gen.JobStatusFailed, gen.JobStatusCanceled:
				t.Fatalf("job %s ended %s: %s", id, res.JSON200.Status, res.Body)
			}
		}
		if time.Now().After(deadline) {
			var row string
			db.QueryRowContext(t.Context(), `SELECT status || ' attempts=' || attempts || ' runner=' || COALESCE(runner_id, '-') ||
				' claim=' || COALESCE(claim_token, '-') || ' lease=' || COALESCE(lease_until, 0) FROM jobs WHERE id = '`+id+`'`).Scan(&row)
			rows, _ := db.QueryContext(t.Context(), `SELECT id, state, attempt, max_attempts FROM river_job WHERE kind = 'troupe.image' AND args LIKE '%`+id+`%'`)
			var river []string
			for rows != nil && rows.Next() {
				var rid, attempt, maxAttempts int64
				var state string
				rows.Scan(&rid, &state, &attempt, &maxAttempts)
				river = append(river, fmt.Sprintf("%d:%s %d/%d", rid, state, attempt, maxAttempts))
			}
			var beats []string
			brows, _ := db.QueryContext(t.Context(), `SELECT id || '@' || heartbeat_at FROM replicas`)
			for brows != nil && brows.Next() {
				var b string
				brows.Scan(&b)
				beats = append(beats, b)
			}
			t.Fatalf("job %s never completed: row %s; river %v; replicas %v; now %d", id, row, river, beats, time.Now().UnixMicro())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustScan(t *testing.T, db *sql.DB, q string, dst *int) {
	t.Helper()
	if err := db.QueryRowContext(t.Context(), q).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// mediaOnDisk lists the ids of the media files under dataDir.
func mediaOnDisk(t *testing.T, dataDir string) []string {
	t.Helper()
	var ids []string
	filepath.WalkDir(filepath.Join(dataDir, "media"), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			ids = append(ids, d.Name())
		}
		return nil
	})
	return ids
}

func fileRows(t *testing.T, db *sql.DB) map[string]bool {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT id FROM files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids[id] = true
	}
	return ids
}

func orphanMedia(t *testing.T, db *sql.DB, dataDir string) []string {
	rows := fileRows(t, db)
	var out []string
	for _, id := range mediaOnDisk(t, dataDir) {
		if !rows[id] {
			out = append(out, id)
		}
	}
	return out
}

func missingMedia(t *testing.T, db *sql.DB, dataDir string) []string {
	onDisk := map[string]bool{}
	for _, id := range mediaOnDisk(t, dataDir) {
		onDisk[id] = true
	}
	var out []string
	for id := range fileRows(t, db) {
		if !onDisk[id] {
			out = append(out, id)
		}
	}
	return out
}
