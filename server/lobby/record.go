package lobby

import (
	"encoding/json"
	"fmt"
	"time"

	"congress/game"
	"congress/protocol"
)

// Version is the record schema this package writes. A stored record
// without a version is of version 1, the schema as it was first stored,
// which is also version 1's: every log ever written replays.
const Version = 1

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
	// started afresh from one at a rematch, so that what a restore
	// replays does not grow with the games played.
	RecSnapshot RecordKind = "snapshot"
	// RecClaimed marks a node's taking the lobby over (Name is the node):
	// it changes nothing in the lobby, but it moves the log on, so a node
	// that still believes it owns the lobby is refused at its next append.
	RecClaimed RecordKind = "claimed"

	// The gavel and the seats of the absent (gavel.go).
	RecGavelPassed RecordKind = "gavel_passed" // the host (From) was away: Member holds the gavel now
	RecTold        RecordKind = "told"         // Member, back, has been told what happened while away

	// Seats changing hands (seats.go).
	RecSeatTaken   RecordKind = "seat_taken"   // Member, Name, TokenHash: a new delegate takes the seat a bot played for From
	RecMoveOffered RecordKind = "move_offered" // Member's move link: TokenHash is its code's SHA-256, valid from At
	RecMoved       RecordKind = "moved"        // Member's seat moved by its link: TokenHash is the new pass
)

// Record is one accepted change to a lobby: a plain value that a journal
// stores and a replay applies. Fields that do not apply to a kind are zero.
type Record struct {
	// V is the schema version the record was written in (see Version).
	V    int        `json:"v,omitempty"`
	Kind RecordKind `json:"kind"`
	// At is the server time of the change; for act and advance it is the
	// time the game was advanced to and the command applied at.
	At time.Time `json:"at"`

	Member    string    `json:"member,omitempty"`
	Name      string    `json:"name,omitempty"`
	TokenHash []byte    `json:"token_hash,omitempty"` // SHA-256 of the member's token
	Public    bool      `json:"public,omitempty"`
	Settings  *Settings `json:"settings,omitempty"`
	Base      string    `json:"base,omitempty"` // created: the base URL of the lobby's links
	Bot       bool      `json:"bot,omitempty"`
	Strength  string    `json:"strength,omitempty"`
	Seed      uint64    `json:"seed,omitempty"`
	// MatchSeed is a started game's seed from crypto/rand; a log written
	// before it had one holds Seed (game.SeedOf).
	MatchSeed *game.Seed    `json:"match_seed,omitempty"`
	Match     string        `json:"match,omitempty"`
	Players   []string      `json:"players,omitempty"`
	Command   *game.Command `json:"command,omitempty"`
	Chat      *ChatLine     `json:"chat,omitempty"`
	Snapshot  *Snapshot     `json:"snapshot,omitempty"`
	// From is the host the gavel passed from (gavel_passed), or the
	// member whose seat was taken (seat_taken).
	From string `json:"from,omitempty"`
	// By and Key name the request that made the record: the member and
	// the request's idempotency key.
	By  string `json:"by,omitempty"`
	Key string `json:"key,omitempty"`
}

// Encode is rec as a journal stores it, in this package's Version.
func Encode(rec Record) ([]byte, error) {
	rec.V = Version
	return json.Marshal(rec)
}

// Decode reads a stored record of any version this package knows.
func Decode(data []byte) (Record, error) {
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return Record{}, err
	}
	switch {
	case rec.V == 0:
		rec.V = 1 // written before records carried their version
	case rec.V > Version:
		return Record{}, fmt.Errorf("record version %d is newer than this server's %d", rec.V, Version)
	}
	return rec, nil
}

