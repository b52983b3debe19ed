package bot

import (
	"cmp"
	"slices"

	"congress/game"
)

// Plotter settings.
const (
	// doomed is the public suspicion at which the bloc gives a member up.
	doomed = 0.8
	// hopeless is the public suspicion under which the Loyalists will not
	// purge one of their own: the bloc alone cannot outvote them, so its
	// Purge votes would only show who it is.
	hopeless = 0.5
	// swingBar replaces hopeless when the bloc's votes and a single
	// Loyalist's would carry the purge: the open ballot would then show
	// the bloc as the votes that purged him.
	swingBar = 0.8
	// carefulHopeless and carefulSwingBar replace hopeless and swingBar
	// with the habit carefulPurge.
	carefulHopeless, carefulSwingBar = 0.6, 0.7
)

// plotter plays for Kirov's bloc. It never votes to purge, names or
// strikes Kirov, and marks him only while one mark cannot make him the
// Accused. Every member works out the same targets from the same
// public facts and shared tie-breaks, so the bloc acts as one without
// talking, while showing as little of itself as it can:
//   - in the Debate only as many members as it takes to make the bloc's
//     target the Accused mark him (see plotterMark); the target is the
//     Loyalist the rest of the Congress (letter, confessions, Loyalists'
//     marks) already denounces most, else the one it suspects most;
//   - a bloc of three or more votes Purge on every accused Loyalist; a
//     bloc of two when the Congress suspects him enough for Loyalists to
//     join in (later when the bloc's votes would be what carried it);
//     it spares Kirov always, and a fellow member by half its votes
//     (Hard: all) unless he is already convicted in the Congress's mind;
//   - the letter goes against the member of the bloc (never Kirov) the
//     Congress suspects most, since the Congress reads a letter's target
//     as loyal (Kirov's proposal first, when Kirov has made one);
//   - a purged member names in his confession the Loyalist who has done
//     the bloc most harm, then the one the Congress suspects most;
//   - in the Final Ballot it strikes whom the Congress takes for Kirov,
//     Kirov excepted, so that the Loyalists' strikes and its own add up.
func (b *Bot) plotter(v game.View) (game.Command, bool) {
	me := v.You.Seat
	var blocArr [game.MaxSeats]bool
	bloc := blocArr[:len(v.Seats)]
	for _, s := range v.You.Bloc {
		bloc[s] = true
	}
	kirov := noSeat
	if v.You.Kirov != nil {
		kirov = *v.You.Kirov
	}
	loyal := func(i int) bool { return !bloc[i] }
	cmd := func(k game.CommandKind, target int) (game.Command, bool) {
		return game.Command{Kind: k, Seat: me, Target: target}, target != noSeat
	}
	shared := func(i int) uint64 { return mix(uint64(i), uint64(v.Session)) }
	// The scapegoat, among the targets of k, is the Loyalist who has done
	// the bloc most harm (marks, Purge votes and confessions against its
	// members: the Investigator, or a good guesser), then the one the
	// Congress suspects most.
	scapegoat := func(k game.CommandKind) int {
		pub, hits := b.public(), b.brd.hits
		harm := func(i int) float64 {
			h := 0
			for _, j := range v.You.Bloc {
				h += hits[i*b.n+j]
			}
			return float64(h) + pub[i]
		}
		return argmax(b.among(v, k, loyal), harm, shared)
	}

	switch {
	case b.may.has(game.CmdShoot):
		return cmd(game.CmdShoot, b.lastShot(v))
	case b.may.has(game.CmdFalsify):
		// Whomever the Investigator names, a falsified report helps the
		// bloc: it clears a member or casts a Loyalist as one. The sooner
		// the better, before the Investigator's evidence adds up.
		return game.Command{Kind: game.CmdFalsify, Seat: me}, true
	case b.may.has(game.CmdConfess):
		return cmd(game.CmdConfess, scapegoat(game.CmdConfess))
	case b.may.has(game.CmdChairPick):
		pub := b.public()
		t := argmax(b.among(v, game.CmdChairPick, loyal), func(i int) float64 { return pub[i] }, shared)
		if t == noSeat {
			t = argmax(b.among(v, game.CmdChairPick, func(i int) bool { return i != kirov }), func(int) float64 { return 0 }, shared)
		}
		return cmd(game.CmdChairPick, t)
	case b.may.has(game.CmdPurgeVote):
		// Spare the bloc, except a member the Congress has already
		// convicted in its mind: voting with the Loyalists then costs
		// little and buys the rest of the bloc their trust. Never Kirov.
		acc := v.Accused
		pub := b.public()
		hab := b.habits(v)
		bar := hopeless
		switch {
		case b.swing(v, bloc) && hab&carefulPurge != 0:
			bar = carefulSwingBar
		case b.swing(v, bloc):
			bar = swingBar
		case hab&carefulPurge != 0:
			bar = carefulHopeless
		}
		purge := !bloc[acc] && pub[acc] >= bar || bloc[acc] && acc != kirov && pub[acc] >= doomed
		switch {
		case !bloc[acc] && (len(v.You.Bloc) > 2 && hab&purgeBySuspicion == 0 || hab&purgeEveryLoyalist != 0):
			// A bloc of three or more purges every accused Loyalist:
			// among so many votes its own hide, and each Loyalist
			// purged brings parity nearer.
			purge = true
		case bloc[acc] && acc != kirov && acc != me && !purge && hab&spareFellow == 0:
			// A fellow member is spared by half the bloc at random, so
			// that Spare votes do not draw the bloc's outline. (Hard
			// spares him where the member kept is worth more than the
			// outline blurred; docs/BALANCE.md.)
			purge = b.rng.IntN(2) == 0
		}
		return game.Command{Kind: game.CmdPurgeVote, Seat: me, Purge: purge}, true
	case b.may.has(game.CmdLetter):
		for _, pr := range v.You.Proposals {
			if pr.Seat == kirov && pr.Seat != me && pr.Target != kirov {
				if c, ok := cmd(game.CmdLetter, pr.Target); ok && v.Allows(c) {
					return c, true
				}
			}
		}
		return cmd(game.CmdLetter, b.letterTarget(v, bloc, kirov, shared, scapegoat))
	case b.may.has(game.CmdStrike):
		// The Loyalists strike whom the Congress takes for Kirov: if that
		// is not Kirov, the bloc's strikes keep him on top (even one of
		// the bloc); if it is, the bloc's best hope is a rival.
		k := b.brd.publicKirov()
		return cmd(game.CmdStrike, argmax(b.among(v, game.CmdStrike, func(i int) bool { return i != kirov }),
			func(i int) float64 { return k[i] }, shared))
	case b.may.has(game.CmdDenounce), b.may.has(game.CmdReady):
		cur := v.Seats[me].Denounces
		if cur == noSeat || !b.reconsidered {
			t := b.plotterMark(v, bloc, kirov, b.public(), shared)
			if cur == noSeat {
				return cmd(game.CmdDenounce, t)
			}
			b.reconsidered = true
			if t != cur && t != noSeat {
				return cmd(game.CmdDenounce, t)
			}
		}
		if b.may.has(game.CmdReady) {
			return game.Command{Kind: game.CmdReady, Seat: me}, true
		}
	}
	return game.Command{}, false
}

