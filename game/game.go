package game

import (
	"math/rand/v2"
	"slices"
	"time"
)

// seat is one delegate's private state. Only view.go decides which of it a
// viewer may see.
type seat struct {
	name      string
	role      Role
	alive     bool
	denounces int // target of this Debate's mark, NoSeat if none
	ready     bool
	voted     bool
	vote      bool // Purge when true; meaningful only if voted
	acted     bool // night action or Final Ballot strike submitted
	choice    int  // target of the night action or strike
	// purgedIn is the session of the purge (0 while alive): a purged
	// Plotter keeps what the bloc knew until then and learns nothing after.
	purgedIn int
}

// Denunciation is a standing denunciation in the current Debate.
type Denunciation struct {
	Target int    `json:"target"`
	Source Source `json:"source"`
	// By is the denouncing delegate (FromDelegate) or the confessor
	// (FromConfession); NoSeat for the anonymous letter.
	By int `json:"by"`
}

// Investigation is one result the Investigator learnt.
type Investigation struct {
	Session int     `json:"session"`
	Target  int     `json:"target"`
	Faction Faction `json:"faction"`
}

// Game is one match. It is not safe for concurrent use: one goroutine (the
// lobby) owns it.
type Game struct {
	cfg      Config
	seats    []seat
	rng      rand.PCG // by value: copying a Game copies its randomness
	phase    Phase
	session  int
	sessions int
	chair    int
	accused  int
	tied     []int
	purgedAt int // the delegate purged this session, who may confess

	deadline time.Time
	paused   bool
	pausedAt time.Time

	carried        []Denunciation // standing from the night before, in this Debate
	pending        []Denunciation // made this session, standing in the next Debate
	ballot         *Ballot        // this session's purge vote, once counted
	finalCount     []int
	investigations []Investigation
	winner         Faction
	reason         WinReason
	log            []Event
	steps          []kept // what Replay needs to make the log again

	seed Seed // shown in the log only once the game is over

	// Facts of the table, fixed at the deal.
	plotters     int   // the size of the bloc
	investigator bool  // whether an Investigator was dealt
	bloc         []int // the Plotters' seats, in seat order
	kirovIn      int   // Kirov's index in bloc
	rules        *Rules

	// The Congress roles (ROLES.md), fixed at the deal but for what their
	// play changes.
	dealt         RoleSet    // the roles in play
	kobaKnowledge *Knowledge // the bloc but Kirov, as Koba knows it
	marshal       int        // the Marshal's seat once the Army has saved him, else NoSeat
	falsified     int        // the session of Yagoda's falsification, 0 before
	named         int        // whom the Investigator named that night, as Yagoda learns it
	lastReason    WinReason  // during the Last Shot: how the Loyalists would win

	view viewCache
}

// Ballot is a counted purge vote.
type Ballot struct {
	Accused int        `json:"accused"`
	Purge   int        `json:"purge"`
	Spare   int        `json:"spare"`
	Votes   []SeatVote `json:"votes,omitempty"` // open ballot only (all, after the game)
	Purged  bool       `json:"purged"`
	// Army is set when the Army has saved the Marshal for the first time:
	// the count says so, and so tells his seat.
	Army bool `json:"army,omitempty"`
}

// New is NewSeeded with SeedOf(seed): for simulations and tests, whose
// seeds need not be secret.
func New(cfg Config, players []string, seed uint64, now time.Time) (*Game, []Event, error) {
	return NewSeeded(cfg, players, SeedOf(seed), now)
}

