package game

import "time"

// EventKind names one line of the match log.
type EventKind int

// Event kinds. The comment says who may see the event before the game is
// over; after it, everyone sees every event.
const (
	EvGameStarted       EventKind = iota // public: seat order, the seed's Commitment
	EvSessionOpened                      // public: Session, Seat = Chair
	EvDenounced                          // public: Seat denounces Target
	EvWithdrew                           // public: Seat withdraws
	EvReady                              // public
	EvUnready                            // public
	EvCarried                            // public: Target starts with a denunciation from Source (Seat = confessor)
	EvNoTrial                            // public: nobody reached the threshold
	EvTied                               // public: Seats tied at the top, the Chair picks
	EvAccused                            // public: Target accused with Count denunciations; Seat = Chair if picked, Drawn if by lot
	EvVoted                              // public: Seat has voted (no value)
	EvVoteCast                           // the voter: Seat voted Purge
	EvBallot                             // public: PurgeCount/SpareCount, Votes if open ballot; Target purged or spared
	EvPurged                             // public: Target purged; Role/Faction if revealed by the setting
	EvSpared                             // public
	EvConfessed                          // public: Seat names Target (Target NoSeat: no confession)
	EvNightFell                          // public
	EvLetterProposed                     // Plotters: Seat proposes Target
	EvLetterSent                         // Plotters: the bloc's letter goes against Target (public the next morning via EvCarried)
	EvInvestigated                       // the Investigator: Target's Faction
	EvFinalBallotOpened                  // public
	EvStruck                             // public: Seat has struck a name (no value)
	EvStrikeCast                         // the striker: Seat struck Target
	EvFinalCount                         // public: Strikes per seat
	EvPhaseEnded                         // public: the host ended the phase
	EvPaused                             // public
	EvResumed                            // public
	EvGameOver                           // public: Winner, Reason, Roles, Seed
	EvVoteOpened                         // public: the Defence is over, the purge vote on Target opens
	EvArmy                               // public: the Army saved Target, the Marshal, from the purge
	EvFalsified                          // Yagoda: Seat falsifies tonight's report
	EvReported                           // the Investigator, at dawn with Yagoda in play: Target's reported Faction
	EvNamed                              // Yagoda: the Investigator named Target the night Yagoda falsified (NoSeat: nobody)
	EvLastShot                           // public: the Last Shot; Seats are the bloc, exposed
	EvShot                               // public: Seat, Nikolaev, names Target
)

var eventNames = []string{
	"game_started", "session_opened", "denounced", "withdrew", "ready", "unready",
	"carried", "no_trial", "tied", "accused", "voted", "vote_cast", "ballot", "purged",
	"spared", "confessed", "night_fell", "letter_proposed", "letter_sent", "investigated",
	"final_ballot_opened", "struck", "strike_cast", "final_count", "phase_ended",
	"paused", "resumed", "game_over", "vote_opened",
	"army", "falsified", "reported", "named", "last_shot", "shot",
}

func (k EventKind) String() string                { return enumString(k, eventNames) }
func (k EventKind) MarshalText() ([]byte, error)  { return enumText(k, eventNames) }
func (k *EventKind) UnmarshalText(b []byte) error { return enumParse(k, b, eventNames) }

// audience is who may see an event while the game runs.
type audience int

const (
	toAll      audience = iota
	toPlotters          // every living Plotter, and those purged after it
	toSeat              // Event.Seat only
)

// logged is, for each command kind, the event by which the log shows the
// command applied (the first it writes, by the command's seat, nobody's
// for the host's), who sees that event while the game runs, and whether
// it names the command's target. apply writes the event from here (the
// Chair's pick as every accusation is written); Command.Logged and
// View.Audience read it for a caller that waits to see a command applied.
var logged = [...]struct {
	kind  EventKind
	to    audience
	aimed bool
}{
	CmdDenounce:    {EvDenounced, toAll, true},
	CmdWithdraw:    {EvWithdrew, toAll, false},
	CmdReady:       {EvReady, toAll, false},
	CmdUnready:     {EvUnready, toAll, false},
	CmdChairPick:   {EvAccused, toAll, true},
	CmdPurgeVote:   {EvVoted, toAll, false},
	CmdConfess:     {EvConfessed, toAll, true},
	CmdLetter:      {EvLetterProposed, toPlotters, true},
	CmdInvestigate: {EvInvestigated, toSeat, true},
	CmdStrike:      {EvStruck, toAll, false},
	CmdEndPhase:    {EvPhaseEnded, toAll, false},
	CmdPause:       {EvPaused, toAll, false},
	CmdResume:      {EvResumed, toAll, false},
	CmdFalsify:     {EvFalsified, toSeat, false},
	CmdShoot:       {EvShot, toAll, true},
}

