package game

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// legalStep is what a table of random but lawful delegates does next: each
// command it returns is legal by the rules, chosen at random among the
// sensible ones; where nobody has anything to do the clock runs to the
// deadline.
func legalStep(g *Game, r *rand.Rand, now time.Time) step {
	other := func(me int) int {
		for {
			t := r.IntN(len(g.seats))
			if t != me && g.seats[t].alive {
				return t
			}
		}
	}
	pickOf := func(who func(i int, s seat) bool) int {
		var c []int
		for i, s := range g.seats {
			if s.alive && who(i, s) {
				c = append(c, i)
			}
		}
		if len(c) == 0 {
			return NoSeat
		}
		return c[r.IntN(len(c))]
	}
	dl, _ := g.NextDeadline()
	timeout := step{Advance: true, At: dl}
	switch g.phase {
	case PhaseDebate:
		s := pickOf(func(_ int, s seat) bool { return !s.ready })
		if s != NoSeat && g.seats[s].denounces == NoSeat && r.IntN(2) == 0 {
			return step{Cmd: denounce(s, other(s)), At: now}
		}
		return step{Cmd: ready(s), At: now}
	case PhaseAccusation:
		if r.IntN(4) == 0 {
			return timeout
		}
		return step{Cmd: pick(g.chair, g.tied[r.IntN(len(g.tied))]), At: now}
	case PhaseVote:
		s := pickOf(func(i int, s seat) bool { return i != g.accused && !s.voted })
		return step{Cmd: vote(s, r.IntN(5) < 3), At: now}
	case PhaseConfession:
		if r.IntN(5) == 0 {
			return timeout
		}
		return step{Cmd: confess(g.purgedAt, other(g.purgedAt)), At: now}
	case PhaseNight:
		s := pickOf(func(i int, s seat) bool { return g.hasNightAction(i) && !s.acted })
		if g.seats[s].role == Yagoda && g.falsified == 0 && r.IntN(3) == 0 {
			return step{Cmd: falsify(s), At: now}
		}
		if g.seats[s].role == Investigator {
			return step{Cmd: investigate(s, other(s)), At: now}
		}
		return step{Cmd: letter(s, other(s)), At: now}
	case PhaseFinalBallot:
		s := pickOf(func(_ int, s seat) bool { return !s.acted })
		return step{Cmd: strike(s, other(s)), At: now}
	case PhaseLastShot:
		if r.IntN(5) == 0 {
			return timeout
		}
		var loyal []int
		for i, s := range g.seats {
			if s.role.Faction() == Loyalists {
				loyal = append(loyal, i)
			}
		}
		return step{Cmd: shoot(g.seatOf(Nikolaev), loyal[r.IntN(len(loyal))]), At: now}
	}
	return timeout // the Defence
}

// playLegal plays a whole game of lawful random delegates and calls each
// after every step.
func playLegal(tb testing.TB, g *Game, r *rand.Rand, each func()) {
	now := t0
	for !g.Over() {
		st := legalStep(g, r, now)
		now = st.At
		if _, err := st.run(g); err != nil {
			tb.Fatalf("a legal step was refused: %+v: %v", st, err)
		}
		each()
	}
}

func TestLegalPlayIsLegal(t *testing.T) {
	wins := map[Faction]int{}
	for seed := range uint64(200) {
		g, _, err := New(DefaultConfig(), names[:5+int(seed%8)], seed, t0)
		require.NoError(t, err)
		playLegal(t, g, rand.New(rand.NewPCG(seed, 2)), func() {})
		w, _ := g.Winner()
		wins[w]++
	}
	require.Len(t, wins, 2, "both camps win some random games")

	// Every Congress role the count allows, to the Last Shot and past it.
	shots := map[WinReason]int{}
	for seed := range uint64(400) {
		cfg := DefaultConfig()
		cfg.Roles = AllRoles
		n := 5 + int(seed%8)
		g, _, err := New(fitConfig(cfg, n), names[:n], seed, t0)
		require.NoError(t, err)
		playLegal(t, g, rand.New(rand.NewPCG(seed, 2)), func() {})
		_, r := g.Winner()
		shots[r]++
	}
	require.Positive(t, shots[KobaShot], "Nikolaev finds Koba in some random games: %v", shots)
}

// benchConfigs are the tables the full-game benchmarks play: the base
// game, and every Congress role (all fit at ten seats).
var benchConfigs = []struct {
	name string
	cfg  Config
}{
	{"base", DefaultConfig()},
	{"all_roles", func() Config { c := DefaultConfig(); c.Roles = AllRoles; return c }()},
}

// BenchmarkFullGame is one complete ten-seat game of random lawful play,
// building every seat's view and the spectator's after every step, as the
// server does after every command: the seats' views in one lent ViewBuf
// (the fan-out encodes each before it builds the next), the spectator's
// kept.
func BenchmarkFullGame(b *testing.B) { benchFullGame(b, true) }

// BenchmarkFullGameKeptViews is BenchmarkFullGame with every view in
// memory of its own (View), as a caller that keeps the views has them.
func BenchmarkFullGameKeptViews(b *testing.B) { benchFullGame(b, false) }

func benchFullGame(b *testing.B, lent bool) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) {
			var steps, views int
			var buf ViewBuf
			playBench(b, bc.cfg, func(g *Game) func() {
				return func() {
					steps++
					for s := range 10 {
						if lent {
							views += len(g.ViewIn(SeatViewer(s), &buf).Seats)
						} else {
							views += len(g.View(SeatViewer(s)).Seats)
						}
					}
					views += len(g.View(Spectator).Seats)
				}
			})
			b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
			if views == 0 {
				b.Fatal("no views built")
			}
		})
	}
}

// BenchmarkFullGameWithLogs is BenchmarkFullGame as the server fans a
// change out: after every step each seat, then the spectator, reads the
// log lines new to it and its view.
func BenchmarkFullGameWithLogs(b *testing.B) {
	var events int
	playBench(b, DefaultConfig(), func(g *Game) func() {
		viewers := viewers(g)
		cursors := make([]int, len(viewers))
		return func() {
			for k, v := range viewers {
				var evs []Event
				evs, cursors[k] = g.Log(v, cursors[k])
				events += len(evs) + len(g.View(v).Seats)
			}
		}
	})
	if events == 0 {
		b.Fatal("nothing read")
	}
}

// playBench plays b.N complete ten-seat games of cfg by random lawful play (a
// fixed seed per game, 64 seeds in turn): for each game it asks
// watch for what to do after every step.
func playBench(b *testing.B, cfg Config, watch func(g *Game) (afterStep func())) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		seed := uint64(i % 64)
		g, _, err := New(cfg, names[:10], seed, t0)
		if err != nil {
			b.Fatal(err)
		}
		after := watch(g)
		r := rand.New(rand.NewPCG(seed, 2))
		now := t0
		for !g.Over() {
			st := legalStep(g, r, now)
			now = st.At
			if _, err := st.run(g); err != nil {
				b.Fatalf("a legal step was refused: %+v: %v", st, err)
			}
			after()
		}
	}
}