// NewSeeded seats the players, deals the roles and opens session 1, all
// from the seed. Seat order is a shuffle of players; names must be
// distinct (the server guarantees it), and the index of a name in Seats
// is its seat. The game_started event carries the seed's Commitment, and
// game_over the seed. The events it returns are read-only, as Log's are.
func NewSeeded(cfg Config, players []string, seed Seed, now time.Time) (*Game, []Event, error) {
	if err := cfg.ValidateSeats(len(players)); err != nil {
		return nil, nil, err
	}
	g := &Game{
		cfg:      cfg,
		seed:     seed,
		rng:      seed.source(),
		sessions: cfg.SessionsFor(len(players)),
		chair:    NoSeat,
		accused:  NoSeat,
		purgedAt: NoSeat,
		marshal:  NoSeat,
		named:    NoSeat,
		dealt:    cfg.RolesFor(len(players)),
	}
	order := slices.Clone(players)
	g.random().Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	n := len(order)
	roles := make([]Role, 0, n)
	roles = append(roles, Kirov)
	for range cfg.PlottersFor(n) - 1 {
		roles = append(roles, Plotter)
	}
	if cfg.InvestigatorFor(n) {
		roles = append(roles, Investigator)
	}
	for len(roles) < n {
		roles = append(roles, Loyalist)
	}
	// Each Congress role takes the place of a plain delegate of its camp
	// before the shuffle, so that the deal draws as the base game's does.
	for _, r := range g.dealt.List() {
		plain := Loyalist
		if r.Faction() == Plotters {
			plain = Plotter
		}
		roles[slices.Index(roles, plain)] = r
	}
	g.random().Shuffle(n, func(i, j int) { roles[i], roles[j] = roles[j], roles[i] })
	g.plotters, g.investigator = cfg.PlottersFor(n), slices.Contains(roles, Investigator)
	g.rules = newRules(cfg, roles)

	// About what a game writes, so that the log seldom grows by copying:
	// random lawful play writes 59 events on average with 5 seats, 167 with
	// 10 and 260 with 12; the bots of cmd/simulate (medians) 99, 279 and
	// 392, and 90% of their games at most 102, 297 and 410.
	g.log = make([]Event, 0, 6*n*g.sessions)
	g.seats = make([]seat, n)
	for i := range g.seats {
		g.seats[i] = seat{name: order[i], role: roles[i], alive: true, denounces: NoSeat, choice: NoSeat}
	}
	g.findBloc()
	g.emit(Event{Kind: EvGameStarted, At: now, Seat: NoSeat, Target: NoSeat, Names: slices.Clone(order), Commitment: seed.Commitment()})
	g.openSession(now)
	return g, clip(g.log), nil
}

// findBloc notes the Plotters' seats and Kirov's among them, which the
// views of every Plotter show all game.
func (g *Game) findBloc() {
	g.bloc = nil
	var kobaKnows []int
	for i, s := range g.seats {
		if s.role == Kirov {
			g.kirovIn = len(g.bloc)
		}
		if s.role.Faction() == Plotters {
			g.bloc = append(g.bloc, i)
			if s.role != Kirov {
				kobaKnows = append(kobaKnows, i)
			}
		}
	}
	g.bloc = clip(g.bloc)
	g.kobaKnowledge = nil
	if g.seatOf(Koba) != NoSeat {
		g.kobaKnowledge = &Knowledge{OfBloc: clip(kobaKnows)}
	}
}

// seatOf is the seat holding role r, NoSeat if none.
func (g *Game) seatOf(r Role) int {
	for i := range g.seats {
		if g.seats[i].role == r {
			return i
		}
	}
	return NoSeat
}

// lastShot reports whether the Last Shot is in play: Koba and Nikolaev
// both dealt.
func (g *Game) lastShot() bool { return g.dealt.Has(Koba) && g.dealt.Has(Nikolaev) }

// reportsAtDawn reports whether the Investigator's report waits for the
// Night's end: with Yagoda in play, who may still falsify it. The roles
// in play are public, so the wait tells nothing.
func (g *Game) reportsAtDawn() bool { return g.dealt.Has(Yagoda) }

// report is what the NKVD reports of seat t tonight: the true faction,
// the doubles' false one, and the opposite if Yagoda falsified tonight.
func (g *Game) report(t int) Faction {
	f := g.seats[t].role.Faction()
	switch g.seats[t].role {
	case Bukharin:
		f = Plotters
	case Zinoviev:
		f = Loyalists
	}
	if g.falsified == g.session {
		f = Loyalists + Plotters - f
	}
	return f
}

// random draws from the match seed. A rand.Rand keeps no state of its own
// beyond its source, so wrapping the PCG afresh changes no draw.
func (g *Game) random() *rand.Rand { return rand.New(&g.rng) }

// Config is the match's settings.
func (g *Game) Config() Config { return g.cfg }

// Seats is the number of delegates.
func (g *Game) Seats() int { return len(g.seats) }

