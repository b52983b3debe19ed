package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"congress/bot"
	"congress/game"
)

// mover chooses a delegate's next command from its view, as bot.Bot does.
type mover interface {
	Observe(events []game.Event)
	Decide(v game.View, now time.Time) (game.Command, bool)
}

// movers names the ways a load-generating delegate can play.
var movers = []string{"easy", "normal", "simple"}

func checkMover(name string) error {
	if !slices.Contains(movers, name) {
		return fmt.Errorf("-movers %q: want one of %v", name, movers)
	}
	return nil
}

// newMover makes the player of one seat: the bot package at either
// strength, or "simple", moves straight from view.Actions for when the
// tool's own CPU must stay small.
func newMover(name string, seat int, seed uint64) mover {
	switch name {
	case "normal":
		return bot.New(seat, bot.Normal, seed)
	case "simple":
		return &simpleMover{rng: rand.New(rand.NewPCG(seed, uint64(seat)))}
	}
	return bot.New(seat, bot.Easy, seed)
}

// simpleMover takes the first command the view lists, with a random one
// of its targets or votes, except that it marks once and never takes a
// mark or Ready back, so Debates end early.
type simpleMover struct{ rng *rand.Rand }

func (*simpleMover) Observe([]game.Event) {}

func (m *simpleMover) Decide(v game.View, _ time.Time) (game.Command, bool) {
	if v.You == nil {
		return game.Command{}, false
	}
	me := v.You.Seat
	for _, a := range v.Actions {
		switch {
		case a.Kind == game.CmdWithdraw, a.Kind == game.CmdUnready:
			continue
		case a.Kind == game.CmdDenounce && v.Seats[me].Denounces != game.NoSeat:
			continue
		}
		c := game.Command{Kind: a.Kind, Seat: me}
		if len(a.Targets) > 0 {
			c.Target = a.Targets[m.rng.IntN(len(a.Targets))]
		}
		if len(a.Purge) > 0 {
			c.Purge = a.Purge[m.rng.IntN(len(a.Purge))]
		}
		return c, true
	}
	return game.Command{}, false
}
