package store

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// matchIndex is the public archive, newest first, kept in memory so
// that a page of GET /api/matches reads no more than its page. It
// follows the match bucket through a watcher, so that a node lists the
// matches every node of a cluster files, and takes this node's own
// writes at once, so that a match is listed as soon as FinishMatch
// returns. Each key's revision orders the two: an older one is ignored.
// The bucket forgets a summary a retention period after it was written;
// the index hides it from a retention period after the match ended.
type matchIndex struct {
	retention time.Duration
	loaded    chan struct{} // closed once the bucket's contents are in

	mu      sync.RWMutex
	list    []Match // the public finished matches, newest first
	entries map[string]indexEntry
	sorted  bool // list is built: keep it in order as entries change
}

// indexEntry is the last revision seen of one key, listed or not.
type indexEntry struct {
	rev    uint64
	m      Match
	listed bool
}

func newMatchIndex(retention time.Duration) *matchIndex {
	return &matchIndex{retention: retention, loaded: make(chan struct{}), entries: map[string]indexEntry{}}
}

// newer orders the list: latest end first, then by ID.
func newer(a, b Match) int {
	if c := b.Ended.Compare(a.Ended); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// follow reads the watcher's entries into the index until it stops.
func (x *matchIndex) follow(w jetstream.KeyWatcher) {
	for e := range w.Updates() {
		if e == nil {
			x.build()
			continue
		}
		var m *Match
		if e.Operation() == jetstream.KeyValuePut {
			m = &Match{}
			if json.Unmarshal(e.Value(), m) != nil {
				m = nil
			}
		}
		x.apply(e.Key(), e.Revision(), m)
	}
}

// build sorts the list once the bucket's contents are in.
func (x *matchIndex) build() {
	x.mu.Lock()
	x.list = x.list[:0]
	for _, e := range x.entries {
		if e.listed {
			x.list = append(x.list, e.m)
		}
	}
	slices.SortFunc(x.list, newer)
	first := !x.sorted
	x.sorted = true
	x.mu.Unlock()
	if first {
		close(x.loaded)
	}
}

// apply takes revision rev of key id: m, or nil if the key was deleted
// or cannot be read.
func (x *matchIndex) apply(id string, rev uint64, m *Match) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old, known := x.entries[id]
	if known && old.rev >= rev {
		return
	}
	e := indexEntry{rev: rev}
	if m != nil {
		e.m, e.listed = *m, m.Over && m.Public
	}
	x.entries[id] = e
	if !x.sorted {
		return
	}
	if old.listed {
		if i, found := slices.BinarySearchFunc(x.list, old.m, newer); found {
			x.list = slices.Delete(x.list, i, i+1)
		}
	}
	if e.listed {
		i, _ := slices.BinarySearchFunc(x.list, e.m, newer)
		x.list = slices.Insert(x.list, i, e.m)
	}
}

// page is one page of the matches that ended within the retention
// period, and how many there are.
func (x *matchIndex) page(ctx context.Context, now time.Time, page, size int) ([]Match, int, error) {
	select {
	case <-x.loaded:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	cutoff := now.Add(-x.retention)
	x.mu.RLock()
	defer x.mu.RUnlock()
	total, _ := slices.BinarySearchFunc(x.list, cutoff, func(m Match, t time.Time) int {
		if m.Ended.Before(t) {
			return 1
		}
		return -1
	})
	from := min(page*size, total)
	to := min(from+size, total)
	return slices.Clone(x.list[from:to]), total, nil
}
