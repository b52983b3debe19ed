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
// and may send one command, which is applied at once; when a whole round
// passes with nobody acting, the clock jumps to the next deadline. start
// is the time the game was created at. The bots must be new.
//
// Views and log reads are most of the cost of a simulated game, so Play
// asks as few as it can:
//   - the bots share one board of public knowledge, fed once from the
//     public log (what a spectator sees, which every seat sees too); what
//     a seat knows privately comes from its own view;
//   - a seat is asked only when the engine says it may act
//     (Game.MayAct), which costs no view;
//   - a bot that declines, or has sent anything but a denunciation, is
//     not asked again in the same phase of the same session: Decide
//     declines only when the bot has nothing left to do there (it never
//     waits to see what others do, and never takes Ready back);
//   - every view is built in one buffer lent to the engine (Game.ViewIn),
//     for a bot reads a view in Decide and keeps nothing of it.
//
// A command the engine refuses is a bot bug: Play stops and returns it.
func Play(g *game.Game, bots []*Bot, start time.Time) (Result, error) {
	return playSkipping(g, bots, start, true)
}

// playSkipping is Play; with skip false it asks every seat every round
// until it declines, which
// gives the same game (see TestPlaySkipsOnlyIdleSeats).
func playSkipping(g *game.Game, bots []*Bot, start time.Time, skip bool) (Result, error) {
	n := g.Seats()
	if len(bots) != n {
		return Result{}, fmt.Errorf("bot: %d bots for %d seats", len(bots), n)
	}
	brd := newBoard(n, g.Config().PlottersFor(n), g.Config().InvestigatorFor(n))
	for _, b := range bots {
		if b.brd != nil || len(b.queue) > 0 {
			return Result{}, fmt.Errorf("bot: seat %d has played before; Play needs new bots", b.seat)
		}
		b.attach(brd, true)
	}
	now := start
	next := 0
	var declined [game.MaxSeats]int // the phase key in which each seat last declined
	var own game.ViewBuf            // each view is read by Decide and dropped
	var res Result
	for !g.Over() {
		acted := false
		for i, b := range bots {
			if g.Over() {
				break
			}
			if g.LogLen() > next {
				var events []game.Event
				events, next = g.Log(game.Spectator, next)
				for _, e := range events {
					brd.read(e)
				}
			}
			phase := g.Phase()
			key := g.Session()<<4 + int(phase) + 1 // never 0, so no seat starts declined
			if declined[i] == key || skip && !g.MayAct(i) {
				continue
			}

			cmd, ok := b.Decide(g.ViewIn(game.SeatViewer(i), &own), now)
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
			if skip && cmd.Kind != game.CmdDenounce && cmd.Kind != game.CmdFalsify {
				// Ready, a vote, a night action, a strike, a pick or a
				// confession is a seat's last word in its phase (Yagoda's
				// falsification comes before the letter).
				declined[i] = key
			}
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
// Loyalists and at plot for the Plotters; each bot learns its camp, and so
// its strength, from its own first view. Bot seeds are drawn from seed.
func ForCamps(g *game.Game, loyal, plot Strength, seed uint64) []*Bot {
	bots := make([]*Bot, g.Seats())
	for i := range bots {
		b := New(i, loyal, mix(seed, uint64(i)))
		b.plotStrength = plot
		bots[i] = b
	}
	return bots
}
