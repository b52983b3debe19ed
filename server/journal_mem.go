package server

import (
	"context"
	"slices"
	"sync"

	"congress/server/lobby"
)

// MemJournal keeps every open lobby's log in memory. It forgets a lobby
// when its closed record is appended.
type MemJournal struct {
	mu   sync.Mutex
	logs map[string][]lobby.Record
}

// NewMemJournal returns an empty in-memory journal.
func NewMemJournal() *MemJournal { return &MemJournal{logs: map[string][]lobby.Record{}} }

// Append implements lobby.Journal.
func (j *MemJournal) Append(_ context.Context, code string, rec lobby.Record) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.logs == nil {
		return lobby.ErrJournalClosed
	}
	if rec.Kind == lobby.RecClosed {
		delete(j.logs, code)
		return nil
	}
	j.logs[code] = append(j.logs[code], rec)
	return nil
}

// Records implements lobby.Journal.
func (j *MemJournal) Records(_ context.Context, code string) ([]lobby.Record, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.logs[code]), nil
}

// Close implements lobby.Journal.
func (j *MemJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.logs = nil
	return nil
}

// Logs implements lobby.Restorable.
func (j *MemJournal) Logs(context.Context) (map[string]lobby.Log, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make(map[string]lobby.Log, len(j.logs))
	for code, recs := range j.logs {
		out[code] = lobby.Log{Records: slices.Clone(recs)}
	}
	return out, nil
}

// Drop implements lobby.Restorable.
func (j *MemJournal) Drop(_ context.Context, code string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.logs, code)
	return nil
}

// Quarantine implements lobby.Restorable: the log stays where it is.
func (j *MemJournal) Quarantine(context.Context, string, string) error { return nil }

// Compact implements lobby.Compactor.
func (j *MemJournal) Compact(_ context.Context, code string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if recs := j.logs[code]; len(recs) > 1 {
		j.logs[code] = slices.Clone(recs[len(recs)-1:])
	}
	return nil
}