// lastShot is whom Nikolaev names in the Last Shot: the Loyalist whose
// marks departed least often from the ones the Congress's suspicion alone
// would have made (board.followerMark), and among those the one who
// marked most often (a purged Loyalist who marked once has departed
// little but shown little). Koba knows the bloc but Kirov and must not be
// seen to: he keeps to the Congress's suspicion, where a Loyalist who
// reads the Debate for himself, with his own loyalty in mind, now and then
// marks someone else. Counting instead the acts against the members Koba
// knows finds him no more often than chance at 7 and 10 seats; counting
// the purge votes beside the marks, three to five times as often as
// chance from 9 seats (docs/BALANCE.md).
func (b *Bot) lastShot(v game.View) int {
	d := b.brd
	score := func(i int) float64 {
		if d.marked == nil {
			return 0
		}
		// Fewest departures first (a Debate counts one mark a seat),
		// then the most marks that followed: more evidence.
		return float64(d.followed[i] - (game.MaxSessions+1)*(d.marked[i]-d.followed[i]))
	}
	return argmax(b.among(v, game.CmdShoot, nil), score, func(i int) uint64 { return mix(uint64(i), uint64(b.seat)) })
}

// letterTarget is whom the bloc writes its letter against. The Congress
// reads a letter as the bloc's work, so its target as loyal: written
// against the member of the bloc the Congress suspects most (never
// Kirov), it clears him for the price of one standing denunciation.
func (b *Bot) letterTarget(v game.View, bloc []bool, kirov int, shared func(int) uint64, scapegoat func(game.CommandKind) int) int {
	pub := b.public()
	t := argmax(b.among(v, game.CmdLetter, func(i int) bool { return bloc[i] && i != kirov }),
		func(i int) float64 { return pub[i] }, shared)
	if t == noSeat {
		return scapegoat(game.CmdLetter)
	}
	return t
}

// swing reports whether the bloc's Purge votes and a single Loyalist's
// would purge the Accused (a Loyalist) over every other voter's Spare.
func (b *Bot) swing(v game.View, bloc []bool) bool {
	plotters, loyalists := 0, 0
	for i, s := range v.Seats {
		switch {
		case !s.Alive || i == v.Accused:
		case bloc[i]:
			plotters++
		default:
			loyalists++
		}
	}
	return plotters+1 > loyalists-1
}

