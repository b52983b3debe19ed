package game

// Voice at the table (VOICE.md). The voice rooms are the chat channels:
// the floor is the public channel, and the Plotters, the purged and the
// spectators each have their own room. Who may speak and hear in each is
// the chat rule (channels) with the floor narrowed by the phase: only the
// Accused in the Defence, only the purged delegate in the Confession,
// nobody in the votes or at Night, only the revealed bloc in the Last
// Shot.

// VoiceRoute is where one viewer's voice goes and what they hear, now.
// A listener hears a speaker when a room the speaker speaks in is one
// the listener hears (Hears). Muted, when set, says in the players'
// words why the viewer may not speak on the floor.
type VoiceRoute struct {
	Speak []Channel `json:"speak"`
	Hear  []Channel `json:"hear"`
	Muted string    `json:"muted,omitempty"`

	speak, hear channelSet
}

// The reasons a viewer may not speak on the floor.
const (
	MutedNight      = "Night: the floor is silent."
	MutedVote       = "The purge vote: the floor is silent."
	MutedFinal      = "The Final Ballot: the floor is silent."
	MutedDefence    = "Defence: only the Accused speaks."
	MutedConfession = "Confession: only the purged delegate speaks."
	MutedLastShot   = "The Last Shot: only the Plotters speak."
	MutedPurged     = "Purged: you speak only among the purged."
	MutedSpectator  = "The gallery: you speak only among spectators."
)

// Voice is the voice route of viewer v in the game's current state.
func (g *Game) Voice(v Viewer) VoiceRoute {
	v = g.viewer(v)
	write, read := g.channels(v)
	// Live voice in a side room is heard only by those who may speak in it
	// now: reading a channel's past (the Plotters' log after the game) is
	// not listening to it.
	speak := write &^ setOf(ChannelPublic)
	hear := (read & setOf(ChannelPublic, ChannelSpectators)) | (write &^ setOf(ChannelPublic))
	muted := "" // the viewer may speak on the floor
	switch {
	case g.floorOpen(v, write):
		speak |= setOf(ChannelPublic)
	case !v.IsSeat():
		muted = MutedSpectator
	case !g.seats[v.Seat].alive && g.phase != PhaseOver:
		muted = MutedPurged
	default:
		muted = g.floorMute()
	}
	return newRoute(speak, hear, muted)
}

// floorOpen reports whether v may speak on the floor now.
func (g *Game) floorOpen(v Viewer, write channelSet) bool {
	switch g.phase {
	case PhaseVote, PhaseFinalBallot, PhaseNight:
		return false
	case PhaseDefence:
		return write.has(ChannelPublic) && v.Seat == g.accused
	case PhaseConfession:
		return v.IsSeat() && v.Seat == g.purgedAt
	case PhaseLastShot:
		// The bloc stands revealed: its members, living and purged,
		// speak to all.
		return v.IsSeat() && g.seats[v.Seat].role.Faction() == Plotters
	}
	return write.has(ChannelPublic)
}

// floorMute is why a living delegate may not speak on the floor now.
func (g *Game) floorMute() string {
	switch g.phase {
	case PhaseNight:
		return MutedNight
	case PhaseVote:
		return MutedVote
	case PhaseFinalBallot:
		return MutedFinal
	case PhaseDefence:
		return MutedDefence
	case PhaseConfession:
		return MutedConfession
	case PhaseLastShot:
		return MutedLastShot
	}
	return ""
}

// LobbyVoice is the voice route before a game and between games: the
// lobby's members speak and hear one another on the floor; a guest of
// the gallery hears the floor and speaks only among the gallery.
func LobbyVoice(member bool) VoiceRoute {
	if member {
		return newRoute(setOf(ChannelPublic), setOf(ChannelPublic), "")
	}
	return newRoute(setOf(ChannelSpectators), setOf(ChannelPublic, ChannelSpectators), MutedSpectator)
}

func newRoute(speak, hear channelSet, muted string) VoiceRoute {
	return VoiceRoute{
		Speak: speak.list(make([]Channel, 0, len(allChannels))),
		Hear:  hear.list(make([]Channel, 0, len(allChannels))),
		Muted: muted,
		speak: speak, hear: hear,
	}
}

// Hears reports whether a listener with route r hears a speaker with
// route speaker (one's own voice aside: that is the caller's to skip).
func (r VoiceRoute) Hears(speaker VoiceRoute) bool {
	return r.hearSet()&speaker.speakSet() != 0
}

// Speaks reports whether the route's voice goes to room ch.
func (r VoiceRoute) Speaks(ch Channel) bool { return r.speakSet().has(ch) }

// Listens reports whether the route hears room ch.
func (r VoiceRoute) Listens(ch Channel) bool { return r.hearSet().has(ch) }

// speakSet and hearSet read the lists, so that a route decoded from JSON
// answers as the one the engine made.
func (r VoiceRoute) speakSet() channelSet {
	if r.speak != 0 || len(r.Speak) == 0 {
		return r.speak
	}
	return validSet(r.Speak)
}

func (r VoiceRoute) hearSet() channelSet {
	if r.hear != 0 || len(r.Hear) == 0 {
		return r.hear
	}
	return validSet(r.Hear)
}

// validSet is the set of the known channels among chs.
func validSet(chs []Channel) (s channelSet) {
	for _, ch := range chs {
		if ch >= 0 && int(ch) < len(allChannels) {
			s |= 1 << ch
		}
	}
	return s
}
