package lobby

import (
	"context"
	"errors"
)

// Journal is where a lobby's records go before they take effect: a
// record is applied only once Append has returned nil, so nothing a
// player saw can be lost. Implementations must be safe for concurrent use
// by many lobbies; one lobby appends from one goroutine, in order.
type Journal interface {
	// Append stores rec at the end of the lobby's log.
	Append(ctx context.Context, code string, rec Record) error
	// Records returns the lobby's log in order (nil for an unknown lobby).
	Records(ctx context.Context, code string) ([]Record, error)
	// Close flushes and releases the journal.
	Close() error
}

// Restorable is a Journal that a starting server reopens every lobby
// from, and whose leftovers it can finish off.
type Restorable interface {
	Journal
	// Logs reads every lobby's log at once and takes each over for this
	// writer, as Records does. An error means the journal as a whole
	// cannot be read; a lobby whose records cannot be decoded is there
	// with Err set.
	Logs(ctx context.Context) (map[string]Log, error)
	// Drop deletes a lobby's log.
	Drop(ctx context.Context, code string) error
	// Quarantine notes, beside a log that is kept as it is, why the
	// lobby cannot be reopened.
	Quarantine(ctx context.Context, code, reason string) error
}

// Log is one lobby's log as Logs reads it.
type Log struct {
	Records []Record
	Err     error // the log cannot be decoded
}

// Compactor is a Journal that can start a lobby's log afresh: Compact
// deletes every record of the lobby before the last one appended.
type Compactor interface {
	Compact(ctx context.Context, code string) error
}

// Errors of a journal's Append that the lobby acts on.
var (
	// ErrFenced refuses an append because another writer has taken the
	// lobby's log over: this one no longer owns the lobby.
	ErrFenced = errors.New("the lobby's log has moved on: this writer no longer owns the lobby")
	// ErrUnresolved is an append whose outcome is not known: the record
	// may be stored or not, and the lobby must stop writing.
	ErrUnresolved = errors.New("the log did not answer; the record may or may not be stored")
	// ErrJournalClosed refuses appends after Close.
	ErrJournalClosed = errors.New("journal closed")
)
