package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"congress/server/lobby"
)

// appenders run the lobbies' journal appends. An append goes deep (the
// record's encoding, the store's client) and may wait long on a store
// that stalls, so a lobby does not make it on its own goroutine; but a
// goroutine made for each append grew its stack from nothing every time.
// A worker here stays, with its stack, for appenderIdle after its last
// append, and there are only as many as appends under way at once.
type appenders struct {
	journal lobby.Journal
	jobs    chan appendJob // unbuffered: taken only by a waiting worker
	quit    chan struct{}
	once    sync.Once
	// Workers alive, and those waiting for an append.
	alive, waiting atomic.Int32
}

// appenderIdle is how long a worker waits for another append.
const appenderIdle = 10 * time.Second

// appendJob is one append; its outcome goes to done.
type appendJob struct {
	ctx  context.Context
	code string
	rec  lobby.Record
	done chan<- error
}

func newAppenders(j lobby.Journal) *appenders {
	return &appenders{journal: j, jobs: make(chan appendJob), quit: make(chan struct{})}
}

// do hands j to a waiting worker, or to a new one.
func (a *appenders) do(j appendJob) {
	select {
	case a.jobs <- j:
	default:
		go a.work(j)
	}
}

func (a *appenders) work(j appendJob) {
	a.alive.Add(1)
	defer a.alive.Add(-1)
	idle := time.NewTimer(appenderIdle)
	defer idle.Stop()
	for {
		j.done <- a.journal.Append(j.ctx, j.code, j.rec)
		j = appendJob{} // nothing of the last append is kept while waiting
		idle.Reset(appenderIdle)
		a.waiting.Add(1)
		select {
		case j = <-a.jobs:
			a.waiting.Add(-1)
		case <-idle.C:
			a.waiting.Add(-1)
			return
		case <-a.quit:
			a.waiting.Add(-1)
			return
		}
	}
}

// stop ends the waiting workers; one still appending ends when its
// append does. A server closing waits for its lobbies, and they for
// their appends, not for the workers.
func (a *appenders) stop() {
	a.once.Do(func() { close(a.quit) })
}
