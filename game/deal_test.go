package game

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDealFollowsTheTable(t *testing.T) {
	for n := MinSeats; n <= MaxSeats; n++ {
		for _, inv := range []bool{true, false} {
			cfg := DefaultConfig()
			cfg.Investigator = inv
			g, ev, err := New(cfg, names[:n], uint64(n), t0)
			require.NoError(t, err)
			count := map[Role]int{}
			for _, s := range g.seats {
				count[s.role]++
				assert.True(t, s.alive)
			}
			wantInv := 0
			if inv && n >= 6 {
				wantInv = 1
			}
			assert.Equal(t, 1, count[Kirov], "%d seats", n)
			assert.Equal(t, cfg.PlottersFor(n)-1, count[Plotter], "%d seats", n)
			assert.Equal(t, wantInv, count[Investigator], "%d seats, investigator %v", n, inv)
			assert.Equal(t, n-cfg.PlottersFor(n)-wantInv, count[Loyalist], "%d seats", n)
			assert.Equal(t, cfg.SessionsFor(n), g.sessions)

			// Seat order is a shuffle of the players, shown to all.
			start := find(t, ev, EvGameStarted)
			assert.ElementsMatch(t, names[:n], start.Names)
			for i, name := range start.Names {
				assert.Equal(t, name, g.Name(i))
				assert.Equal(t, i, g.SeatOf(name))
			}
			opened := find(t, ev, EvSessionOpened)
			assert.Equal(t, 1, opened.Session)
			assert.Equal(t, g.chair, opened.Seat)
			assert.Equal(t, g.sessions, opened.Count)
		}
	}
}

func TestDealIsFromTheSeed(t *testing.T) {
	cfg := DefaultConfig()
	type deal struct {
		order []string
		roles []Role
		chair int
	}
	dealOf := func(seed uint64) deal {
		g, _, err := New(cfg, names[:10], seed, t0)
		require.NoError(t, err)
		d := deal{chair: g.chair}
		for _, s := range g.seats {
			d.order = append(d.order, s.name)
			d.roles = append(d.roles, s.role)
		}
		return d
	}
	assert.Equal(t, dealOf(42), dealOf(42), "same seed, same deal")

	// Different seeds shuffle seats and roles, and every seat can be Kirov
	// or the first Chair.
	orders := map[string]bool{}
	kirovAt := map[int]bool{}
	chairs := map[int]bool{}
	for seed := uint64(0); seed < 300; seed++ {
		d := dealOf(seed)
		orders[strings.Join(d.order, ",")] = true
		kirovAt[slices.Index(d.roles, Kirov)] = true
		chairs[d.chair] = true
	}
	assert.Greater(t, len(orders), 100, "seat orders barely vary with the seed")
	assert.Len(t, kirovAt, 10, "Kirov is not dealt to every seat")
	assert.Len(t, chairs, 10, "the first Chair is not drawn among all seats")
}

func TestSeatOfUnknownName(t *testing.T) {
	g, _, err := New(DefaultConfig(), names[:5], 1, t0)
	require.NoError(t, err)
	assert.Equal(t, NoSeat, g.SeatOf("Stalin"))
	assert.Equal(t, 5, g.Seats())
	assert.Equal(t, DefaultConfig(), g.Config())
	assert.Equal(t, 1, g.Session())
	assert.Equal(t, PhaseDebate, g.Phase())
	assert.False(t, g.Over())
	assert.False(t, g.Paused())
	assert.False(t, g.Alive(-1))
	assert.False(t, g.Alive(5))
	assert.True(t, g.Alive(4))
	w, r := g.Winner()
	assert.Equal(t, NoFaction, w)
	assert.Equal(t, NotOver, r)
	d, ok := g.NextDeadline()
	assert.True(t, ok)
	assert.Equal(t, t0.Add(120*time.Second), d)
}

func TestChairRotatesToTheNextLivingDelegate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Sessions = 6
	// Seats 4 and 0 will be purged; the Chair goes round the living.
	tb := rig(t, cfg, "PKILLL", 3)
	chairs := []int{tb.g.chair}
	tb.toNight()
	tb.expire() // session 2, Chair 4
	chairs = append(chairs, tb.g.chair)
	tb.purgeOf(4) // the Chair is accused and purged
	require.Equal(t, PhaseConfession, tb.g.phase)
	tb.expire()
	tb.expire() // session 3: after the purged Chair 4 comes 5
	chairs = append(chairs, tb.g.chair)
	tb.purgeOf(0)
	tb.expire()
	tb.expire() // session 4: after 5 comes 0, purged, so 1
	chairs = append(chairs, tb.g.chair)
	tb.toNight()
	tb.expire() // session 5
	chairs = append(chairs, tb.g.chair)
	assert.Equal(t, []int{3, 4, 5, 1, 2}, chairs)
	for i, e := range tb.g.log {
		if e.Kind == EvSessionOpened {
			assert.Equal(t, chairs[e.Session-1], e.Seat, "event %d", i)
		}
	}
}

func TestReturnedEventsAreReadOnlyAndStayPut(t *testing.T) {
	// The lists New, Apply, Advance and Log return may be the log's own
	// memory (read-only): appending to them copies them, and what they
	// hold does not change as the game goes on.
	g, ev, err := New(DefaultConfig(), names[:5], 1, t0)
	require.NoError(t, err)
	started := slices.Clone(ev)
	want := snapshot(g)
	_ = append(ev, Event{Kind: EvPaused})
	assert.Equal(t, want, snapshot(g))
	out, err := g.Apply(Command{Kind: CmdReady, Seat: 0}, t0)
	require.NoError(t, err)
	applied := slices.Clone(out)
	log, _ := g.Log(Spectator, 0)
	held := slices.Clone(log)
	want = snapshot(g)
	_ = append(out, Event{Kind: EvPaused})
	_ = append(log, Event{Kind: EvPaused})
	assert.Equal(t, want, snapshot(g))
	for i := 1; !g.Over(); i++ {
		g.Advance(t0.Add(time.Duration(i) * time.Hour))
	}
	assert.Equal(t, started, ev)
	assert.Equal(t, applied, out)
	assert.Equal(t, held, log)
}
