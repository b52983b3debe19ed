package server

import (
	"context"
	"fmt"
	"strings"

	"congress/server/lobby"
	"congress/server/store"
)

// Logs implements lobby.Restorable.
func (j *NATSJournal) Logs(ctx context.Context) (map[string]lobby.Log, error) {
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
func decodeLog(code string, raw []store.Record) ([]lobby.Record, error) {
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
func (j *NATSJournal) Drop(ctx context.Context, code string) error {
	if err := j.st.Drop(ctx, code); err != nil {
		return err
	}
	j.mu.Lock()
	delete(j.last, code)
	j.mu.Unlock()
	return nil
}

// Quarantine implements lobby.Restorable.
func (j *NATSJournal) Quarantine(ctx context.Context, code, reason string) error {
	return j.st.Quarantine(ctx, code, strings.TrimSpace(reason))
}

// Compact implements lobby.Compactor: the records before the last this
// writer appended go. Whatever another writer appended since stays.
func (j *NATSJournal) Compact(ctx context.Context, code string) error {
	j.mu.Lock()
	last, ok := j.last[code]
	j.mu.Unlock()
	if !ok {
		return nil
	}
	return j.st.Compact(ctx, code, last)
}
