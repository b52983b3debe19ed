package lobby

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"congress/game"
	"congress/protocol"
)

// The decisions: each turns what someone asks of the lobby into the
// records that make it so, or a refusal, and changes nothing itself.
// Every check comes before the first record, so a refused request leaves
// the lobby as it was; the caller journals the records in order, then
// applies each.

// Env is what a decision needs from outside the lobby's records.
type Env struct {
	Now       time.Time
	Seed      func() uint64    // a fresh random seed, for a bot
	MatchSeed func() game.Seed // a fresh match seed
	MatchID   func() string    // a fresh match ID
	// Here reports whether a member is connected now.
	Here func(member string) bool
	Bounds
}

// Bounds keep a lobby's journal bounded however long it lives and
// whoever comes and goes.
type Bounds struct {
	// ChatLines is a delegate's allowance of chat lines in a game, or
	// between games.
	ChatLines int
	// MembersEver bounds the members a lobby may ever have had, bots
	// included.
	MembersEver int
	// Changes bounds the host's changes of the lobby (settings, listing,
	// the host's seat, a seat handed to a bot and back) in a game, or
	// between games.
	Changes int
}

// GalleryShare is how many times a delegate's allowance of chat lines
// the whole gallery shares.
const GalleryShare = 4

// Created is the first record of a new lobby, whose host is its creator.
func Created(name string, tokenHash []byte, public bool, settings Settings, base string, now time.Time) Record {
	return Record{
		Kind: RecCreated, At: now, Member: FirstMember, Name: name, TokenHash: tokenHash,
		Public: public, Settings: &settings, Base: base,
	}
}

// Join admits a new delegate named name.
func (s *State) Join(name string, tokenHash []byte, env Env) (Record, error) {
	switch {
	case s.Closed:
		return Record{}, protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", s.Code)
	case s.Playing():
		return Record{}, protocol.Errorf(protocol.CodeGameStarted, "This lobby's game has started. Watch it, or join after the game.")
	case s.Seated() >= game.MaxSeats:
		return Record{}, protocol.Errorf(protocol.CodeLobbyFull, "This lobby has its %d delegates already.", game.MaxSeats)
	}
	if err := s.roomForMembers(env.MembersEver); err != nil {
		return Record{}, err
	}
	if other, taken := s.NameTaken(name); taken {
		if strings.EqualFold(other.Name, name) {
			return Record{}, protocol.Errorf(protocol.CodeNameTaken, "Someone in this lobby is already called %s. Choose another name.", name)
		}
		return Record{}, protocol.Errorf(protocol.CodeNameTaken, "%q looks too much like %s, who is already in this lobby. Choose another name.", name, other.Name)
	}
	return Record{Kind: RecJoined, At: env.Now, Member: s.nextMember(), Name: name, TokenHash: tokenHash}, nil
}

// Leave is a member's giving up their place.
func (s *State) Leave(me *Member, env Env) Record {
	return Record{Kind: RecLeft, At: env.Now, Member: me.ID}
}

// Due is the advance record of a deadline that has passed by now, if one has.
func (s *State) Due(now time.Time) (Record, bool) {
	m := s.Match
	if m == nil || !s.Playing() {
		return Record{}, false
	}
	if d, ok := m.Game.NextDeadline(); !ok || now.Before(d) {
		return Record{}, false
	}
	return Record{Kind: RecAdvance, At: now}, true
}

// Command is the game command a member's act makes: the seat is always
// the member's own, so nothing a client sends can act for another seat,
// and a host-only command is the host's alone.
func (s *State) Command(me *Member, a protocol.Act) (game.Command, error) {
	if me == nil {
		return game.Command{}, protocol.Errorf(protocol.CodeNotSeated, "Spectators watch; they do not act.")
	}
	cmd := game.Command{Kind: a.Kind, Seat: game.NoSeat, Target: a.Target, Purge: a.Purge}
	if a.Kind.HostOnly() {
		if s.Host != me.ID {
			return game.Command{}, protocol.Errorf(protocol.CodeNotHost, "Only the host may do that.")
		}
		return cmd, nil
	}
	if s.Match == nil || s.Phase == Open {
		return game.Command{}, protocol.Errorf(protocol.CodeNoGame, "No game is running.")
	}
	if me.Seat == game.NoSeat {
		return game.Command{}, protocol.Errorf(protocol.CodeNotSeated, "You have no seat in this game.")
	}
	cmd.Seat = me.Seat
	return cmd, nil
}

