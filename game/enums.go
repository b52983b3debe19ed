package game

import "fmt"

// enumText is shared by every enum of this package: each has a table of
// wire names, encodes as its name and refuses unknown names when decoding.
func enumText[T ~int](v T, names []string) ([]byte, error) {
	if int(v) < 0 || int(v) >= len(names) {
		return nil, fmt.Errorf("game: invalid %T %d", v, int(v))
	}
	return []byte(names[v]), nil
}

func enumParse[T ~int](dst *T, text []byte, names []string) error {
	for i, n := range names {
		if n == string(text) {
			*dst = T(i)
			return nil
		}
	}
	return fmt.Errorf("game: unknown %T %q", *dst, text)
}

func enumString[T ~int](v T, names []string) string {
	if int(v) < 0 || int(v) >= len(names) {
		return fmt.Sprintf("%T(%d)", v, int(v))
	}
	return names[v]
}

// Faction is a camp: Stalin's Loyalists or Kirov's Plotters.
type Faction int

// Factions. NoFaction is the zero value for "nobody" (no winner yet).
const (
	NoFaction Faction = iota
	Loyalists
	Plotters
)

var factionNames = []string{"none", "loyalists", "plotters"}

func (f Faction) String() string                { return enumString(f, factionNames) }
func (f Faction) MarshalText() ([]byte, error)  { return enumText(f, factionNames) }
func (f *Faction) UnmarshalText(b []byte) error { return enumParse(f, b, factionNames) }

// Role is what a delegate was dealt.
type Role int

// Roles.
const (
	NoRole Role = iota
	Loyalist
	Investigator
	Plotter
	Kirov
	// The Congress roles (ROLES.md), each dealt only when the host turns
	// it on and the count allows it.
	Koba         // a Loyalist: Stalin incognito, who knows the bloc but Kirov
	Nikolaev     // a Plotter: the bloc's gunman, who fires the Last Shot
	Bukharin     // a Loyalist the NKVD reports as a Plotter
	Zinoviev     // a Plotter the NKVD reports as a Loyalist
	Tukhachevsky // a Loyalist: the Marshal, whom the Army shields from a thin purge
	Yagoda       // a Plotter: the NKVD's chief, who may falsify one report
)

var roleNames = []string{"none", "loyalist", "investigator", "plotter", "kirov",
	"koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"}

// lastRole is the highest Role.
const lastRole = Yagoda

func (r Role) String() string                { return enumString(r, roleNames) }
func (r Role) MarshalText() ([]byte, error)  { return enumText(r, roleNames) }
func (r *Role) UnmarshalText(b []byte) error { return enumParse(r, b, roleNames) }

// Faction is the camp a role belongs to.
func (r Role) Faction() Faction {
	switch r {
	case Loyalist, Investigator, Koba, Bukharin, Tukhachevsky:
		return Loyalists
	case Plotter, Kirov, Nikolaev, Zinoviev, Yagoda:
		return Plotters
	}
	return NoFaction
}

// Phase is the part of a session the Congress is in.
type Phase int

// Phases, in the order a session runs them.
const (
	PhaseDebate      Phase = iota // chat, denounce, Ready
	PhaseAccusation               // a tie at the top: the Chair picks the Accused
	PhaseDefence                  // the Accused's last word
	PhaseVote                     // the purge vote
	PhaseConfession               // the purged delegate may name someone
	PhaseNight                    // letters, investigation, Plotters' channel
	PhaseFinalBallot              // after the last session: strike one name
	PhaseOver                     // the game has ended
	// PhaseLastShot comes between the Loyalists' victory and the end,
	// when Koba and Nikolaev are in play: Nikolaev names one Loyalist.
	PhaseLastShot
)

var phaseNames = []string{"debate", "accusation", "defence", "vote", "confession", "night", "final_ballot", "over", "last_shot"}

func (p Phase) String() string                { return enumString(p, phaseNames) }
func (p Phase) MarshalText() ([]byte, error)  { return enumText(p, phaseNames) }
func (p *Phase) UnmarshalText(b []byte) error { return enumParse(p, b, phaseNames) }

