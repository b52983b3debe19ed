package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{DataDir: dir})
	require.NoError(t, err)
	return s
}

func TestAppendLoadAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir)
	var last uint64
	for i := range 5 {
		seq, err := s.Append(ctx, "ABCDEF", fmt.Sprintf("ABCDEF-%d", i), []byte(fmt.Sprintf(`{"n":%d}`, i)), last)
		require.NoError(t, err)
		require.Greater(t, seq, last)
		last = seq
	}
	_, err := s.Append(ctx, "GHJKMN", "GHJKMN-0", []byte(`{"other":true}`), 0)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = open(t, dir)
	defer s.Close()
	recs, err := s.Load(ctx, "ABCDEF")
	require.NoError(t, err)
	require.Len(t, recs, 5)
	for i, r := range recs {
		assert.JSONEq(t, fmt.Sprintf(`{"n":%d}`, i), string(r.Data))
	}
	assert.Equal(t, last, recs[4].Seq)
	codes, err := s.Lobbies(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ABCDEF", "GHJKMN"}, codes)

	empty, err := s.Load(ctx, "PQRTUV")
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func TestSecondWriterIsFenced(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	first, err := s.Append(ctx, "ABCDEF", "a-1", []byte("1"), 0)
	require.NoError(t, err)
	// Writer A appends on top of first.
	_, err = s.Append(ctx, "ABCDEF", "a-2", []byte("2"), first)
	require.NoError(t, err)
	// Writer B still believes first is the last record: refused.
	_, err = s.Append(ctx, "ABCDEF", "b-2", []byte("2b"), first)
	require.ErrorIs(t, err, ErrFenced)
	// A writer that thinks the lobby is new is refused too.
	_, err = s.Append(ctx, "ABCDEF", "c-1", []byte("1c"), 0)
	require.ErrorIs(t, err, ErrFenced)
	recs, err := s.Load(ctx, "ABCDEF")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "2", string(recs[1].Data))
}

func TestRetriedAppendIsStoredOnce(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	seq1, err := s.Append(ctx, "ABCDEF", "same-id", []byte("x"), 0)
	require.NoError(t, err)
	seq2, err := s.Append(ctx, "ABCDEF", "same-id", []byte("x"), 0)
	require.NoError(t, err)
	assert.Equal(t, seq1, seq2)
	recs, err := s.Load(ctx, "ABCDEF")
	require.NoError(t, err)
	assert.Len(t, recs, 1)
}

func TestMatches(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	base := time.Now().UTC().Add(-24 * time.Hour)
	require.NoError(t, s.PutMatch(ctx, Match{ID: "running", Lobby: "ABCDEF", Started: base, Public: true}))
	for i := range 3 {
		id := fmt.Sprintf("m%d", i)
		require.NoError(t, s.FinishMatch(ctx, Match{ID: id, Lobby: "ABCDEF", Started: base, Ended: base.Add(time.Duration(i) * time.Hour), Winner: "loyalists", Public: true}, []byte(`{"log":`+fmt.Sprint(i)+`}`)))
	}
	require.NoError(t, s.FinishMatch(ctx, Match{ID: "private", Lobby: "GHJKMN", Started: base, Ended: base.Add(5 * time.Hour)}, []byte(`{}`)))
	list, total, err := s.Matches(ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, 3, total, "neither the running match nor the private one is listed")
	require.Len(t, list, 2)
	assert.Equal(t, "m2", list[0].ID, "newest first")
	assert.Equal(t, "m1", list[1].ID)
	list, _, err = s.Matches(ctx, 1, 2)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "m0", list[0].ID)

	log, err := s.MatchLog(ctx, "m1")
	require.NoError(t, err)
	assert.JSONEq(t, `{"log":1}`, string(log))
	_, err = s.MatchLog(ctx, "running")
	assert.ErrorIs(t, err, ErrNotFound)
	m, err := s.GetMatch(ctx, "running")
	require.NoError(t, err)
	assert.False(t, m.Over)
	_, err = s.GetMatch(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	m, err = s.GetMatch(ctx, "private")
	require.NoError(t, err)
	assert.True(t, m.Over)
}

