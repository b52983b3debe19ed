// Package protocol is the wire between the browser (or any client) and the
// server: every message type, its JSON form, validation and error codes.
// README.md beside this file documents each message with an example.
//
// Every message is one JSON object in one WebSocket text frame, with a
// "type". The first client message on a connection says who is speaking
// (Join, Resume or Watch); everything after acts within that lobby.
package protocol

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"congress/game"
)

// Version is the protocol version. A client sends it in its first message;
// the server refuses other versions with CodeVersion.
const Version = 1

// Limits enforced by Decode and the server.
const (
	MaxMessageBytes = 8 << 10 // a larger frame closes the connection with StatusMessageTooBig
	MaxNameRunes    = 24
	MaxChatRunes    = 500
	CodeLength      = 6
	// CodeAlphabet has no 0/O, 1/I/L or 5/S, so codes read aloud survive.
	CodeAlphabet = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
)

// Type names a message.
type Type string

// Client → server.
const (
	TypeJoin   Type = "join"   // a new delegate joins a lobby by code, with a name
	TypeResume Type = "resume" // a delegate returns to their place with their token
	TypeWatch  Type = "watch"  // a spectator watches a lobby
	TypeAct    Type = "act"    // a game command for one's own seat (or a host game command)
	TypeSay    Type = "say"    // a chat line on a channel
	TypeHost   Type = "host"   // a host's lobby action
	TypeLeave  Type = "leave"  // give up one's place in the lobby
	TypeKnock  Type = "knock"  // a spectator asks the host, by name, to be admitted to see what the gallery may
	TypeSit    Type = "sit"    // a spectator asks the host for a seat a bot plays (or, seat -1, a place in the next game)
	TypeMove   Type = "move"   // a delegate asks for a one-time link that moves their seat to another device
)

// Server → client.
const (
	TypeWelcome  Type = "welcome"   // the answer to Join/Resume/Watch: who you are, and everything you may see
	TypeLobby    Type = "lobby"     // the lobby changed (members, host, settings, state)
	TypeGame     Type = "game"      // the game changed: your view, and new log lines you may see
	TypeChat     Type = "chat"      // a chat line you may read
	TypeAck      Type = "ack"       // your request ID was accepted
	TypeError    Type = "error"     // your request ID (or message) was refused
	TypeClosing  Type = "closing"   // the server is about to close this connection, and why
	TypeNotice   Type = "notice"    // a change of the lobby told in words: the gavel, a seat's player, a kick; what happened while you were away
	TypeMoveLink Type = "move_link" // the answer to Move: the one-time link, and until when it opens the seat
)

// HostAction is what a host does to the lobby.
type HostAction string

// Host actions.
const (
	HostSettings  HostAction = "settings"   // Settings: change the game settings (between games)
	HostPublic    HostAction = "public"     // Public: list the lobby publicly or not
	HostKick      HostAction = "kick"       // Member: remove a member (between games; during a game a bot takes the seat)
	HostMakeHost  HostAction = "make_host"  // Member: hand the host role to another human member
	HostAddBot    HostAction = "add_bot"    // Strength: seat a computer delegate (between games)
	HostRemoveBot HostAction = "remove_bot" // Member: remove a bot (between games)
	HostBotSeat   HostAction = "bot_seat"   // Member, Bot: during a game, hand an absent delegate's seat to a bot (Bot true) or back (false)
	HostStart     HostAction = "start"      // start the game (5 to 12 members seated)
	HostRematch   HostAction = "rematch"    // after a game: back to the lobby with the same members
	HostAdmit     HostAction = "admit"      // Spectator: admit a spectator who knocked (with spectators_see_roles, they see every role)
	HostDeny      HostAction = "deny"       // Spectator: turn away a knock, or withdraw an admission
	HostSitAdmit  HostAction = "sit_admit"  // Spectator: give a spectator who asked to sit the seat they asked for (or a place in the next game)
	HostSitDeny   HostAction = "sit_deny"   // Spectator: turn a request to sit away
)