// Reveal is what the Congress learns of a purged delegate's file.
type Reveal int

// Reveal settings.
const (
	RevealNothing Reveal = iota // "the file is sealed"
	RevealFaction
	RevealRole
)

var revealNames = []string{"nothing", "faction", "role"}

func (r Reveal) String() string                { return enumString(r, revealNames) }
func (r Reveal) MarshalText() ([]byte, error)  { return enumText(r, revealNames) }
func (r *Reveal) UnmarshalText(b []byte) error { return enumParse(r, b, revealNames) }

// BallotKind is how the purge vote is shown: open, each vote with its
// voter, or secret, only the counts (until the game's end).
type BallotKind int

// Ballot kinds.
const (
	BallotOpen BallotKind = iota
	BallotSecret
)

var ballotKindNames = []string{"open", "secret"}

func (b BallotKind) String() string                { return enumString(b, ballotKindNames) }
func (b BallotKind) MarshalText() ([]byte, error)  { return enumText(b, ballotKindNames) }
func (b *BallotKind) UnmarshalText(t []byte) error { return enumParse(b, t, ballotKindNames) }

// PlotterChat is when the Plotters' private channel is open.
type PlotterChat int

// PlotterChat settings.
const (
	PlotterChatNight PlotterChat = iota
	PlotterChatAlways
)

var plotterChatNames = []string{"night", "always"}

func (p PlotterChat) String() string                { return enumString(p, plotterChatNames) }
func (p PlotterChat) MarshalText() ([]byte, error)  { return enumText(p, plotterChatNames) }
func (p *PlotterChat) UnmarshalText(b []byte) error { return enumParse(p, b, plotterChatNames) }

// Channel is a chat channel. Who may read and write which channel, and
// when, is a rule: see Game.CanWrite and Game.CanRead.
type Channel int

// Channels.
const (
	ChannelPublic Channel = iota
	ChannelPlotters
	ChannelPurged
	ChannelSpectators
)

var channelNames = []string{"public", "plotters", "purged", "spectators"}

// Channels lists every channel, for callers that iterate them.
var Channels = []Channel{ChannelPublic, ChannelPlotters, ChannelPurged, ChannelSpectators}

func (c Channel) String() string                { return enumString(c, channelNames) }
func (c Channel) MarshalText() ([]byte, error)  { return enumText(c, channelNames) }
func (c *Channel) UnmarshalText(b []byte) error { return enumParse(c, b, channelNames) }

// WinReason says how the game ended.
type WinReason int

// Ways to win (RULES.md §3).
const (
	NotOver      WinReason = iota
	KirovPurged            // Loyalists: Kirov purged
	Parity                 // Plotters: living Plotters >= living Loyalists
	KirovStruck            // Loyalists: Kirov alone had the most strikes
	KirovElected           // Plotters: anyone else ahead or a tie at the top
	KobaShot               // Plotters: Nikolaev's Last Shot found Koba
)

var winReasonNames = []string{"not_over", "kirov_purged", "parity", "kirov_struck", "kirov_elected", "koba_shot"}

func (w WinReason) String() string                { return enumString(w, winReasonNames) }
func (w WinReason) MarshalText() ([]byte, error)  { return enumText(w, winReasonNames) }
func (w *WinReason) UnmarshalText(b []byte) error { return enumParse(w, b, winReasonNames) }

// Source says where a standing denunciation comes from.
type Source int

// Denunciation sources.
const (
	FromDelegate   Source = iota // a living delegate's public mark
	FromLetter                   // the anonymous letter of the night before
	FromConfession               // named in a purged delegate's confession
)

var sourceNames = []string{"delegate", "letter", "confession"}

func (s Source) String() string                { return enumString(s, sourceNames) }
func (s Source) MarshalText() ([]byte, error)  { return enumText(s, sourceNames) }
func (s *Source) UnmarshalText(b []byte) error { return enumParse(s, b, sourceNames) }
