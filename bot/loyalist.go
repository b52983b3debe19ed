package bot

import (
	"slices"

	"congress/game"
)

// Loyalist thresholds.
const (
	// closeCall is how close in suspicion two delegates are for a Loyalist
	// to prefer the one the trusted part of the Congress already marks.
	closeCall = 0.2
	// purgeBar is the suspicion at which a Loyalist votes Purge on an
	// Accused it did not denounce itself, and riskyPurgeBar the one on
	// any Accused when purging a Loyalist by mistake could hand the
	// Plotters parity.
	purgeBar      = 0.45
	riskyPurgeBar = 0.8
	// kirovWeight is how much a delegate's chance of being Kirov adds to
	// his suspicion when choosing whom to act against: purging Kirov ends
	// the game.
	kirovWeight = 0.6
	// riskierPurgeBar replaces riskyPurgeBar with the habit riskierPurge.
	riskierPurgeBar = 0.7
)

// loyalist plays for Stalin's camp from its suspicion model: it marks,
// purges, names and strikes the delegates most likely to be Plotters,
// votes to purge the one it denounced unless a mistake could give the
// Plotters parity, and investigates the one it is least sure of.
func (b *Bot) loyalist(v game.View) (game.Command, bool) {
	me := v.You.Seat
	cmd := func(k game.CommandKind, target int) (game.Command, bool) {
		return game.Command{Kind: k, Seat: me, Target: target}, target != noSeat
	}
	// With the Last Shot in play Koba must not be recognised: Nikolaev
	// reads every mark, vote and confession. Koba therefore marks, picks,
	// names and votes by the Congress's suspicion, not his own (a Koba who
	// only spared the bloc he knows was named in half the Last Shots), and
	// keeps his knowledge for the secret Final Ballot, where he strikes
	// no one he knows of the bloc, for none of them is Kirov. Without the
	// Last Shot he has nothing to hide, but he plays on what he knows only
	// when he knows one member: the model pinned with two or more of the
	// bloc chooses worse than the Congress's own suspicion does (at ten
	// seats such a Koba cost his camp 30 points; docs/BALANCE.md).
	ofBloc := v.You.Known().OfBloc
	b.hiding = len(ofBloc) > 0 && (v.Rules != nil && v.Rules.LastShot || len(ofBloc) > 1)
	hab := b.habits(v)
	conceal := hab&concealFinds != 0 && v.You.Role == game.Investigator
	if conceal {
		b.hiding = true
	}
	switch {
	case b.may.has(game.CmdConfess):
		if conceal {
			b.hiding = false // the last word: nothing left to keep
		}
		return cmd(game.CmdConfess, b.suspect(v, b.among(v, game.CmdConfess, nil)))
	case b.may.has(game.CmdChairPick):
		return cmd(game.CmdChairPick, b.suspect(v, b.among(v, game.CmdChairPick, nil)))
	case b.may.has(game.CmdPurgeVote):
		// A Loyalist stands by its own mark: the delegate it denounced
		// was its best suspect when the Debate closed, and the Debate's
		// marks, which it reads only afterwards, are where the model is
		// least reliable (a whole Congress marking together can make its
		// target look loyal). Only a purge that could hand the Plotters
		// parity needs the model's own conviction.
		// A bloc of three or more votes Purge on every accused
		// Loyalist, so there a Loyalist's own mark is no reason to add
		// its vote to the bloc's: only its conviction is.
		p, bar := b.private(), b.purgeBar(v)
		if b.hiding {
			p = b.public()
		}
		if bar == riskyPurgeBar && hab&riskierPurge != 0 {
			bar = riskierPurgeBar
		}
		purge := p[v.Accused] >= bar || bar < riskyPurgeBar && v.Plotters <= 2 && v.Seats[me].Denounces == v.Accused
		if conceal && b.knows(v.Accused) == loyalKnw {
			purge = false
		}
		return game.Command{Kind: game.CmdPurgeVote, Seat: me, Purge: purge}, true
	case b.may.has(game.CmdInvestigate):
		p := b.private()
		cands := b.among(v, game.CmdInvestigate, func(i int) bool { return b.knows(i) == unknown })
		if len(cands) == 0 {
			cands = b.among(v, game.CmdInvestigate, nil)
		}
		return cmd(game.CmdInvestigate, argmax(cands,
			func(i int) float64 { return p[i] * (1 - p[i]) },
			func(i int) uint64 { return uint64(p[i] * (1 << 32)) }))
	case b.may.has(game.CmdStrike):
		// Only a Kirov struck by more than anyone else loses, and the bloc
		// strikes together: the Loyalists must strike one name as one.
		// The name every delegate can work out alike is the public
		// suspect; only one known to be loyal is passed over, or, by
		// Koba, one he knows of the bloc, and so not Kirov.
		k := b.brd.publicKirov()
		return cmd(game.CmdStrike, argmax(b.among(v, game.CmdStrike, func(i int) bool {
			return b.knows(i) != loyalKnw && !slices.Contains(ofBloc, i)
		}),
			func(i int) float64 { return k[i] }, func(i int) uint64 { return mix(uint64(i), uint64(v.Session)) }))
	case b.may.has(game.CmdDenounce), b.may.has(game.CmdReady):
		cur := v.Seats[me].Denounces
		if cur == noSeat || !b.reconsidered {
			t := b.suspect(v, b.among(v, game.CmdDenounce, nil))
			if cur == noSeat {
				return cmd(game.CmdDenounce, t)
			}
			b.reconsidered = true
			if t != cur {
				return cmd(game.CmdDenounce, t)
			}
		}
		if b.may.has(game.CmdReady) {
			return game.Command{Kind: game.CmdReady, Seat: me}, true
		}
	}
	return game.Command{}, false
}

// suspect is the one of cands to act against, by private suspicion plus
// kirovWeight times the chance of being Kirov: among those within
// closeCall of the most suspect, the one most denounced by delegates this
// bot trusts (each mark weighs the marker's chance of being a Loyalist;
// the anonymous letter weighs nothing), so that Loyalists who suspect a
// whole bloc alike converge on one of it. Then a tie-break every bot
// computes alike.
func (b *Bot) suspect(v game.View, cands []int) int {
	p, k := b.private(), b.privateKirov()
	if b.hiding {
		p, k = b.public(), b.brd.publicKirov()
	}
	q := b.score[:len(p)]
	kw := kirovWeight
	if b.habits(v)&kirovFirst != 0 {
		kw = 1
	}
	for i := range q {
		q[i] = p[i] + kw*k[i]
	}
	top := 0.0
	for _, c := range cands {
		top = max(top, q[c])
	}
	cands = slices.DeleteFunc(cands, func(c int) bool { return q[c] < top-closeCall })
	support := b.support[:len(p)]
	clear(support)
	for _, d := range v.Denunciations {
		if d.Target < 0 || d.Target >= len(support) || d.By < 0 || d.By >= len(p) || d.By == b.seat {
			continue
		}
		support[d.Target] += 1 - p[d.By]
	}
	return argmax(cands, func(i int) float64 { return support[i] + q[i] },
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
		} else if b.brd.revealed[i] == plotKnw {
			plotters--
		}
	}
	if living-1-plotters <= plotters {
		return riskyPurgeBar
	}
	return purgeBar
}
