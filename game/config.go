package game

import (
	"fmt"
	"strconv"
	"time"
)

// Seat limits (RULES.md §1).
const (
	MinSeats = 5
	MaxSeats = 12
)

// InvestigatorFrom is the fewest delegates an NKVD Investigator is dealt
// with (Config.Investigator).
const InvestigatorFrom = 6

// defaultTable is the project's table of docs/RULES.md: Plotters (Kirov
// included) and sessions before the Final Ballot, by number of delegates.
// Each row is where the simulator's Normal bots leave both camps near
// even (docs/BALANCE.md).
var defaultTable = [MaxSeats + 1]struct{ plotters, sessions int }{
	5: {2, 4}, 6: {2, 3}, 7: {2, 4}, 8: {3, 5},
	9: {3, 4}, 10: {4, 5}, 11: {4, 4}, 12: {4, 4},
}

// row is the table's row for a number of delegates; none outside 5 to 12.
func row(seats int) struct{ plotters, sessions int } {
	if seats < 0 || seats > MaxSeats {
		return defaultTable[0]
	}
	return defaultTable[seats]
}

// Config holds every setting of RULES.md. The zero value is not valid; start
// from DefaultConfig.
type Config struct {
	// Plotters is the size of Kirov's bloc, Kirov included; 0 takes the
	// RULES.md §1 table for the number of delegates.
	Plotters int `json:"plotters"`
	// Sessions before the Final Ballot; 0 takes the RULES.md §1 table.
	Sessions int `json:"sessions"`
	// Investigator deals one NKVD Investigator when InvestigatorFrom or
	// more sit.
	Investigator bool `json:"investigator"`
	// Roles are the Congress roles turned on (ROLES.md); each is dealt
	// only when the count allows it (Config.RolesFor).
	Roles RoleSet `json:"roles,omitempty"`
	// LastShotTime is the Last Shot's timer; 0 takes 60 seconds.
	LastShotTime time.Duration `json:"last_shot_time,omitempty"`

	DebateTime time.Duration `json:"debate_time"`
	// Threshold is the fewest denunciations that make an Accused.
	Threshold       int           `json:"threshold"`
	ChairPickTime   time.Duration `json:"chair_pick_time"`
	DefenceTime     time.Duration `json:"defence_time"`
	VoteTime        time.Duration `json:"vote_time"`
	ConfessionTime  time.Duration `json:"confession_time"`
	NightTime       time.Duration `json:"night_time"`
	FinalBallotTime time.Duration `json:"final_ballot_time"`

	// OpenBallot shows each purge vote with its voter; a secret ballot
	// shows only the two counts.
	OpenBallot bool `json:"open_ballot"`
	// Reveal is what the Congress learns of a purged delegate's file.
	Reveal Reveal `json:"reveal"`
	// PlotterChat is when the Plotters' channel is open.
	PlotterChat PlotterChat `json:"plotter_chat"`
	// PurgedSeeRoles lets purged delegates see every role.
	PurgedSeeRoles bool `json:"purged_see_roles"`
	// SpectatorsSeeRoles lets spectators see every role; the server then
	// holds their stream back by SpectatorDelay.
	SpectatorsSeeRoles bool          `json:"spectators_see_roles"`
	SpectatorDelay     time.Duration `json:"spectator_delay"`
}

// DefaultConfig is ruleset "1934" as RULES.md gives it.
func DefaultConfig() Config {
	return Config{
		Investigator:    true,
		DebateTime:      120 * time.Second,
		Threshold:       2,
		ChairPickTime:   20 * time.Second,
		DefenceTime:     30 * time.Second,
		VoteTime:        30 * time.Second,
		ConfessionTime:  20 * time.Second,
		NightTime:       30 * time.Second,
		FinalBallotTime: 60 * time.Second,
		LastShotTime:    60 * time.Second,
		OpenBallot:      true,
		Reveal:          RevealNothing,
		PlotterChat:     PlotterChatNight,
		SpectatorDelay:  60 * time.Second,
	}
}

// Longest is the upper bound of every timer, so a typo cannot freeze a
// lobby for a week.
const Longest = time.Hour

// MaxSessions is the most sessions a Congress may sit before the Final
// Ballot.
const MaxSessions = 20

// Range is the closed interval of values a setting may take.
type Range struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Bounds are the ranges Validate and ValidateSeats allow, whatever the
// number of delegates: the one source of every limit a form shows.
type Bounds struct {
	Seats     Range
	Threshold Range
	// Plotters and Sessions take 0 for "by table" beside their range.
	Plotters Range
	Sessions Range
	// Timer is the range of every phase timer, SpectatorDelay the
	// spectators' delay, both in whole seconds.
	Timer          Range
	SpectatorDelay Range
}

// ConfigBounds returns the limits of every numeric setting.
func ConfigBounds() Bounds {
	return Bounds{
		Seats:          Range{MinSeats, MaxSeats},
		Threshold:      Range{1, MaxSeats - 1},
		Plotters:       Range{0, (MaxSeats - 1) / 2},
		Sessions:       Range{0, MaxSessions},
		Timer:          Range{1, int(Longest / time.Second)},
		SpectatorDelay: Range{0, int(Longest / time.Second)},
	}
}

