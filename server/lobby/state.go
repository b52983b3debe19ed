package lobby

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"congress/game"
	"congress/protocol"
)

// Phase is where a lobby is in its life.
type Phase int

// Phases.
const (
	Open    Phase = iota // gathering delegates
	Playing              // a game is running
	Over                 // a game has ended; the host may call a rematch
)

// Wire is the phase as the wire names it.
func (p Phase) Wire() protocol.LobbyState {
	switch p {
	case Playing:
		return protocol.LobbyPlaying
	case Over:
		return protocol.LobbyOver
	}
	return protocol.LobbyOpen
}

func (p Phase) String() string { return string(p.Wire()) }

// State is everything a lobby's records make. Apply is its only writer,
// so replaying a journal rebuilds it exactly; whoever holds a State reads
// its fields and never sets them.
type State struct {
	Code     string
	Base     string // the base URL of the lobby's links ("" for relative ones)
	Created  time.Time
	Public   bool
	Settings Settings
	Host     string // member ID of the host, "" if no human is left
	Members  []*Member
	Phase    Phase
	Match    *Match // the current or last game; nil before the first, and after a snapshot
	Matches  int    // games played
	LastID   string // the current or last game's match ID
	Chat     ChatLog
	Changes  int  // of settings, listing, host and bot seats since the period began
	Closed   bool // closed for good
	// Keys are each member's latest applied request keys.
	Keys map[string]*KeyRing
	// Kicked are the token hashes of the members the host removed: their
	// passes are refused for good (gavel.go).
	Kicked [][]byte
	// Displaced are the passes of the delegates whose seats the host gave
	// to a new delegate in this game (seats.go): refused, with why, until
	// the rematch.
	Displaced []Unseat

	nextID int // the number of the next member ID
	newBot BotFactory
}

// Member is a delegate of the lobby, human or bot.
type Member struct {
	ID        string
	Name      string
	TokenHash []byte // humans only; nil once the member has left
	Bot       bool
	Strength  string // bots, and the stand-in of a human seat
	Seed      uint64
	Seat      int  // seat in the current or last game, game.NoSeat before
	BotPlays  bool // a bot plays this human's seat for now
	Gone      bool // left or kicked during a game: the seat stays until the rematch
	// LostGavel: the gavel passed from this host while they were away,
	// and they have not been told yet. Deputy is the stretch of the log
	// a bot played their seat in, until they are told of it (gavel.go).
	LostGavel bool
	Deputy    *Deputy
	// MoveHash is the SHA-256 of the code of the member's move link, which
	// opens their seat on another device once, until MoveUntil (seats.go).
	MoveHash  []byte
	MoveUntil time.Time
	Moves     int // move links asked for since the period began
}

// Human reports whether the member is a person.
func (m *Member) Human() bool { return !m.Bot }

// Match is one game and what the lobby keeps of it.
type Match struct {
	ID       string
	Seed     game.Seed
	Settings Settings // the lobby's settings when it started
	Names    []string // the players' names, in the order given to the game
	Game     *game.Game
	// History holds the started, act and advance records, to replay the
	// game up to an earlier moment (the gallery's delayed stream).
	History []Record
	// Chat is every line said while the game ran, each after the step it
	// followed, for the match file.
	Chat []MatchChat
	// Bots are the players of bot seats (bot members and seats handed to
	// a bot); botAt is each one's position in the log it has observed.
	Bots  map[int]Player
	botAt map[int]int
}

// MatchChat is a line said while a game ran. Step is the index of the
// last step the game had applied (-1: none since the deal).
type MatchChat struct {
	Step int
	Line ChatLine
}

// BotFactory makes the player of a bot seat. Strength is "easy" or
// "normal"; the same seed and the same observed events give the same play.
type BotFactory func(seat int, strength string, seed uint64) Player

// Player is a computer delegate (the bot package's *bot.Bot).
type Player interface {
	Observe(events []game.Event)
	Decide(v game.View, now time.Time) (game.Command, bool)
	Think() time.Duration
}

