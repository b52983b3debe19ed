package bot

import "congress/game"

// markChance is how often an Easy bot marks someone in a Debate.
const markChance = 0.8

// easy plays at random among legal moves, but takes part in every phase.
// An Easy Plotter still never moves against Kirov: even a weak conspirator
// knows whom he conspires for.
func (b *Bot) easy(v game.View) (game.Command, bool) {
	me := v.You.Seat
	kirov := noSeat
	if v.You.Kirov != nil {
		kirov = *v.You.Kirov
	}
	notKirov := func(i int) bool { return i != kirov }
	pick := func(c []int) int {
		if len(c) == 0 {
			return noSeat
		}
		return c[b.rng.IntN(len(c))]
	}
	cmd := func(k game.CommandKind, target int) (game.Command, bool) {
		return game.Command{Kind: k, Seat: me, Target: target}, target != noSeat
	}
	switch {
	case b.may.has(game.CmdShoot):
		return cmd(game.CmdShoot, pick(b.among(v, game.CmdShoot, nil)))
	case b.may.has(game.CmdFalsify) && b.rng.IntN(2) == 0:
		return game.Command{Kind: game.CmdFalsify, Seat: me}, true
	case b.may.has(game.CmdConfess):
		return cmd(game.CmdConfess, pick(b.among(v, game.CmdConfess, notKirov)))
	case b.may.has(game.CmdChairPick):
		return cmd(game.CmdChairPick, pick(b.among(v, game.CmdChairPick, notKirov)))
	case b.may.has(game.CmdPurgeVote):
		purge := b.rng.IntN(2) == 0 && v.Accused != kirov
		return game.Command{Kind: game.CmdPurgeVote, Seat: me, Purge: purge}, true
	case b.may.has(game.CmdLetter):
		return cmd(game.CmdLetter, pick(b.among(v, game.CmdLetter, notKirov)))
	case b.may.has(game.CmdInvestigate):
		return cmd(game.CmdInvestigate, pick(b.among(v, game.CmdInvestigate, nil)))
	case b.may.has(game.CmdStrike):
		return cmd(game.CmdStrike, pick(b.among(v, game.CmdStrike, notKirov)))
	case b.may.has(game.CmdDenounce), b.may.has(game.CmdReady):
		if !b.reconsidered {
			b.reconsidered = true
			if v.Seats[me].Denounces == noSeat && b.rng.Float64() < markChance {
				if c, ok := cmd(game.CmdDenounce, pick(b.among(v, game.CmdDenounce, notKirov))); ok {
					return c, true
				}
			}
		}
		if b.may.has(game.CmdReady) {
			return game.Command{Kind: game.CmdReady, Seat: me}, true
		}
	}
	return game.Command{}, false
}
