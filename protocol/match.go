package protocol

import (
	"encoding/json"
	"time"

	"congress/game"
)

// Match history codes.
const (
	// CodeMatchRunning refuses a match's file while the match is played.
	CodeMatchRunning Code = "match_running"
	// CodeNoReplay refuses the replay of a match filed before match files
	// kept what the engine replays (format 1).
	CodeNoReplay Code = "no_replay"
)

// MatchSummary is one finished match in GET /api/matches.
type MatchSummary struct {
	ID      string         `json:"id"`
	Lobby   string         `json:"lobby"`
	Started time.Time      `json:"started"`
	Ended   time.Time      `json:"ended"`
	Names   []string       `json:"names"` // in seat order
	Winner  game.Faction   `json:"winner"`
	Reason  game.WinReason `json:"reason"`
}

// MatchList is GET /api/matches?page=N&per_page=M, newest first.
type MatchList struct {
	Matches []MatchSummary `json:"matches"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

// MatchFormat is the version of the match file written now. Format 1
// (the field absent) had no seed, config, players or steps: its matches
// can be read but not replayed. Format 2 added them.
const MatchFormat = 2

// MatchFile is a finished match's whole file, GET /api/matches/{id}: the
// settings, the names in seat order and every line of the log, secret
// ones included (the game_over line carries every role), and what the
// engine needs to play the match again exactly: the seed, the config,
// the players in the order they were dealt from and every step (a
// command and its time, or the deadlines passed at a time). Served only
// once the match is over.
type MatchFile struct {
	Format   int            `json:"format"`
	ID       string         `json:"id"`
	Lobby    string         `json:"lobby"`
	Started  time.Time      `json:"started"`
	Ended    time.Time      `json:"ended"`
	Names    []string       `json:"names"`
	Winner   game.Faction   `json:"winner"`
	Reason   game.WinReason `json:"reason"`
	Settings Settings       `json:"settings"`
	Log      []game.Event   `json:"log"`

	// Roles is the deal: every seat's role, in seat order.
	Roles []game.Role `json:"roles"`
	// Commitment is the SHA-256 of Seed, published at the deal.
	Commitment string      `json:"commitment"`
	Seed       game.Seed   `json:"seed"`
	Config     game.Config `json:"config"`
	// Players are the names in the order the deal shuffled them from
	// (Names is the seat order the shuffle made).
	Players []string    `json:"players"`
	Steps   []game.Step `json:"steps"`
	// Chat is every line said while the match ran, in order, each with
	// the step it followed: the replay shows each point of view the
	// lines it could read then.
	Chat []MatchChat `json:"chat,omitempty"`
}

// MatchChat is a chat line of a match file. Step is the index in the
// file's steps of the last step applied when it was said (-1: after the
// deal, before any step).
type MatchChat struct {
	Step int      `json:"step"`
	Line ChatLine `json:"line"`
}

// MatchFileOf is the file of a finished game, its log and steps taken
// from the engine. The caller fills in the ID, the lobby and the
// settings.
func MatchFileOf(g *game.Game, seed game.Seed, players []string) MatchFile {
	events, _ := g.Log(game.Everyone, 0)
	f := MatchFile{
		Format: MatchFormat, Log: events, Names: make([]string, g.Seats()),
		Commitment: seed.Commitment(), Seed: seed, Config: g.Config(), Players: players, Steps: g.Steps(),
	}
	for i := range f.Names {
		f.Names[i] = g.Name(i)
	}
	f.Winner, f.Reason = g.Winner()
	if len(events) == 0 {
		return f
	}
	f.Started, f.Ended = events[0].At, events[len(events)-1].At
	if over := events[len(events)-1]; over.Kind == game.EvGameOver {
		f.Roles = over.Roles
	}
	return f
}

// EncodeMatch renders a match file.
func EncodeMatch(m MatchFile) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic("protocol: encoding a match file: " + err.Error())
	}
	return b
}