// TestMatchIndex: the archive is paged from an index that follows the
// bucket: a store opened on the same data lists what the first filed,
// every write of either shows in both, and a write of another node
// (here, straight to the bucket) too.
func TestMatchIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	now := time.Now().UTC()
	for i := range 5 {
		require.NoError(t, s.FinishMatch(ctx, Match{ID: fmt.Sprintf("m%d", i), Ended: now.Add(time.Duration(i) * time.Minute), Public: true}, []byte(`{}`)))
	}
	require.NoError(t, s.Close())

	s = open(t, dir)
	defer s.Close()
	ids := func(page, size int) ([]string, int) {
		list, total, err := s.Matches(ctx, page, size)
		require.NoError(t, err)
		var out []string
		for _, m := range list {
			out = append(out, m.ID)
		}
		return out, total
	}
	got, total := ids(0, 3)
	assert.Equal(t, []string{"m4", "m3", "m2"}, got, "loaded from the bucket, newest first")
	assert.Equal(t, 5, total)
	got, _ = ids(1, 3)
	assert.Equal(t, []string{"m1", "m0"}, got)
	got, _ = ids(1_000_000, 100)
	assert.Empty(t, got)

	// A summary written again moves; one made private leaves the list.
	require.NoError(t, s.PutMatch(ctx, Match{ID: "m0", Ended: now.Add(time.Hour), Over: true, Public: true}))
	require.NoError(t, s.PutMatch(ctx, Match{ID: "m4", Ended: now.Add(4 * time.Minute), Over: true}))
	got, total = ids(0, 10)
	assert.Equal(t, []string{"m0", "m3", "m2", "m1"}, got)
	assert.Equal(t, 4, total)

	// Another node's write arrives through the watcher.
	b, err := json.Marshal(Match{ID: "elsewhere", Ended: now.Add(2 * time.Hour), Over: true, Public: true})
	require.NoError(t, err)
	_, err = s.matches.Put(ctx, "elsewhere", b)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		got, _ := ids(0, 1)
		return len(got) == 1 && got[0] == "elsewhere"
	}, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, s.matches.Delete(ctx, "elsewhere"))
	require.Eventually(t, func() bool {
		_, total := ids(0, 1)
		return total == 4
	}, 5*time.Second, 10*time.Millisecond)
}

func TestDamagedDataDirectoryStopsTheStart(t *testing.T) {
	ctx := context.Background()
	t.Run("streams lost", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		_, err := s.Append(ctx, "ABCDEF", "x", []byte("x"), 0)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		require.NoError(t, os.RemoveAll(filepath.Join(dir, "jetstream")))
		_, err = Open(ctx, Options{DataDir: dir})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "damaged")
		assert.Contains(t, err.Error(), "move it aside")
	})
	t.Run("marker unreadable", func(t *testing.T) {
		dir := t.TempDir()
		s := open(t, dir)
		require.NoError(t, s.Close())
		require.NoError(t, os.WriteFile(filepath.Join(dir, markerFile), []byte("{not json"), 0o600))
		_, err := Open(ctx, Options{DataDir: dir})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "damaged")
	})
	t.Run("not writable", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a-file")
		require.NoError(t, os.WriteFile(file, nil, 0o600))
		_, err := Open(ctx, Options{DataDir: filepath.Join(file, "data")})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot be created")
	})
}

func TestRetentionDeletesOldMatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: t.TempDir(), Retention: time.Second})
	require.NoError(t, err)
	defer s.Close()
	now := time.Now()
	require.NoError(t, s.FinishMatch(ctx, Match{ID: "old", Lobby: "ABCDEF", Started: now, Ended: now, Public: true}, []byte(`{}`)))
	_, total, err := s.Matches(ctx, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Eventually(t, func() bool {
		_, err1 := s.GetMatch(ctx, "old")
		_, err2 := s.MatchLog(ctx, "old")
		_, total, err3 := s.Matches(ctx, 0, 10)
		return errors.Is(err1, ErrNotFound) && errors.Is(err2, ErrNotFound) && err3 == nil && total == 0
	}, 10*time.Second, 100*time.Millisecond, "a match older than the retention is deleted")
}
