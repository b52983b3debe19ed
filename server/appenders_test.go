package server

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/server/lobby"
)

// gateJournal records which goroutine made each append; an append to a
// code in hold waits until that code is let go.
type gateJournal struct {
	mu    sync.Mutex
	by    []uint64 // the appending worker's number, per append
	held  map[string]chan struct{}
	order []string
}

func (j *gateJournal) Append(ctx context.Context, code string, rec lobby.Record) error {
	j.mu.Lock()
	gate := j.held[code]
	j.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	j.mu.Lock()
	j.order = append(j.order, code)
	j.mu.Unlock()
	return nil
}

func (j *gateJournal) Records(context.Context, string) ([]lobby.Record, error) { return nil, nil }
func (j *gateJournal) Close() error                                            { return nil }

func workers(a *appenders) int { return int(a.alive.Load()) }

// idle waits until n workers wait for an append.
func idle(t *testing.T, a *appenders, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return int(a.waiting.Load()) == n }, 5*time.Second, time.Millisecond)
}

// TestAppendersReuseTheirWorkers: appends one after another go to one
// worker, which stays for the next; appends at once each get their own,
// so a lobby whose append waits on the store holds up no other; stop
// ends them all.
func TestAppendersReuseTheirWorkers(t *testing.T) {
	j := &gateJournal{held: map[string]chan struct{}{}}
	a := newAppenders(j)
	done := make(chan error, 1)
	for range 50 {
		a.do(appendJob{ctx: context.Background(), code: "AAAA", done: done})
		require.NoError(t, <-done)
		idle(t, a, 1)
	}
	assert.Equal(t, 1, workers(a), "fifty appends one after another take one worker")

	gate := make(chan struct{})
	j.mu.Lock()
	j.held["STUCK"] = gate
	j.mu.Unlock()
	stuck := make(chan error, 1)
	a.do(appendJob{ctx: context.Background(), code: "STUCK", done: stuck})
	for range 20 {
		a.do(appendJob{ctx: context.Background(), code: "BBBB", done: done})
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("an append waited behind another lobby's stalled one")
		}
		idle(t, a, 1)
	}
	assert.Equal(t, 2, workers(a), "the stalled append has a worker of its own, the others share one")
	close(gate)
	require.NoError(t, <-stuck)

	a.stop()
	require.Eventually(t, func() bool { return workers(a) == 0 }, 5*time.Second, time.Millisecond, "stop ends every worker")
	assert.Len(t, j.order, 71)
}