// NewState is an empty lobby under code whose bot seats newBot plays.
func NewState(code string, newBot BotFactory) *State {
	return &State{Code: code, newBot: newBot, Phase: Open}
}

// Replay rebuilds a lobby's state from its journal: an empty state and
// Apply on each record in order, exactly as the records were first applied.
func Replay(code string, recs []Record, newBot BotFactory) (*State, error) {
	s := NewState(code, newBot)
	for i, rec := range recs {
		if err := s.Apply(rec); err != nil {
			return nil, fmt.Errorf("record %d (%s): %w", i, rec.Kind, err)
		}
	}
	return s, nil
}

// Apply makes rec's change. It is deterministic: the same records applied
// to an empty state make the same state. An error means the record does
// not fit the state (a corrupt journal, or a bug); nothing changed then.
func (s *State) Apply(rec Record) error {
	if err := s.applyKind(rec); err != nil {
		return err
	}
	if rec.Key != "" && rec.By != "" {
		r := s.Keys[rec.By]
		if r == nil {
			if s.Keys == nil {
				s.Keys = map[string]*KeyRing{}
			}
			r = &KeyRing{}
			s.Keys[rec.By] = r
		}
		r.Add(rec.Key, nil)
	}
	return nil
}

func (s *State) applyKind(rec Record) error {
	switch rec.Kind {
	case RecCreated:
		if rec.Settings == nil {
			return fmt.Errorf("created without settings")
		}
		s.Created, s.Base, s.Public, s.Settings = rec.At, rec.Base, rec.Public, rec.Settings.withDefaults()
		s.addMember(&Member{ID: rec.Member, Name: rec.Name, TokenHash: rec.TokenHash, Seat: game.NoSeat})
		s.Host = rec.Member
	case RecJoined:
		s.addMember(&Member{ID: rec.Member, Name: rec.Name, TokenHash: rec.TokenHash, Seat: game.NoSeat})
		if s.Host == "" {
			s.Host = rec.Member
		}
	case RecBotAdded:
		s.addMember(&Member{ID: rec.Member, Name: rec.Name, Bot: true, Strength: rec.Strength, Seed: rec.Seed, Seat: game.NoSeat})
	case RecLeft, RecKicked, RecBotRemoved:
		m := s.Member(rec.Member)
		if m == nil {
			return fmt.Errorf("%s: no member %q", rec.Kind, rec.Member)
		}
		if rec.Kind == RecKicked {
			s.bar(m)
		}
		s.remove(m)
	case RecHostChanged:
		if m := s.Member(rec.Member); m == nil || m.Bot {
			return fmt.Errorf("host_changed: no human member %q", rec.Member)
		}
		s.Host = rec.Member
		s.Member(rec.Member).LostGavel = false
	case RecSettings:
		if rec.Settings == nil {
			return fmt.Errorf("settings without settings")
		}
		s.Settings = rec.Settings.withDefaults()
	case RecPublic:
		s.Public = rec.Public
	case RecStarted:
		s.newPeriod()
		return s.start(rec)
	case RecAct, RecAdvance:
		return s.play(rec)
	case RecChat:
		if rec.Chat == nil {
			return fmt.Errorf("chat without a line")
		}
		s.Chat.add(*rec.Chat)
		if s.Playing() {
			s.Match.Chat = append(s.Match.Chat, MatchChat{Step: s.Match.Game.NumSteps() - 1, Line: *rec.Chat})
		}
	case RecBotSeat:
		m := s.Member(rec.Member)
		if m == nil || s.Match == nil || m.Seat == game.NoSeat || m.Bot {
			return fmt.Errorf("bot_seat: no seated human %q", rec.Member)
		}
		m.BotPlays = rec.Bot
		s.Match.deputize(m, rec.Bot)
		if rec.Bot {
			m.Strength, m.Seed = rec.Strength, rec.Seed
			s.Match.seatBot(m.Seat, s.newBot(m.Seat, rec.Strength, rec.Seed))
		} else {
			delete(s.Match.Bots, m.Seat)
			delete(s.Match.botAt, m.Seat)
		}
	case RecRematch:
		s.newPeriod()
		kept := s.Members[:0]
		for _, m := range s.Members {
			if !m.Gone {
				m.Seat, m.BotPlays, m.Deputy = game.NoSeat, false, nil
				kept = append(kept, m)
			}
		}
		s.Members = kept
		s.Displaced = nil
		s.Phase = Open
		if s.Match != nil {
			s.Match.Bots, s.Match.botAt = nil, nil
		}
	case RecSnapshot:
		if rec.Snapshot == nil {
			return fmt.Errorf("snapshot without a lobby")
		}
		if s.Phase != Open {
			return fmt.Errorf("snapshot during a game")
		}
		s.restore(*rec.Snapshot)
	case RecClosed:
		s.Closed = true
	case RecClaimed:
		// Ownership is not lobby state.
	case RecGavelPassed, RecTold:
		return s.applyGavel(rec)
	case RecSeatTaken, RecMoveOffered, RecMoved:
		return s.applySeats(rec)
	default:
		return fmt.Errorf("unknown record kind %q", rec.Kind)
	}
	switch rec.Kind {
	case RecSettings, RecPublic, RecHostChanged, RecBotSeat:
		s.Changes++
	}
	return nil
}

