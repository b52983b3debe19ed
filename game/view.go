package game

import "time"

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
func (g *Game) View(v Viewer) View {
	v = g.viewer(v)
	view := View{
		Session:       g.session,
		Sessions:      g.sessions,
		Phase:         g.phase,
		Paused:        g.paused,
		Chair:         g.chair,
		Accused:       g.accused,
		Tied:          g.tied,
		Plotters:      g.cfg.PlottersFor(len(g.seats)),
		Investigator:  g.cfg.Investigator && len(g.seats) >= 6,
		FinalCount:    g.finalCount,
		Winner:        g.winner,
		Reason:        g.reason,
		Seats:         make([]SeatView, len(g.seats)),
		Denunciations: g.denunciations(),
	}
	if d, ok := g.NextDeadline(); ok {
		view.Deadline = d
	}
	if g.ballot != nil {
		b := *g.ballot
		if g.phase == PhaseOver && b.Votes == nil {
			b.Votes = g.ballotVotes()
		}
		view.Ballot = &b
	}
	all := g.seesAllRoles(v)
	plotter := v.IsSeat() && g.seats[v.Seat].role.Faction() == Plotters
	for i, s := range g.seats {
		sv := SeatView{Seat: i, Name: s.name, Alive: s.alive, Denounces: NoSeat}
		sv.Denounces = s.denounces
		switch g.phase {
		case PhaseDebate:
			sv.Ready = s.ready
		case PhaseVote:
			sv.Voted = s.voted
		case PhaseFinalBallot:
			sv.Voted = s.acted
		}
		switch {
		case all, v.Seat == i, plotter && s.role.Faction() == Plotters:
			sv.Faction, sv.Role = s.role.Faction(), s.role
		case !s.alive && g.cfg.Reveal == RevealRole:
			sv.Faction, sv.Role = s.role.Faction(), s.role
		case !s.alive && g.cfg.Reveal == RevealFaction:
			sv.Faction = s.role.Faction()
		}
		view.Seats[i] = sv
	}
	if v.IsSeat() {
		view.You = g.you(v.Seat)
	}
	view.Actions = g.actions(v)
	view.Write, view.Read = g.channels(v)
	return view
}

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
	return out
}

// denunciations are the standing ones of the current Debate, with their
// sources; a letter never names its authors.
func (g *Game) denunciations() []Denunciation {
	out := make([]Denunciation, 0, len(g.carried)+len(g.seats))
	out = append(out, g.carried...)
	for i, s := range g.seats {
		if s.alive && s.denounces != NoSeat {
			out = append(out, Denunciation{Target: s.denounces, Source: FromDelegate, By: i})
		}
	}
	return out
}

func (g *Game) you(i int) *You {
	s := g.seats[i]
	y := &You{Seat: i, Role: s.role, Faction: s.role.Faction(), Alive: s.alive, Choice: NoSeat}
	if s.voted {
		vote := s.vote
		y.Vote = &vote
	}
	if s.acted {
		y.Choice = s.choice
	}
	if s.role == Investigator {
		y.Investigations = g.investigations
	}
	if s.role.Faction() == Plotters {
		for j, o := range g.seats {
			if o.role.Faction() != Plotters {
				continue
			}
			y.Bloc = append(y.Bloc, j)
			if o.role == Kirov {
				k := j
				y.Kirov = &k
			}
			if s.alive && g.phase == PhaseNight && o.acted {
				y.Proposals = append(y.Proposals, Proposal{Seat: j, Target: o.choice})
			}
		}
	}
	return y
}

// actions lists the commands v may send now, by asking check.
func (g *Game) actions(v Viewer) []CommandKind {
	if !v.IsSeat() || g.phase == PhaseOver || g.paused {
		return nil
	}
	var out []CommandKind
	for _, k := range []CommandKind{CmdDenounce, CmdWithdraw, CmdReady, CmdUnready, CmdChairPick, CmdPurgeVote, CmdConfess, CmdLetter, CmdInvestigate, CmdStrike} {
		if g.mayTry(v.Seat, k) {
			out = append(out, k)
		}
	}
	return out
}

// mayTry reports whether seat may send a command of kind k now with some
// target: check with the first target it would accept.
func (g *Game) mayTry(seat int, k CommandKind) bool {
	switch k {
	case CmdDenounce, CmdChairPick, CmdConfess, CmdLetter, CmdInvestigate, CmdStrike:
		for t := range g.seats {
			if g.check(Command{Kind: k, Seat: seat, Target: t}) == nil {
				return true
			}
		}
		return false
	}
	return g.check(Command{Kind: k, Seat: seat}) == nil
}

// CanWrite reports whether v may write to channel ch now.
func (g *Game) CanWrite(v Viewer, ch Channel) bool {
	w, _ := g.channels(v)
	for _, c := range w {
		if c == ch {
			return true
		}
	}
	return false
}

// CanRead reports whether v may read channel ch now.
func (g *Game) CanRead(v Viewer, ch Channel) bool {
	_, r := g.channels(v)
	for _, c := range r {
		if c == ch {
			return true
		}
	}
	return false
}

// channels is the chat rule (RULES.md §2, §5): public chat for the living
// outside the Night (for everyone seated after the game), the Plotters'
// channel for living Plotters (at night unless the setting opens it all
// game; readable by all after the game), the purged channel for the
// purged only, and the spectators' channel for spectators only.
func (g *Game) channels(v Viewer) (write, read []Channel) {
	v = g.viewer(v)
	over := g.phase == PhaseOver
	if !v.IsSeat() {
		read = []Channel{ChannelPublic, ChannelSpectators}
		if over {
			read = append(read, ChannelPlotters)
		}
		return []Channel{ChannelSpectators}, read
	}
	s := g.seats[v.Seat]
	read = []Channel{ChannelPublic}
	if over || (s.alive && g.phase != PhaseNight) {
		write = append(write, ChannelPublic)
	}
	if s.alive && s.role.Faction() == Plotters {
		read = append(read, ChannelPlotters)
		if !over && (g.phase == PhaseNight || g.cfg.PlotterChat == PlotterChatAlways) {
			write = append(write, ChannelPlotters)
		}
	} else if over {
		read = append(read, ChannelPlotters)
	}
	if !s.alive {
		write = append(write, ChannelPurged)
		read = append(read, ChannelPurged)
	}
	return write, read
}
