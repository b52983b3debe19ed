package server

import (
	"congress/server/lobby"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"congress/server/store"
)

// NATSJournal is the lobby.Journal on NATS JetStream. Each append names the
// sequence this writer last saw for the lobby, so a second writer — or a
// node that lost the lobby — is refused (store.ErrFenced) rather than
// interleaving its records.
type NATSJournal struct {
	st     *store.Store
	writer string // random per journal: part of every message ID
	next   atomic.Uint64

	mu   sync.Mutex
	last map[string]uint64
	// unsettled holds the lobbies whose last append went unanswered: the
	// log must be read again (Records) before anything more is written.
	unsettled map[string]bool
}

// NewNATSJournal writes lobby logs to st.
func NewNATSJournal(st *store.Store) *NATSJournal {
	return &NATSJournal{st: st, writer: randomToken()[:12], last: map[string]uint64{}, unsettled: map[string]bool{}}
}

// Append implements lobby.Journal. A closed lobby's log is dropped: its matches
// are kept by the match history, not the lobby log. The closed record is
// appended first, like any other, so that a writer that no longer owns the
// lobby cannot drop the log of the one that does.
func (j *NATSJournal) Append(ctx context.Context, code string, rec lobby.Record) error {
	j.mu.Lock()
	expect, unsettled := j.last[code], j.unsettled[code]
	j.mu.Unlock()
	if unsettled {
		return fmt.Errorf("%w: code %s: an earlier append is unsettled", store.ErrUnresolved, code)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	// The ID names the writer and this record alone: a retry of this very
	// append is stored once, and no other record, of this writer or
	// another, goes out under the same ID.
	id := fmt.Sprintf("%s.%s.%d", code, j.writer, j.next.Add(1))
	seq, err := j.st.Append(ctx, code, id, data, expect)
	if errors.Is(err, store.ErrUnresolved) {
		j.mu.Lock()
		j.unsettled[code] = true
		j.mu.Unlock()
	}
	if err != nil {
		return err
	}
	j.mu.Lock()
	j.last[code] = seq
	j.mu.Unlock()
	if rec.Kind == lobby.RecClosed {
		if err := j.st.Drop(ctx, code); err != nil {
			return err // the code tries again: another closed record, then the drop
		}
		j.mu.Lock()
		delete(j.last, code)
		j.mu.Unlock()
	}
	return nil
}

// Records implements lobby.Journal; it also takes the lobby over for this
// writer: later appends follow the last record read.
func (j *NATSJournal) Records(ctx context.Context, code string) ([]lobby.Record, error) {
	raw, err := j.st.Load(ctx, code)
	if err != nil {
		return nil, err
	}
	out, err := decodeLog(code, raw)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	delete(j.unsettled, code)
	if len(raw) > 0 {
		j.last[code] = raw[len(raw)-1].Seq
	} else {
		delete(j.last, code)
	}
	j.mu.Unlock()
	return out, nil
}

// Lobbies lists every lobby with a log.
func (j *NATSJournal) Lobbies(ctx context.Context) ([]string, error) { return j.st.Lobbies(ctx) }

// Close implements lobby.Journal. The store belongs to whoever opened it.
func (j *NATSJournal) Close() error { return nil }

// Health is nil while the store takes writes, and otherwise says why not.
func (j *NATSJournal) Health() error { return j.st.Health() }

// Unresolved reports whether err is an append whose outcome is not known:
// the record may be stored or not, and the lobby must stop writing.
func Unresolved(err error) bool { return errors.Is(err, store.ErrUnresolved) }

// Fenced reports whether err is an append refused because another writer
// owns the lobby now.
func Fenced(err error) bool { return errors.Is(err, store.ErrFenced) }