// Settings is game.Config on the wire: timers in whole seconds.
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
	Reveal             string `json:"reveal"`       // "nothing" | "faction" | "role"
	PlotterChat        string `json:"plotter_chat"` // "night" | "always"
	PurgedSeeRoles     bool   `json:"purged_see_roles"`
	SpectatorsSeeRoles bool   `json:"spectators_see_roles"`
	SpectatorDelay     int    `json:"spectator_delay_seconds"`
	// MaxSpectators is a lobby setting, not a rule: 0 closes the gallery.
	MaxSpectators int `json:"max_spectators"`
	// Voice opens the lobby's voice (VOICE.md): off by default.
	Voice bool `json:"voice"`
	// Roles are the Congress roles turned on (ROLES.md), as a list of
	// their names; LastShotSeconds is the Last Shot's timer.
	Roles           game.RoleSet `json:"roles"`
	LastShotSeconds int          `json:"last_shot_seconds"`
	// HostAwaySeconds is how long the host may be away before the gavel
	// passes to the next delegate present: a lobby setting, not a rule.
	HostAwaySeconds int `json:"host_away_seconds"`
}

func secs(d time.Duration) int { return int(d / time.Second) }
func dur(s int) time.Duration  { return time.Duration(s) * time.Second }
func text(m interface{ MarshalText() ([]byte, error) }) string {
	b, _ := m.MarshalText()
	return string(b)
}

// SettingsOf is the wire form of a game config plus the gallery size.
func SettingsOf(c game.Config, maxSpectators int) Settings {
	return Settings{
		Plotters: c.Plotters, Sessions: c.Sessions, Investigator: c.Investigator,
		DebateSeconds: secs(c.DebateTime), Threshold: c.Threshold,
		ChairPickSeconds: secs(c.ChairPickTime), DefenceSeconds: secs(c.DefenceTime),
		VoteSeconds: secs(c.VoteTime), ConfessionSeconds: secs(c.ConfessionTime),
		NightSeconds: secs(c.NightTime), FinalBallotSeconds: secs(c.FinalBallotTime),
		OpenBallot: c.OpenBallot, Reveal: text(c.Reveal), PlotterChat: text(c.PlotterChat),
		PurgedSeeRoles: c.PurgedSeeRoles, SpectatorsSeeRoles: c.SpectatorsSeeRoles,
		SpectatorDelay: secs(c.SpectatorDelay), MaxSpectators: maxSpectators,
		Roles: c.Roles, LastShotSeconds: secs(c.LastShotTimer()),
		HostAwaySeconds: DefaultHostAwaySeconds,
	}
}

