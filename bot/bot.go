package bot

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"congress/game"
)

const noSeat = game.NoSeat

// Bot is one computer delegate. It is not safe for concurrent use: the
// goroutine that owns the seat drives it.
type Bot struct {
	seat     int
	strength Strength
	rng      *rand.Rand // decisions
	delays   *rand.Rand // Think only, so asking for a delay never changes a decision

	queue []game.Event // observed before the first view, which sizes the model

	// Known once the first view arrives.
	n, p    int
	m       *model
	scratch evidence // the model's evidence plus this Debate's marks so far
	s       solver

	// What the log has told this seat so far.
	alive    []bool
	revealed []int8 // factions opened by the reveal setting
	known    []int8 // revealed plus what this seat knows privately
	marks    []int  // this Debate's marks, by seat

	// This session's own conduct.
	reconsidered bool // Debate: the mark has been reconsidered once (Easy: whether to mark at all)
	doneSess     int  // session in which reconsidered was last reset

	// Acts against a seat, which the bloc never commits against Kirov:
	// hits[a*n+t] counts a's final marks, Purge votes and confession
	// against t; lettered[t] the letters against t.
	hits     []int
	lettered []int

	// Cached solutions.
	pub, own       []float64
	pubVer, ownVer int
	prov           []float64
	kir, score     []float64
	support        []float64
}

// New makes a bot for seat playing at strength s. The same seed and the
// same views and events give the same decisions.
func New(seat int, s Strength, seed uint64) *Bot {
	return &Bot{
		seat:     seat,
		strength: s,
		rng:      rand.New(rand.NewPCG(seed, 0x636f6e6772657373)),
		delays:   rand.New(rand.NewPCG(seed, 0x7468696e6b)),
		pubVer:   -1,
		ownVer:   -1,
	}
}

// Seat is the seat the bot plays.
func (b *Bot) Seat() int { return b.seat }

// Strength is how well the bot plays.
func (b *Bot) Strength() Strength { return b.strength }

// Think is how long to wait before sending a decided command, so that a
// bot at a table of humans acts at a human pace: 0.5 to 3 seconds.
func (b *Bot) Think() time.Duration {
	return 500*time.Millisecond + time.Duration(b.delays.Int64N(int64(2500*time.Millisecond)))
}

// Observe takes the log events this seat may see (g.Log for its viewer),
// in order, each once. Before the bot's first view it keeps them for it.
func (b *Bot) Observe(events []game.Event) {
	if b.m == nil {
		b.queue = append(b.queue, events...)
		return
	}
	for _, e := range events {
		b.read(e)
	}
}

// Decide returns the command the bot wants to send now, if any. It only
// returns a command that v.Actions allows with a target the rules accept,
// and it never repeats one the view shows as done. It declines only when
// it has nothing left to do in the current phase: it never waits to see
// what others do. now is the caller's clock; no strategy reads it yet.
func (b *Bot) Decide(v game.View, now time.Time) (game.Command, bool) {
	b.sync(v)
	if v.You == nil || v.Paused || len(v.Actions) == 0 {
		return game.Command{}, false
	}
	if v.Session != b.doneSess {
		b.doneSess, b.reconsidered = v.Session, false
	}
	var c game.Command
	var ok bool
	switch {
	case b.strength == Easy:
		c, ok = b.easy(v)
	case v.You.Faction == game.Plotters:
		c, ok = b.plotter(v)
	default:
		c, ok = b.loyalist(v)
	}
	if !ok || !legal(v, c) {
		return game.Command{}, false
	}
	return c, true
}

// sync reads queued events into the bot's picture of the game.
func (b *Bot) sync(v game.View) {
	if b.m == nil {
		if len(v.Seats) == 0 {
			return
		}
		b.start(len(v.Seats), v.Plotters)
	}
	for _, e := range b.queue {
		b.read(e)
	}
	b.queue = nil
	if v.You != nil {
		for _, inv := range v.You.Investigations {
			b.learn(inv.Target, factionKnw(inv.Faction))
		}
		if v.You.Faction == game.Loyalists {
			b.learn(b.seat, loyalKnw)
		}
	}
	for i, s := range v.Seats {
		if b.alive[i] != s.Alive {
			b.alive[i] = s.Alive
			b.pubVer, b.ownVer = -1, -1
		}
	}
}