// Name is the name seated at seat i.
func (g *Game) Name(i int) string { return g.seats[i].name }

// SeatOf returns the seat of a name, or NoSeat.
func (g *Game) SeatOf(name string) int {
	for i, s := range g.seats {
		if s.name == name {
			return i
		}
	}
	return NoSeat
}

// Phase is the current phase.
func (g *Game) Phase() Phase { return g.phase }

// Session is the current session number, from 1.
func (g *Game) Session() int { return g.session }

// Over reports whether the game has ended.
func (g *Game) Over() bool { return g.phase == PhaseOver }

// Winner is the winning camp and how it won; NoFaction while the game runs.
func (g *Game) Winner() (Faction, WinReason) { return g.winner, g.reason }

// Alive reports whether seat i is a living delegate.
func (g *Game) Alive(i int) bool { return i >= 0 && i < len(g.seats) && g.seats[i].alive }

// Paused reports whether the host has stopped the clock.
func (g *Game) Paused() bool { return g.paused }

// NextDeadline is when the current phase ends on its own. ok is false
// while paused or after the game.
func (g *Game) NextDeadline() (t time.Time, ok bool) {
	if g.paused || g.phase == PhaseOver {
		return time.Time{}, false
	}
	return g.deadline, true
}

// Log is the events a viewer may see, from index from of the whole log
// on. The returned next is the index to pass next time.
//
// The list is read-only, like the slices inside its events (Names, Votes,
// Roles, ...): it may be part of the game's own log, which never changes
// an event once written, so a caller may keep it or hand it to another
// goroutine, and appending to it copies it, but it must not be modified.
func (g *Game) Log(v Viewer, from int) (events []Event, next int) {
	from = max(0, min(from, len(g.log)))
	if from == len(g.log) {
		return nil, from
	}
	tail := g.log[from:]
	f := g.logFilter(g.viewer(v))
	// The events this viewer may see are most often one run (all of them,
	// or all but a secret at either end): that run of the log is the
	// answer. Otherwise they are copied out, in a list of their size.
	first, last, n := -1, -1, 0
	for i := range tail {
		if f.visible(&tail[i]) {
			if first < 0 {
				first = i
			}
			last, n = i, n+1
		}
	}
	switch {
	case n == 0:
		return tail[:0:0], len(g.log)
	case n == last-first+1:
		return clip(tail[first : last+1]), len(g.log)
	}
	events = make([]Event, 0, n)
	for i := first; i <= last; i++ {
		if f.visible(&tail[i]) {
			events = append(events, tail[i])
		}
	}
	return events, len(g.log)
}

// LogLen is the length of the whole log.
func (g *Game) LogLen() int { return len(g.log) }

// Apply validates c and, if the rules allow it, applies it at time now and
// returns what happened: every event, secret ones included, so the caller
// must pass each viewer only what Log(viewer, ...) gives them. The list is
// read-only, as Log's is. A refused command returns an *Error and changes
// nothing. Apply does not look at deadlines: call Advance(now) first.
func (g *Game) Apply(c Command, now time.Time) ([]Event, error) {
	if err := g.Check(c); err != nil {
		return nil, err
	}
	mark := len(g.log)
	g.view.drop()
	g.apply(c, now)
	g.steps = append(g.steps, kept{at: now, cmd: c})
	return clip(g.log[mark:]), nil
}

// Check is exactly what Apply checks: nil if Apply would accept c now,
// else the refusal it would give. It changes nothing, so that a caller can
// ask before it writes c anywhere; a deadline that has passed is Advance's
// to apply first.
func (g *Game) Check(c Command) error {
	if r := g.check(c); r.code != "" {
		return r.err(g)
	}
	return nil
}

// Advance ends the current phase if its deadline is at or before now, as
// an absent delegate's defaults would, and returns what happened. The next
// phase opens at now with its full time, so a server that wakes late, or a
// node that takes a lobby over after a crash, never lets the players'
// time run out behind their backs. Advance changes nothing, and returns
// nothing, before the deadline or while the game is paused. The list is
// read-only, as Log's is.
func (g *Game) Advance(now time.Time) []Event {
	mark := len(g.log)
	for !g.paused && g.phase != PhaseOver && !now.Before(g.deadline) {
		g.view.drop()
		g.timeout(now)
	}
	if len(g.log) == mark {
		return nil
	}
	g.steps = append(g.steps, kept{at: now, advance: true})
	return clip(g.log[mark:])
}

