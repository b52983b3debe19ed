package game

import (
	"slices"
	"time"
)

// Viewer is who a view is built for: a seat, or a spectator (Seat NoSeat).
type Viewer struct {
	Seat int
	// admitted: a spectator the host vouched for, whom the setting that
	// shows spectators every role (Config.SpectatorsSeeRoles) applies to.
	admitted bool
	// everything: the replay of a finished match from above (Everyone).
	everything bool
}

// SeatViewer is the viewer sitting at seat i.
func SeatViewer(i int) Viewer { return Viewer{Seat: i} }

// Spectator is a viewer without a seat: the gallery as anyone may enter
// it, who never sees a secret while the game runs, whatever the settings
// (a delegate could watch from a second window).
var Spectator = Viewer{Seat: NoSeat}

// AdmittedSpectator is a spectator the host has admitted by name: with
// Config.SpectatorsSeeRoles it sees every role; otherwise, what any
// spectator sees.
var AdmittedSpectator = Viewer{Seat: NoSeat, admitted: true}

// Everyone is a viewer without a seat who sees every file and every
// event, as everyone may once the game is over. It is for the replays of
// finished matches, rebuilt step by step: no live game's viewer is ever
// Everyone before its end.
var Everyone = Viewer{Seat: NoSeat, everything: true}

// IsSeat reports whether the viewer is a delegate.
func (v Viewer) IsSeat() bool { return v.Seat != NoSeat }

// View is everything one viewer may see now, and nothing else.
//
// A View is read-only: its lists and pointers may be shared with other
// views and with the game (see Game.View).
type View struct {
	Session  int       `json:"session"`
	Sessions int       `json:"sessions"`
	Phase    Phase     `json:"phase"`
	Paused   bool      `json:"paused"`
	Deadline time.Time `json:"deadline"` // zero while paused or over
	Chair    int       `json:"chair"`
	Accused  int       `json:"accused"`
	// Marks say which of Chair, Accused and the denunciations the phase
	// puts before the Congress now.
	Marks Marks `json:"marks"`
	Tied  []int `json:"tied,omitempty"`
	// Plotters is the size of Kirov's bloc and Investigator whether one was
	// dealt: public facts of the table, not who.
	Plotters     int  `json:"plotters"`
	Investigator bool `json:"investigator"`
	// Rules are the game's public settings, fixed at the deal.
	Rules *Rules `json:"rules"`

	Seats         []SeatView     `json:"seats"`
	Denunciations []Denunciation `json:"denunciations"`
	Ballot        *Ballot        `json:"ballot,omitempty"`
	FinalCount    []int          `json:"final_count,omitempty"`
	Winner        Faction        `json:"winner,omitempty"`
	Reason        WinReason      `json:"reason,omitempty"`

	// You is present for a delegate only: their own secrets.
	You *You `json:"you,omitempty"`
	// Actions are the commands this viewer may send now, each with the
	// targets or votes the rules accept in it.
	Actions []Action `json:"actions"`
	// SecretTurn is whether this phase could offer this delegate a secret
	// command (Action.Secret) by the role they hold: a living delegate at
	// Night, any delegate in the Last Shot. A screen that keeps the role
	// out of sight asks each of them alike to open their file, whatever
	// their Actions hold.
	SecretTurn bool `json:"secret_turn,omitempty"`
	// HostActions are the commands the host may send now, whoever views:
	// who the host is, is the server's to know.
	HostActions []Action `json:"host_actions"`
	// Write and Read are the chat channels open to this viewer now.
	Write []Channel `json:"write"`
	Read  []Channel `json:"read"`
}

// Action is one kind of command its viewer may send now, with what the
// rules accept in it: for a kind aimed at a seat (CommandKind.TakesTarget),
// Targets are every seat it may name, in seat order (NoSeat first where
// it may name nobody: the confession's silence); for the purge vote,
// Purge are the votes it may carry; a kind that takes neither has
// neither, and its command's Target and Purge are ignored. A command is
// legal exactly when it is listed so (View.Allows).
//
// Secret is the kind's Secret: only some roles are ever offered it, so a
// screen that shows it tells the role.
type Action struct {
	Kind    CommandKind `json:"kind"`
	Targets []int       `json:"targets,omitempty"`
	Purge   []bool      `json:"purge,omitempty"`
	Secret  bool        `json:"secret,omitempty"`
}

