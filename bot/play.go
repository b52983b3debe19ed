package bot

import (
	"fmt"
	"time"

	"congress/game"
)

// Result is how a game played by Play ended.
type Result struct {
	Winner   game.Faction
	Reason   game.WinReason
	Sessions int // sessions opened
	Commands int // commands the bots sent, all accepted
}

// Play runs g to its end with bots[i] in seat i, straight on the engine and
// on simulated time: in rounds, every seat that may act is shown its view
// and its new log events and may send one command, which is applied at
// once; when a whole round passes with nobody acting, the clock jumps to
// the next deadline. start is the time the game was created at.
//
// A bot that declines is not asked again in the same phase of the same
// session: Decide declines only when the bot has nothing left to do there
// (it never waits to see what others do), and views and log reads are
// most of the cost of a simulated game.
//
// A command the engine refuses is a bot bug: Play stops and returns it.
func Play(g *game.Game, bots []*Bot, start time.Time) (Result, error) {
	if len(bots) != g.Seats() {
		return Result{}, fmt.Errorf("bot: %d bots for %d seats", len(bots), g.Seats())
	}
	now := start
	next := make([]int, len(bots))
	declined := make([]int, len(bots)) // the phase key in which each seat last declined
	var res Result
	for !g.Over() {
		acted := false
		for i, b := range bots {
			if g.Over() {
				break
			}
			key := g.Session()<<4 + int(g.Phase()) + 1 // never 0, so no seat starts declined
			// The purged act only to confess.
			if declined[i] == key || !g.Alive(i) && g.Phase() != game.PhaseConfession {
				continue
			}
			viewer := game.SeatViewer(i)
			if g.LogLen() > next[i] {
				events, n := g.Log(viewer, next[i])
				next[i] = n
				b.Observe(events)
			}
			cmd, ok := b.Decide(g.View(viewer), now)
			if !ok {
				declined[i] = key
				continue
			}
			if _, err := g.Apply(cmd, now); err != nil {
				return res, fmt.Errorf("bot: seat %d (%v) sent %v to %d in session %d, %v: %w",
					i, b.strength, cmd.Kind, cmd.Target, g.Session(), g.Phase(), err)
			}
			res.Commands++
			acted = true
		}
		if acted {
			continue
		}
		d, ok := g.NextDeadline()
		if !ok {
			return res, fmt.Errorf("bot: game stuck in %v with no deadline", g.Phase())
		}
		now = d
		g.Advance(now)
	}
	res.Winner, res.Reason = g.Winner()
	res.Sessions = g.Session()
	return res, nil
}

// ForCamps makes a bot for every seat of g, playing at loyal for the
// Loyalists and at plot for the Plotters; each seat learns its camp from
// its own view. Bot seeds are drawn from seed.
func ForCamps(g *game.Game, loyal, plot Strength, seed uint64) []*Bot {
	bots := make([]*Bot, g.Seats())
	for i := range bots {
		s := loyal
		if v := g.View(game.SeatViewer(i)); v.You != nil && v.You.Faction == game.Plotters {
			s = plot
		}
		bots[i] = New(i, s, mix(seed, uint64(i)))
	}
	return bots
}
