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
// strength, or "simple", legal moves straight from view.Actions for when
// the tool's own CPU must stay small.
func newMover(name string, seat int, seed uint64) mover {
	switch name {
	case "normal":
		return bot.New(seat, bot.Normal, seed)
	case "simple":
		return &simpleMover{rng: rand.New(rand.NewPCG(seed, uint64(seat)))}
	}
	return bot.New(seat, bot.Easy, seed)
}

// simpleMover takes part in every phase with random legal targets and
// presses Ready once it has denounced, so Debates end early.
type simpleMover struct{ rng *rand.Rand }

func (*simpleMover) Observe([]game.Event) {}

func (m *simpleMover) Decide(v game.View, _ time.Time) (game.Command, bool) {
	if v.You == nil || v.Paused {
		return game.Command{}, false
	}
	me := v.You.Seat
	may := func(k game.CommandKind) bool { return v.May(k) }
	var others []int
	for i, s := range v.Seats {
		if s.Alive && i != me {
			others = append(others, i)
		}
	}
	pick := func(from []int) int { return from[m.rng.IntN(len(from))] }
	c := game.Command{Seat: me}
	switch {
	case len(others) == 0:
		return c, false
	case may(game.CmdDenounce) && v.Seats[me].Denounces == game.NoSeat:
		c.Kind, c.Target = game.CmdDenounce, pick(others)
	case may(game.CmdReady) && !v.Seats[me].Ready:
		c.Kind = game.CmdReady
	case may(game.CmdChairPick) && len(v.Tied) > 0:
		c.Kind, c.Target = game.CmdChairPick, pick(v.Tied)
	case may(game.CmdPurgeVote):
		c.Kind, c.Purge = game.CmdPurgeVote, m.rng.IntN(2) == 0
	case may(game.CmdConfess):
		c.Kind, c.Target = game.CmdConfess, pick(others)
	case may(game.CmdLetter):
		c.Kind, c.Target = game.CmdLetter, pick(others)
	case may(game.CmdInvestigate):
		c.Kind, c.Target = game.CmdInvestigate, pick(others)
	case may(game.CmdStrike):
		c.Kind, c.Target = game.CmdStrike, pick(others)
	default:
		return c, false
	}
	return c, true
}

// effect is the log event that shows a command was applied: the one every
// recipient of the command's effect must receive. Target is compared
// only where the event carries the command's own target.
type effect struct {
	kind       game.EventKind
	seat       int
	target     int
	withTarget bool
}

func effectOf(c game.Command) effect {
	e := effect{seat: c.Seat, target: c.Target}
	switch c.Kind {
	case game.CmdDenounce:
		e.kind, e.withTarget = game.EvDenounced, true
	case game.CmdWithdraw:
		e.kind = game.EvWithdrew
	case game.CmdReady:
		e.kind = game.EvReady
	case game.CmdUnready:
		e.kind = game.EvUnready
	case game.CmdChairPick:
		e.kind, e.withTarget = game.EvAccused, true
	case game.CmdPurgeVote:
		e.kind = game.EvVoted
	case game.CmdConfess:
		e.kind, e.withTarget = game.EvConfessed, true
	case game.CmdLetter:
		e.kind, e.withTarget = game.EvLetterProposed, true
	case game.CmdInvestigate:
		e.kind, e.withTarget = game.EvInvestigated, true
	case game.CmdStrike:
		e.kind = game.EvStruck
	}
	return e
}

// is reports whether an event of kind by seat about target is e.
func (e effect) is(kind game.EventKind, seat, target int) bool {
	return kind == e.kind && seat == e.seat && (!e.withTarget || target == e.target)
}

// audience is the seats that see c's effect while the game runs
// (RULES.md §5): nil for everyone, spectators included.
func audienceOf(c game.Command, v *game.View) []int {
	switch c.Kind {
	case game.CmdLetter:
		var out []int
		for _, s := range v.You.Bloc {
			if s >= 0 && s < len(v.Seats) && v.Seats[s].Alive {
				out = append(out, s)
			}
		}
		return out
	case game.CmdInvestigate:
		return []int{c.Seat}
	}
	return nil
}
