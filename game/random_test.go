package game

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// step is one line of a match record: a command applied at a time, or the
// server's clock reaching a time (Advance).
type step struct {
	Advance bool
	Cmd     Command
	At      time.Time
}

// stepJSON is a step in the record. The kind is a number so that the
// record holds even the garbage a fuzzer sends (a kind with no name).
type stepJSON struct {
	Advance bool      `json:"advance,omitempty"`
	Kind    int       `json:"kind"`
	Seat    int       `json:"seat"`
	Target  int       `json:"target"`
	Purge   bool      `json:"purge,omitempty"`
	At      time.Time `json:"at"`
}

func (s step) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{s.Advance, int(s.Cmd.Kind), s.Cmd.Seat, s.Cmd.Target, s.Cmd.Purge, s.At})
}

func (s *step) UnmarshalJSON(data []byte) error {
	var j stepJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = step{Advance: j.Advance, Cmd: Command{Kind: CommandKind(j.Kind), Seat: j.Seat, Target: j.Target, Purge: j.Purge}, At: j.At}
	return nil
}

// run plays a step on g, and holds Check to what Apply decides: every
// random game and every fuzz input asks both.
func (s step) run(g *Game) ([]Event, error) {
	if s.Advance {
		return g.Advance(s.At), nil
	}
	checked := g.Check(s.Cmd)
	events, err := g.Apply(s.Cmd, s.At)
	if fmt.Sprint(checked) != fmt.Sprint(err) {
		panic(fmt.Sprintf("Check said %v, Apply %v, for %+v", checked, err, s.Cmd))
	}
	return events, err
}

// randomSetup draws a table: 5 to 12 players and settings across their
// whole range, with short timers so that time jumps matter.
func randomSetup(r *rand.Rand) (Config, []string, uint64) {
	n := MinSeats + r.IntN(MaxSeats-MinSeats+1)
	cfg := DefaultConfig()
	cfg.Investigator = r.IntN(4) != 0
	cfg.OpenBallot = r.IntN(2) == 0
	cfg.Reveal = Reveal(r.IntN(3))
	cfg.PlotterChat = PlotterChat(r.IntN(2))
	cfg.PurgedSeeRoles = r.IntN(3) == 0
	cfg.SpectatorsSeeRoles = r.IntN(3) == 0
	cfg.Threshold = 1 + r.IntN(3)
	if r.IntN(3) == 0 {
		cfg.Sessions = 1 + r.IntN(4)
	}
	if r.IntN(4) == 0 {
		cfg.Plotters = 1 + r.IntN((n-1)/2)
	}
	for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime,
		&cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime} {
		*d = time.Duration(1+r.IntN(90)) * time.Second
	}
	seed := r.Uint64()
	// The Congress roles: none in a quarter of the games, else each
	// Congress role by a coin, then as many dropped as the table needs.
	if r.IntN(4) != 0 {
		for _, role := range OptionalRoles {
			if r.IntN(2) == 0 {
				cfg.Roles |= Roles(role)
			}
		}
		if r.IntN(2) == 0 {
			cfg.Roles |= Roles(Koba, Nikolaev) // the Last Shot, often
		}
		if r.IntN(2) == 0 {
			cfg.LastShotTime = time.Duration(1+r.IntN(90)) * time.Second
		}
	}
	return fitConfig(cfg, n), names[:n], seed
}

// fitConfig is cfg with the Congress roles a table of n delegates takes.
func fitConfig(cfg Config, n int) Config {
	cfg.Roles = cfg.FitRoles(n)
	return cfg
}