// Logged reports whether e is the event by which the log shows c applied:
// of the kind that logs c, by c's seat (by nobody for the host's
// commands), naming c's target where that event names one.
func (c Command) Logged(e Event) bool {
	if c.Kind < 0 || int(c.Kind) >= len(logged) {
		return false
	}
	l := logged[c.Kind]
	seat := c.Seat
	if c.Kind.HostOnly() {
		seat = NoSeat
	}
	return e.Kind == l.kind && e.Seat == seat && (!l.aimed || e.Target == c.Target)
}

// Audience is who sees, as it happens, the event that logs c (see
// Logged), c being a command of this view's own delegate: every viewer,
// spectators included (all), or only seats.
func (v *View) Audience(c Command) (seats []int, all bool) {
	if c.Kind < 0 || int(c.Kind) >= len(logged) {
		return nil, false
	}
	switch logged[c.Kind].to {
	case toAll:
		return nil, true
	case toSeat:
		return []int{c.Seat}, false
	}
	// The bloc's events: its living members.
	if v.You != nil {
		for _, s := range v.You.Bloc {
			if s >= 0 && s < len(v.Seats) && v.Seats[s].Alive {
				seats = append(seats, s)
			}
		}
	}
	return seats, false
}

// Event is one line of the match log. Fields that do not apply to a kind
// are left at their zero value and omitted on the wire.
type Event struct {
	Kind    EventKind `json:"kind"`
	At      time.Time `json:"at"`
	Session int       `json:"session"`
	Phase   Phase     `json:"phase"`
	Seat    int       `json:"seat"`
	Target  int       `json:"target"`

	Seats      []int      `json:"seats,omitempty"` // EvTied; EvGameStarted: player index per seat is in Names
	Names      []string   `json:"names,omitempty"` // EvGameStarted: names in seat order
	Count      int        `json:"count,omitempty"`
	Drawn      bool       `json:"drawn,omitempty"` // EvAccused: picked by lot; EvLetterSent: tie broken by lot
	Purge      bool       `json:"purge,omitempty"`
	Source     Source     `json:"source,omitempty"`
	PurgeCount int        `json:"purge_count,omitempty"`
	SpareCount int        `json:"spare_count,omitempty"`
	Votes      []SeatVote `json:"votes,omitempty"`
	Strikes    []int      `json:"strikes,omitempty"` // EvFinalCount: strikes per seat
	Faction    Faction    `json:"faction,omitempty"`
	Role       Role       `json:"role,omitempty"`
	Winner     Faction    `json:"winner,omitempty"`
	Reason     WinReason  `json:"reason,omitempty"`
	Roles      []Role     `json:"roles,omitempty"` // EvGameOver: every role in seat order
	// Commitment (EvGameStarted) is the match seed's Seed.Commitment, and
	// Seed (EvGameOver) the seed itself, both in hexadecimal.
	Commitment string `json:"commitment,omitempty"`
	Seed       string `json:"seed,omitempty"`
	audience   audience
}

// SeatVote is one delegate's purge vote, shown under an open ballot and
// to everyone after the game.
type SeatVote struct {
	Seat  int  `json:"seat"`
	Purge bool `json:"purge"`
}

// logFilter is which events of the log one viewer may see, worked out
// once for a whole read of the log rather than for every event.
type logFilter struct {
	all      bool // the game is over: every event
	seat     int  // the viewer's seat, NoSeat for a spectator
	plotter  bool // a Plotter, who sees the bloc's events
	purgedIn int  // a purged Plotter sees the bloc's events of earlier sessions only
}

func (g *Game) logFilter(v Viewer) logFilter {
	f := logFilter{all: g.phase == PhaseOver || v.everything, seat: v.Seat}
	if v.IsSeat() {
		s := &g.seats[v.Seat]
		f.plotter = s.role.Faction() == Plotters
		if !s.alive {
			f.purgedIn = s.purgedIn
		}
	}
	return f
}

func (f *logFilter) visible(e *Event) bool {
	switch {
	case f.all || e.audience == toAll:
		return true
	case e.audience == toPlotters:
		return f.plotter && (f.purgedIn == 0 || e.Session < f.purgedIn)
	}
	return e.audience == toSeat && f.seat != NoSeat && f.seat == e.Seat
}