// Rules are the settings of a game that a player reasons with, as every
// viewer may know them (the sessions, the bloc's size and whether an
// Investigator sits are the view's own fields).
type Rules struct {
	// Threshold is the fewest denunciations that make an Accused.
	Threshold int `json:"threshold"`
	// Ballot is whether purge votes are shown with their voters.
	Ballot BallotKind `json:"ballot"`
	// Reveal is what the Congress learns of a purged delegate's file.
	Reveal Reveal `json:"reveal"`
	// PlotterChat is when the Plotters' channel is open.
	PlotterChat        PlotterChat `json:"plotter_chat"`
	PurgedSeeRoles     bool        `json:"purged_see_roles"`
	SpectatorsSeeRoles bool        `json:"spectators_see_roles"`
	// Roles are the roles dealt and how many of each, in the order of
	// Role, every seat counted once: the Congress roles in play among them.
	Roles []RoleCount `json:"roles"`
	// LastShot is whether Koba and Nikolaev are in play, and so whether a
	// Loyalist victory opens the Last Shot.
	LastShot bool `json:"last_shot,omitempty"`
}

// RoleCount is how many seats were dealt a role.
type RoleCount struct {
	Role  Role `json:"role"`
	Count int  `json:"count"`
}

// newRules are a game's public settings, from its config and its deal.
func newRules(cfg Config, roles []Role) *Rules {
	r := &Rules{
		Threshold: cfg.Threshold, Ballot: BallotSecret, Reveal: cfg.Reveal, PlotterChat: cfg.PlotterChat,
		PurgedSeeRoles: cfg.PurgedSeeRoles, SpectatorsSeeRoles: cfg.SpectatorsSeeRoles,
	}
	if cfg.OpenBallot {
		r.Ballot = BallotOpen
	}
	r.LastShot = count(roles, Koba) > 0 && count(roles, Nikolaev) > 0
	for role := Loyalist; role <= lastRole; role++ {
		if n := count(roles, role); n > 0 {
			r.Roles = append(r.Roles, RoleCount{Role: role, Count: n})
		}
	}
	r.Roles = clip(r.Roles)
	return r
}

func count[T comparable](s []T, x T) (n int) {
	for _, y := range s {
		if y == x {
			n++
		}
	}
	return n
}

// Action is the listed action of kind k, if v may send it.
func (v *View) Action(k CommandKind) (Action, bool) {
	for _, a := range v.Actions {
		if a.Kind == k {
			return a, true
		}
	}
	return Action{}, false
}

// May reports whether the viewer may send a command of kind k now.
func (v *View) May(k CommandKind) bool {
	_, ok := v.Action(k)
	return ok
}

// Targets are the seats a command of kind k may name now: none when the
// viewer may not send it or it takes no target.
func (v *View) Targets(k CommandKind) []int {
	a, _ := v.Action(k)
	return a.Targets
}

// Allows reports whether c, by its kind, its target and its vote as its
// kind takes them, is listed in Actions: exactly when Game.Check would
// accept it from this view's delegate (or, for a host command, in
// HostActions), the seat aside.
func (v *View) Allows(c Command) bool {
	list := v.Actions
	if c.Kind.HostOnly() {
		list = v.HostActions
	}
	for _, a := range list {
		if a.Kind == c.Kind {
			return a.allows(c)
		}
	}
	return false
}

func (a Action) allows(c Command) bool {
	switch {
	case c.Kind.TakesTarget():
		return slices.Contains(a.Targets, c.Target)
	case c.Kind.TakesPurge():
		return slices.Contains(a.Purge, c.Purge)
	}
	return true
}

// SeatView is one seat as this viewer may see it.
type SeatView struct {
	Seat      int    `json:"seat"`
	Name      string `json:"name"`
	Alive     bool   `json:"alive"`
	Ready     bool   `json:"ready,omitempty"`
	Voted     bool   `json:"voted,omitempty"` // has voted (purge vote) or struck (Final Ballot)
	Denounces int    `json:"denounces"`
	// Faction and Role are set only when this viewer is entitled to them:
	// their own seat, a fellow Plotter to a Plotter, a file opened by the
	// reveal setting, a setting that shows roles, or the game's end.
	Faction Faction `json:"faction,omitempty"`
	Role    Role    `json:"role,omitempty"`
}