// Config converts wire settings to a validated game config.
func (s Settings) Config() (game.Config, error) {
	c := game.Config{
		Plotters: s.Plotters, Sessions: s.Sessions, Investigator: s.Investigator,
		DebateTime: dur(s.DebateSeconds), Threshold: s.Threshold,
		ChairPickTime: dur(s.ChairPickSeconds), DefenceTime: dur(s.DefenceSeconds),
		VoteTime: dur(s.VoteSeconds), ConfessionTime: dur(s.ConfessionSeconds),
		NightTime: dur(s.NightSeconds), FinalBallotTime: dur(s.FinalBallotSeconds),
		OpenBallot: s.OpenBallot, PurgedSeeRoles: s.PurgedSeeRoles,
		SpectatorsSeeRoles: s.SpectatorsSeeRoles, SpectatorDelay: dur(s.SpectatorDelay),
		Roles: s.Roles, LastShotTime: dur(s.LastShotSeconds),
	}
	if err := c.Reveal.UnmarshalText([]byte(s.Reveal)); err != nil {
		return c, Errorf(CodeBadMessage, "Reveal must be nothing, faction or role.")
	}
	if err := c.PlotterChat.UnmarshalText([]byte(s.PlotterChat)); err != nil {
		return c, Errorf(CodeBadMessage, "The Plotters' channel must be night or always.")
	}
	if s.MaxSpectators < 0 || s.MaxSpectators > MaxSpectatorsCap {
		return c, &Error{Code: CodeBadMessage, Field: "max_spectators", Reason: ReasonGalleryRange,
			Params:  map[string]string{"max": strconv.Itoa(MaxSpectatorsCap)},
			Message: fmt.Sprintf("The gallery holds 0 to %d spectators.", MaxSpectatorsCap)}
	}
	if r := HostAwayBounds; s.HostAwaySeconds < r.Min || s.HostAwaySeconds > r.Max {
		return c, &Error{Code: game.CodeConfig, Field: "host_away_seconds", Reason: ReasonHostAwayRange,
			Params:  map[string]string{"min": strconv.Itoa(r.Min)},
			Message: fmt.Sprintf("The gavel passes after %d seconds to an hour of the host's absence.", r.Min)}
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// The reasons of the lobby's own refusals of settings and of a start,
// beside the engine's (game.Reason), with the params each carries.
const (
	ReasonGalleryRange  game.Reason = "gallery_range"   // max
	ReasonHostAwayRange game.Reason = "host_away_range" // min (seconds)
	ReasonRematchFirst  game.Reason = "rematch_first"   //
	ReasonNoGame        game.Reason = "settings_no_game"
)

// MaxSpectatorsCap is the largest gallery a host may allow.
const MaxSpectatorsCap = 500

// DefaultMaxSpectators is a new lobby's gallery size.
const DefaultMaxSpectators = 50

// DefaultHostAwaySeconds is how long a new lobby's host may be away
// before the gavel passes.
const DefaultHostAwaySeconds = 30

// HostAwayBounds are the host_away_seconds a host may choose: long enough
// for a page to reload, short enough that a game is not left without a
// gavel for long.
var HostAwayBounds = game.Range{Min: 5, Max: 3600}

// Client is any decoded client message.
type Client interface{ clientType() Type }

// Join asks for a new seat in a lobby. Former is the pass this browser
// last held in the lobby, if it keeps one: the host's kick bars it, and
// with it a new name from the same browser.
type Join struct {
	Lobby  string `json:"lobby"`
	Name   string `json:"name"`
	Former string `json:"former,omitempty"`
}

// Resume returns to one's place with the token from Welcome (or from
// Created, for the delegate who opened the lobby). Lobby names the lobby
// the token belongs to, so any node can route it and a token of another
// lobby is refused. Move, instead of Token, is the code of a one-time
// move link (MoveLink): the seat moves to this connection, with a new
// token, and the connection that held it is closed with CodeMoved.
type Resume struct {
	Lobby string `json:"lobby"`
	Token string `json:"token,omitempty"`
	Move  string `json:"move,omitempty"`
}

// Watch enters a lobby's gallery as a spectator. Name is optional and
// shown in the spectators' chat.
type Watch struct {
	Lobby string `json:"lobby"`
	Name  string `json:"name,omitempty"`
}

// Act is a game command. The seat is the connection's own; the server fills it.
type Act struct {
	ID     int64            `json:"id"`
	Key    string           `json:"key,omitempty"`
	Kind   game.CommandKind `json:"kind"`
	Target int              `json:"target"`
	Purge  bool             `json:"purge"`
}

// Say is a chat line.
type Say struct {
	ID      int64        `json:"id"`
	Key     string       `json:"key,omitempty"`
	Channel game.Channel `json:"channel"`
	Text    string       `json:"text"`
}

// Host is a host's lobby action.
type Host struct {
	ID       int64      `json:"id"`
	Key      string     `json:"key,omitempty"`
	Action   HostAction `json:"action"`
	Member   string     `json:"member,omitempty"`
	Public   bool       `json:"public"` // always sent: the public action requires it
	Bot      bool       `json:"bot"`    // always sent: the bot_seat action requires it
	Strength string     `json:"strength,omitempty"`
	Settings *Settings  `json:"settings,omitempty"`
	// Spectator is a spectator's gallery ID (Knocker.ID), for admit and deny.
	Spectator string `json:"spectator,omitempty"`
}

// Knock is a spectator's request to be admitted, with the name the host
// will know them by. Under the setting that shows spectators every role
// (spectators_see_roles), only admitted spectators see them: anyone may
// watch, a delegate in a second window too.
type Knock struct {
	ID   int64  `json:"id"`
	Key  string `json:"key,omitempty"`
	Name string `json:"name"`
}

// Sit is a spectator's request for a seat: during a game, Seat is a
// seat a bot plays now (Lobby.OpenSeats), which the host may give them
// with all its private knowledge; Seat -1 asks for a place in the next
// game. Name is the name they will sit under; Former is the pass this
// browser last held in the lobby, if it keeps one (a kicked pass is
// refused, as at Join).
type Sit struct {
	ID     int64  `json:"id"`
	Key    string `json:"key,omitempty"`
	Seat   int    `json:"seat"`
	Name   string `json:"name"`
	Former string `json:"former,omitempty"`
}

// NextGame is the Seat of a Sit that asks for a place in the next game.
const NextGame = -1

// Move asks for a one-time link that moves the delegate's seat to
// another device (MoveLink). A new Move replaces the last link.
type Move struct {
	ID  int64  `json:"id"`
	Key string `json:"key,omitempty"`
}

// Leave gives up one's place (between games) or one's gallery seat.
type Leave struct {
	ID  int64  `json:"id"`
	Key string `json:"key,omitempty"`
}

// MaxKeyBytes bounds a request's idempotency key.
const MaxKeyBytes = 64

// RequestKey is a request's idempotency key ("" for none): a client that
// sends a request again — after a reconnect, or through another server —
// sends it under the same key, and the lobby applies it once and answers
// the copy as it answered the first.
func RequestKey(m Client) string {
	switch v := m.(type) {
	case Act:
		return v.Key
	case Say:
		return v.Key
	case Host:
		return v.Key
	case Leave:
		return v.Key
	case Knock:
		return v.Key
	case Sit:
		return v.Key
	case Move:
		return v.Key
	case Review:
		return v.Key
	}
	return ""
}

// validKey reports whether k may be a request key: empty, or 1 to
// MaxKeyBytes letters, digits, '-' or '_'.
func validKey(k string) bool {
	if len(k) > MaxKeyBytes {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (Join) clientType() Type   { return TypeJoin }
func (Resume) clientType() Type { return TypeResume }
func (Watch) clientType() Type  { return TypeWatch }
func (Act) clientType() Type    { return TypeAct }
func (Say) clientType() Type    { return TypeSay }
func (Host) clientType() Type   { return TypeHost }
func (Leave) clientType() Type  { return TypeLeave }
func (Knock) clientType() Type  { return TypeKnock }
func (Sit) clientType() Type    { return TypeSit }
func (Move) clientType() Type   { return TypeMove }

// LobbyState is where a lobby is in its life.
type LobbyState string

// Lobby states.
const (
	LobbyOpen    LobbyState = "open"    // gathering delegates
	LobbyPlaying LobbyState = "playing" // a game is running
	LobbyOver    LobbyState = "over"    // a game has ended; the host may call a rematch
)

// Lobby is what every member and spectator sees of the lobby.
type Lobby struct {
	Code       string     `json:"code"`
	Link       string     `json:"link"`       // invite link for delegates
	WatchLink  string     `json:"watch_link"` // link for spectators
	Public     bool       `json:"public"`
	State      LobbyState `json:"state"`
	Host       string     `json:"host"` // member ID of the host
	Members    []Member   `json:"members"`
	Spectators int        `json:"spectators"`
	Settings   Settings   `json:"settings"`
	// CanStart is true when the host may start now; otherwise StartBlock
	// says why, in words for the host.
	CanStart   bool   `json:"can_start"`
	StartBlock string `json:"start_block,omitempty"`
	// StartField names the setting (its key in Settings) StartBlock is
	// about, when it is about one: the host's form says so at that field.
	StartField string `json:"start_field,omitempty"`
	// StartReason and StartParams say which refusal StartBlock is, and
	// the names and numbers in it, for a client to say in its own words
	// (the reasons of Refused).
	StartReason game.Reason       `json:"start_reason,omitempty"`
	StartParams map[string]string `json:"start_params,omitempty"`
	// Limits are the bounds of the seats and of each numeric setting.
	Limits Limits `json:"limits"`
	Match  string `json:"match,omitempty"` // the current or last match's ID
	// ByTable is what the settings' 0 ("by table") means for Plotters and
	// Sessions with the delegates seated now (the fewest, 5, below that).
	ByTable ByTable `json:"by_table"`
	// Roles are the Congress roles for the delegates seated now (as for
	// the fewest, 5, below that): those the settings deal, and the set
	// the project recommends.
	Roles LobbyRoles `json:"roles"`
	// Commitment is the SHA-256 of the current or last match's seed,
	// published at its deal; Seed is the seed itself, shown once that
	// match is over (see MatchFile and congress verify).
	Commitment string `json:"commitment,omitempty"`
	Seed       string `json:"seed,omitempty"`
	// Knocks are the spectators who have knocked, and whether the host
	// has admitted them, in the order they knocked.
	Knocks []Knocker `json:"knocks"`
	// OpenSeats are the seats of the running game a bot plays now, which
	// a spectator may ask for (Sit); Sits are the spectators who asked to
	// sit, in the order they did.
	OpenSeats []int      `json:"open_seats"`
	Sits      []SitAsker `json:"sits"`
}

// SitAsker is a spectator who asked to sit, as the lobby shows them.
type SitAsker struct {
	ID   string `json:"id"` // the spectator's gallery ID, for sit_admit and sit_deny
	Name string `json:"name"`
	Seat int    `json:"seat"` // the seat asked for, or NextGame
}

// Limits are the bounds the server holds a lobby to (game.ConfigBounds
// and the gallery's cap), so that no client keeps its own copy.
type Limits struct {
	Seats    game.Range     `json:"seats"`
	Settings []SettingLimit `json:"settings"`
	// Table is what a setting of 0 ("by table") means for Plotters and
	// Sessions, for every number of delegates Seats allows, in order.
	Table []TableRow `json:"table"`
	// InvestigatorFrom is the fewest delegates an NKVD Investigator is
	// dealt with, when the setting asks for one.
	InvestigatorFrom int `json:"investigator_from"`
	// Roles are the Congress roles a host may turn on, in the order of
	// ROLES.md, and Recommended the project's set for each count.
	Roles       []RoleLimit      `json:"roles"`
	Recommended []Recommendation `json:"recommended"`
}

// TableRow is the table's Plotters and Sessions for Seats delegates.
type TableRow struct {
	Seats    int `json:"seats"`
	Plotters int `json:"plotters"`
	Sessions int `json:"sessions"`
}

// RoleLimit is when a Congress role is dealt: its camp, from how many
// delegates, and the role it is dealt only with (absent: none; the
// Investigator: only when one is dealt).
type RoleLimit struct {
	Name game.Role    `json:"name"`
	Camp game.Faction `json:"camp"`
	From int          `json:"from"`
	With game.Role    `json:"with,omitempty"`
}

// Recommendation is the set of Congress roles recommended for a count.
type Recommendation struct {
	Seats int          `json:"seats"`
	Roles game.RoleSet `json:"roles"`
}

// LobbyRoles are the Congress roles of a lobby for a count of delegates.
type LobbyRoles struct {
	Seats       int          `json:"seats"`
	Dealt       game.RoleSet `json:"dealt"`
	Recommended game.RoleSet `json:"recommended"`
}

// SettingLimit is the range of one numeric field of Settings, by its key.
type SettingLimit struct {
	Key string `json:"key"`
	Min int    `json:"min"`
	Max int    `json:"max"`
}

// LobbyLimits are the Limits every lobby carries: one value, made once,
// shared by every lobby view (not to be modified).
var LobbyLimits = sync.OnceValue(lobbyLimits)

func lobbyLimits() Limits {
	b := game.ConfigBounds()
	l := Limits{Seats: b.Seats}
	add := func(key string, r game.Range) { l.Settings = append(l.Settings, SettingLimit{key, r.Min, r.Max}) }
	for _, k := range []string{"debate_seconds", "chair_pick_seconds", "defence_seconds", "vote_seconds", "confession_seconds", "night_seconds", "final_ballot_seconds", "last_shot_seconds"} {
		add(k, b.Timer)
	}
	add("threshold", b.Threshold)
	add("plotters", b.Plotters)
	add("sessions", b.Sessions)
	add("spectator_delay_seconds", b.SpectatorDelay)
	add("max_spectators", game.Range{Min: 0, Max: MaxSpectatorsCap})
	for _, r := range game.OptionalRoles {
		l.Roles = append(l.Roles, RoleLimit{Name: r, Camp: r.Faction(), From: r.From(), With: r.Needs()})
	}
	for n := b.Seats.Min; n <= b.Seats.Max; n++ {
		l.Recommended = append(l.Recommended, Recommendation{Seats: n, Roles: game.RecommendedRoles(n)})
	}
	add("host_away_seconds", HostAwayBounds)
	var byTable game.Config // 0 for both: the table decides
	for n := b.Seats.Min; n <= b.Seats.Max; n++ {
		l.Table = append(l.Table, TableRow{Seats: n, Plotters: byTable.PlottersFor(n), Sessions: byTable.SessionsFor(n)})
	}
	l.InvestigatorFrom = game.InvestigatorFrom
	return l
}

// Knocker is a spectator who knocked, as the lobby shows them.
type Knocker struct {
	ID       string `json:"id"` // the spectator's gallery ID, for admit and deny
	Name     string `json:"name"`
	Admitted bool   `json:"admitted"`
}

// Member is a seated delegate (human or bot) as everyone sees them.
type Member struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Bot       bool   `json:"bot"`
	Strength  string `json:"strength,omitempty"` // bots: "easy" | "normal" | "hard"
	Connected bool   `json:"connected"`
	Seat      int    `json:"seat"` // seat at the table during/after a game, -1 before
	// BotPlays is true while the host has handed this delegate's seat to a
	// bot during a game; the delegate keeps the seat and its role.
	BotPlays bool `json:"bot_plays,omitempty"`
	// AwaySeconds is how long a human who is not connected had been away
	// when this lobby was sent (0 for a moment, and for the connected).
	AwaySeconds int `json:"away_seconds,omitempty"`
	// Gone is true of a delegate who left, or whom the host removed,
	// during the game: the seat stays at the table until the rematch.
	Gone bool `json:"gone,omitempty"`
}

// ByTable is the table's Plotters and Sessions for a number of delegates.
type ByTable struct {
	Plotters int `json:"plotters"`
	Sessions int `json:"sessions"`
}

// ChatLine is one chat message.
type ChatLine struct {
	Channel game.Channel `json:"channel"`
	From    string       `json:"from"` // member ID, or "" for a spectator
	Name    string       `json:"name"`
	Text    string       `json:"text"`
	At      time.Time    `json:"at"`
}

// Welcome answers Join, Resume and Watch.
type Welcome struct {
	// Token is the secret that resumes this place; sent only in Welcome,
	// and only to its owner. Keep it (e.g. in localStorage), never in a URL.
	Token string `json:"token,omitempty"`
	// You is the member ID (empty for an anonymous spectator).
	You       string `json:"you"`
	Spectator bool   `json:"spectator"`
	// Gallery is a spectator's gallery ID, by which the lobby's knocks
	// name them (empty for a delegate).
	Gallery string `json:"gallery,omitempty"`
	// Read and Write are the channels this connection may read and write
	// between games (before the first, in the lobby); a game's view
	// carries its own.
	Read  []game.Channel `json:"read"`
	Write []game.Channel `json:"write"`
	Lobby Lobby          `json:"lobby"`
	Game  *Game          `json:"game,omitempty"`
	Chat  []ChatLine     `json:"chat"`
	// Review is the review together under way, if any (see Reviewing).
	Review *Reviewing `json:"review,omitempty"`
}

// Game is the game as this connection may see it, with the log lines it
// may see that are new since its last Game message (all of them in Welcome).
type Game struct {
	View game.View    `json:"view"`
	Log  []game.Event `json:"log"`
	// Now is the server's clock when this was sent, so a client can count
	// down to View.Deadline whatever its own clock says.
	Now time.Time `json:"now"`
}

// Ack accepts request ID. It is sent after every message the request
// caused, so a client that has its Ack has also seen the request's effects.
type Ack struct {
	ID int64 `json:"id"`
}

// Refused is the body of an Error message: request ID (0 when the refused
// message had none, or could not be read) was refused with Code, and
// Message says why in words safe to show the player.
type Refused struct {
	ID      int64  `json:"id"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Field names the setting (its key in Settings) a refusal of
	// settings is about; Reason says which refusal of its code this is
	// and Params the names and numbers in it, so that a client can say
	// it in its own words. Each is absent when it does not apply.
	Field  string            `json:"field,omitempty"`
	Reason game.Reason       `json:"reason,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// RefusedOf is the body that refuses request id with e.
func RefusedOf(id int64, e *Error) Refused {
	return Refused{ID: id, Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason, Params: e.Params}
}

// Notice tells, in words, of a change to the lobby everyone should know
// of (the gavel passing, a seat going to a bot or back, a kick), or, to a
// delegate back at their seat alone, what happened while they were away.
// It changes nothing: the lobby and game messages carry the change.
type Notice struct {
	Kind    NoticeKind `json:"kind"`
	Message string     `json:"message"`
	// Member is whom the notice is about: the new host, the seat's
	// delegate, the kicked.
	Member string `json:"member,omitempty"`
	// Deeds, in a while_away notice, are the log lines of what the bot
	// chose in the returning delegate's seat, as that seat reads them.
	Deeds []game.Event `json:"deeds,omitempty"`
	// Event says which news of its kind a notice tells (one of the
	// Notice events) and Params the names and numbers in it, so that a
	// client can tell it in its own words; Message is the server's.
	Event  NoticeEvent       `json:"event,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// NoticeEvent is which news a notice tells.
type NoticeEvent string

// Notice events, with the params each carries.
const (
	NoticeGavelPassed  NoticeEvent = "gavel_passed"   // name (the new host), from (the one away)
	NoticeHostChanged  NoticeEvent = "host_changed"   // name
	NoticeBotPlays     NoticeEvent = "bot_plays"      // name: a bot plays their seat, at their word
	NoticeBotPlaysAway NoticeEvent = "bot_plays_away" // name: a bot plays their seat while they are away
	NoticeBack         NoticeEvent = "back"           // name: back at their own seat
	NoticeBotLeaves    NoticeEvent = "bot_leaves"     // name: the seat waits for them
	NoticeSeatTaken    NoticeEvent = "seat_taken"     // name, seat (numbered from 1)
	NoticeRemoved      NoticeEvent = "kicked"         // name
	// NoticeAway is the news of a while_away notice: gavel "passed" and
	// name (the new host, absent when no longer known) when the gavel
	// passed; deputy "sat" when a bot sat in the seat, its moves in Deeds.
	NoticeAway NoticeEvent = "while_away"
)

// NoticeKind says what a Notice is about.
type NoticeKind string

// Notice kinds.
const (
	NoticeGavel     NoticeKind = "gavel"      // the gavel passed from an absent host, or was handed on
	NoticeSeat      NoticeKind = "seat"       // a seat went to a bot, or back to its delegate
	NoticeKicked    NoticeKind = "kicked"     // the host removed a member
	NoticeWhileAway NoticeKind = "while_away" // to a returning delegate: the gavel's passing, their stand-in's deeds
)

// MoveLink answers Move: the link that opens this seat on another device,
// once, until Expires. It carries a one-time code, never the token.
type MoveLink struct {
	Link    string    `json:"link"`
	Code    string    `json:"code"`
	Expires time.Time `json:"expires"`
}

// MoveLinkTTL is how long a move link opens the seat.
const MoveLinkTTL = 2 * time.Minute

// Closing says why the server is closing the connection.
type Closing struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// HTTP API bodies (JSON, not WebSocket messages).

// CreateLobby is the body of POST /api/lobbies: the name of the delegate
// who opens the lobby and becomes its host, whether the lobby is listed
// publicly, and optionally the game settings (the defaults otherwise).
type CreateLobby struct {
	Name     string    `json:"name"`
	Public   bool      `json:"public"`
	Settings *Settings `json:"settings,omitempty"`
}

// Created answers POST /api/lobbies (201). The host goes on with a
// WebSocket Resume carrying Lobby (the code) and Token.
type Created struct {
	Code      string `json:"code"`
	Link      string `json:"link"`
	WatchLink string `json:"watch_link"`
	You       string `json:"you"`   // the host's member ID
	Token     string `json:"token"` // the host's secret, as in Welcome
}

// LobbySummary is a lobby as GET /api/lobbies and GET /api/lobbies/{code}
// show it: nothing secret, no chat.
type LobbySummary struct {
	Code          string     `json:"code"`
	Link          string     `json:"link"`
	WatchLink     string     `json:"watch_link"`
	Public        bool       `json:"public"`
	State         LobbyState `json:"state"`
	Host          string     `json:"host"` // the host's name
	Delegates     int        `json:"delegates"`
	Spectators    int        `json:"spectators"`
	MaxSpectators int        `json:"max_spectators"`
	Settings      Settings   `json:"settings"`
}

// Problem is the body of every HTTP error response.
type Problem struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Field, Reason and Params are as in Refused.
	Field  string            `json:"field,omitempty"`
	Reason game.Reason       `json:"reason,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}
