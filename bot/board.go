package bot

import (
	"slices"

	"congress/game"
)

// board is what the Congress at large knows: it is built from public
// events only, so every delegate at a table has the same one, and the
// bots Play drives share a single board rather than each building its
// own (see Play).
type board struct {
	n, p int
	m    *model

	alive    []bool
	revealed []int8 // factions opened by the reveal setting

	marks []int // this Debate's marks, by seat

	// Acts against a seat, which the bloc never commits against Kirov:
	// hits[a*n+t] counts a's final marks, Purge votes and confession
	// against t; lettered[t] the letters against t.
	hits     []int
	lettered []int

	// With the Last Shot in play (see trackFollowers), how each seat's
	// final marks went: marked[t] the Debates in which t marked someone,
	// followed[t] those in which its mark was, when it was made, the one a
	// Loyalist choosing by the Congress's suspicion alone would have made,
	// as Koba hiding does (see followerMark); fits is that for this
	// Debate's marks, and confessed the confessions carried into it.
	session          int
	marked, followed []int
	fits             []bool
	confessed        []game.Denunciation

	// Solutions of the public evidence, cached by its version (m.ev.ver,
	// which also moves when a seat dies or a file opens).
	s              solver
	pub, kir       []float64
	pubVer, kirVer int
}

func newBoard(n, p int, inv bool) *board {
	d := &board{
		n: n, p: p,
		m:        newModel(n, p, inv),
		alive:    slices.Repeat([]bool{true}, n),
		revealed: slices.Repeat([]int8{unknown}, n),
		marks:    slices.Repeat([]int{noSeat}, n),
		hits:     make([]int, n*n),
		lettered: make([]int, n),
		pub:      make([]float64, n),
		kir:      make([]float64, n),
		pubVer:   -1,
		kirVer:   -1,
	}
	return d
}

// changed marks every cached solution stale.
func (d *board) changed() { d.m.ev.ver++ }

func (d *board) setAlive(i int, alive bool) {
	if d.alive[i] != alive {
		d.alive[i] = alive
		d.changed()
	}
}

// read takes one public event into account; others are ignored.
func (d *board) read(e game.Event) {
	valid := func(s int) bool { return s >= 0 && s < d.n }
	switch e.Kind {
	case game.EvSessionOpened:
		d.session = e.Session
		d.confessed = d.confessed[:0]
		for i := range d.marks {
			d.marks[i] = noSeat
		}
	case game.EvCarried:
		if valid(e.Target) && e.Source == game.FromLetter {
			d.m.ev.unary(e.Target, d.m.letter)
			d.lettered[e.Target]++
		}
		if valid(e.Target) && valid(e.Seat) && e.Source == game.FromConfession {
			d.confessed = append(d.confessed, game.Denunciation{Target: e.Target, Source: e.Source, By: e.Seat})
		}
	case game.EvDenounced:
		if valid(e.Seat) && valid(e.Target) {
			if d.marked != nil {
				d.fits[e.Seat] = d.followerMark(e.Seat) == e.Target
			}
			d.marks[e.Seat] = e.Target
		}
	case game.EvWithdrew:
		if valid(e.Seat) {
			d.marks[e.Seat] = noSeat
		}
	case game.EvTied, game.EvAccused, game.EvNoTrial:
		d.closeDebate()
	case game.EvBallot:
		if !valid(e.Target) {
			return
		}
		for _, sv := range e.Votes {
			if !valid(sv.Seat) {
				continue
			}
			if sv.Purge {
				d.m.ev.pair(sv.Seat, e.Target, d.m.purge)
				d.hits[sv.Seat*d.n+e.Target]++
			} else {
				d.m.ev.pair(sv.Seat, e.Target, d.m.spare)
			}
		}
	case game.EvPurged:
		if !valid(e.Target) {
			return
		}
		d.setAlive(e.Target, false)
		if f := factionKnw(e.Faction); f != unknown {
			d.revealed[e.Target] = f
			d.changed()
		} else if d.p == 1 {
			d.revealed[e.Target] = loyalKnw
			d.changed()
		} else {
			// The game went on, so the purged delegate was not Kirov.
			d.m.ev.unary(e.Target, d.m.notKirov)
		}
	case game.EvConfessed:
		if valid(e.Seat) && valid(e.Target) {
			d.m.ev.pair(e.Seat, e.Target, d.m.confess)
			d.hits[e.Seat*d.n+e.Target]++
		}
	}
}

