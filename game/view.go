package game

import (
	"slices"
	"time"
)

// Viewer is who a view is built for: a seat, or a spectator (Seat NoSeat).
type Viewer struct {
	Seat int
}

// SeatViewer is the viewer sitting at seat i.
func SeatViewer(i int) Viewer { return Viewer{Seat: i} }

// Spectator is a viewer without a seat.
var Spectator = Viewer{Seat: NoSeat}

// IsSeat reports whether the viewer is a delegate.
func (v Viewer) IsSeat() bool { return v.Seat != NoSeat }

// View is everything one viewer may see now, and nothing else.
type View struct {
	Session  int       `json:"session"`
	Sessions int       `json:"sessions"`
	Phase    Phase     `json:"phase"`
	Paused   bool      `json:"paused"`
	Deadline time.Time `json:"deadline"` // zero while paused or over
	Chair    int       `json:"chair"`
	Accused  int       `json:"accused"`
	Tied     []int     `json:"tied,omitempty"`
	// Plotters is the size of Kirov's bloc and Investigator whether one was
	// dealt: public facts of the table, not who.
	Plotters     int  `json:"plotters"`
	Investigator bool `json:"investigator"`

	Seats         []SeatView     `json:"seats"`
	Denunciations []Denunciation `json:"denunciations"`
	Ballot        *Ballot        `json:"ballot,omitempty"`
	FinalCount    []int          `json:"final_count,omitempty"`
	Winner        Faction        `json:"winner,omitempty"`
	Reason        WinReason      `json:"reason,omitempty"`

	// You is present for a delegate only: their own secrets.
	You *You `json:"you,omitempty"`
	// Actions are the commands this viewer may send now.
	Actions []CommandKind `json:"actions"`
	// Write and Read are the chat channels open to this viewer now.
	Write []Channel `json:"write"`
	Read  []Channel `json:"read"`
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
}

// Proposal is one Plotter's letter proposal, seen by the bloc.
type Proposal struct {
	Seat   int `json:"seat"`
	Target int `json:"target"`
}

// View builds what v may see. It is the only place secrets enter a view.
// A view shares nothing with the game or with other views: the caller may
// keep it, change it or hand it to another goroutine.
func (g *Game) View(v Viewer) View {
	v = g.viewer(v)
	buf := &viewBuf{}
	view := View{
		Session:      g.session,
		Sessions:     g.sessions,
		Phase:        g.phase,
		Paused:       g.paused,
		Chair:        g.chair,
		Accused:      g.accused,
		Tied:         slices.Clone(g.tied),
		Plotters:     g.cfg.PlottersFor(len(g.seats)),
		Investigator: g.cfg.Investigator && len(g.seats) >= 6,
		FinalCount:   slices.Clone(g.finalCount),
		Winner:       g.winner,
		Reason:       g.reason,
		Seats:        buf.seats(len(g.seats)),
	}
	if d, ok := g.NextDeadline(); ok {
		view.Deadline = d
	}
	if g.ballot != nil {
		// The ballot and its votes in one allocation.
		bb := &struct {
			b     Ballot
			votes [MaxSeats - 1]SeatVote
		}{b: *g.ballot}
		votes := g.ballot.Votes
		if g.phase == PhaseOver && votes == nil {
			votes = g.ballotVotes()
		}
		bb.b.Votes = nil
		if votes != nil {
			bb.b.Votes = clip(append(bb.votes[:0], votes...))
		}
		view.Ballot = &bb.b
	}
	all := g.seesAllRoles(v)
	plotter := v.IsSeat() && g.seats[v.Seat].role.Faction() == Plotters
	// The standing denunciations: those carried from the night, then each
	// living delegate's mark, in seat order; a letter never names its
	// authors.
	den := append(buf.den[:0], g.carried...)
	// Locals, so that the loop need not reload what writing into the view
	// might have changed as far as the compiler knows.
	seats, out := g.seats, view.Seats
	out = out[:len(seats)]
	phase, reveal, me := g.phase, g.cfg.Reveal, v.Seat
	for i := range seats {
		s := &seats[i]
		if s.alive && s.denounces != NoSeat {
			den = append(den, Denunciation{Target: s.denounces, Source: FromDelegate, By: i})
		}
		sv := &out[i]
		sv.Seat, sv.Name, sv.Alive, sv.Denounces = i, s.name, s.alive, s.denounces
		switch phase {
		case PhaseDebate:
			sv.Ready = s.ready
		case PhaseVote:
			sv.Voted = s.voted
		case PhaseFinalBallot:
			sv.Voted = s.acted
		}
		f := s.role.Faction()
		switch {
		case all, me == i, plotter && f == Plotters:
			sv.Faction, sv.Role = f, s.role
		case !s.alive && reveal == RevealRole:
			sv.Faction, sv.Role = f, s.role
		case !s.alive && reveal == RevealFaction:
			sv.Faction = f
		}
	}
	view.Denunciations = noDenunciations
	if len(den) > 0 {
		view.Denunciations = clip(den)
	}
	if v.IsSeat() {
		view.You = g.you(v.Seat, &buf.you)
	}
	view.Actions = g.actions(v, buf.actions[:0])
	w, r := g.channels(v)
	view.Write, view.Read = w.list(buf.write[:0]), r.list(buf.read[:0])
	return view
}