// newPeriod starts the counts that bound a lobby's journal afresh: a
// game has started, or the lobby has reopened after one.
func (s *State) newPeriod() {
	s.Chat.newPeriod()
	s.Changes = 0
	for _, m := range s.Members {
		m.Moves = 0
	}
}

// FirstMember is the ID of a lobby's first member, its creator.
const FirstMember = "d1"

// nextMember is the ID the next member of the lobby gets. Member IDs are
// made here and read back by memberNumber, and nowhere else.
func (s *State) nextMember() string { return "d" + strconv.Itoa(max(s.nextID, 1)) }

// memberNumber is the number in a member ID made by nextMember.
func memberNumber(id string) (int, bool) {
	if len(id) < 2 || id[0] != 'd' {
		return 0, false
	}
	n, err := strconv.Atoi(id[1:])
	return n, err == nil
}

// MembersEver is how many members the lobby has had, bots included.
func (s *State) MembersEver() int { return max(s.nextID, 1) - 1 }

func (s *State) addMember(m *Member) {
	s.Members = append(s.Members, m)
	if n, ok := memberNumber(m.ID); ok && n >= s.nextID {
		s.nextID = n + 1
	}
}

// remove takes a member out of the lobby, or, while their seat is in a
// game, marks them gone until the rematch. A leaving host hands the lobby
// to the next human.
func (s *State) remove(m *Member) {
	m.TokenHash = nil
	if s.Host == m.ID {
		s.Host = s.nextHost(m.ID)
	}
	if s.Match != nil && s.Phase != Open && m.Seat != game.NoSeat {
		m.Gone = true
	} else {
		for i, o := range s.Members {
			if o == m {
				s.Members = append(s.Members[:i], s.Members[i+1:]...)
				break
			}
		}
	}
}

// nextHost is the first human still in the lobby after id in joining
// order (wrapping), or "".
func (s *State) nextHost(id string) string {
	at := 0
	for i, m := range s.Members {
		if m.ID == id {
			at = i + 1
		}
	}
	n := len(s.Members)
	for k := range n {
		m := s.Members[(at+k)%n]
		if m.Human() && !m.Gone && m.ID != id {
			return m.ID
		}
	}
	return ""
}