// closeDebate records the Debate's final marks. A tie and the Accused
// that follows it close the same Debate; the marks are cleared the first
// time, so they count once.
func (d *board) closeDebate() {
	if slices.ContainsFunc(d.marks, func(t int) bool { return t != noSeat }) {
		if d.marked != nil {
			d.readFollowers()
		}
		d.m.ev.marks(d.marks, d.m)
		for a, t := range d.marks {
			if t != noSeat {
				d.hits[a*d.n+t]++
			}
		}
	}
	for i := range d.marks {
		d.marks[i] = noSeat
	}
}

// trackFollowers makes the board keep marked and followed from now on.
func (d *board) trackFollowers() {
	if d.marked == nil {
		d.marked, d.followed, d.fits = make([]int, d.n), make([]int, d.n), make([]bool, d.n)
	}
}

// readFollowers counts, for every delegate who marked in the Debate being
// closed, whether its mark was followerMark's when it was made.
func (d *board) readFollowers() {
	for a, t := range d.marks {
		if t == noSeat {
			continue
		}
		d.marked[a]++
		if d.fits[a] {
			d.followed[a]++
		}
	}
}

// followerMark is the mark Bot.suspect makes for seat a choosing by the
// public solution alone, among the living, with the Debate's standing
// marks and confessions as the support: the mark a Koba hiding would make
// now.
func (d *board) followerMark(a int) int {
	p, k := d.public(), d.publicKirov()
	var arr [game.MaxSeats]float64
	q := arr[:d.n]
	top := 0.0
	for i := range d.n {
		q[i] = p[i] + kirovWeight*k[i]
		if i != a && d.alive[i] {
			top = max(top, q[i])
		}
	}
	var supArr [game.MaxSeats]float64
	support := supArr[:d.n]
	for by, t := range d.marks {
		if t != noSeat && by != a {
			support[t] += 1 - p[by]
		}
	}
	for _, c := range d.confessed {
		if c.By != a {
			support[c.Target] += 1 - p[c.By]
		}
	}
	var candArr [game.MaxSeats]int
	cands := candArr[:0]
	for i := range d.n {
		if i != a && d.alive[i] && q[i] >= top-closeCall {
			cands = append(cands, i)
		}
	}
	return argmax(cands, func(i int) float64 { return support[i] + q[i] },
		func(i int) uint64 { return mix(uint64(i), uint64(d.session)) })
}

// public is P(Plotter) for every seat as any delegate could work it out
// from public evidence: what the Congress at large suspects.
func (d *board) public() []float64 {
	if d.pubVer != d.m.ev.ver {
		d.s.solve(&d.m.ev, d.p, d.revealed, d.alive, d.pub)
		d.pubVer = d.m.ev.ver
	}
	return d.pub
}

// publicKirov is kirov(public()): whom the Congress takes for Kirov.
func (d *board) publicKirov() []float64 {
	if d.kirVer != d.m.ev.ver {
		d.kirov(d.public(), d.kir)
		d.kirVer = d.m.ev.ver
	}
	return d.kir
}

// kirov writes into out P(seat is Kirov) for every seat, from p (P(Plotter),
// public or private): Kirov is a Plotter whom the bloc never marks, votes
// to purge, names or writes a letter against, so every such act by a
// likely Plotter makes its target less likely Kirov. Kirov is alive while
// the game runs.
func (d *board) kirov(p, out []float64) []float64 {
	sum := 0.0
	for t := range d.n {
		if !d.alive[t] {
			out[t] = 0
			continue
		}
		w := p[t]
		for range d.lettered[t] {
			w *= 1 - kirovTell
		}
		for a := range d.n {
			for range d.hits[a*d.n+t] {
				w *= 1 - kirovTell*p[a]
			}
		}
		out[t] = w
		sum += w
	}
	if sum > 0 {
		for t := range out {
			out[t] /= sum
		}
	}
	return out
}
