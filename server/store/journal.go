package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"congress/server/lobby"
)

// Journal is the lobby.Journal on NATS JetStream, and a lobby.Restorable
// and lobby.Compactor. Each append names the
// sequence this writer last saw for the lobby, so a second writer — or a
// node that lost the lobby — is refused (ErrFenced) rather than
// interleaving its records.
type Journal struct {
	st     *Store
	writer string // random per journal: part of every message ID
	next   atomic.Uint64

	mu   sync.Mutex
	last map[string]uint64
	// unsettled holds the lobbies whose last append went unanswered: the
	// log must be read again (Records) before anything more is written.
	unsettled map[string]bool
}

// NewJournal writes lobby logs to st.
func NewJournal(st *Store) *Journal {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return &Journal{st: st, writer: hex.EncodeToString(b[:]), last: map[string]uint64{}, unsettled: map[string]bool{}}
}

// Append implements lobby.Journal. A closed lobby's log is dropped: its matches
// are kept by the match history, not the lobby log. The closed record is
// appended first, like any other, so that a writer that no longer owns the
// lobby cannot drop the log of the one that does.
func (j *Journal) Append(ctx context.Context, code string, rec lobby.Record) error {
	j.mu.Lock()
	expect, unsettled := j.last[code], j.unsettled[code]
	j.mu.Unlock()
	if unsettled {
		return fmt.Errorf("%w: code %s: an earlier append is unsettled", ErrUnresolved, code)
	}
	data, err := lobby.Encode(rec)
	if err != nil {
		return err
	}
	// The ID names the writer and this record alone: a retry of this very
	// append is stored once, and no other record, of this writer or
	// another, goes out under the same ID.
	id := fmt.Sprintf("%s.%s.%d", code, j.writer, j.next.Add(1))
	seq, err := j.st.Append(ctx, code, id, data, expect)
	if errors.Is(err, ErrUnresolved) {
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
func (j *Journal) Records(ctx context.Context, code string) ([]lobby.Record, error) {
	raw, out, err := j.read(ctx, code)
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

// Peek is the lobby's log as Records reads it, without taking the lobby
// over: a bystander's read, which leaves the writer's appends as they were.
func (j *Journal) Peek(ctx context.Context, code string) ([]lobby.Record, error) {
	_, out, err := j.read(ctx, code)
	return out, err
}

func (j *Journal) read(ctx context.Context, code string) ([]Record, []lobby.Record, error) {
	raw, err := j.st.Load(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	out, err := decodeLog(code, raw)
	return raw, out, err
}

// Lobbies lists every lobby with a log.
func (j *Journal) Lobbies(ctx context.Context) ([]string, error) { return j.st.Lobbies(ctx) }

// Close implements lobby.Journal. The store belongs to whoever opened it.
func (j *Journal) Close() error { return nil }

// Health is nil while the store takes writes, and otherwise says why not.
func (j *Journal) Health() error { return j.st.Health() }

// Logs implements lobby.Restorable.
func (j *Journal) Logs(ctx context.Context) (map[string]lobby.Log, error) {
	raw, err := j.st.LoadAll(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]lobby.Log, len(raw))
	j.mu.Lock()
	defer j.mu.Unlock()
	for code, recs := range raw {
		if len(recs) == 0 {
			continue
		}
		j.last[code] = recs[len(recs)-1].Seq
		dec, err := decodeLog(code, recs)
		out[code] = lobby.Log{Records: dec, Err: err}
	}
	return out, nil
}

// decodeLog decodes a lobby's stored records.
func decodeLog(code string, raw []Record) ([]lobby.Record, error) {
	out := make([]lobby.Record, len(raw))
	for i, r := range raw {
		rec, err := lobby.Decode(r.Data)
		if err != nil {
			return nil, fmt.Errorf("lobby %s record %d is unreadable: %w", code, r.Seq, err)
		}
		out[i] = rec
	}
	return out, nil
}

// Drop implements lobby.Restorable.
func (j *Journal) Drop(ctx context.Context, code string) error {
	if err := j.st.Drop(ctx, code); err != nil {
		return err
	}
	j.mu.Lock()
	delete(j.last, code)
	j.mu.Unlock()
	return nil
}

// Quarantine implements lobby.Restorable.
func (j *Journal) Quarantine(ctx context.Context, code, reason string) error {
	return j.st.Quarantine(ctx, code, strings.TrimSpace(reason))
}

// Compact implements lobby.Compactor: the records before the last this
// writer appended go. Whatever another writer appended since stays.
func (j *Journal) Compact(ctx context.Context, code string) error {
	j.mu.Lock()
	last, ok := j.last[code]
	j.mu.Unlock()
	if !ok {
		return nil
	}
	return j.st.Compact(ctx, code, last)
}