func (g *Game) emit(e Event) {
	e.Session = g.session
	e.Phase = g.phase
	e.Secret = e.audience != toAll
	g.log = append(g.log, e)
}

func (g *Game) living() []int {
	var out []int
	for i, s := range g.seats {
		if s.alive {
			out = append(out, i)
		}
	}
	return out
}

func (g *Game) setPhase(p Phase, d time.Duration, now time.Time) {
	g.phase = p
	g.deadline = now.Add(d)
}

func (g *Game) openSession(now time.Time) {
	g.session++
	if g.session == 1 {
		l := g.living()
		g.chair = l[g.random().IntN(len(l))]
	} else {
		g.chair = g.nextLiving(g.chair)
	}
	for i := range g.seats {
		s := &g.seats[i]
		s.denounces, s.ready, s.voted, s.vote, s.acted, s.choice = NoSeat, false, false, false, false, NoSeat
	}
	g.accused, g.tied, g.purgedAt, g.ballot = NoSeat, nil, NoSeat, nil
	g.carried = g.carried[:0]
	for _, d := range g.pending {
		if g.seats[d.Target].alive {
			g.carried = append(g.carried, d)
		}
	}
	g.pending = nil
	g.setPhase(PhaseDebate, g.cfg.DebateTime, now)
	g.emit(Event{Kind: EvSessionOpened, At: now, Seat: g.chair, Target: NoSeat, Count: g.sessions})
	for _, d := range g.carried {
		g.emit(Event{Kind: EvCarried, At: now, Seat: d.By, Target: d.Target, Source: d.Source})
	}
}

// nextLiving is the next living delegate clockwise after seat i.
func (g *Game) nextLiving(i int) int {
	n := len(g.seats)
	for k := 1; k <= n; k++ {
		if j := (i + k) % n; g.seats[j].alive {
			return j
		}
	}
	return NoSeat
}

// timeout ends the current phase as its deadline (or the host) would.
func (g *Game) timeout(now time.Time) {
	switch g.phase {
	case PhaseDebate:
		g.closeDebate(now)
	case PhaseAccusation:
		g.accuse(g.tied[g.random().IntN(len(g.tied))], NoSeat, true, now)
	case PhaseDefence:
		g.openVote(now)
	case PhaseVote:
		g.countVote(now)
	case PhaseConfession:
		g.emit(Event{Kind: EvConfessed, At: now, Seat: g.purgedAt, Target: NoSeat})
		g.openNight(now)
	case PhaseNight:
		g.closeNight(now)
	case PhaseFinalBallot:
		g.countFinal(now)
	case PhaseLastShot:
		g.end(Loyalists, g.lastReason, now)
	}
}

// Standing counts every denunciation against each living delegate: this
// Debate's marks by living delegates plus those carried from the night.
func (g *Game) standing() []int {
	counts := make([]int, len(g.seats))
	for _, s := range g.seats {
		if s.alive && s.denounces != NoSeat && g.seats[s.denounces].alive {
			counts[s.denounces]++
		}
	}
	for _, d := range g.carried {
		if g.seats[d.Target].alive {
			counts[d.Target]++
		}
	}
	return counts
}

func (g *Game) closeDebate(now time.Time) {
	counts := g.standing()
	top := slices.Max(counts)
	if top < g.cfg.Threshold {
		g.emit(Event{Kind: EvNoTrial, At: now, Seat: NoSeat, Target: NoSeat, Count: top})
		g.openNight(now)
		return
	}
	var tied []int
	for i, c := range counts {
		if c == top {
			tied = append(tied, i)
		}
	}
	if len(tied) == 1 {
		g.accuse(tied[0], NoSeat, false, now)
		return
	}
	g.tied = tied
	if slices.Contains(tied, g.chair) {
		// The Chair may not pick among a tie that includes them: the lot decides.
		g.emit(Event{Kind: EvTied, At: now, Seat: NoSeat, Target: NoSeat, Seats: slices.Clone(tied), Count: top})
		g.accuse(tied[g.random().IntN(len(tied))], NoSeat, true, now)
		return
	}
	g.setPhase(PhaseAccusation, g.cfg.ChairPickTime, now)
	g.emit(Event{Kind: EvTied, At: now, Seat: g.chair, Target: NoSeat, Seats: slices.Clone(tied), Count: top})
}