func (s *State) start(rec Record) error {
	cfg, err := s.Settings.Config()
	if err != nil {
		return err
	}
	names := make([]string, len(rec.Players))
	seated := make([]*Member, len(rec.Players))
	for i, id := range rec.Players {
		m := s.Member(id)
		if m == nil {
			return fmt.Errorf("started: no member %q", id)
		}
		names[i], seated[i] = m.Name, m
	}
	seed := matchSeed(rec)
	g, _, err := game.NewSeeded(cfg, names, seed, rec.At)
	if err != nil {
		return err
	}
	s.Matches++
	s.LastID = rec.Match
	s.Match = &Match{
		ID: rec.Match, Seed: seed, Settings: s.Settings, Names: names, Game: g,
		History: []Record{rec}, Bots: map[int]Player{}, botAt: map[int]int{},
	}
	s.Phase = Playing
	for _, m := range seated {
		m.Seat, m.BotPlays = g.SeatOf(m.Name), false
		if m.Bot {
			s.Match.seatBot(m.Seat, s.newBot(m.Seat, m.Strength, m.Seed))
		}
	}
	return nil
}

// play applies a game record to the game, and lets every bot observe
// what its seat may see.
func (s *State) play(rec Record) error {
	m := s.Match
	if m == nil || s.Phase != Playing {
		return fmt.Errorf("%s without a game", rec.Kind)
	}
	switch rec.Kind {
	case RecAdvance:
		m.Game.Advance(rec.At)
	case RecAct:
		if rec.Command == nil {
			return fmt.Errorf("act without a command")
		}
		if _, err := m.Game.Apply(*rec.Command, rec.At); err != nil {
			return err
		}
	}
	m.History = append(m.History, rec)
	for seat, p := range m.Bots {
		evs, next := m.Game.Log(game.SeatViewer(seat), m.botAt[seat])
		m.botAt[seat] = next
		if len(evs) > 0 {
			p.Observe(evs)
		}
	}
	if m.Game.Over() {
		s.Phase = Over
	}
	return nil
}

// matchSeed is a started record's seed.
func matchSeed(rec Record) game.Seed {
	if rec.MatchSeed != nil {
		return *rec.MatchSeed
	}
	return game.SeedOf(rec.Seed)
}

// seatBot gives seat to p, which first observes everything the seat has
// seen so far.
func (m *Match) seatBot(seat int, p Player) {
	evs, next := m.Game.Log(game.SeatViewer(seat), 0)
	m.Bots[seat], m.botAt[seat] = p, next
	p.Observe(evs)
}

// ReplayGame plays the match's records again on a new game, calling each
// after every one, the started record included.
func (m *Match) ReplayGame(each func(g *game.Game, rec Record)) *game.Game {
	start := m.History[0]
	g, _, _ := game.NewSeeded(m.Game.Config(), m.Names, m.Seed, start.At)
	each(g, start)
	for _, rec := range m.History[1:] {
		if rec.Kind == RecAdvance {
			g.Advance(rec.At)
		} else {
			_, _ = g.Apply(*rec.Command, rec.At)
		}
		each(g, rec)
	}
	return g
}

// Snapshot is the lobby between games, whole.
func (s *State) Snapshot() Snapshot {
	snap := Snapshot{
		Created: s.Created, Base: s.Base, Public: s.Public, Settings: s.Settings, Host: s.Host,
		NextID: s.nextID, Matches: s.Matches, LastMatch: s.LastID,
		Chat: s.Chat.Tail(func(game.Channel) bool { return true }),
	}
	for _, m := range s.Members {
		snap.Members = append(snap.Members, SnapshotMember{ID: m.ID, Name: m.Name, TokenHash: m.TokenHash, Bot: m.Bot, Strength: m.Strength, Seed: m.Seed, LostGavel: m.LostGavel})
	}
	snap.Kicked = slices.Clone(s.Kicked)
	for id, r := range s.Keys {
		if snap.Keys == nil {
			snap.Keys = map[string][]string{}
		}
		snap.Keys[id] = slices.Clone(r.order)
	}
	return snap
}