// clip caps a slice at its length, so that appending to one part of a
// view's buffer never writes into the next part.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }

// viewer treats a seat that does not exist as a spectator, so that no
// caller's mistake can panic or grant a seat's secrets.
func (g *Game) viewer(v Viewer) Viewer {
	if v.Seat < 0 || v.Seat >= len(g.seats) {
		return Spectator
	}
	return v
}

// seesAllRoles: the game's end, or a setting that opens every file.
func (g *Game) seesAllRoles(v Viewer) bool {
	switch {
	case g.phase == PhaseOver:
		return true
	case !v.IsSeat():
		return g.cfg.SpectatorsSeeRoles
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

// viewBuf holds a view's seats, denunciations and the delegate's own
// secrets in a single allocation: views are built for every viewer after
// every command, and allocations are most of their cost.
//
// The arrays are sized so that the whole buffer, with the runtime's 8-byte
// header, fills the 1152-byte allocation class: room for nine standing
// denunciations, three commands
// (the most a phase offers: denounce, withdraw, Ready or Unready) and the
// most channels a viewer may write (two) and read (three). Anything
// longer is appended out of the buffer, correctly, at the cost of an
// allocation.
type viewBuf struct {
	seatArr [MaxSeats]SeatView
	den     [9]Denunciation
	you     youBuf
	actions [3]CommandKind
	write   [2]Channel
	read    [3]Channel
}

func (b *viewBuf) seats(n int) []SeatView {
	if n > len(b.seatArr) {
		return make([]SeatView, n)
	}
	return b.seatArr[:n:n]
}

// noDenunciations is the empty list (shown as [], not null); its zero
// capacity makes any append copy.
var noDenunciations = []Denunciation{}

// youBuf lets a delegate's You, their vote and the bloc they know share a
// single allocation. The bloc has at most (MaxSeats-1)/2 members (Validate);
// a larger one would still work, append would copy.
type youBuf struct {
	you  You
	vote bool
	bloc [(MaxSeats - 1) / 2]int
}

func (g *Game) you(i int, b *youBuf) *You {
	s := &g.seats[i]
	b.you = You{Seat: i, Role: s.role, Faction: s.role.Faction(), Alive: s.alive, Choice: NoSeat}
	y := &b.you
	if s.voted {
		b.vote = s.vote
		y.Vote = &b.vote
	}
	if s.acted {
		y.Choice = s.choice
	}
	if s.role == Investigator {
		y.Investigations = slices.Clone(g.investigations)
	}
	if s.role.Faction() == Plotters {
		y.Bloc = b.bloc[:0]
		kirov := -1
		for j := range g.seats {
			o := &g.seats[j]
			if o.role.Faction() != Plotters {
				continue
			}
			if o.role == Kirov {
				kirov = len(y.Bloc)
			}
			y.Bloc = append(y.Bloc, j)
			if s.alive && g.phase == PhaseNight && o.acted {
				y.Proposals = append(y.Proposals, Proposal{Seat: j, Target: o.choice})
			}
		}
		y.Bloc = clip(y.Bloc)
		if kirov >= 0 {
			y.Kirov = &y.Bloc[kirov]
		}
	}
	return y
}

// seatKinds are the commands a delegate (not the host) may send.
var seatKinds = [...]CommandKind{CmdDenounce, CmdWithdraw, CmdReady, CmdUnready, CmdChairPick, CmdPurgeVote, CmdConfess, CmdLetter, CmdInvestigate, CmdStrike}

// actions lists, into dst, the commands v may send now, by asking check.
func (g *Game) actions(v Viewer, dst []CommandKind) []CommandKind {
	if !v.IsSeat() || g.phase == PhaseOver || g.paused {
		return nil
	}
	// check refuses a command of another phase before anything else about
	// it, so only this phase's commands need asking.
	for _, k := range phaseKinds[g.phase] {
		if g.mayTry(v.Seat, k) {
			dst = append(dst, k)
		}
	}
	if len(dst) == 0 {
		return nil
	}
	return clip(dst)
}

// phaseKinds are the seat commands of each phase, in the order of
// seatKinds; each may be sent in its phase only.
var phaseKinds = [...][]CommandKind{
	PhaseDebate:      {CmdDenounce, CmdWithdraw, CmdReady, CmdUnready},
	PhaseAccusation:  {CmdChairPick},
	PhaseVote:        {CmdPurgeVote},
	PhaseConfession:  {CmdConfess},
	PhaseNight:       {CmdLetter, CmdInvestigate},
	PhaseFinalBallot: {CmdStrike},
	PhaseOver:        nil,
}

// mayTry reports whether seat may send a command of kind k now with some
// target: check with each target until one is accepted or the refusal is
// not about the target (then no target would do).
func (g *Game) mayTry(seat int, k CommandKind) bool {
	c := Command{Kind: k, Seat: seat}
	switch k {
	case CmdDenounce, CmdChairPick, CmdConfess, CmdLetter, CmdInvestigate, CmdStrike:
		for c.Target = range g.seats {
			r := g.check(c)
			if r.code == "" {
				return true
			}
			if !r.aboutTarget() {
				return false
			}
		}
		return false
	}
	return g.check(c).code == ""
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
// empty set is nil.
func (s channelSet) list(dst []Channel) []Channel {
	if s == 0 {
		return nil
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
// game; readable by all after the game), the purged channel for the
// purged only, and the spectators' channel for spectators only.
func (g *Game) channels(v Viewer) (write, read channelSet) {
	v = g.viewer(v)
	over := g.phase == PhaseOver
	if !v.IsSeat() {
		read = setOf(ChannelPublic, ChannelSpectators)
		if over {
			read |= setOf(ChannelPlotters)
		}
		return setOf(ChannelSpectators), read
	}
	s := &g.seats[v.Seat]
	read = setOf(ChannelPublic)
	if over || (s.alive && g.phase != PhaseNight) {
		write |= setOf(ChannelPublic)
	}
	if s.alive && s.role.Faction() == Plotters {
		read |= setOf(ChannelPlotters)
		if !over && (g.phase == PhaseNight || g.cfg.PlotterChat == PlotterChatAlways) {
			write |= setOf(ChannelPlotters)
		}
	} else if over {
		read |= setOf(ChannelPlotters)
	}
	if !s.alive {
		write |= setOf(ChannelPurged)
		read |= setOf(ChannelPurged)
	}
	return write, read
}