func (g *Game) accuse(target, by int, drawn bool, now time.Time) {
	g.accused = target
	g.setPhase(PhaseDefence, g.cfg.DefenceTime, now)
	g.emit(Event{Kind: EvAccused, At: now, Seat: by, Target: target, Count: g.standing()[target], Drawn: drawn})
}

func (g *Game) openVote(now time.Time) {
	g.setPhase(PhaseVote, g.cfg.VoteTime, now)
	g.emit(Event{Kind: EvVoteOpened, At: now, Seat: NoSeat, Target: g.accused})
}

func (g *Game) countVote(now time.Time) {
	b := &Ballot{Accused: g.accused}
	var votes []SeatVote
	for i, s := range g.seats {
		if !s.voted {
			continue
		}
		votes = append(votes, SeatVote{Seat: i, Purge: s.vote})
		if s.vote {
			b.Purge++
		} else {
			b.Spare++
		}
	}
	b.Purged = b.Purge > b.Spare
	if g.seats[g.accused].role == Tukhachevsky && b.Purged && b.Purge < 2*b.Spare {
		// The Army stands behind the Marshal: a purge needs twice the
		// Spare votes. The first save is announced, and tells his seat.
		b.Purged = false
		if g.marshal == NoSeat {
			g.marshal = g.accused
			b.Army = true
		}
	}
	if g.cfg.OpenBallot {
		b.Votes = clip(votes) // shown in views: appending to them must copy
	}
	g.ballot = b
	g.emit(Event{Kind: EvBallot, At: now, Seat: NoSeat, Target: g.accused, PurgeCount: b.Purge, SpareCount: b.Spare, Votes: slices.Clone(b.Votes), Purge: b.Purged})
	if b.Army {
		g.emit(Event{Kind: EvArmy, At: now, Seat: NoSeat, Target: g.accused})
	}
	if !b.Purged {
		g.emit(Event{Kind: EvSpared, At: now, Seat: NoSeat, Target: g.accused})
		g.openNight(now)
		return
	}
	g.purge(g.accused, now)
}

func (g *Game) purge(target int, now time.Time) {
	s := &g.seats[target]
	s.alive, s.purgedIn = false, g.session
	e := Event{Kind: EvPurged, At: now, Seat: NoSeat, Target: target}
	switch g.cfg.Reveal {
	case RevealFaction:
		e.Faction = s.role.Faction()
	case RevealRole:
		e.Faction, e.Role = s.role.Faction(), s.role
	}
	g.emit(e)
	if g.checkWin(now) {
		return
	}
	g.purgedAt = target
	g.setPhase(PhaseConfession, g.cfg.ConfessionTime, now)
}

// checkWin applies RULES.md §3.1 and §3.2 and ends the game if either holds.
func (g *Game) checkWin(now time.Time) bool {
	var plotters, loyalists int
	for _, s := range g.seats {
		switch {
		case s.role == Kirov && !s.alive:
			g.end(Loyalists, KirovPurged, now)
			return true
		case !s.alive:
		case s.role.Faction() == Plotters:
			plotters++
		default:
			loyalists++
		}
	}
	if plotters >= loyalists {
		g.end(Plotters, Parity, now)
		return true
	}
	return false
}

func (g *Game) end(w Faction, r WinReason, now time.Time) {
	if w == Loyalists && g.lastShot() && g.phase != PhaseLastShot {
		g.openLastShot(r, now)
		return
	}
	g.winner, g.reason = w, r
	g.phase = PhaseOver
	g.deadline = time.Time{}
	roles := make([]Role, len(g.seats))
	for i, s := range g.seats {
		roles[i] = s.role
	}
	g.emit(Event{Kind: EvGameOver, At: now, Seat: NoSeat, Target: NoSeat, Winner: w, Reason: r, Roles: roles, Seed: g.seed.String()})
}