// Act is the record of a game command, from a delegate, the host or a
// bot, if the engine takes it now: its check is the very one Apply makes.
// Deadlines due by then (Due) must have been applied first.
func (s *State) Act(c game.Command, env Env) (Record, error) {
	if s.Match == nil || s.Phase == Open {
		return Record{}, protocol.Errorf(protocol.CodeNoGame, "No game is running.")
	}
	if err := s.Match.Game.Check(c); err != nil {
		return Record{}, err
	}
	return Record{Kind: RecAct, At: env.Now, Command: &c}, nil
}

// Say is the record of a chat line from me (nil: a spectator, who goes
// by name).
func (s *State) Say(me *Member, name string, ch game.Channel, text string, env Env) (Record, error) {
	if !s.CanWrite(me, ch) {
		return Record{}, protocol.Errorf(protocol.CodeChannelClosed, "You cannot write to the %s channel now.", ch)
	}
	if err := s.chatRoom(me, env.ChatLines); err != nil {
		return Record{}, err
	}
	line := ChatLine{Channel: ch, Text: text, At: env.Now}
	if me != nil {
		line.From, line.Name = me.ID, me.Name
	} else {
		line.Name = name
		if line.Name == "" {
			line.Name = "Spectator"
		}
	}
	return Record{Kind: RecChat, At: line.At, Chat: &line}, nil
}

// chatRoom refuses a line from a speaker (nil: the gallery) who has said
// their share in this game, or since the lobby opened: the lobby's log,
// and its journal, stay bounded whoever talks.
func (s *State) chatRoom(me *Member, limit int) error {
	from := ""
	if me != nil {
		from = me.ID
	} else {
		limit *= GalleryShare
	}
	if s.Chat.Spoken(from) < limit {
		return nil
	}
	if me == nil {
		return protocol.Errorf(protocol.CodeChatFull, "The gallery has said its %d lines for this game. It may speak again in the next.", limit)
	}
	return protocol.Errorf(protocol.CodeChatFull, "You have said your %d lines for this game. You may speak again in the next.", limit)
}

// roomForMembers refuses a new member once the lobby has seen
// its limit.
func (s *State) roomForMembers(limit int) error {
	if s.MembersEver() >= limit {
		return protocol.Errorf(protocol.CodeLobbyFull, "This lobby has seen %d delegates come and go, as many as one lobby may. Open a new lobby.", limit)
	}
	return nil
}

// roomForChanges refuses a host's change beyond limit.
func (s *State) roomForChanges(a protocol.HostAction, limit int) error {
	switch a {
	case protocol.HostSettings, protocol.HostPublic, protocol.HostMakeHost, protocol.HostBotSeat:
		if s.Changes >= limit {
			return protocol.Errorf(protocol.CodeTooManyChanges, "The Presidium has recorded %d changes of this lobby in this game, as many as it will until the next game begins.", limit)
		}
	}
	return nil
}