// You is a delegate's own secrets and choices.
type You struct {
	Seat    int     `json:"seat"`
	Role    Role    `json:"role"`
	Faction Faction `json:"faction"`
	Alive   bool    `json:"alive"`
	// Vote is the delegate's own purge vote this session, once cast.
	Vote *bool `json:"vote,omitempty"`
	// Choice is the delegate's own night action or strike target, once made.
	Choice int `json:"choice"`
	// Investigations are the Investigator's own results.
	Investigations []Investigation `json:"investigations,omitempty"`
	// Bloc is what a Plotter knows: every Plotter and their role, and the
	// bloc's letter proposals tonight (living Plotters only: a purged
	// Plotter keeps what they knew while alive, nothing more).
	Bloc      []int      `json:"bloc,omitempty"`
	Kirov     *int       `json:"kirov,omitempty"`
	Proposals []Proposal `json:"proposals,omitempty"`
	// Knows is what a Congress role knows beyond the base game (Koba,
	// the doubles, Yagoda); nil for every other.
	Knows *Knowledge `json:"knows,omitempty"`
}

// Knowledge is what a Congress role knows beyond the base game.
type Knowledge struct {
	// OfBloc is what Koba knows: the Plotters' seats but Kirov's, without
	// their roles.
	OfBloc []int `json:"of_bloc,omitempty"`
	// ReportedAs is, for a double (Bukharin, Zinoviev), the faction the
	// NKVD reports them as.
	ReportedAs Faction `json:"reported_as,omitempty"`
	// Falsified is, for Yagoda, the night of the falsified report and,
	// once that night is over, whom the Investigator named in it.
	Falsified *Falsification `json:"falsified,omitempty"`
}

// Known is y.Knows, or nothing known for a role without Knowledge.
func (y *You) Known() Knowledge {
	if y == nil || y.Knows == nil {
		return Knowledge{}
	}
	return *y.Knows
}

// The doubles' knowledge, the same in every game. Read-only.
var (
	reportedPlotter = &Knowledge{ReportedAs: Plotters}
	reportedLoyal   = &Knowledge{ReportedAs: Loyalists}
)

// Falsification is Yagoda's falsified report, as Yagoda knows it.
type Falsification struct {
	Session int `json:"session"`
	// Named is the delegate the Investigator named that night: NoSeat
	// while the night lasts, or if nobody was named.
	Named int `json:"named"`
}

// Proposal is one Plotter's letter proposal, seen by the bloc.
type Proposal struct {
	Seat   int `json:"seat"`
	Target int `json:"target"`
}

// Marks are what a table shows of the session's standing marks in the
// phase it is in.
type Marks struct {
	// Chair: a Chair presides (not in the Final Ballot, the Last Shot or
	// after the end).
	Chair bool `json:"chair"`
	// Accused: an Accused stands, from the Defence to the Confession.
	Accused bool `json:"accused"`
	// Denunciations: the standing denunciations count, from the Debate to
	// the vote they lead to.
	Denunciations bool `json:"denunciations"`
	// Denounces: each seat's own denunciation may still change (the
	// Debate).
	Denounces bool `json:"denounces"`
}

// marks is Marks for this phase, with this Chair and this Accused.
func (p Phase) marks(chair, accused int) Marks {
	return Marks{
		Chair:         chair >= 0 && p < PhaseFinalBallot,
		Accused:       accused >= 0 && (p == PhaseDefence || p == PhaseVote || p == PhaseConfession),
		Denunciations: p <= PhaseVote,
		Denounces:     p == PhaseDebate,
	}
}

// View builds what v may see. It is the only place secrets enter a view.
//
// A view is read-only. Its lists and pointers may be shared with other
// views and with the game, which never changes what it has shared: a
// caller may keep a view as long as it likes or hand it to another
// goroutine while the game goes on, and appending to a list copies it,
// but nothing in a view may be modified. (Views are built for every
// viewer after every command: sharing what they have in common saves
// most of the cost.) View keeps those common parts in the game until the
// next change, so, like every method of Game, it is for the goroutine that
// owns the game only.
func (g *Game) View(v Viewer) View { return g.buildView(v, nil) }

// ViewBuf is memory a caller lends ViewIn for the parts of a view it
// builds afresh each time. Its zero value is ready to use.
type ViewBuf struct {
	rows [MaxSeats]SeatView
	seat seatBuf
	den  []Denunciation
}

