package bot

import (
	"slices"

	"congress/game"
)

// Loyalist thresholds.
const (
	// closeCall is how close in suspicion two delegates are for a Loyalist
	// to prefer the one the trusted part of the Congress already marks.
	closeCall = 0.1
	// purgeBar is the suspicion at which a Loyalist votes Purge, and
	// riskyPurgeBar the one when purging a Loyalist by mistake could hand
	// the Plotters parity.
	purgeBar      = 0.55
	riskyPurgeBar = 0.7
)

// loyalist plays for Stalin's camp from its suspicion model: it marks,
// purges, names and strikes the delegates most likely to be Plotters, and
// investigates the one it is least sure of.
func (b *Bot) loyalist(v game.View) (game.Command, bool) {
	me := v.You.Seat
	has := func(k game.CommandKind) bool { return slices.Contains(v.Actions, k) }
	cmd := func(k game.CommandKind, target int) (game.Command, bool) {
		return game.Command{Kind: k, Seat: me, Target: target}, target != noSeat
	}
	switch {
	case has(game.CmdConfess):
		return cmd(game.CmdConfess, b.suspect(v, b.private(), b.living(v, nil)))
	case has(game.CmdChairPick):
		return cmd(game.CmdChairPick, b.suspect(v, b.private(), slices.Clone(v.Tied)))
	case has(game.CmdPurgeVote):
		p := b.private()
		return game.Command{Kind: game.CmdPurgeVote, Seat: me, Purge: p[v.Accused] >= b.purgeBar(v)}, true
	case has(game.CmdInvestigate):
		p := b.private()
		cands := b.living(v, func(i int) bool { return b.known[i] == unknown })
		if len(cands) == 0 {
			cands = b.living(v, nil)
		}
		return cmd(game.CmdInvestigate, argmax(cands,
			func(i int) float64 { return p[i] * (1 - p[i]) },
			func(i int) uint64 { return uint64(p[i] * (1 << 32)) }))
	case has(game.CmdStrike):
		return cmd(game.CmdStrike, b.suspect(v, b.private(), b.living(v, nil)))
	case has(game.CmdDenounce), has(game.CmdReady):
		cur := v.Seats[me].Denounces
		if cur == noSeat || !b.reconsidered {
			p := b.provisional(v)
			t := b.suspect(v, p, b.living(v, nil))
			if cur == noSeat {
				return cmd(game.CmdDenounce, t)
			}
			b.reconsidered = true
			if t != cur {
				return cmd(game.CmdDenounce, t)
			}
		}
		if has(game.CmdReady) {
			return game.Command{Kind: game.CmdReady, Seat: me}, true
		}
	}
	return game.Command{}, false
}

// suspect is the one of cands to act against: among those within
// closeCall of the most suspect, the one most denounced by delegates this
// bot trusts (each mark weighs the marker's chance of being a Loyalist;
// the anonymous letter weighs nothing), so that Loyalists who suspect a
// whole bloc alike converge on one of it. Then a tie-break every bot
// computes alike.
func (b *Bot) suspect(v game.View, p []float64, cands []int) int {
	top := 0.0
	for _, c := range cands {
		top = max(top, p[c])
	}
	cands = slices.DeleteFunc(cands, func(c int) bool { return p[c] < top-closeCall })
	support := make([]float64, len(v.Seats))
	for _, d := range v.Denunciations {
		if d.Target < 0 || d.Target >= len(support) || d.By < 0 || d.By >= len(p) || d.By == b.seat {
			continue
		}
		support[d.Target] += 1 - p[d.By]
	}
	return argmax(cands, func(i int) float64 { return support[i] + p[i] },
		func(i int) uint64 { return mix(uint64(i), uint64(v.Session)) })
}

// purgeBar is the suspicion above which this Loyalist votes Purge: higher
// when a mistaken purge could give the Plotters parity, assuming no Plotter
// has been purged yet unless a file says so.
func (b *Bot) purgeBar(v game.View) float64 {
	living, plotters := 0, v.Plotters
	for i, s := range v.Seats {
		if s.Alive {
			living++
		} else if b.revealed[i] == plotKnw {
			plotters--
		}
	}
	if living-1-plotters <= plotters {
		return riskyPurgeBar
	}
	return purgeBar
}