// openLastShot holds back the Loyalists' victory: the bloc stands
// exposed and Nikolaev has one shot at Koba.
func (g *Game) openLastShot(r WinReason, now time.Time) {
	g.lastReason = r
	g.setPhase(PhaseLastShot, g.cfg.LastShotTimer(), now)
	g.emit(Event{Kind: EvLastShot, At: now, Seat: NoSeat, Target: NoSeat, Seats: slices.Clone(g.bloc)})
}

func (g *Game) openNight(now time.Time) {
	for i := range g.seats {
		g.seats[i].acted, g.seats[i].choice = false, NoSeat
	}
	g.setPhase(PhaseNight, g.cfg.NightTime, now)
	g.emit(Event{Kind: EvNightFell, At: now, Seat: NoSeat, Target: NoSeat})
}

// hasNightAction reports whether seat i acts at night.
func (g *Game) hasNightAction(i int) bool {
	s := &g.seats[i]
	return s.alive && (s.role.Faction() == Plotters || s.role == Investigator)
}

func (g *Game) closeNight(now time.Time) {
	support := make([]int, len(g.seats))
	kirovPick := NoSeat
	for _, s := range g.seats {
		if s.alive && s.acted && s.role.Faction() == Plotters && s.choice != NoSeat {
			support[s.choice]++
			if s.role == Kirov {
				kirovPick = s.choice
			}
		}
	}
	if top := slices.Max(support); top > 0 {
		var tied []int
		for i, c := range support {
			if c == top {
				tied = append(tied, i)
			}
		}
		target, drawn := tied[0], false
		switch {
		case len(tied) == 1:
		case slices.Contains(tied, kirovPick):
			target = kirovPick
		default:
			target, drawn = tied[g.random().IntN(len(tied))], true
		}
		g.pending = append(g.pending, Denunciation{Target: target, Source: FromLetter, By: NoSeat})
		g.emit(Event{Kind: EvLetterSent, At: now, Seat: NoSeat, Target: target, Count: top, Drawn: drawn, audience: toPlotters})
	}
	g.dawnReports(now)
	if g.checkWin(now) {
		return
	}
	if g.session >= g.sessions {
		g.openFinal(now)
		return
	}
	g.openSession(now)
}

// dawnReports ends the Night's secret work with Yagoda in play: the
// Investigator's report, then, if Yagoda falsified it, whom it named.
func (g *Game) dawnReports(now time.Time) {
	if !g.reportsAtDawn() {
		return
	}
	named := NoSeat
	for i, s := range g.seats {
		if s.role == Investigator && s.alive && s.acted {
			named = s.choice
			f := g.report(named)
			g.investigations = append(g.investigations, Investigation{Session: g.session, Target: named, Faction: f})
			g.emit(Event{Kind: EvReported, At: now, Seat: i, Target: named, Faction: f, audience: toSeat})
		}
	}
	if g.falsified == g.session {
		g.named = named
		g.emit(Event{Kind: EvNamed, At: now, Seat: g.seatOf(Yagoda), Target: named, audience: toSeat})
	}
}

func (g *Game) openFinal(now time.Time) {
	for i := range g.seats {
		g.seats[i].acted, g.seats[i].choice = false, NoSeat
	}
	g.setPhase(PhaseFinalBallot, g.cfg.FinalBallotTime, now)
	g.emit(Event{Kind: EvFinalBallotOpened, At: now, Seat: NoSeat, Target: NoSeat})
}

func (g *Game) countFinal(now time.Time) {
	strikes := make([]int, len(g.seats))
	kirov := NoSeat
	for i, s := range g.seats {
		if s.role == Kirov {
			kirov = i
		}
		if s.alive && s.acted {
			strikes[s.choice]++
		}
	}
	g.finalCount = strikes
	g.emit(Event{Kind: EvFinalCount, At: now, Seat: NoSeat, Target: NoSeat, Strikes: slices.Clone(strikes)})
	for i, c := range strikes {
		if i != kirov && c >= strikes[kirov] {
			g.end(Plotters, KirovElected, now)
			return
		}
	}
	g.end(Loyalists, KirovStruck, now)
}

// allDone reports whether everyone in who has done what done asks.
func (g *Game) allDone(who func(i int) bool, done func(s *seat) bool) bool {
	for i := range g.seats {
		if who(i) && !done(&g.seats[i]) {
			return false
		}
	}
	return true
}