// HostAction is the records of a host's lobby action. The gallery's
// admissions are no record (nothing of the gallery is journaled): for
// them HostAction only checks that me is the host. A request to sit
// granted is the actor's to make (TakeSeat, Join), once the pass exists.
func (s *State) HostAction(me *Member, h protocol.Host, env Env) ([]Record, error) {
	if me == nil || s.Host != me.ID {
		return nil, protocol.Errorf(protocol.CodeNotHost, "Only the host may do that.")
	}
	if err := s.roomForChanges(h.Action, env.Changes); err != nil {
		return nil, err
	}
	one := func(rec Record, err error) ([]Record, error) {
		if err != nil {
			return nil, err
		}
		return []Record{rec}, nil
	}
	now := env.Now
	switch h.Action {
	case protocol.HostSettings:
		if s.Playing() {
			return nil, protocol.Errorf(protocol.CodeGameStarted, "Settings change between games.")
		}
		settings := SettingsOf(*h.Settings)
		return one(Record{Kind: RecSettings, At: now, Settings: &settings}, nil)
	case protocol.HostPublic:
		return one(Record{Kind: RecPublic, At: now, Public: h.Public}, nil)
	case protocol.HostKick:
		return s.kick(me, h.Member, env)
	case protocol.HostMakeHost:
		target, err := s.other(me, h.Member, "You are the host already.")
		if err != nil {
			return nil, err
		}
		if target.Bot {
			return nil, protocol.Errorf(protocol.CodeUnknownMember, "A bot cannot be the host.")
		}
		return one(Record{Kind: RecHostChanged, At: now, Member: target.ID}, nil)
	case protocol.HostAddBot:
		return one(s.addBot(h.Strength, env))
	case protocol.HostRemoveBot:
		target := s.Member(h.Member)
		if target == nil || !target.Bot {
			return nil, protocol.Errorf(protocol.CodeUnknownMember, "There is no such bot in this lobby.")
		}
		return one(s.removeBot(target, env))
	case protocol.HostBotSeat:
		return s.botSeat(h.Member, h.Bot, env)
	case protocol.HostStart:
		return one(s.startGame(env))
	case protocol.HostRematch:
		if s.Phase != Over {
			return nil, protocol.Errorf(protocol.CodeNoGame, "A rematch follows a finished game.")
		}
		return one(Record{Kind: RecRematch, At: now}, nil)
	case protocol.HostAdmit, protocol.HostDeny, protocol.HostSitAdmit, protocol.HostSitDeny:
		return nil, nil
	}
	return nil, protocol.Errorf(protocol.CodeBadMessage, "Unknown host action.")
}

// kick removes a member; a kicked delegate's seat in a running game goes
// on, played by a bot.
func (s *State) kick(me *Member, id string, env Env) ([]Record, error) {
	target, err := s.other(me, id, "You cannot kick yourself.")
	if err != nil {
		return nil, err
	}
	if target.Bot {
		rec, err := s.removeBot(target, env)
		if err != nil {
			return nil, err
		}
		return []Record{rec}, nil
	}
	var recs []Record
	if s.Playing() && target.Seat != game.NoSeat && !target.BotPlays {
		recs = append(recs, Record{Kind: RecBotSeat, At: env.Now, Member: target.ID, Bot: true, Strength: protocol.StrengthNormal, Seed: env.Seed()})
	}
	return append(recs, Record{Kind: RecKicked, At: env.Now, Member: target.ID}), nil
}

func (s *State) addBot(strength string, env Env) (Record, error) {
	if s.Playing() {
		return Record{}, protocol.Errorf(protocol.CodeGameStarted, "Bots join between games.")
	}
	if s.Seated() >= game.MaxSeats {
		return Record{}, protocol.Errorf(protocol.CodeLobbyFull, "This lobby has its %d delegates already.", game.MaxSeats)
	}
	if err := s.roomForMembers(env.MembersEver); err != nil {
		return Record{}, err
	}
	return Record{Kind: RecBotAdded, At: env.Now, Member: s.nextMember(), Name: s.botName(), Strength: strength, Seed: env.Seed()}, nil
}

func (s *State) removeBot(target *Member, env Env) (Record, error) {
	if s.Playing() {
		return Record{}, protocol.Errorf(protocol.CodeGameStarted, "Bots leave between games; hand the seat back instead.")
	}
	return Record{Kind: RecBotRemoved, At: env.Now, Member: target.ID}, nil
}

// botSeat hands an absent delegate's seat to a bot, or back.
func (s *State) botSeat(id string, bot bool, env Env) ([]Record, error) {
	if !s.Playing() {
		return nil, protocol.Errorf(protocol.CodeNoGame, "Seats are handed to bots during a game.")
	}
	target := s.Member(id)
	if target == nil || target.Gone || target.Bot || target.Seat == game.NoSeat {
		return nil, protocol.Errorf(protocol.CodeUnknownMember, "There is no such delegate at this table.")
	}
	if target.BotPlays == bot {
		return nil, nil
	}
	if bot && env.Here(target.ID) {
		return nil, protocol.Errorf(protocol.CodeNotAbsent, "%s is here: only an absent delegate's seat can go to a bot.", target.Name)
	}
	rec := Record{Kind: RecBotSeat, At: env.Now, Member: target.ID, Bot: bot}
	if bot {
		rec.Strength, rec.Seed = protocol.StrengthNormal, env.Seed()
	}
	return []Record{rec}, nil
}