// Settings are a lobby's settings as its journal keeps them: the game's
// configuration and the gallery's size. They are the wire's today
// (protocol.Settings), field for field, but stored under their own type
// so that the wire can change without rewriting old logs.
type Settings struct {
	Plotters           int    `json:"plotters"`
	Sessions           int    `json:"sessions"`
	Investigator       bool   `json:"investigator"`
	DebateSeconds      int    `json:"debate_seconds"`
	Threshold          int    `json:"threshold"`
	ChairPickSeconds   int    `json:"chair_pick_seconds"`
	DefenceSeconds     int    `json:"defence_seconds"`
	VoteSeconds        int    `json:"vote_seconds"`
	ConfessionSeconds  int    `json:"confession_seconds"`
	NightSeconds       int    `json:"night_seconds"`
	FinalBallotSeconds int    `json:"final_ballot_seconds"`
	OpenBallot         bool   `json:"open_ballot"`
	Reveal             string `json:"reveal"`
	PlotterChat        string `json:"plotter_chat"`
	PurgedSeeRoles     bool   `json:"purged_see_roles"`
	SpectatorsSeeRoles bool   `json:"spectators_see_roles"`
	SpectatorDelay     int    `json:"spectator_delay_seconds"`
	MaxSpectators      int    `json:"max_spectators"`
	Voice              bool   `json:"voice,omitempty"` // absent from the logs before it
	// Roles are the Congress roles turned on, by name; LastShotSeconds
	// the Last Shot's timer. Both absent from the logs before them: no
	// role, and the Last Shot's 60 seconds.
	Roles           game.RoleSet `json:"roles,omitempty"`
	LastShotSeconds int          `json:"last_shot_seconds,omitempty"`
	// HostAwaySeconds is absent from the logs before it: the default then.
	HostAwaySeconds int `json:"host_away_seconds,omitempty"`
}

// SettingsOf is the stored form of the wire's settings. The conversion
// compiles only while the two have the same fields: a change to either
// must say here how the other follows.
func SettingsOf(s protocol.Settings) Settings { return Settings(s) }

// Wire is the settings as the wire carries them.
func (s Settings) Wire() protocol.Settings { return protocol.Settings(s) }

// Config is the game's configuration the settings make.
func (s Settings) Config() (game.Config, error) { return s.Wire().Config() }

// ChatLine is a chat line as the journal keeps it.
type ChatLine struct {
	Channel game.Channel `json:"channel"`
	From    string       `json:"from"` // member ID, or "" for a spectator
	Name    string       `json:"name"`
	Text    string       `json:"text"`
	At      time.Time    `json:"at"`
}

// Wire is the line as the wire carries it.
func (l ChatLine) Wire() protocol.ChatLine { return protocol.ChatLine(l) }

// Snapshot is everything a lobby is between games, as a snapshot record
// carries it: applied to any state between games, or to none, it makes
// exactly the lobby it was taken from.
type Snapshot struct {
	Created   time.Time        `json:"created"`
	Base      string           `json:"base,omitempty"`
	Public    bool             `json:"public,omitempty"`
	Settings  Settings         `json:"settings"`
	Host      string           `json:"host,omitempty"`
	Members   []SnapshotMember `json:"members"`
	NextID    int              `json:"next_id"`
	Matches   int              `json:"matches,omitempty"`    // games played
	LastMatch string           `json:"last_match,omitempty"` // the last game's match ID
	Chat      []ChatLine       `json:"chat,omitempty"`       // every line kept, in order of arrival
	// Keys are each member's latest applied request keys, oldest first.
	Keys map[string][]string `json:"keys,omitempty"`
	// Kicked are the passes (token hashes) of the members the host
	// removed, which may not come back.
	Kicked [][]byte `json:"kicked,omitempty"`
}

// SnapshotMember is a member of the lobby in a snapshot.
type SnapshotMember struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	TokenHash []byte `json:"token_hash,omitempty"`
	Bot       bool   `json:"bot,omitempty"`
	Strength  string `json:"strength,omitempty"`
	Seed      uint64 `json:"seed,omitempty"`
	LostGavel bool   `json:"lost_gavel,omitempty"` // the gavel passed while they were away; not yet told
}