// learn records what this seat privately knows of another.
func (b *Bot) learn(seat int, f int8) {
	if seat >= 0 && seat < b.n && f != unknown && b.known[seat] != f {
		b.known[seat] = f
		b.ownVer = -1
	}
}

func (b *Bot) start(n, p int) {
	b.n, b.p = n, p
	b.m = newModel(n, p)
	b.alive = make([]bool, n)
	b.revealed = slices.Repeat([]int8{unknown}, n)
	b.known = slices.Repeat([]int8{unknown}, n)
	b.marks = slices.Repeat([]int{noSeat}, n)
	b.scratch = newEvidence(n)
	b.pub = make([]float64, n)
	b.own = make([]float64, n)
	b.prov = make([]float64, n)
	b.hits = make([]int, n*n)
	b.lettered = make([]int, n)
	b.kir = make([]float64, n)
	b.score = make([]float64, n)
	b.support = make([]float64, n)
	for i := range b.alive {
		b.alive[i] = true
	}
}

func factionKnw(f game.Faction) int8 {
	switch f {
	case game.Loyalists:
		return loyalKnw
	case game.Plotters:
		return plotKnw
	}
	return unknown
}

// read takes one event into account.
func (b *Bot) read(e game.Event) {
	valid := func(s int) bool { return s >= 0 && s < b.n }
	switch e.Kind {
	case game.EvSessionOpened:
		for i := range b.marks {
			b.marks[i] = noSeat
		}
	case game.EvCarried:
		if !valid(e.Target) {
			return
		}
		if e.Source == game.FromLetter {
			b.m.ev.unary(e.Target, b.m.letter)
			b.lettered[e.Target]++
		}
	case game.EvDenounced:
		if valid(e.Seat) && valid(e.Target) {
			b.marks[e.Seat] = e.Target
		}
	case game.EvWithdrew:
		if valid(e.Seat) {
			b.marks[e.Seat] = noSeat
		}
	case game.EvTied, game.EvAccused, game.EvNoTrial:
		b.closeDebate()
	case game.EvBallot:
		for _, sv := range e.Votes {
			if !valid(sv.Seat) || !valid(e.Target) {
				continue
			}
			if sv.Purge {
				b.m.ev.pair(sv.Seat, e.Target, b.m.purge)
				b.hits[sv.Seat*b.n+e.Target]++
			} else {
				b.m.ev.pair(sv.Seat, e.Target, b.m.spare)
			}
		}
	case game.EvPurged:
		if !valid(e.Target) {
			return
		}
		b.alive[e.Target] = false
		b.pubVer, b.ownVer = -1, -1
		if f := factionKnw(e.Faction); f != unknown {
			b.revealed[e.Target], b.known[e.Target] = f, f
		} else if b.p == 1 {
			b.revealed[e.Target], b.known[e.Target] = loyalKnw, loyalKnw
		} else {
			// The game went on, so the purged delegate was not Kirov.
			b.m.ev.unary(e.Target, b.m.notKirov)
		}
	case game.EvConfessed:
		if valid(e.Seat) && valid(e.Target) {
			b.m.ev.pair(e.Seat, e.Target, b.m.confess)
			b.hits[e.Seat*b.n+e.Target]++
		}
	case game.EvInvestigated:
		b.learn(e.Target, factionKnw(e.Faction))
	}
}

// closeDebate records the Debate's final marks. A tie and the Accused
// that follows it close the same Debate; the marks are cleared the first
// time, so they count once.
func (b *Bot) closeDebate() {
	if slices.ContainsFunc(b.marks, func(t int) bool { return t != noSeat }) {
		b.m.ev.marks(b.marks, b.m)
		for a, t := range b.marks {
			if t != noSeat {
				b.hits[a*b.n+t]++
			}
		}
	}
	for i := range b.marks {
		b.marks[i] = noSeat
	}
}