// blocTarget is the Loyalist the bloc marks in this Debate: the one with
// most standing denunciations from outside the bloc (a carried letter or
// confession, Loyalists' marks), then the one the Congress suspects most.
// The bloc's own marks are left out so that every member, whenever it
// looks, finds the same one.
func (b *Bot) blocTarget(v game.View, bloc []bool, pub []float64, shared func(int) uint64) int {
	var arr [game.MaxSeats]float64
	support := arr[:len(v.Seats)]
	for _, d := range v.Denunciations {
		if d.Source == game.FromDelegate && d.By >= 0 && d.By < len(bloc) && bloc[d.By] {
			continue
		}
		if d.Target >= 0 && d.Target < len(support) {
			support[d.Target]++
		}
	}
	return argmax(b.among(v, game.CmdDenounce, func(i int) bool { return !bloc[i] }),
		func(i int) float64 { return support[i] + pub[i] }, shared)
}

// plotterMark is this Plotter's mark in the Debate. Only as many of the
// bloc as it takes to make the bloc's target the Accused press against
// him (Kirov last); the others mark someone at random, as an undecided
// Loyalist would, so that the bloc does not show itself by marking
// together (who may be, see below, a fellow member or Kirov). When the
// bloc cannot outmark the Congress's choice, it joins it, unless that
// choice is Kirov.
func (b *Bot) plotterMark(v game.View, bloc []bool, kirov int, pub []float64, shared func(int) uint64) int {
	me := v.You.Seat
	t := b.blocTarget(v, bloc, pub, shared)
	var arr [game.MaxSeats]int
	support := arr[:len(v.Seats)]
	for _, d := range v.Denunciations {
		if d.Source == game.FromDelegate && d.By >= 0 && d.By < len(bloc) && bloc[d.By] {
			continue
		}
		if d.Target >= 0 && d.Target < len(support) {
			support[d.Target]++
		}
	}
	rival, leader := 0, noSeat
	for i, c := range support {
		if i != t && v.Seats[i].Alive && c > rival {
			rival, leader = c, i
		}
	}
	need := max(v.Rules.Threshold-support[t], rival+1-support[t], 0)
	var memArr [game.MaxSeats]int
	members := memArr[:0]
	for _, s := range v.You.Bloc {
		if v.Seats[s].Alive {
			members = append(members, s)
		}
	}
	slices.SortFunc(members, func(a, c int) int {
		if (a == kirov) != (c == kirov) {
			if a == kirov {
				return 1
			}
			return -1
		}
		return cmp.Compare(shared(a), shared(c))
	})
	if need > len(members) {
		// The Congress has made up its mind about someone else. Go with
		// it, even against one of the bloc, unless that is Kirov: then
		// the bloc's only hope is a tie.
		if leader != kirov && leader != me {
			return leader
		}
		return t
	}
	if i := slices.Index(members, me); i < need {
		return t
	}
	// Cover marks that never fall on the bloc show it: the Loyalists'
	// model reads a bloc by whom it spares. A bloc of three or more, or
	// any bloc where no Investigator sits to check it, gives its cover
	// marks to anyone, a fellow member too. The first cover mark goes to
	// Kirov while one mark cannot make him the Accused: a Plotter's act
	// against a delegate is what the Congress reads as "not Kirov". A
	// bloc of two under an Investigator keeps to the Loyalists (marking
	// its own gives up half of itself), and to a member the Congress has
	// already convicted in its mind.
	onKirov := 0
	for _, d := range v.Denunciations {
		if d.Target == kirov && d.By != me {
			onKirov++
		}
	}
	hab := b.habits(v)
	safe := kirov != noSeat && kirov != me && onKirov+1 < v.Rules.Threshold && hab&noKirovCover == 0
	if safe && v.Seats[me].Denounces != kirov {
		safe = onKirov == 0
	}
	var cands []int
	if (len(v.You.Bloc) > 2 || !v.Investigator) && hab&coverOnLoyalists == 0 {
		cands = b.among(v, game.CmdDenounce, func(i int) bool { return i != t && (i != kirov || safe) })
		if safe && slices.Contains(cands, kirov) {
			return kirov
		}
	} else {
		cands = b.among(v, game.CmdDenounce, func(i int) bool {
			return i != kirov && i != t && (!bloc[i] || pub[i] >= doomed)
		})
	}
	cover := noSeat
	if len(cands) > 0 {
		cover = cands[b.rng.IntN(len(cands))]
	}
	if cover == noSeat {
		return t
	}
	return cover
}

// mix is splitmix64 of a and b: a tie-break every bot computes alike.
func mix(a, b uint64) uint64 {
	x := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
