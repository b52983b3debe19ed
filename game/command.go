package game

// CommandKind is what a delegate (or the host) asks the Congress to do.
type CommandKind int

// Command kinds. Seat is the acting delegate; host commands (EndPhase,
// Pause, Resume) carry no seat: the server decides who is host.
const (
	CmdDenounce    CommandKind = iota // Debate: mark Target (replaces an earlier mark)
	CmdWithdraw                       // Debate: withdraw one's mark
	CmdReady                          // Debate: ready to close the Debate
	CmdUnready                        // Debate: take Ready back
	CmdChairPick                      // Accusation: the Chair picks Target among the tied
	CmdPurgeVote                      // Vote: Purge (true) or Spare (false)
	CmdConfess                        // Confession: the purged delegate names Target
	CmdLetter                         // Night: a Plotter proposes Target for the anonymous letter
	CmdInvestigate                    // Night: the Investigator investigates Target
	CmdStrike                         // Final Ballot: strike Target's name
	CmdEndPhase                       // host: end the current phase now
	CmdPause                          // host: stop the clock
	CmdResume                         // host: restart the clock
	CmdFalsify                        // Night: Yagoda falsifies tonight's report (once a game)
	CmdShoot                          // Last Shot: Nikolaev names Target
)

// lastCommand is the highest CommandKind.
const lastCommand = CmdShoot

var commandNames = []string{
	"denounce", "withdraw", "ready", "unready", "chair_pick", "purge_vote",
	"confess", "letter", "investigate", "strike", "end_phase", "pause", "resume",
	"falsify", "shoot",
}

func (k CommandKind) String() string                { return enumString(k, commandNames) }
func (k CommandKind) MarshalText() ([]byte, error)  { return enumText(k, commandNames) }
func (k *CommandKind) UnmarshalText(b []byte) error { return enumParse(k, b, commandNames) }

// HostOnly reports whether the command belongs to the host, not a seat.
func (k CommandKind) HostOnly() bool { return k == CmdEndPhase || k == CmdPause || k == CmdResume }

// TakesTarget reports whether a command of this kind is aimed at a seat,
// its Target; the others ignore Target.
func (k CommandKind) TakesTarget() bool {
	switch k {
	case CmdDenounce, CmdChairPick, CmdConfess, CmdLetter, CmdInvestigate, CmdStrike, CmdShoot:
		return true
	}
	return false
}

// Secret reports whether only the holder of some role is ever offered a
// command of this kind (the Night's letter and investigation, Yagoda's
// falsified report, Nikolaev's shot): a screen that shows it tells
// whoever looks at it that role.
func (k CommandKind) Secret() bool {
	switch k {
	case CmdLetter, CmdInvestigate, CmdFalsify, CmdShoot:
		return true
	}
	return false
}

// TakesPurge reports whether a command of this kind is a purge vote,
// Purge saying which way; the others ignore Purge.
func (k CommandKind) TakesPurge() bool { return k == CmdPurgeVote }

// Command is one request to the engine. It is a plain value so that a
// match log is a list of (Command, time) and replays exactly.
type Command struct {
	Kind   CommandKind `json:"kind"`
	Seat   int         `json:"seat"`
	Target int         `json:"target,omitempty"`
	Purge  bool        `json:"purge,omitempty"`
}

// NoSeat marks "nobody": a host command's seat, no Chair, no Accused.
const NoSeat = -1