// ViewIn is View with the viewer's own parts (their seat rows, You,
// Actions, Write and Read) and the standing denunciations built in b
// instead of in new memory, so that it allocates nothing once the game
// has built the common parts. Those parts hold only until b is lent
// again: ViewIn is for a caller that reads each view and drops it before
// asking for the next, such as a bot playing many games. The rest is
// shared as View shares it.
func (g *Game) ViewIn(v Viewer, b *ViewBuf) View { return g.buildView(v, b) }

// buildView is View, in lent memory when own is not nil.
func (g *Game) buildView(v Viewer, own *ViewBuf) (view View) {
	v = g.viewer(v)
	c := &g.view
	c.views++
	view = View{
		Session:      g.session,
		Sessions:     g.sessions,
		Phase:        g.phase,
		Paused:       g.paused,
		Chair:        g.chair,
		Accused:      g.accused,
		Marks:        g.phase.marks(g.chair, g.accused),
		Tied:         clip(g.tied),
		Plotters:     g.plotters,
		Investigator: g.investigator,
		Rules:        g.rules,
		HostActions:  g.hostActions(),
		Ballot:       g.viewBallot(),
		FinalCount:   clip(g.finalCount),
		Winner:       g.winner,
		Reason:       g.reason,
	}
	if own != nil {
		// Drawn up in lent memory, as the rows: the list changes with
		// most commands, and only the game's cache shares it otherwise.
		if own.den = g.standingInto(own.den[:0]); len(own.den) == 0 {
			view.Denunciations = noDenunciations
		} else {
			view.Denunciations = clip(own.den)
		}
	} else {
		view.Denunciations = g.denunciations()
	}
	if d, ok := g.NextDeadline(); ok {
		view.Deadline = d
	}
	if !v.IsSeat() {
		if g.seesAllRoles(v) {
			view.Seats = g.allRows()
		} else {
			view.Seats = g.publicRows()
		}
		view.Actions = noActions
		view.Write, view.Read = g.spectatorChannels()
		return view
	}
	var b *seatBuf
	me := v.Seat
	plotter := g.seats[me].role.Faction() == Plotters
	switch {
	case g.seesAllRoles(v):
		view.Seats = g.allRows()
	case own != nil:
		// Lent memory: this viewer's rows, written in; outside the bloc
		// the public rows and their own file (Koba's afresh: he sees
		// some of the bloc).
		view.Seats = own.rows[:len(g.seats)]
		if plotter || g.seats[me].role == Koba {
			g.fillRows(view.Seats, me, plotter, false)
		} else {
			g.publicWithOwn(view.Seats, me)
		}
	case plotter:
		view.Seats = g.plotterRows()
	default:
		// A delegate outside the bloc sees what everyone sees and their
		// own file (Koba, some of the bloc's too): a copy of the public
		// rows once another view has needed them, else built afresh.
		view.Seats, b = newRows(len(g.seats))
		if g.seats[me].role == Koba || c.public == nil && c.views == 1 {
			g.fillRows(view.Seats, me, false, false)
		} else {
			g.publicWithOwn(view.Seats, me)
		}
	}
	switch {
	case own != nil:
		own.seat = seatBuf{}
		b = &own.seat
	case b == nil:
		b = new(seatBuf)
	}
	view.You = g.you(me, b)
	view.SecretTurn = g.phase == PhaseLastShot || g.phase == PhaseNight && g.seats[me].alive
	view.Actions = g.actions(v, b.actions[:0], b.targets[:0])
	w, r := g.channels(v)
	view.Write, view.Read = w.list(b.write[:0]), r.list(b.read[:0])
	return view
}

// publicWithOwn writes into rows the seats as every viewer may see them,
// and the file of seat me, for me's own view.
func (g *Game) publicWithOwn(rows []SeatView, me int) {
	copy(rows, g.publicRows())
	s, sv := &g.seats[me], &rows[me]
	sv.Faction, sv.Role = s.role.Faction(), s.role
}

