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
	// plotStrength, when not noStrength, replaces strength at the first
	// view that shows the bot a Plotter (see ForCamps).
	plotStrength Strength
	rng          *rand.Rand // decisions
	delays       *rand.Rand // Think only, so asking for a delay never changes a decision

	queue []game.Event // observed before the first view, which sizes the board

	// Known once the first view arrives (or Play hands over a shared board).
	brd    *board
	shared bool // brd is fed by Play, not by Observe
	n      int

	// What this seat knows privately: its own camp, its investigations.
	known []int8
	kver  int // bumped whenever known or reports change
	// reports is, when an NKVD report may be false (a double or Yagoda
	// in play), each report's log-likelihood ratio for Plotter against
	// Loyalist, summed by seat; nil when reports are certain and pinned.
	reports  []float64
	nreports int // the investigations read into reports

	// may is the kinds of command the view being decided on lists.
	may kinds

	// hiding: Koba, with the Last Shot in play, chooses by the Congress's
	// suspicion, not his own.
	hiding bool

	// mixed: whether this game plays Normal's mixed habit at this count
	// (see normalMix), drawn once: 0 not yet, 1 yes, -1 no.
	mixed int8

	// This session's own conduct.
	reconsidered bool // Debate: the mark has been reconsidered once (Easy: whether to mark at all)
	doneSess     int  // session in which reconsidered was last reset

	// Private solutions and scratch space.
	s            solver
	pins         []int8 // revealed and known together
	own          []float64
	ownVer, ownK int
	kirVer, kirK int // the private() version kir was computed from
	kir, score   []float64
	support      []float64
	list         []int // see living
}

// New makes a bot for seat playing at strength s. The same seed and the
// same views and events give the same decisions.
func New(seat int, s Strength, seed uint64) *Bot {
	return &Bot{
		seat:         seat,
		strength:     s,
		rng:          rand.New(rand.NewPCG(seed, 0x636f6e6772657373)),
		delays:       rand.New(rand.NewPCG(seed, 0x7468696e6b)),
		ownVer:       -1,
		plotStrength: noStrength,
	}
}

// Think is how long to wait before sending a decided command, so that a
// bot at a table of humans acts at a human pace: 0.5 to 3 seconds.
func (b *Bot) Think() time.Duration {
	return 500*time.Millisecond + time.Duration(b.delays.Int64N(int64(2500*time.Millisecond)))
}

// Observe takes the log events this seat may see (g.Log for its viewer),
// in order, each once. Before the bot's first view it keeps them for it.
// A bot that Play drives is fed by Play and ignores them.
func (b *Bot) Observe(events []game.Event) {
	if b.shared {
		return
	}
	if b.brd == nil {
		b.queue = append(b.queue, events...)
		return
	}
	for _, e := range events {
		b.read(e)
	}
}

// Decide returns the command the bot wants to send now, if any. It only
// returns a command that v.Actions lists, with one of the targets listed
// there, and it never repeats one the view shows as done. It declines only when
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
	b.may = 0
	for _, a := range v.Actions {
		b.may |= 1 << a.Kind
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
	if !ok {
		return game.Command{}, false
	}
	return c, true
}

// sync reads queued events into the bot's picture of the game.
func (b *Bot) sync(v game.View) {
	if b.brd == nil {
		if len(v.Seats) == 0 {
			return
		}
		b.attach(newBoard(len(v.Seats), v.Plotters, v.Investigator), false)
	}
	for _, e := range b.queue {
		b.read(e)
	}
	b.queue = nil
	if v.Rules != nil && v.Rules.LastShot {
		b.brd.trackFollowers()
	}
	if v.You != nil {
		if b.plotStrength != noStrength {
			if v.You.Faction == game.Plotters {
				b.strength = b.plotStrength
			}
			b.plotStrength = noStrength
		}
		b.readReports(v)
		if v.You.Faction == game.Loyalists {
			b.learn(b.seat, loyalKnw)
		}
		// Koba knows the bloc but Kirov; the Marshal, once the Army has
		// saved him, is known to all as a Loyalist.
		for _, s := range v.You.Known().OfBloc {
			b.learn(s, plotKnw)
		}
		for i, s := range v.Seats {
			if s.Role == game.Tukhachevsky {
				b.learn(i, loyalKnw)
			}
		}
	}
	for i, s := range v.Seats {
		if i < b.n {
			b.brd.setAlive(i, s.Alive)
		}
	}
}