// restore makes the state the lobby of snap, forgetting the last game:
// the match history keeps it.
func (s *State) restore(snap Snapshot) {
	s.Created, s.Base, s.Public, s.Settings, s.Host = snap.Created, snap.Base, snap.Public, snap.Settings.withDefaults(), snap.Host
	s.Members = s.Members[:0]
	for _, m := range snap.Members {
		s.Members = append(s.Members, &Member{ID: m.ID, Name: m.Name, TokenHash: m.TokenHash, Bot: m.Bot, Strength: m.Strength, Seed: m.Seed, Seat: game.NoSeat, LostGavel: m.LostGavel})
	}
	s.Kicked = slices.Clone(snap.Kicked)
	s.nextID, s.Matches, s.LastID = snap.NextID, snap.Matches, snap.LastMatch
	s.Match = nil
	s.Chat = ChatLog{}
	for _, line := range snap.Chat {
		s.Chat.add(line)
	}
	s.Keys = nil
	for id, keys := range snap.Keys {
		r := &KeyRing{}
		for _, k := range keys {
			r.Add(k, nil)
		}
		if s.Keys == nil {
			s.Keys = map[string]*KeyRing{}
		}
		s.Keys[id] = r
	}
}

// Member is the member with this ID, or nil.
func (s *State) Member(id string) *Member {
	for _, m := range s.Members {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// NameTaken is the member, bots included, whose name could be taken for
// name (protocol.Confusable), if any.
func (s *State) NameTaken(name string) (*Member, bool) {
	for _, m := range s.Members {
		if protocol.Confusable(m.Name, name) {
			return m, true
		}
	}
	return nil, false
}

// JoinedBy reports whether a human other than the creator has joined:
// someone came over the WebSocket, even if the lobby was restored since.
func (s *State) JoinedBy() bool {
	for _, m := range s.Members[min(1, len(s.Members)):] {
		if m.Human() {
			return true
		}
	}
	return false
}

// Seated is the number of members a new game would seat.
func (s *State) Seated() int {
	n := 0
	for _, m := range s.Members {
		if !m.Gone {
			n++
		}
	}
	return n
}

// Playing reports whether a game is running.
func (s *State) Playing() bool { return s.Phase == Playing }

// Viewer is how the rules see a member (nil: a spectator) in the current
// game, and whether the game's rules apply to them at all.
func (s *State) Viewer(m *Member) (game.Viewer, bool) {
	if s.Match == nil || s.Phase == Open {
		return game.Spectator, false
	}
	if m == nil {
		return game.Spectator, true
	}
	if m.Seat == game.NoSeat {
		return game.Spectator, false
	}
	return game.SeatViewer(m.Seat), true
}

// CanRead is the chat rule: the game's (g.CanRead) while a game is on or
// just over, and before a game public chat for members and the
// spectators' own channel beside it for spectators.
func (s *State) CanRead(m *Member, ch game.Channel) bool {
	if v, ok := s.Viewer(m); ok {
		return s.Match.Game.CanRead(v, ch)
	}
	return readsBetween(m, ch)
}

// readsBetween and writesBetween are the chat rule between games (m nil
// for the gallery): delegates read and write the floor; the gallery
// reads it and writes its own channel.
func readsBetween(m *Member, ch game.Channel) bool {
	return ch == game.ChannelPublic || (m == nil && ch == game.ChannelSpectators)
}

func writesBetween(m *Member, ch game.Channel) bool {
	if m == nil {
		return ch == game.ChannelSpectators
	}
	return ch == game.ChannelPublic
}

// ChannelsBetween are the channels m (nil for the gallery) may read and
// write between games, whether or not a game is on now: a game's view
// carries its own.
func ChannelsBetween(m *Member) (read, write []game.Channel) {
	read, write = []game.Channel{}, []game.Channel{}
	for _, ch := range game.Channels {
		if readsBetween(m, ch) {
			read = append(read, ch)
		}
		if writesBetween(m, ch) {
			write = append(write, ch)
		}
	}
	return read, write
}

// CanWrite is CanRead's counterpart for writing.
func (s *State) CanWrite(m *Member, ch game.Channel) bool {
	if v, ok := s.Viewer(m); ok {
		return s.Match.Game.CanWrite(v, ch)
	}
	return writesBetween(m, ch)
}
