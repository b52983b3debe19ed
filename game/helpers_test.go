package game

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the opening of the 17th Congress; every test clock starts here.
var t0 = time.Date(1934, time.January, 26, 10, 0, 0, 0, time.UTC)

var names = []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Katya", "Lev", "Maria", "Nikolai"}

// roleLetters spells a deal: one letter per seat.
var roleLetters = map[byte]Role{'K': Kirov, 'P': Plotter, 'I': Investigator, 'L': Loyalist,
	'S': Koba, 'N': Nikolaev, 'B': Bukharin, 'Z': Zinoviev, 'T': Tukhachevsky, 'Y': Yagoda}

// table is a game under test with its own clock.
type table struct {
	t   testing.TB
	g   *Game
	now time.Time
}

// rig builds a game whose seats hold the deal spelt by deal ("KPILL": seat 0
// is Kirov, seat 1 a Plotter, ...) and whose first Chair is chair.
//
// To stay honest it never invents a deal: it searches seeds until New
// itself picks that Chair, requires that New dealt exactly the same roles
// (the same number of each), and only then moves those roles to the seats
// the test wants. Seat order, sessions and everything else are New's.
func rig(t testing.TB, cfg Config, deal string, chair int) *table {
	t.Helper()
	want := make([]Role, len(deal))
	for i := range deal {
		r, ok := roleLetters[deal[i]]
		require.True(t, ok, "unknown role letter %q", deal[i])
		want[i] = r
	}
	for seed := uint64(1); seed < 10_000; seed++ {
		g, _, err := New(cfg, names[:len(deal)], seed, t0)
		require.NoError(t, err)
		if g.chair != chair {
			continue
		}
		dealt := make([]Role, len(g.seats))
		for i, s := range g.seats {
			dealt[i] = s.role
		}
		require.ElementsMatch(t, dealt, want, "deal %q has other roles than New deals for %d seats", deal, len(deal))
		for i := range g.seats {
			g.seats[i].role = want[i]
		}
		g.findBloc()
		return &table{t: t, g: g, now: t0}
	}
	t.Fatalf("no seed makes seat %d the first Chair", chair)
	return nil
}

// do applies commands that must be accepted and returns their events.
func (tb *table) do(cmds ...Command) []Event {
	tb.t.Helper()
	var out []Event
	for _, c := range cmds {
		ev, err := tb.g.Apply(c, tb.now)
		require.NoError(tb.t, err, "command %+v in %s", c, tb.g.phase)
		out = append(out, ev...)
	}
	return out
}

// refuse applies a command that must be refused with code, and requires
// that nothing changed.
func (tb *table) refuse(c Command, code Code) {
	tb.t.Helper()
	before := snapshot(tb.g)
	ev, err := tb.g.Apply(c, tb.now)
	require.Error(tb.t, err, "command %+v in %s", c, tb.g.phase)
	var e *Error
	require.True(tb.t, errors.As(err, &e), "refusal is not an *Error: %v", err)
	require.Equal(tb.t, code, e.Code, "command %+v: %s", c, e.Message)
	require.NotEmpty(tb.t, e.Message)
	require.Nil(tb.t, ev)
	require.Equal(tb.t, before, snapshot(tb.g), "a refused command changed the game")
}

// wait moves the clock on by d and lets deadlines pass.
func (tb *table) wait(d time.Duration) []Event {
	tb.now = tb.now.Add(d)
	return tb.g.Advance(tb.now)
}

// expire moves the clock to the current deadline and lets it pass.
func (tb *table) expire() []Event {
	tb.t.Helper()
	d, ok := tb.g.NextDeadline()
	require.True(tb.t, ok, "no deadline in %s", tb.g.phase)
	tb.now = d
	return tb.g.Advance(tb.now)
}

// readyAll presses Ready for every living delegate not yet Ready.
func (tb *table) readyAll() []Event {
	tb.t.Helper()
	var out []Event
	for i, s := range tb.g.seats {
		if s.alive && !s.ready && tb.g.phase == PhaseDebate {
			out = append(out, tb.do(ready(i))...)
		}
	}
	return out
}

// denounceAll makes each listed delegate denounce target.
func (tb *table) denounceAll(target int, by ...int) {
	tb.t.Helper()
	for _, s := range by {
		tb.do(denounce(s, target))
	}
}

// voteAll casts purge for every living voter not yet voted.
func (tb *table) voteAll(purge bool) []Event {
	tb.t.Helper()
	var out []Event
	for i, s := range tb.g.seats {
		if tb.g.phase == PhaseVote && s.alive && i != tb.g.accused && !s.voted {
			out = append(out, tb.do(vote(i, purge))...)
		}
	}
	return out
}

