package server

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"congress/game"
	"congress/protocol"
)

// RecordKind names one accepted change to a lobby.
type RecordKind string

// Record kinds. A lobby's state is exactly what applying its records in
// order makes of an empty lobby; spectators and connections are not state.
const (
	RecCreated     RecordKind = "created"      // Member (the host), Name, TokenHash, Public, Settings, Base
	RecJoined      RecordKind = "joined"       // Member, Name, TokenHash
	RecLeft        RecordKind = "left"         // Member gave up their place
	RecKicked      RecordKind = "kicked"       // Member removed by the host
	RecHostChanged RecordKind = "host_changed" // Member is the new host
	RecSettings    RecordKind = "settings"     // Settings
	RecPublic      RecordKind = "public"       // Public
	RecBotAdded    RecordKind = "bot_added"    // Member, Name, Strength, Seed
	RecBotRemoved  RecordKind = "bot_removed"  // Member
	RecStarted     RecordKind = "started"      // Match, MatchSeed (Seed in logs before it), Players (member IDs, in the order given to the game), At
	RecAct         RecordKind = "act"          // Command, applied at At (after Advance(At))
	RecAdvance     RecordKind = "advance"      // deadlines passed at At
	RecChat        RecordKind = "chat"         // Chat
	RecBotSeat     RecordKind = "bot_seat"     // Member's seat played by a bot (Bot true: Strength, Seed) or handed back (Bot false)
	RecRematch     RecordKind = "rematch"      // back to the lobby after a game
	RecClosed      RecordKind = "closed"       // the lobby is closed for good
	// RecSnapshot is the whole lobby between games (Snapshot): a log is
	// started afresh from one at a rematch (see lobby.compact), so that
	// what a restore replays does not grow with the games played.
	RecSnapshot RecordKind = "snapshot"
	// RecClaimed marks a node's taking the lobby over (Name is the node):
	// it changes nothing in the lobby, but it moves the log on, so a node
	// that still believes it owns the lobby is refused at its next append.
	RecClaimed RecordKind = "claimed"
)

// Record is one accepted change to a lobby: a plain value that a journal
// stores and a replay applies. Fields that do not apply to a kind are zero.
type Record struct {
	Kind RecordKind `json:"kind"`
	// At is the server time of the change; for act and advance it is the
	// time the game was advanced to and the command applied at.
	At time.Time `json:"at"`

	Member    string             `json:"member,omitempty"`
	Name      string             `json:"name,omitempty"`
	TokenHash []byte             `json:"token_hash,omitempty"` // SHA-256 of the member's token
	Public    bool               `json:"public,omitempty"`
	Settings  *protocol.Settings `json:"settings,omitempty"`
	Base      string             `json:"base,omitempty"` // created: the base URL of the lobby's links
	Bot       bool               `json:"bot,omitempty"`
	Strength  string             `json:"strength,omitempty"`
	Seed      uint64             `json:"seed,omitempty"`
	// MatchSeed is a started game's seed from crypto/rand; a log written
	// before it had one holds Seed (game.SeedOf).
	MatchSeed *game.Seed         `json:"match_seed,omitempty"`
	Match     string             `json:"match,omitempty"`
	Players   []string           `json:"players,omitempty"`
	Command   *game.Command      `json:"command,omitempty"`
	Chat      *protocol.ChatLine `json:"chat,omitempty"`
	Snapshot  *Snapshot          `json:"snapshot,omitempty"`
	// By and Key name the request that made the record: the member and
	// the request's idempotency key (see keys.go).
	By  string `json:"by,omitempty"`
	Key string `json:"key,omitempty"`
}

// Snapshot is everything a lobby is between games, as a snapshot record
// carries it: applied to any state between games, or to none, it makes
// exactly the lobby it was taken from.
type Snapshot struct {
	Created   time.Time           `json:"created"`
	Base      string              `json:"base,omitempty"`
	Public    bool                `json:"public,omitempty"`
	Settings  protocol.Settings   `json:"settings"`
	Host      string              `json:"host,omitempty"`
	Members   []SnapshotMember    `json:"members"`
	NextID    int                 `json:"next_id"`
	Matches   int                 `json:"matches,omitempty"`    // games played
	LastMatch string              `json:"last_match,omitempty"` // the last game's match ID
	Chat      []protocol.ChatLine `json:"chat,omitempty"`       // every line kept, in order of arrival
	// Keys are each member's latest applied request keys, oldest first.
	Keys map[string][]string `json:"keys,omitempty"`
}

// SnapshotMember is a member of the lobby in a snapshot.
type SnapshotMember struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	TokenHash []byte `json:"token_hash,omitempty"`
	Bot       bool   `json:"bot,omitempty"`
	Strength  string `json:"strength,omitempty"`
	Seed      uint64 `json:"seed,omitempty"`
}

// Journal is where a lobby's records go before they take effect: a
// record is applied only once Append has returned nil, so nothing a
// player saw can be lost. Implementations must be safe for concurrent use
// by many lobbies; one lobby appends from one goroutine, in order.
type Journal interface {
	// Append stores rec at the end of lobby's log.
	Append(ctx context.Context, lobby string, rec Record) error
	// Records returns lobby's log in order (nil for an unknown lobby).
	Records(ctx context.Context, lobby string) ([]Record, error)
	// Close flushes and releases the journal.
	Close() error
}

// MemJournal keeps every open lobby's log in memory. It forgets a lobby
// when its closed record is appended.
type MemJournal struct {
	mu   sync.Mutex
	logs map[string][]Record
}

// NewMemJournal returns an empty in-memory journal.
func NewMemJournal() *MemJournal { return &MemJournal{logs: map[string][]Record{}} }

// ErrJournalClosed refuses appends after Close.
var ErrJournalClosed = errors.New("journal closed")

// Append implements Journal.
func (j *MemJournal) Append(_ context.Context, lobby string, rec Record) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.logs == nil {
		return ErrJournalClosed
	}
	if rec.Kind == RecClosed {
		delete(j.logs, lobby)
		return nil
	}
	j.logs[lobby] = append(j.logs[lobby], rec)
	return nil
}

// Records implements Journal.
func (j *MemJournal) Records(_ context.Context, lobby string) ([]Record, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.logs[lobby]), nil
}

// Close implements Journal.
func (j *MemJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.logs = nil
	return nil
}
