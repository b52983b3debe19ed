package protocol

import (
	"encoding/json"
	"time"

	"congress/game"
)

// CodeMatchRunning refuses a match's file while the match is played.
const CodeMatchRunning Code = "match_running"

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

// MatchFile is a finished match's whole file, GET /api/matches/{id}: the
// settings, the names in seat order and every line of the log, secret
// ones included (the game_over line carries every role). Served only
// once the match is over.
type MatchFile struct {
	ID       string         `json:"id"`
	Lobby    string         `json:"lobby"`
	Started  time.Time      `json:"started"`
	Ended    time.Time      `json:"ended"`
	Names    []string       `json:"names"`
	Winner   game.Faction   `json:"winner"`
	Reason   game.WinReason `json:"reason"`
	Settings Settings       `json:"settings"`
	Log      []game.Event   `json:"log"`
}

// EncodeMatch renders a match file.
func EncodeMatch(m MatchFile) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic("protocol: encoding a match file: " + err.Error())
	}
	return b
}
