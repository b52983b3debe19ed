package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeases: a lease is a compare-and-set on its revision, whether it is
// created, renewed, taken over or let go, and a watcher sees it come and go.
func TestLeases(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	l, err := s.Leases(ctx, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, time.Minute, l.TTL())

	var mu sync.Mutex
	seen := map[string]string{}
	stop, err := l.Watch(ctx, func(code, holder string, _ bool) {
		mu.Lock()
		seen[code] = holder
		mu.Unlock()
	})
	require.NoError(t, err)
	defer stop()
	holder := func(code string) func() bool {
		return func() bool {
			mu.Lock()
			defer mu.Unlock()
			h, ok := seen[code]
			return ok && h == "a 1"
		}
	}

	rev, err := l.Create(ctx, "ABCDEF", "a 1")
	require.NoError(t, err)
	_, err = l.Create(ctx, "ABCDEF", "b 1")
	assert.ErrorIs(t, err, ErrLeaseTaken)
	require.Eventually(t, holder("ABCDEF"), 5*time.Second, 10*time.Millisecond)

	got, err := l.Get(ctx, "ABCDEF")
	require.NoError(t, err)
	assert.Equal(t, Lease{Holder: "a 1", Rev: rev}, got)
	_, err = l.Get(ctx, "ZZZZZZ")
	assert.ErrorIs(t, err, ErrNoLease)

	rs := []Renewal{{Code: "ABCDEF", Rev: rev}, {Code: "ABCDEF", Rev: rev}}
	l.Renew(ctx, "a 1", rs)
	require.NoError(t, rs[0].Err)
	assert.Greater(t, rs[0].NewRev, rev)
	assert.ErrorIs(t, rs[1].Err, ErrLeaseMoved, "a renewal on a revision gone by is refused")

	_, err = l.Update(ctx, "ABCDEF", "b 1", rev)
	assert.ErrorIs(t, err, ErrLeaseMoved)
	assert.ErrorIs(t, l.Release(ctx, "ABCDEF", rev), ErrLeaseMoved)
	codes, err := l.Codes(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"ABCDEF": true}, codes)

	require.NoError(t, l.Release(ctx, "ABCDEF", rs[0].NewRev))
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen["ABCDEF"] == ""
	}, 5*time.Second, 10*time.Millisecond, "the watcher sees the lease go")
	_, err = l.Create(ctx, "ABCDEF", "b 1")
	assert.NoError(t, err, "a lease let go is free")
}
