package lobby

import (
	"context"
	"errors"
	"time"
)

// MatchEntry is a match as the match history keeps its summary.
type MatchEntry struct {
	ID      string    `json:"id"`
	Lobby   string    `json:"lobby"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
	Seats   []string  `json:"seats"`
	Winner  string    `json:"winner,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Over    bool      `json:"over"`
	// Public is whether the match was played in a publicly listed
	// lobby: only those are listed. A private lobby's match is reached
	// by its ID alone, which only its players and spectators were given.
	// A summary stored before the field existed reads as private.
	Public bool `json:"public,omitempty"`
}

// Matches is where finished matches are kept for the history and
// replays: the match history's port.
type Matches interface {
	// PutMatch records a match's summary (at its start, and again at its end).
	PutMatch(ctx context.Context, m MatchEntry) error
	// FinishMatch stores a finished match's whole file and marks it over.
	FinishMatch(ctx context.Context, m MatchEntry, file []byte) error
	// GetMatch returns a match's summary (ErrNoMatch if none is kept).
	GetMatch(ctx context.Context, id string) (MatchEntry, error)
	// MatchLog returns a finished match's whole file (ErrNoMatch if none is kept).
	MatchLog(ctx context.Context, id string) ([]byte, error)
	// Matches lists the finished matches of public lobbies, newest
	// first: page from 0, size per page, and how many there are.
	Matches(ctx context.Context, page, size int) ([]MatchEntry, int, error)
}

// ErrNoMatch is the match history's answer for a match it does not keep.
var ErrNoMatch = errors.New("no such match is kept")
