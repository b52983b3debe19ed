package server

import (
	"math/rand/v2"
	"time"

	"congress/game"
)

// DefaultBot makes the player of a bot seat.
func DefaultBot(seat int, strength string, seed uint64) Player {
	return &standIn{seat: seat, rng: rand.New(rand.NewPCG(seed, uint64(seat)))}
}

// standIn is a placeholder delegate until the bot package lands: it
// takes the first action its view offers, on a random living other seat.
type standIn struct {
	seat int
	rng  *rand.Rand
}

func (b *standIn) Observe([]game.Event) {}

func (b *standIn) Think() time.Duration {
	return 200*time.Millisecond + time.Duration(b.rng.Int64N(int64(300*time.Millisecond)))
}

func (b *standIn) Decide(v game.View, _ time.Time) (game.Command, bool) {
	var living []int
	for _, s := range v.Seats {
		if s.Alive && s.Seat != b.seat {
			living = append(living, s.Seat)
		}
	}
	for _, k := range v.Actions {
		switch k {
		case game.CmdReady, game.CmdPurgeVote:
			return game.Command{Kind: k, Seat: b.seat, Purge: b.rng.IntN(2) == 0}, true
		case game.CmdChairPick:
			return game.Command{Kind: k, Seat: b.seat, Target: v.Tied[b.rng.IntN(len(v.Tied))]}, true
		case game.CmdConfess, game.CmdLetter, game.CmdInvestigate, game.CmdStrike:
			if len(living) > 0 {
				return game.Command{Kind: k, Seat: b.seat, Target: living[b.rng.IntN(len(living))]}, true
			}
		}
	}
	return game.Command{}, false
}
