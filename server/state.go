package server

import (
	"fmt"
	"slices"
	"time"

	"congress/game"
	"congress/protocol"
)

// state is everything a lobby's records make: apply is its only writer,
// so replaying a journal rebuilds it exactly. Connections, spectators and
// timers are not in it.
type state struct {
	code     string
	base     string
	created  time.Time
	public   bool
	settings protocol.Settings
	host     string
	members  []*member
	nextID   int
	phase    protocol.LobbyState
	match    *match // the current or last game; nil before the first, and after a snapshot
	matches  int
	lastID   string // the current or last game's match ID
	chat     chatLog
	changes  int // of settings, listing, host and bot seats since the period began
	closed   bool
	newBot   BotFactory
	keys     map[string]*keyRing // each member's latest applied request keys
}

// member is a delegate of the lobby, human or bot.
type member struct {
	id        string
	name      string
	tokenHash []byte // humans only; nil once the member has left
	bot       bool
	strength  string // bots, and the stand-in of a human seat
	seed      uint64
	seat      int  // seat in the current or last game, game.NoSeat before
	botPlays  bool // a bot plays this human's seat for now
	gone      bool // left or kicked during a game: the seat stays until the rematch
}

func (m *member) human() bool { return !m.bot }

// match is one game and what the lobby keeps of it.
type match struct {
	id       string
	seed     game.Seed
	settings protocol.Settings // the lobby's settings when it started
	players  []string          // member IDs, in the order given to game.New
	names    []string          // their names, in the same order
	g        *game.Game
	// history holds the started, act and advance records, to replay the
	// game up to an earlier moment (the gallery's delayed stream).
	history []Record
	// bots are the players of bot seats (bot members and seats handed to a
	// bot); botAt is each one's position in the log it has observed.
	bots  map[int]Player
	botAt map[int]int
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

func newState(code string, newBot BotFactory) *state {
	return &state{code: code, newBot: newBot, phase: protocol.LobbyOpen}
}

// apply makes rec's change. It is deterministic: the same records applied
// to an empty state make the same state. An error means the record does
// not fit the state (a corrupt journal, or a bug); nothing changed then.
func (s *state) apply(rec Record) error {
	if err := s.applyKind(rec); err != nil {
		return err
	}
	if rec.Key != "" && rec.By != "" {
		r := s.keys[rec.By]
		if r == nil {
			if s.keys == nil {
				s.keys = map[string]*keyRing{}
			}
			r = &keyRing{}
			s.keys[rec.By] = r
		}
		r.add(rec.Key, nil)
	}
	return nil
}

func (s *state) applyKind(rec Record) error {
	switch rec.Kind {
	case RecCreated:
		if rec.Settings == nil {
			return fmt.Errorf("created without settings")
		}
		s.created, s.base, s.public, s.settings = rec.At, rec.Base, rec.Public, *rec.Settings
		s.addMember(&member{id: rec.Member, name: rec.Name, tokenHash: rec.TokenHash, seat: game.NoSeat})
		s.host = rec.Member
	case RecJoined:
		s.addMember(&member{id: rec.Member, name: rec.Name, tokenHash: rec.TokenHash, seat: game.NoSeat})
		if s.host == "" {
			s.host = rec.Member
		}
	case RecBotAdded:
		s.addMember(&member{id: rec.Member, name: rec.Name, bot: true, strength: rec.Strength, seed: rec.Seed, seat: game.NoSeat})
	case RecLeft, RecKicked, RecBotRemoved:
		m := s.member(rec.Member)
		if m == nil {
			return fmt.Errorf("%s: no member %q", rec.Kind, rec.Member)
		}
		s.remove(m)
	case RecHostChanged:
		if m := s.member(rec.Member); m == nil || m.bot {
			return fmt.Errorf("host_changed: no human member %q", rec.Member)
		}
		s.host = rec.Member
	case RecSettings:
		if rec.Settings == nil {
			return fmt.Errorf("settings without settings")
		}
		s.settings = *rec.Settings
	case RecPublic:
		s.public = rec.Public
	case RecStarted:
		s.newPeriod()
		return s.start(rec)
	case RecAct, RecAdvance:
		return s.play(rec)
	case RecChat:
		if rec.Chat == nil {
			return fmt.Errorf("chat without a line")
		}
		s.chat.add(*rec.Chat)
	case RecBotSeat:
		m := s.member(rec.Member)
		if m == nil || s.match == nil || m.seat == game.NoSeat || m.bot {
			return fmt.Errorf("bot_seat: no seated human %q", rec.Member)
		}
		m.botPlays = rec.Bot
		if rec.Bot {
			m.strength, m.seed = rec.Strength, rec.Seed
			s.match.seatBot(m.seat, s.newBot(m.seat, rec.Strength, rec.Seed))
		} else {
			delete(s.match.bots, m.seat)
			delete(s.match.botAt, m.seat)
		}
	case RecRematch:
		s.newPeriod()
		kept := s.members[:0]
		for _, m := range s.members {
			if !m.gone {
				m.seat, m.botPlays = game.NoSeat, false
				kept = append(kept, m)
			}
		}
		s.members = kept
		s.phase = protocol.LobbyOpen
		if s.match != nil {
			s.match.bots, s.match.botAt = nil, nil
		}
	case RecSnapshot:
		if rec.Snapshot == nil {
			return fmt.Errorf("snapshot without a lobby")
		}
		if s.phase != protocol.LobbyOpen {
			return fmt.Errorf("snapshot during a game")
		}
		s.restore(*rec.Snapshot)
	case RecClosed:
		s.closed = true
	case RecClaimed:
		// Ownership is not lobby state.
	default:
		return fmt.Errorf("unknown record kind %q", rec.Kind)
	}
	switch rec.Kind {
	case RecSettings, RecPublic, RecHostChanged, RecBotSeat:
		s.changes++
	}
	return nil
}

// newPeriod starts the counts that bound a lobby's journal afresh: a
// game has started, or the lobby has reopened after one.
func (s *state) newPeriod() {
	s.chat.newPeriod()
	s.changes = 0
}

func (s *state) addMember(m *member) {
	s.members = append(s.members, m)
	var n int
	if _, err := fmt.Sscanf(m.id, "d%d", &n); err == nil && n >= s.nextID {
		s.nextID = n + 1
	}
}

// remove takes a member out of the lobby, or, while their seat is in a
// game, marks them gone until the rematch. A leaving host hands the lobby
// to the next human.
func (s *state) remove(m *member) {
	m.tokenHash = nil
	if s.host == m.id {
		s.host = s.nextHost(m.id)
	}
	if s.match != nil && s.phase != protocol.LobbyOpen && m.seat != game.NoSeat {
		m.gone = true
	} else {
		for i, o := range s.members {
			if o == m {
				s.members = append(s.members[:i], s.members[i+1:]...)
				break
			}
		}
	}
}

// nextHost is the first human still in the lobby after id in joining
// order (wrapping), or "".
func (s *state) nextHost(id string) string {
	at := 0
	for i, m := range s.members {
		if m.id == id {
			at = i + 1
		}
	}
	n := len(s.members)
	for k := range n {
		m := s.members[(at+k)%n]
		if m.human() && !m.gone && m.id != id {
			return m.id
		}
	}
	return ""
}

func (s *state) start(rec Record) error {
	cfg, err := s.settings.Config()
	if err != nil {
		return err
	}
	names := make([]string, len(rec.Players))
	seated := make([]*member, len(rec.Players))
	for i, id := range rec.Players {
		m := s.member(id)
		if m == nil {
			return fmt.Errorf("started: no member %q", id)
		}
		names[i], seated[i] = m.name, m
	}
	seed := matchSeed(rec)
	g, _, err := game.NewSeeded(cfg, names, seed, rec.At)
	if err != nil {
		return err
	}
	s.matches++
	s.lastID = rec.Match
	s.match = &match{
		id: rec.Match, seed: seed, settings: s.settings, players: rec.Players, names: names, g: g,
		history: []Record{rec}, bots: map[int]Player{}, botAt: map[int]int{},
	}
	s.phase = protocol.LobbyPlaying
	for _, m := range seated {
		m.seat, m.botPlays = g.SeatOf(m.name), false
		if m.bot {
			s.match.seatBot(m.seat, s.newBot(m.seat, m.strength, m.seed))
		}
	}
	return nil
}

// play applies a game record to the game, and lets every
// bot observe what its seat may see.
func (s *state) play(rec Record) error {
	m := s.match
	if m == nil || s.phase != protocol.LobbyPlaying {
		return fmt.Errorf("%s without a game", rec.Kind)
	}
	switch rec.Kind {
	case RecAdvance:
		m.g.Advance(rec.At)
	case RecAct:
		if rec.Command == nil {
			return fmt.Errorf("act without a command")
		}
		if _, err := m.g.Apply(*rec.Command, rec.At); err != nil {
			return err
		}
	}
	m.history = append(m.history, rec)
	for seat, p := range m.bots {
		evs, next := m.g.Log(game.SeatViewer(seat), m.botAt[seat])
		m.botAt[seat] = next
		if len(evs) > 0 {
			p.Observe(evs)
		}
	}
	if m.g.Over() {
		s.phase = protocol.LobbyOver
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
func (m *match) seatBot(seat int, p Player) {
	evs, next := m.g.Log(game.SeatViewer(seat), 0)
	m.bots[seat], m.botAt[seat] = p, next
	p.Observe(evs)
}

// replayGame plays the match's records again on a new game, calling each
// after every one, the started record included.
func (m *match) replayGame(each func(g *game.Game, rec Record)) *game.Game {
	start := m.history[0]
	g, _, _ := game.NewSeeded(m.g.Config(), m.names, m.seed, start.At)
	each(g, start)
	for _, rec := range m.history[1:] {
		if rec.Kind == RecAdvance {
			g.Advance(rec.At)
		} else {
			_, _ = g.Apply(*rec.Command, rec.At)
		}
		each(g, rec)
	}
	return g
}

// snapshot is the lobby between games, whole.
func (s *state) snapshot() Snapshot {
	snap := Snapshot{
		Created: s.created, Base: s.base, Public: s.public, Settings: s.settings, Host: s.host,
		NextID: s.nextID, Matches: s.matches, LastMatch: s.lastID,
		Chat: s.chat.tail(func(game.Channel) bool { return true }),
	}
	for _, m := range s.members {
		snap.Members = append(snap.Members, SnapshotMember{ID: m.id, Name: m.name, TokenHash: m.tokenHash, Bot: m.bot, Strength: m.strength, Seed: m.seed})
	}
	for id, r := range s.keys {
		if snap.Keys == nil {
			snap.Keys = map[string][]string{}
		}
		snap.Keys[id] = slices.Clone(r.order)
	}
	return snap
}

// restore makes the state the lobby of snap, forgetting the last game:
// the match history keeps it.
func (s *state) restore(snap Snapshot) {
	s.created, s.base, s.public, s.settings, s.host = snap.Created, snap.Base, snap.Public, snap.Settings, snap.Host
	s.members = s.members[:0]
	for _, m := range snap.Members {
		s.members = append(s.members, &member{id: m.ID, name: m.Name, tokenHash: m.TokenHash, bot: m.Bot, strength: m.Strength, seed: m.Seed, seat: game.NoSeat})
	}
	s.nextID, s.matches, s.lastID = snap.NextID, snap.Matches, snap.LastMatch
	s.match = nil
	s.chat = chatLog{}
	for _, line := range snap.Chat {
		s.chat.add(line)
	}
	s.keys = nil
	for id, keys := range snap.Keys {
		r := &keyRing{}
		for _, k := range keys {
			r.add(k, nil)
		}
		if s.keys == nil {
			s.keys = map[string]*keyRing{}
		}
		s.keys[id] = r
	}
}

func (s *state) member(id string) *member {
	for _, m := range s.members {
		if m.id == id {
			return m
		}
	}
	return nil
}

// nameTaken is the member, bots included, whose name could be taken for
// name (protocol.Confusable), if any.
func (s *state) nameTaken(name string) (*member, bool) {
	for _, m := range s.members {
		if protocol.Confusable(m.name, name) {
			return m, true
		}
	}
	return nil, false
}

// seated is the number of members a new game would seat.
// joinedBy reports whether a human other than the creator has joined:
// someone came over the WebSocket, even if the lobby was restored since.
func (s *state) joinedBy() bool {
	for _, m := range s.members[min(1, len(s.members)):] {
		if m.human() {
			return true
		}
	}
	return false
}

func (s *state) seated() int {
	n := 0
	for _, m := range s.members {
		if !m.gone {
			n++
		}
	}
	return n
}

// playing reports whether a game is running.
func (s *state) playing() bool { return s.phase == protocol.LobbyPlaying }

// viewer is how the rules see a member (nil: a spectator) in the current
// game, and whether the game's rules apply to them at all.
func (s *state) viewer(m *member) (game.Viewer, bool) {
	if s.match == nil || s.phase == protocol.LobbyOpen {
		return game.Spectator, false
	}
	if m == nil {
		return game.Spectator, true
	}
	if m.seat == game.NoSeat {
		return game.Spectator, false
	}
	return game.SeatViewer(m.seat), true
}

// canRead is the chat rule: the game's (g.CanRead) while a game is on or
// just over, and before a game public chat for members and the
// spectators' own channel beside it for spectators.
func (s *state) canRead(m *member, ch game.Channel) bool {
	if v, ok := s.viewer(m); ok {
		return s.match.g.CanRead(v, ch)
	}
	return ch == game.ChannelPublic || (m == nil && ch == game.ChannelSpectators)
}

// canWrite is canRead's twin for writing.
func (s *state) canWrite(m *member, ch game.Channel) bool {
	if v, ok := s.viewer(m); ok {
		return s.match.g.CanWrite(v, ch)
	}
	if m == nil {
		return ch == game.ChannelSpectators
	}
	return ch == game.ChannelPublic
}

// replay rebuilds a lobby's state from its journal: an empty state and
// apply on each record in order, exactly as the records were first applied.
func replay(code string, recs []Record, newBot BotFactory) (*state, error) {
	s := newState(code, newBot)
	for i, rec := range recs {
		if err := s.apply(rec); err != nil {
			return nil, fmt.Errorf("record %d (%s): %w", i, rec.Kind, err)
		}
	}
	return s, nil
}