// public is P(Plotter) for every seat as any delegate could work it out
// from public evidence: what the Congress at large suspects.
func (b *Bot) public() []float64 {
	if b.pubVer != b.m.ev.ver {
		b.s.solve(&b.m.ev, b.p, b.revealed, b.alive, b.pub)
		b.pubVer = b.m.ev.ver
	}
	return b.pub
}

// private is P(Plotter) for every seat as this seat sees it: public
// evidence plus its own faction and investigations.
func (b *Bot) private() []float64 {
	if b.ownVer != b.m.ev.ver {
		b.s.solve(&b.m.ev, b.p, b.known, b.alive, b.own)
		b.ownVer = b.m.ev.ver
	}
	return b.own
}

// provisional is private() with this Debate's marks so far counted as if
// they were final, leaving out the bot's own mark.
func (b *Bot) provisional(v game.View) []float64 {
	marks := b.s.marks(b.n)
	any := false
	for i, s := range v.Seats {
		marks[i] = noSeat
		if i != b.seat && s.Alive && s.Denounces != noSeat {
			marks[i] = s.Denounces
			any = true
		}
	}
	if !any {
		return b.private()
	}
	b.scratch.copyFrom(&b.m.ev)
	b.scratch.marks(marks, b.m)
	b.s.solve(&b.scratch, b.p, b.known, b.alive, b.prov)
	return b.prov
}

// kirov is P(seat is Kirov) for every seat, from p (P(Plotter), public or
// private): Kirov is a Plotter whom the bloc never marks, votes to purge,
// names or writes a letter against, so every such act by a likely Plotter
// makes its target less likely Kirov. Kirov is alive while the game runs.
func (b *Bot) kirov(p []float64) []float64 {
	out := b.kir
	sum := 0.0
	for t := range b.n {
		if !b.alive[t] {
			out[t] = 0
			continue
		}
		w := p[t] * math.Pow(1-kirovTell, float64(b.lettered[t]))
		for a := range b.n {
			if h := b.hits[a*b.n+t]; h > 0 {
				w *= math.Pow(1-kirovTell*p[a], float64(h))
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

// legal reports whether the rules accept c, judged from the view: the
// kind is among v.Actions and the target is one the rules allow.
func legal(v game.View, c game.Command) bool {
	if !slices.Contains(v.Actions, c.Kind) {
		return false
	}
	me := v.You.Seat
	livingOther := func() bool {
		return c.Target >= 0 && c.Target < len(v.Seats) && c.Target != me && v.Seats[c.Target].Alive
	}
	switch c.Kind {
	case game.CmdDenounce:
		return livingOther() && v.Seats[me].Denounces != c.Target
	case game.CmdChairPick:
		return slices.Contains(v.Tied, c.Target)
	case game.CmdConfess, game.CmdLetter, game.CmdInvestigate, game.CmdStrike:
		return livingOther()
	}
	return true
}

// argmax is the candidate with the highest score; near-equal scores are
// broken by tie, then by the lowest seat.
func argmax(cands []int, score func(int) float64, tie func(int) uint64) int {
	best, bs, bt := noSeat, 0.0, uint64(0)
	for _, c := range cands {
		s, t := score(c), tie(c)
		if best == noSeat || s > bs+1e-9 || (s > bs-1e-9 && t > bt) {
			best, bs, bt = c, s, t
		}
	}
	return best
}

// living lists the living seats other than the bot's own for which keep
// is true (every one when keep is nil).
func (b *Bot) living(v game.View, keep func(int) bool) []int {
	out := make([]int, 0, len(v.Seats))
	for i, s := range v.Seats {
		if s.Alive && i != b.seat && (keep == nil || keep(i)) {
			out = append(out, i)
		}
	}
	return out
}