// readReports takes the Investigator's reports into account. With no
// double and no Yagoda dealt a report is certain, and pins its seat. Else
// it is evidence: Zinoviev, one of the bloc, reads as a Loyalist;
// Bukharin, one of the Loyalists, as a Plotter; Yagoda turns one report
// of the game, and a Normal Yagoda the first he can, so the first report
// of a game with Yagoda is as likely false as true.
func (b *Bot) readReports(v game.View) {
	invs := v.You.Investigations
	if len(invs) == b.nreports {
		return
	}
	var bukharin, zinoviev, yagoda bool
	for _, rc := range v.Rules.Roles {
		switch rc.Role {
		case game.Bukharin:
			bukharin = true
		case game.Zinoviev:
			zinoviev = true
		case game.Yagoda:
			yagoda = true
		}
	}
	if !bukharin && !zinoviev && !yagoda {
		for _, inv := range invs[b.nreports:] {
			b.learn(inv.Target, factionKnw(inv.Faction))
		}
		b.nreports = len(invs)
		return
	}
	if b.reports == nil {
		b.reports = make([]float64, b.n)
	}
	p, loyal := float64(max(v.Plotters, 1)), float64(max(b.n-v.Plotters, 1))
	for k := b.nreports; k < len(invs); k++ {
		inv := invs[k]
		if inv.Target < 0 || inv.Target >= b.n {
			continue
		}
		// P(the report says Plotter | Plotter), P(... | Loyalist).
		pp, pl := 0.99, 0.01
		if zinoviev {
			pp -= 1 / p
		}
		if bukharin {
			pl += 1 / loyal
		}
		if yagoda && k == 0 {
			pp, pl = 0.5, 0.5
		} else if yagoda {
			pp, pl = pp*0.9, pl+0.1*(1-pl)
		}
		switch inv.Faction {
		case game.Plotters:
			b.reports[inv.Target] += math.Log(pp / pl)
		case game.Loyalists:
			b.reports[inv.Target] += math.Log((1 - pp) / (1 - pl))
		}
	}
	b.nreports = len(invs)
	b.kver++
}

// attach gives the bot its board: its own, or one Play shares among the
// bots of a table and feeds with the public log.
func (b *Bot) attach(d *board, shared bool) {
	n := d.n
	b.brd, b.shared, b.n = d, shared, n
	b.known = slices.Repeat([]int8{unknown}, n)
	b.pins = make([]int8, n)
	b.own = make([]float64, n)
	b.kir = make([]float64, n)
	b.score = make([]float64, n)
	b.support = make([]float64, n)
	b.list = make([]int, 0, n)
}

// learn records what this seat privately knows of another.
func (b *Bot) learn(seat int, f int8) {
	if seat >= 0 && seat < b.n && f != unknown && b.known[seat] != f {
		b.known[seat] = f
		b.kver++
	}
}

// knows is what this seat knows of another's faction: an opened file, or
// its own knowledge.
func (b *Bot) knows(i int) int8 {
	if f := b.brd.revealed[i]; f != unknown {
		return f
	}
	return b.known[i]
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

// read takes one event this seat may see into account.
func (b *Bot) read(e game.Event) {
	if e.Kind == game.EvInvestigated {
		b.learn(e.Target, factionKnw(e.Faction))
		return
	}
	b.brd.read(e)
}

// public is P(Plotter) for every seat from public evidence.
func (b *Bot) public() []float64 { return b.brd.public() }

// private is P(Plotter) for every seat as this seat sees it: public
// evidence plus its own faction and investigations, as one round of the
// solver from the public solution.
func (b *Bot) private() []float64 {
	if b.ownVer != b.brd.m.ev.ver || b.ownK != b.kver {
		d := b.brd
		b.s.solveFrom(&d.m.ev, b.reports, d.p, b.pinned(), d.alive, b.own, d.public(), 1)
		b.ownVer, b.ownK = b.brd.m.ev.ver, b.kver
	}
	return b.own
}

// pinned is every faction this seat knows, opened files included.
func (b *Bot) pinned() []int8 {
	for i := range b.pins {
		b.pins[i] = b.knows(i)
	}
	return b.pins
}

// privateKirov is P(seat is Kirov) for every seat from private() (see
// board.kirov).
func (b *Bot) privateKirov() []float64 {
	p := b.private()
	if b.kirVer != b.ownVer || b.kirK != b.ownK {
		b.brd.kirov(p, b.kir)
		b.kirVer, b.kirK = b.ownVer, b.ownK
	}
	return b.kir
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

// kinds is a set of command kinds, bit k for kind k.
type kinds uint32

func (s kinds) has(k game.CommandKind) bool { return s&(1<<k) != 0 }

// among lists the seats the view offers as targets of kind k (none when
// it offers no such command) for which keep is true (every one when keep
// is nil), in seat order; for a denunciation, the seat this bot already
// marks too, for keeping one's mark is a choice as well. The list is the
// bot's scratch space: it holds until the next call.
func (b *Bot) among(v game.View, k game.CommandKind, keep func(int) bool) []int {
	out := b.list[:0]
	add := func(t int) {
		if keep == nil || keep(t) {
			out = append(out, t)
		}
	}
	mark := noSeat
	if k == game.CmdDenounce && v.May(k) && b.seat < len(v.Seats) {
		mark = v.Seats[b.seat].Denounces
	}
	for _, t := range v.Targets(k) {
		if t < 0 {
			continue // the confession's silence: not a seat
		}
		if mark != noSeat && mark < t {
			add(mark)
			mark = noSeat
		}
		add(t)
	}
	if mark != noSeat {
		add(mark)
	}
	b.list = out
	return out
}