// HandBack is the record of a returning delegate's taking their seat
// back from the bot that played it, if one did.
func (s *State) HandBack(me *Member, env Env) (Record, bool) {
	if !me.BotPlays || !s.Playing() {
		return Record{}, false
	}
	return Record{Kind: RecBotSeat, At: env.Now, Member: me.ID}, true
}

// startGame is the started record of a new game with every member seated.
func (s *State) startGame(env Env) (Record, error) {
	switch s.Phase {
	case Playing:
		return Record{}, protocol.Errorf(protocol.CodeGameStarted, "The game is already running.")
	case Over:
		return Record{}, protocol.Errorf(protocol.CodeCannotStart, "Call a rematch first.")
	}
	if e := s.StartRefusal(); e != nil {
		return Record{}, &protocol.Error{Code: protocol.CodeCannotStart, Message: e.Message, Field: e.Field, Reason: e.Reason, Params: e.Params}
	}
	var players []string
	for _, m := range s.Members {
		players = append(players, m.ID)
	}
	seed := env.MatchSeed()
	return Record{Kind: RecStarted, At: env.Now, Match: env.MatchID(), MatchSeed: &seed, Players: players}, nil
}

// Closing is the record of the lobby's closing for good.
func (s *State) Closing(env Env) Record { return Record{Kind: RecClosed, At: env.Now} }

// NewHost is the record of handing the lobby to member id.
func (s *State) NewHost(id string, env Env) Record {
	return Record{Kind: RecHostChanged, At: env.Now, Member: id}
}

// other is the member id names, if it is someone other than me.
func (s *State) other(me *Member, id, selfMsg string) (*Member, error) {
	target := s.Member(id)
	if target == nil || target.Gone {
		return nil, protocol.Errorf(protocol.CodeUnknownMember, "There is no such member in this lobby.")
	}
	if target == me {
		return nil, protocol.Errorf(protocol.CodeBadMessage, "%s", selfMsg)
	}
	return target, nil
}

// StartRefusal is why a game cannot start now, nil if it can: in words
// for the host, with the setting it is about and its reason.
func (s *State) StartRefusal() *protocol.Error {
	if s.Phase != Open {
		return &protocol.Error{Code: protocol.CodeCannotStart, Reason: protocol.ReasonRematchFirst, Message: "Call a rematch first."}
	}
	cfg, err := s.Settings.Config()
	if err == nil {
		err = cfg.ValidateSeats(s.Seated())
	}
	if err == nil {
		return nil
	}
	var e *protocol.Error
	if errors.As(err, &e) {
		return e
	}
	return &protocol.Error{Code: protocol.CodeCannotStart, Reason: protocol.ReasonNoGame, Message: "These settings cannot make a game."}
}

// botNames are delegates of the XVII Congress, for the bots to sit as:
// none who is a role of the game (Stalin, Kirov).
var botNames = []string{
	"Postyshev", "Kosior", "Eikhe", "Rudzutak", "Chubar", "Kuibyshev", "Kalinin", "Mikoyan",
	"Zhdanov", "Voroshilov", "Sheboldaev", "Vareikis", "Kabakov", "Rumyantsev", "Gamarnik", "Yakir",
	"Pyatakov", "Bubnov", "Krupskaya", "Yenukidze",
}

// botName is the first name of botNames nobody in the lobby goes by
// (nor one that looks like it), then "Comrade N".
func (s *State) botName() string {
	for _, name := range botNames {
		if _, taken := s.NameTaken(name); !taken {
			return name
		}
	}
	for n := 1; ; n++ {
		name := fmt.Sprintf("Comrade %d", n)
		if _, taken := s.NameTaken(name); !taken {
			return name
		}
	}
}