// viewCache is what the views of one state of the game have in common,
// each part built by the first view that needs it. Apply and Advance drop
// it when they change anything; what it pointed to stays as it was, for
// the views that hold it.
type viewCache struct {
	// stillStanding is the last list of standing denunciations built, kept
	// across changes: most commands leave it as it was. scratch is where
	// the list is drawn up to compare with it; no view holds it.
	stillStanding, scratch []Denunciation

	views     int        // views built in this state
	public    []SeatView // the seats as every viewer may see them
	plotters  []SeatView // as the bloc sees them
	all       []SeatView // every file open
	den       []Denunciation
	ballot    *Ballot // after a game with a secret ballot: with its votes
	proposals []Proposal
	proposed  bool // proposals is built (nil when nobody proposed)
	yagoda    *Knowledge
	host      []Action  // the host's commands (never nil once built)
	write     []Channel // a spectator's
	read      []Channel
}

// drop forgets the parts of one state, for the game has changed.
func (c *viewCache) drop() { *c = viewCache{stillStanding: c.stillStanding, scratch: c.scratch} }

// seatBuf is the part of a delegate's view that is theirs alone, in one
// allocation: their secrets, their vote, their commands (three at most:
// denounce, withdraw, Ready or Unready) and their targets (one list in
// any phase), and the channels they may write (two at most) and read
// (three at most). A longer list would still be right: append would copy
// it.
type seatBuf struct {
	you     You
	vote    bool
	actions [3]Action
	targets [MaxSeats]int
	write   [2]Channel
	read    [3]Channel
}

// rowsBuf is a delegate's own seat rows and their seatBuf in one
// allocation, the rows exactly as many as the seats.
type rowsBuf[R any] struct {
	rows R
	seat seatBuf
}

func newRows(n int) ([]SeatView, *seatBuf) {
	switch n {
	case 5:
		b := new(rowsBuf[[5]SeatView])
		return b.rows[:], &b.seat
	case 6:
		b := new(rowsBuf[[6]SeatView])
		return b.rows[:], &b.seat
	case 7:
		b := new(rowsBuf[[7]SeatView])
		return b.rows[:], &b.seat
	case 8:
		b := new(rowsBuf[[8]SeatView])
		return b.rows[:], &b.seat
	case 9:
		b := new(rowsBuf[[9]SeatView])
		return b.rows[:], &b.seat
	case 10:
		b := new(rowsBuf[[10]SeatView])
		return b.rows[:], &b.seat
	case 11:
		b := new(rowsBuf[[11]SeatView])
		return b.rows[:], &b.seat
	case 12:
		b := new(rowsBuf[[12]SeatView])
		return b.rows[:], &b.seat
	}
	return make([]SeatView, n), new(seatBuf)
}

func (g *Game) publicRows() []SeatView {
	c := &g.view
	if c.public == nil {
		c.public = make([]SeatView, len(g.seats))
		g.fillRows(c.public, NoSeat, false, g.phase == PhaseOver)
	}
	return c.public
}

func (g *Game) plotterRows() []SeatView {
	c := &g.view
	if c.plotters == nil {
		c.plotters = make([]SeatView, len(g.seats))
		g.fillRows(c.plotters, NoSeat, true, false)
	}
	return c.plotters
}

func (g *Game) allRows() []SeatView {
	c := &g.view
	if g.phase == PhaseOver {
		return g.publicRows()
	}
	if c.all == nil {
		c.all = make([]SeatView, len(g.seats))
		g.fillRows(c.all, NoSeat, false, true)
	}
	return c.all
}

// fillRows writes every seat as seen by a viewer who sees the file of seat
// me, those of the bloc if plotter, or every file if all.
func (g *Game) fillRows(out []SeatView, me int, plotter, all bool) {
	// Locals, so that the loop need not reload what writing into the view
	// might have changed as far as the compiler knows.
	seats := g.seats
	out = out[:len(seats)]
	phase, reveal, marshal := g.phase, g.cfg.Reveal, g.marshal
	exposed := phase == PhaseLastShot
	koba := me != NoSeat && seats[me].role == Koba
	for i := range seats {
		s := &seats[i]
		// Every field is written, for out may be lent memory holding an
		// old view.
		var ready, voted bool
		switch phase {
		case PhaseDebate:
			ready = s.ready
		case PhaseVote:
			voted = s.voted
		case PhaseFinalBallot:
			voted = s.acted
		}
		var f Faction
		var r Role
		switch fr := s.role.Faction(); {
		case all, me == i, plotter && fr == Plotters:
			f, r = fr, s.role
		case !s.alive && reveal == RevealRole, i == marshal:
			f, r = fr, s.role
		case !s.alive && reveal == RevealFaction,
			fr == Plotters && (exposed || koba && s.role != Kirov):
			f = fr
		}
		sv := &out[i]
		sv.Seat, sv.Name, sv.Alive, sv.Ready, sv.Voted, sv.Denounces = i, s.name, s.alive, ready, voted, s.denounces
		sv.Faction, sv.Role = f, r
	}
}

