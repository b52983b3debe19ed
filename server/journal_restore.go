package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"congress/server/store"
)

// Restorable is a Journal that a starting server reopens every lobby
// from, and whose leftovers it can finish off.
type Restorable interface {
	Journal
	// Logs reads every lobby's log at once and takes each over for this
	// writer, as Records does. An error means the journal as a whole
	// cannot be read; a lobby whose records cannot be decoded is there
	// with Err set.
	Logs(ctx context.Context) (map[string]LobbyLog, error)
	// Drop deletes a lobby's log.
	Drop(ctx context.Context, lobby string) error
	// Quarantine notes, beside a log that is kept as it is, why the
	// lobby cannot be reopened.
	Quarantine(ctx context.Context, lobby, reason string) error
}

// LobbyLog is one lobby's log as Logs reads it.
type LobbyLog struct {
	Records []Record
	Err     error // the log cannot be decoded
}

// Logs implements Restorable.
func (j *MemJournal) Logs(context.Context) (map[string]LobbyLog, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make(map[string]LobbyLog, len(j.logs))
	for code, recs := range j.logs {
		out[code] = LobbyLog{Records: slices.Clone(recs)}
	}
	return out, nil
}

// Drop implements Restorable.
func (j *MemJournal) Drop(_ context.Context, lobby string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.logs, lobby)
	return nil
}

// Quarantine implements Restorable: the log stays where it is.
func (j *MemJournal) Quarantine(context.Context, string, string) error { return nil }

// Logs implements Restorable.
func (j *NATSJournal) Logs(ctx context.Context) (map[string]LobbyLog, error) {
	raw, err := j.st.LoadAll(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]LobbyLog, len(raw))
	j.mu.Lock()
	defer j.mu.Unlock()
	for code, recs := range raw {
		if len(recs) == 0 {
			continue
		}
		j.last[code] = recs[len(recs)-1].Seq
		dec, err := decodeLog(code, recs)
		out[code] = LobbyLog{Records: dec, Err: err}
	}
	return out, nil
}

// decodeLog decodes a lobby's stored records.
func decodeLog(code string, raw []store.Record) ([]Record, error) {
	out := make([]Record, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r.Data, &out[i]); err != nil {
			return nil, fmt.Errorf("lobby %s record %d is unreadable: %w", code, r.Seq, err)
		}
	}
	return out, nil
}

// Drop implements Restorable.
func (j *NATSJournal) Drop(ctx context.Context, lobby string) error {
	if err := j.st.Drop(ctx, lobby); err != nil {
		return err
	}
	j.mu.Lock()
	delete(j.last, lobby)
	j.mu.Unlock()
	return nil
}

// Quarantine implements Restorable.
func (j *NATSJournal) Quarantine(ctx context.Context, lobby, reason string) error {
	return j.st.Quarantine(ctx, lobby, strings.TrimSpace(reason))
}

// Compact implements Compactor.
func (j *MemJournal) Compact(_ context.Context, lobby string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if recs := j.logs[lobby]; len(recs) > 1 {
		j.logs[lobby] = slices.Clone(recs[len(recs)-1:])
	}
	return nil
}

// Compact implements Compactor: the records before the last this writer
// appended go. Whatever another writer appended since stays.
func (j *NATSJournal) Compact(ctx context.Context, lobby string) error {
	j.mu.Lock()
	last, ok := j.last[lobby]
	j.mu.Unlock()
	if !ok {
		return nil
	}
	return j.st.Compact(ctx, lobby, last)
}