// purgeOf runs a whole trial from the Debate: everyone else denounces
// target, the vote purges them. It ends in the Confession (or the end).
func (tb *table) purgeOf(target int) []Event {
	tb.t.Helper()
	require.Equal(tb.t, PhaseDebate, tb.g.phase)
	for i, s := range tb.g.seats {
		if s.alive && i != target {
			tb.do(denounce(i, target))
		}
	}
	tb.readyAll()
	require.Equal(tb.t, PhaseDefence, tb.g.phase)
	require.Equal(tb.t, target, tb.g.accused)
	tb.do(endPhase())
	return tb.voteAll(true)
}

// toNight takes a Debate with no accusation to the Night.
func (tb *table) toNight() {
	tb.t.Helper()
	require.Equal(tb.t, PhaseDebate, tb.g.phase)
	tb.readyAll()
	require.Equal(tb.t, PhaseNight, tb.g.phase)
}

// seatsWith lists the seats holding role r.
func (tb *table) seatsWith(r Role) []int {
	var out []int
	for i, s := range tb.g.seats {
		if s.role == r {
			out = append(out, i)
		}
	}
	return out
}

func kinds(evs []Event) []EventKind {
	out := make([]EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

// find returns the first event of kind k, failing the test if none.
func find(t testing.TB, evs []Event, k EventKind) Event {
	t.Helper()
	i := slices.IndexFunc(evs, func(e Event) bool { return e.Kind == k })
	require.GreaterOrEqual(t, i, 0, "no %s event in %v", k, kinds(evs))
	return evs[i]
}

// last returns the last event of kind k, failing the test if none.
func last(t testing.TB, evs []Event, k EventKind) Event {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == k {
			return evs[i]
		}
	}
	t.Fatalf("no %s event in %v", k, kinds(evs))
	return Event{}
}

func has(evs []Event, k EventKind) bool {
	return slices.ContainsFunc(evs, func(e Event) bool { return e.Kind == k })
}

// snapshot is a deep copy of the game for before/after comparisons.
func snapshot(g *Game) Game {
	c := snapshot2(g)
	c.log = slices.Clone(g.log)
	return c
}

// snapshot2 deep-copies everything but the log, which it shares, and the
// views' cache, which is no part of the game's state.
func snapshot2(g *Game) Game {
	c := *g
	c.view = viewCache{}
	c.seats = slices.Clone(g.seats)
	c.tied = slices.Clone(g.tied)
	c.carried = slices.Clone(g.carried)
	c.pending = slices.Clone(g.pending)
	if g.ballot != nil {
		b := *g.ballot
		b.Votes = slices.Clone(b.Votes)
		c.ballot = &b
	}
	c.finalCount = slices.Clone(g.finalCount)
	c.investigations = slices.Clone(g.investigations)
	return c
}

func denounce(s, t int) Command    { return Command{Kind: CmdDenounce, Seat: s, Target: t} }
func withdraw(s int) Command       { return Command{Kind: CmdWithdraw, Seat: s} }
func ready(s int) Command          { return Command{Kind: CmdReady, Seat: s} }
func unready(s int) Command        { return Command{Kind: CmdUnready, Seat: s} }
func pick(s, t int) Command        { return Command{Kind: CmdChairPick, Seat: s, Target: t} }
func vote(s int, p bool) Command   { return Command{Kind: CmdPurgeVote, Seat: s, Purge: p} }
func confess(s, t int) Command     { return Command{Kind: CmdConfess, Seat: s, Target: t} }
func letter(s, t int) Command      { return Command{Kind: CmdLetter, Seat: s, Target: t} }
func investigate(s, t int) Command { return Command{Kind: CmdInvestigate, Seat: s, Target: t} }
func strike(s, t int) Command      { return Command{Kind: CmdStrike, Seat: s, Target: t} }
func falsify(s int) Command        { return Command{Kind: CmdFalsify, Seat: s} }
func shoot(s, t int) Command       { return Command{Kind: CmdShoot, Seat: s, Target: t} }
func endPhase() Command            { return Command{Kind: CmdEndPhase, Seat: NoSeat} }
func pause() Command               { return Command{Kind: CmdPause, Seat: NoSeat} }
func resume() Command              { return Command{Kind: CmdResume, Seat: NoSeat} }

// deal spells the roles of a game, for messages.
func deal(g *Game) string {
	var b strings.Builder
	for _, s := range g.seats {
		for l, r := range roleLetters {
			if r == s.role {
				b.WriteByte(l)
			}
		}
	}
	return b.String()
}

// viewers is every seat and the spectators, admitted or not.
func viewers(g *Game) []Viewer {
	out := make([]Viewer, 0, len(g.seats)+2)
	for i := range g.seats {
		out = append(out, SeatViewer(i))
	}
	return append(out, Spectator, AdmittedSpectator)
}