// denunciations are the standing denunciations: those carried from the
// night, then each living delegate's mark, in seat order; a letter never
// names its authors.
func (g *Game) denunciations() []Denunciation {
	c := &g.view
	if c.den != nil {
		return c.den
	}
	den := g.standingInto(c.scratch[:0])
	c.scratch = den
	switch {
	case len(den) == 0:
		c.den = noDenunciations
	case slices.Equal(den, c.stillStanding):
		c.den = c.stillStanding
	default:
		c.den = clip(slices.Clone(den))
		c.stillStanding = c.den
	}
	return c.den
}

// standingInto appends the standing denunciations to dst.
func (g *Game) standingInto(dst []Denunciation) []Denunciation {
	dst = append(dst, g.carried...)
	for i := range g.seats {
		if s := &g.seats[i]; s.alive && s.denounces != NoSeat {
			dst = append(dst, Denunciation{Target: s.denounces, Source: FromDelegate, By: i})
		}
	}
	return dst
}

// noDenunciations is the empty list (shown as [], not null); its zero
// capacity makes any append copy.
var noDenunciations = []Denunciation{}

// viewBallot is this session's counted vote; after the game, a secret
// ballot's votes are shown too.
func (g *Game) viewBallot() *Ballot {
	if g.ballot == nil || g.phase != PhaseOver || g.ballot.Votes != nil {
		return g.ballot
	}
	c := &g.view
	if c.ballot == nil {
		b := *g.ballot
		b.Votes = g.ballotVotes()
		c.ballot = &b
	}
	return c.ballot
}

// spectatorChannels are the channels a spectator may write and read.
func (g *Game) spectatorChannels() (write, read []Channel) {
	c := &g.view
	if c.write == nil {
		w, r := g.channels(Spectator)
		buf := make([]Channel, 0, len(allChannels)+1)
		c.write = w.list(buf)
		c.read = r.list(buf[len(c.write):len(c.write)])
	}
	return c.write, c.read
}

// clip caps a slice at its length, so that appending to one part of a
// view's buffer never writes into the next part.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }

// viewer treats a seat that does not exist as a spectator, so that no
// caller's mistake can panic or grant a seat's secrets.
func (g *Game) viewer(v Viewer) Viewer {
	switch {
	case v.Seat == NoSeat:
		return Viewer{Seat: NoSeat, admitted: v.admitted, everything: v.everything}
	case v.Seat < 0 || v.Seat >= len(g.seats):
		return Spectator
	}
	return Viewer{Seat: v.Seat}
}

// seesAllRoles: the game's end, or a setting that opens every file.
func (g *Game) seesAllRoles(v Viewer) bool {
	switch {
	case g.phase == PhaseOver, v.everything:
		return true
	case !v.IsSeat():
		return v.admitted && g.cfg.SpectatorsSeeRoles
	default:
		return !g.seats[v.Seat].alive && g.cfg.PurgedSeeRoles
	}
}

func (g *Game) ballotVotes() []SeatVote {
	var out []SeatVote
	for i, s := range g.seats {
		if s.voted {
			out = append(out, SeatVote{Seat: i, Purge: s.vote})
		}
	}
	return clip(out)
}

// you writes delegate i's secrets into b, which is freshly allocated (all
// zero).
func (g *Game) you(i int, b *seatBuf) *You {
	s := &g.seats[i]
	y := &b.you
	y.Seat, y.Role, y.Faction, y.Alive, y.Choice = i, s.role, s.role.Faction(), s.alive, NoSeat
	if s.voted {
		b.vote = s.vote
		y.Vote = &b.vote
	}
	if s.acted {
		y.Choice = s.choice
	}
	switch s.role {
	case Investigator:
		y.Investigations = clip(g.investigations)
	case Koba:
		y.Knows = g.kobaKnowledge
	case Bukharin:
		y.Knows = reportedPlotter
	case Zinoviev:
		y.Knows = reportedLoyal
	case Yagoda:
		if g.falsified != 0 {
			y.Knows = g.yagodaKnowledge()
		}
	}
	if y.Faction == Plotters {
		y.Bloc, y.Kirov = g.bloc, &g.bloc[g.kirovIn]
		if s.alive && g.phase == PhaseNight {
			y.Proposals = g.proposals()
		}
	}
	return y
}