// randomStep draws the next step of a random game at time now: mostly
// commands a delegate of this phase could send (many of them still
// refused: wrong target, second vote, ...), some garbage, host commands,
// and time passing to just before, at or past a deadline.
func randomStep(r *rand.Rand, g *Game, now time.Time) step {
	n := len(g.seats)
	someone := func() int { // a living delegate, mostly
		if r.IntN(10) == 0 {
			return r.IntN(n)
		}
		l := g.living()
		return l[r.IntN(len(l))]
	}
	anyone := func() int { return r.IntN(n+2) - 1 } // includes two unknown seats
	if g.paused && r.IntN(3) == 0 {
		return step{Cmd: resume(), At: now}
	}
	x := r.IntN(100)
	if g.phase == PhaseDefence && x >= 27 && r.IntN(2) == 0 {
		x = 0 // the Accused speaks; time passes
	}
	switch {
	case x < 14:
		var d time.Duration
		dl, ok := g.NextDeadline()
		switch r.IntN(5) {
		case 0:
			d = time.Duration(r.IntN(3)) * time.Second
		case 1, 2:
			if ok {
				d = dl.Sub(now)
			}
		case 3:
			if ok {
				d = dl.Sub(now) - time.Nanosecond
			}
		default:
			d = time.Duration(r.Int64N(int64(3 * time.Minute)))
		}
		return step{Advance: true, At: now.Add(max(d, 0))}
	case x < 17:
		return step{Cmd: Command{Kind: []CommandKind{CmdPause, CmdResume, CmdEndPhase}[r.IntN(3)], Seat: NoSeat}, At: now}
	case x < 27:
		return step{Cmd: Command{Kind: CommandKind(r.IntN(16) - 1), Seat: anyone(), Target: anyone(), Purge: r.IntN(2) == 0}, At: now}
	}
	c := Command{Seat: someone(), Target: someone(), Purge: r.IntN(2) == 0}
	// fresh picks, most of the time, a living delegate who has not yet
	// done what this phase asks of them, so that most commands are legal.
	fresh := func(done func(s *seat) bool) {
		if r.IntN(4) == 0 {
			return
		}
		var c2 []int
		for i := range g.seats {
			if s := &g.seats[i]; s.alive && !done(s) {
				c2 = append(c2, i)
			}
		}
		if len(c2) > 0 {
			c.Seat = c2[r.IntN(len(c2))]
		}
	}
	switch g.phase {
	case PhaseDebate:
		c.Kind = []CommandKind{CmdDenounce, CmdDenounce, CmdDenounce, CmdWithdraw, CmdReady, CmdReady, CmdReady, CmdUnready}[r.IntN(8)]
		switch c.Kind {
		case CmdReady:
			fresh(func(s *seat) bool { return s.ready })
		case CmdWithdraw:
			fresh(func(s *seat) bool { return s.denounces == NoSeat })
		case CmdUnready:
			fresh(func(s *seat) bool { return !s.ready })
		}
	case PhaseAccusation:
		c.Kind = CmdChairPick
		if r.IntN(3) != 0 {
			c.Seat, c.Target = g.chair, g.tied[r.IntN(len(g.tied))]
		}
	case PhaseDefence, PhaseVote:
		c.Kind = CmdPurgeVote
		fresh(func(s *seat) bool { return s.voted || s == &g.seats[max(g.accused, 0)] })
	case PhaseConfession:
		c.Kind = CmdConfess
		if r.IntN(4) != 0 {
			c.Seat = g.purgedAt
		}
	case PhaseNight:
		c.Kind = CmdLetter
		if r.IntN(3) == 0 {
			c.Kind = CmdInvestigate
		}
		if g.dealt.Has(Yagoda) && r.IntN(4) == 0 {
			c.Kind = CmdFalsify
			if y := g.seatOf(Yagoda); r.IntN(4) != 0 {
				c.Seat = y
			}
			break
		}
		var actors []int
		for i, s := range g.seats {
			switch {
			case !s.alive:
			case c.Kind == CmdLetter && s.role.Faction() == Plotters && (!s.acted || r.IntN(4) == 0),
				c.Kind == CmdInvestigate && s.role == Investigator:
				actors = append(actors, i)
			}
		}
		if len(actors) > 0 && r.IntN(5) != 0 {
			c.Seat = actors[r.IntN(len(actors))]
		}
	case PhaseFinalBallot:
		c.Kind = CmdStrike
		fresh(func(s *seat) bool { return s.acted })
		if g.lastShot() && r.IntN(2) == 0 {
			c.Target = g.bloc[g.kirovIn] // so that the Last Shot comes often
		}
	case PhaseLastShot:
		c.Kind = CmdShoot
		if r.IntN(4) != 0 {
			c.Seat = g.seatOf(Nikolaev)
		}
		if r.IntN(3) != 0 {
			c.Target = r.IntN(n)
		}
	default:
		c.Kind = CommandKind(r.IntN(int(lastCommand) + 1))
	}
	// Now and then a command arrives a little later without the server
	// having advanced the clock first.
	if r.IntN(8) == 0 {
		now = now.Add(time.Duration(r.IntN(3000)) * time.Millisecond)
	}
	return step{Cmd: c, At: now}
}

// finishStep drives a game to its end: resume a pause, then let each
// deadline pass.
func finishStep(g *Game, now time.Time) step {
	if g.paused {
		return step{Cmd: resume(), At: now}
	}
	dl, _ := g.NextDeadline()
	return step{Advance: true, At: dl}
}

// walkRandomGames plays games random games (setup and moves drawn from
// stream) to their end, and calls each after every step with the game,
// the game's number and whether the step was accepted.
func walkRandomGames(t *testing.T, games int, stream uint64, each func(g *Game, game int, accepted bool)) {
	t.Helper()
	for i := range games {
		r := rand.New(rand.NewPCG(uint64(i), stream))
		cfg, players, seed := randomSetup(r)
		g, _, err := New(cfg, players, seed, t0)
		require.NoError(t, err)
		now := t0
		for n := 0; !g.Over(); n++ {
			st := randomStep(r, g, now)
			if n >= 400 {
				st = finishStep(g, now)
			}
			now = st.At
			_, err := st.run(g)
			each(g, i, err == nil)
		}
	}
}