// Validate refuses settings that can never make a game, whatever the
// number of delegates.
func (c Config) Validate() error {
	timers := []struct {
		key, name string
		d         time.Duration
	}{
		{"debate", "Debate", c.DebateTime}, {"chair_pick", "Chair's pick", c.ChairPickTime},
		{"defence", "Defence", c.DefenceTime}, {"vote", "Purge vote", c.VoteTime},
		{"confession", "Confession", c.ConfessionTime}, {"night", "Night", c.NightTime},
		{"final_ballot", "Final Ballot", c.FinalBallotTime},
	}
	if c.LastShotTime != 0 {
		timers = append(timers, struct {
			key, name string
			d         time.Duration
		}{"last_shot", "Last Shot", c.LastShotTime})
	}
	for _, t := range timers {
		if t.d < time.Second || t.d > Longest {
			return configError(ReasonTimerRange, t.key+"_seconds", map[string]string{"timer": t.key},
				"The %s timer must be between 1 second and 1 hour.", t.name)
		}
	}
	if err := c.validateRoles(); err != nil {
		return err
	}
	if c.SpectatorDelay < 0 || c.SpectatorDelay > Longest {
		return configError(ReasonDelayRange, "spectator_delay_seconds", nil, "The spectator delay must be between 0 and 1 hour.")
	}
	if c.Threshold < 1 || c.Threshold > MaxSeats-1 {
		return configError(ReasonThresholdRange, "threshold", params("max", MaxSeats-1),
			"The accusation threshold must be between 1 and %d denunciations.", MaxSeats-1)
	}
	if c.Plotters < 0 || c.Plotters > (MaxSeats-1)/2 {
		return configError(ReasonPlottersRange, "plotters", params("max", (MaxSeats-1)/2),
			"The Plotters' bloc must have between 1 and %d members (0 follows the table).", (MaxSeats-1)/2)
	}
	if c.Sessions < 0 || c.Sessions > MaxSessions {
		return configError(ReasonSessionsRange, "sessions", params("max", MaxSessions),
			"Sessions before the Final Ballot must be between 1 and %d (0 follows the table).", MaxSessions)
	}
	if c.Reveal < RevealNothing || c.Reveal > RevealRole {
		return configError(ReasonRevealUnknown, "reveal", nil, "Unknown reveal setting.")
	}
	if c.PlotterChat < PlotterChatNight || c.PlotterChat > PlotterChatAlways {
		return configError(ReasonChatUnknown, "plotter_chat", nil, "Unknown Plotters' channel setting.")
	}
	return nil
}

// ValidateSeats is Validate plus the checks that need the number of
// delegates: 5 to 12 seats, and a Plotters' bloc that is a minority.
func (c Config) ValidateSeats(seats int) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if seats < MinSeats || seats > MaxSeats {
		seated := fmt.Sprintf("%d are seated", seats)
		if seats == 1 {
			seated = "1 is seated"
		}
		return &Error{Code: CodeSeats, Reason: ReasonSeatCount, Params: params("min", MinSeats, "max", MaxSeats, "n", seats),
			Message: fmt.Sprintf("The Congress needs %d to %d delegates; %s.", MinSeats, MaxSeats, seated)}
	}
	if p := c.PlottersFor(seats); 2*p >= seats {
		return configError(ReasonBlocMajority, "plotters", params("seats", seats, "max", (seats+1)/2),
			"With %d delegates the Plotters' bloc must be smaller than %d.", seats, (seats+1)/2)
	}
	if c.Threshold > seats-1 {
		return configError(ReasonThresholdAtMost, "threshold", params("seats", seats, "max", seats-1),
			"With %d delegates the accusation threshold can be at most %d.", seats, seats-1)
	}
	return c.fitRoles(seats)
}

// PlottersFor is the size of Kirov's bloc with this many delegates.
func (c Config) PlottersFor(seats int) int {
	if c.Plotters > 0 {
		return c.Plotters
	}
	return row(seats).plotters
}

// InvestigatorFor is whether an NKVD Investigator is dealt with this many
// delegates.
func (c Config) InvestigatorFor(seats int) bool {
	return c.Investigator && seats >= InvestigatorFrom
}

// SessionsFor is the number of sessions before the Final Ballot.
func (c Config) SessionsFor(seats int) int {
	if c.Sessions > 0 {
		return c.Sessions
	}
	return row(seats).sessions
}

// LastShotTimer is the Last Shot's timer: LastShotTime, or 60 seconds for 0.
func (c Config) LastShotTimer() time.Duration {
	if c.LastShotTime == 0 {
		return 60 * time.Second
	}
	return c.LastShotTime
}

// configError is a refusal of a setting (field, its JSON key), for
// reason with its params.
func configError(reason Reason, field string, p map[string]string, format string, args ...any) error {
	return &Error{Code: CodeConfig, Field: field, Reason: reason, Params: p, Message: fmt.Sprintf(format, args...)}
}

// params is a refusal's params from name, value pairs: a string as it
// is, a number in decimal, a role by its name on the wire.
func params(kv ...any) map[string]string {
	p := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		var v string
		switch x := kv[i+1].(type) {
		case string:
			v = x
		case int:
			v = strconv.Itoa(x)
		case Role:
			v = x.String()
		default:
			panic(fmt.Sprintf("game: a refusal's param of type %T", x))
		}
		p[kv[i].(string)] = v
	}
	return p
}