// yagodaKnowledge is what Yagoda knows of the falsified report, once
// for each state of the game.
func (g *Game) yagodaKnowledge() *Knowledge {
	c := &g.view
	if c.yagoda == nil {
		b := new(struct { // one allocation
			k Knowledge
			f Falsification
		})
		b.f = Falsification{Session: g.falsified, Named: NoSeat}
		if g.falsified < g.session || g.phase != PhaseNight {
			b.f.Named = g.named
		}
		b.k.Falsified = &b.f
		c.yagoda = &b.k
	}
	return c.yagoda
}

// proposals are the bloc's letter proposals tonight.
func (g *Game) proposals() []Proposal {
	c := &g.view
	if !c.proposed {
		for _, j := range g.bloc {
			if o := &g.seats[j]; o.acted {
				c.proposals = append(c.proposals, Proposal{Seat: j, Target: o.choice})
			}
		}
		c.proposals, c.proposed = clip(c.proposals), true
	}
	return c.proposals
}

// actions lists, into dst, the commands v may send now with their
// targets, drawn up in targets.
func (g *Game) actions(v Viewer, dst []Action, targets []int) []Action {
	if !g.running(v.Seat) {
		return noActions
	}
	for _, k := range phaseKinds[g.phase] {
		from := len(targets)
		var ok bool
		switch ok, targets = g.offer(Command{Kind: k, Seat: v.Seat}, targets, true); {
		case !ok:
		case k.TakesTarget():
			dst = append(dst, Action{Kind: k, Targets: clip(targets[from:]), Secret: k.Secret()})
		case k.TakesPurge():
			// Check never looks at the vote: either way is the delegate's.
			dst = append(dst, Action{Kind: k, Purge: bothVotes})
		default:
			dst = append(dst, Action{Kind: k, Secret: k.Secret()})
		}
	}
	if len(dst) == 0 {
		return noActions
	}
	return clip(dst)
}

// MayAct reports whether the delegate at seat may send a command now:
// whether their view's Actions would list any, without building the view.
func (g *Game) MayAct(seat int) bool {
	if !g.running(seat) {
		return false
	}
	var targets [1]int
	for _, k := range phaseKinds[g.phase] {
		if ok, _ := g.offer(Command{Kind: k, Seat: seat}, targets[:0], false); ok {
			return true
		}
	}
	return false
}

// running reports whether seat is a seat of a game that runs, unpaused:
// then checkSeat is all of check that is left to ask of its commands,
// and, since check refuses a command of another phase before anything
// else about it, only this phase's commands need asking.
func (g *Game) running(seat int) bool {
	return seat >= 0 && seat < len(g.seats) && g.phase != PhaseOver && !g.paused
}

// offer reports whether checkSeat accepts c with some target (with any,
// for a kind that takes none), asking checkActor once and checkTarget
// for every seat, and appends to targets, in seat order, the seats it
// accepts: every one, or the first only.
func (g *Game) offer(c Command, targets []int, every bool) (bool, []int) {
	if g.checkActor(c).code != "" {
		return false, targets
	}
	if !c.Kind.TakesTarget() {
		return true, targets
	}
	from := len(targets)
	// A confession may name nobody: NoSeat comes first.
	if c.Target = NoSeat; g.checkTarget(c).code == "" {
		if targets = append(targets, NoSeat); !every {
			return true, targets
		}
	}
	for t := range g.seats {
		if c.Target = t; g.checkTarget(c).code == "" {
			if targets = append(targets, t); !every {
				break
			}
		}
	}
	return len(targets) > from, targets
}

// bothVotes are the votes of a purge vote, Purge first. Read-only: its
// capacity makes any append copy.
var bothVotes = []bool{true, false}

// hostKinds are the host's commands.
var hostKinds = [...]CommandKind{CmdEndPhase, CmdPause, CmdResume}

// hostLists are every list of host actions, by the set of hostKinds
// (bit i for hostKinds[i]) they hold, so that a view need build none.
var hostLists = func() (lists [1 << len(hostKinds)][]Action) {
	for set := range lists {
		lists[set] = noActions
		var l []Action
		for i, k := range hostKinds {
			if set&(1<<i) != 0 {
				l = append(l, Action{Kind: k})
			}
		}
		if l != nil {
			lists[set] = clip(l)
		}
	}
	return lists
}()

// hostActions are the host's commands that check accepts now.
func (g *Game) hostActions() []Action {
	c := &g.view
	if c.host == nil {
		set := 0
		for i, k := range hostKinds {
			if g.check(Command{Kind: k, Seat: NoSeat}).code == "" {
				set |= 1 << i
			}
		}
		c.host = hostLists[set]
	}
	return c.host
}

// noActions and noChannels are the empty lists (shown as [], not null,
// as every list a view always has); their zero capacity makes any append
// copy.
var (
	noActions  = []Action{}
	noChannels = []Channel{}
)

// phaseKinds are the seat commands of each phase; each may be sent in
// its phase only.
var phaseKinds = [...][]CommandKind{
	PhaseDebate:      {CmdDenounce, CmdWithdraw, CmdReady, CmdUnready},
	PhaseAccusation:  {CmdChairPick},
	PhaseVote:        {CmdPurgeVote},
	PhaseConfession:  {CmdConfess},
	PhaseNight:       {CmdLetter, CmdInvestigate, CmdFalsify},
	PhaseFinalBallot: {CmdStrike},
	PhaseOver:        nil,
	PhaseLastShot:    {CmdShoot},
}

// CanWrite reports whether v may write to channel ch now.
func (g *Game) CanWrite(v Viewer, ch Channel) bool {
	w, _ := g.channels(v)
	return w.has(ch)
}

// CanRead reports whether v may read channel ch now.
func (g *Game) CanRead(v Viewer, ch Channel) bool {
	_, r := g.channels(v)
	return r.has(ch)
}

// channelSet is a set of channels, bit i for Channels[i].
type channelSet uint8

func setOf(chs ...Channel) (s channelSet) {
	for _, ch := range chs {
		s |= 1 << ch
	}
	return s
}

func (s channelSet) has(ch Channel) bool {
	return ch >= 0 && int(ch) < len(allChannels) && s&(1<<ch) != 0
}

// allChannels is Channels, out of reach of a caller who edits that slice.
var allChannels = [...]Channel{ChannelPublic, ChannelPlotters, ChannelPurged, ChannelSpectators}

// list appends the set's channels, in the order of Channels, to dst; the
// empty set is noChannels.
func (s channelSet) list(dst []Channel) []Channel {
	if s == 0 {
		return noChannels
	}
	for ch := ChannelPublic; s != 0; ch, s = ch+1, s>>1 {
		if s&1 != 0 {
			dst = append(dst, ch)
		}
	}
	return clip(dst)
}

// channels is the chat rule (RULES.md §2, §5): public chat for the living
// outside the Night (for everyone seated after the game), the Plotters'
// channel for living Plotters (at night unless the setting opens it all
// game), the purged channel for the purged, and the spectators' channel
// for spectators only. After the game the bloc's and the purged's
// channels are read by all.
func (g *Game) channels(v Viewer) (write, read channelSet) {
	v = g.viewer(v)
	over := g.phase == PhaseOver
	if !v.IsSeat() {
		read = setOf(ChannelPublic, ChannelSpectators)
		if over {
			read |= setOf(ChannelPlotters, ChannelPurged)
		}
		return setOf(ChannelSpectators), read
	}
	s := &g.seats[v.Seat]
	read = setOf(ChannelPublic)
	if over || (s.alive && g.phase != PhaseNight) {
		write |= setOf(ChannelPublic)
	}
	switch {
	case g.phase == PhaseLastShot && s.role.Faction() == Plotters:
		// The bloc, living and purged, confers before the Last Shot.
		read |= setOf(ChannelPlotters)
		write |= setOf(ChannelPlotters)
	case s.alive && s.role.Faction() == Plotters:
		read |= setOf(ChannelPlotters)
		if !over && (g.phase == PhaseNight || g.cfg.PlotterChat == PlotterChatAlways) {
			write |= setOf(ChannelPlotters)
		}
	}
	if !s.alive {
		write |= setOf(ChannelPurged)
		read |= setOf(ChannelPurged)
	}
	if over {
		read |= setOf(ChannelPlotters, ChannelPurged)
	}
	return write, read
}
