package game

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// voiceOracle says whether listener l may hear speaker s now, from the
// plain facts of the game and VOICE.md's table, written out here again on
// purpose rather than by calling the engine's channel rules.
func voiceOracle(g *Game, l, s Viewer) bool {
	fl, fs := factsOf(g, l), factsOf(g, s)
	phase, cfg := g.phase, g.cfg
	over := phase == PhaseOver
	// The side rooms.
	switch {
	case !fl.isSeat() && !fs.isSeat():
		return true // the gallery among itself
	case fl.isSeat() && fs.isSeat() && fl.iAmPurged() && fs.iAmPurged():
		return true // the purged among themselves
	case !over && fl.iAmAlive() && fl.iAmPlotter() && fs.iAmAlive() && fs.iAmPlotter() &&
		(phase == PhaseNight || cfg.PlotterChat == PlotterChatAlways):
		return true // the bloc, while its channel is open
	case phase == PhaseLastShot && fl.iAmPlotter() && fs.iAmPlotter():
		return true // the bloc, living and purged, before the Last Shot
	}
	// The floor, which every listener hears.
	if !fs.isSeat() {
		return false
	}
	switch phase {
	case PhaseOver:
		return true
	case PhaseDebate, PhaseAccusation:
		return fs.iAmAlive()
	case PhaseDefence:
		return fs.me() == g.accused
	case PhaseConfession:
		return fs.purgedIn[fs.me()] == g.session
	case PhaseLastShot:
		return fs.iAmPlotter() // revealed: the bloc speaks to all
	}
	return false // the votes and the Night
}

// voiceViewers are every seat and both kinds of spectator.
func voiceViewers(g *Game) []Viewer {
	vs := []Viewer{Spectator, AdmittedSpectator}
	for i := range g.seats {
		vs = append(vs, SeatViewer(i))
	}
	return vs
}

// checkVoice requires that every pair of viewers is routed as the oracle
// says, and that the route survives the trip to the client as JSON.
func checkVoice(t testing.TB, g *Game) {
	t.Helper()
	vs := voiceViewers(g)
	routes := make([]VoiceRoute, len(vs))
	for i, v := range vs {
		routes[i] = g.Voice(v)
		var back VoiceRoute
		require.NoError(t, json.Unmarshal(voiceJSON(routes[i]), &back))
		routes[i] = back
	}
	for i, l := range vs {
		for j, s := range vs {
			if i == j {
				continue
			}
			require.Equal(t, voiceOracle(g, l, s), routes[i].Hears(routes[j]),
				"%s session %d: does %+v hear %+v? routes %+v / %+v", g.phase, g.session, l, s, routes[i], routes[j])
		}
	}
}

func voiceJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestVoiceLeakRandomGames walks random games (random sizes and settings)
// and after every step requires that nobody is routed a voice they may
// not hear, and that nobody is cut off from one they may.
func TestVoiceLeakRandomGames(t *testing.T) {
	phases := map[Phase]int{}
	walkRandomGames(t, 60, 41, func(g *Game, _ int, _ bool) {
		phases[g.phase]++
		checkVoice(t, g)
	})
	for p := PhaseDebate; p <= PhaseOver; p++ {
		require.NotZero(t, phases[p], "no random game reached %s", p)
	}
	require.NotZero(t, phases[PhaseLastShot], "no random game reached the Last Shot")
}

// voiceAt are the states of one 7-seat game, seats "KPILLLL" (0 Kirov,
// 1 a Plotter, 2 the Investigator, 3–6 Loyalists), Chair 0.
func voiceAt(t *testing.T, cfg Config, state string) *table {
	tb := rig(t, cfg, "KPILLLL", 0)
	switch state {
	case "debate":
	case "defence":
		tb.denounceAll(5, 0, 1, 2, 3, 4)
		tb.readyAll()
	case "vote":
		tb.denounceAll(5, 0, 1, 2, 3, 4)
		tb.readyAll()
		tb.do(endPhase())
	case "confession":
		tb.purgeOf(5)
	case "night":
		tb.toNight()
	case "night after a purge":
		tb.purgeOf(5)
		tb.do(endPhase())
	case "debate after a purge":
		tb.purgeOf(5)
		tb.do(endPhase())
		tb.expire()
	case "over":
		tb.purgeOf(0) // Kirov purged: the Loyalists win at once
	default:
		t.Fatalf("unknown state %q", state)
	}
	return tb
}

func TestVoiceTable(t *testing.T) {
	const (
		kirov, plotter, inv, loyal, accused = 0, 1, 2, 4, 5
		spec                                = NoSeat
	)
	always := DefaultConfig()
	always.PlotterChat = PlotterChatAlways
	type hears struct{ listener, speaker int }
	cases := []struct {
		state  string
		cfg    Config
		phase  Phase
		yes    []hears
		no     []hears
		muted  map[int]string // viewer → reason shown ("" may speak)
		speaks map[int][]Channel
	}{
		{
			state: "debate", cfg: DefaultConfig(), phase: PhaseDebate,
			yes:    []hears{{loyal, kirov}, {kirov, loyal}, {spec, loyal}, {spec, plotter}},
			no:     []hears{{loyal, spec}, {kirov, spec}},
			muted:  map[int]string{loyal: "", kirov: "", spec: MutedSpectator},
			speaks: map[int][]Channel{loyal: {ChannelPublic}, plotter: {ChannelPublic}, spec: {ChannelSpectators}},
		},
		{
			state: "debate", cfg: always, phase: PhaseDebate,
			yes:    []hears{{loyal, kirov}, {plotter, kirov}},
			speaks: map[int][]Channel{loyal: {ChannelPublic}, plotter: {ChannelPublic, ChannelPlotters}},
		},
		{
			state: "defence", cfg: DefaultConfig(), phase: PhaseDefence,
			yes:   []hears{{loyal, accused}, {kirov, accused}, {spec, accused}},
			no:    []hears{{accused, loyal}, {loyal, kirov}, {spec, inv}},
			muted: map[int]string{accused: "", loyal: MutedDefence, kirov: MutedDefence},
		},
		{
			state: "vote", cfg: DefaultConfig(), phase: PhaseVote,
			no:    []hears{{loyal, accused}, {accused, loyal}, {loyal, kirov}, {kirov, plotter}, {spec, kirov}},
			muted: map[int]string{accused: MutedVote, loyal: MutedVote, spec: MutedSpectator},
		},
		{
			state: "vote", cfg: always, phase: PhaseVote,
			yes: []hears{{kirov, plotter}, {plotter, kirov}},
			no:  []hears{{loyal, kirov}, {spec, plotter}},
		},
		{
			state: "confession", cfg: DefaultConfig(), phase: PhaseConfession,
			yes:    []hears{{loyal, accused}, {kirov, accused}, {spec, accused}},
			no:     []hears{{accused, loyal}, {loyal, kirov}},
			muted:  map[int]string{accused: "", loyal: MutedConfession},
			speaks: map[int][]Channel{accused: {ChannelPublic, ChannelPurged}},
		},
		{
			state: "night", cfg: DefaultConfig(), phase: PhaseNight,
			yes:    []hears{{kirov, plotter}, {plotter, kirov}},
			no:     []hears{{loyal, kirov}, {inv, plotter}, {spec, kirov}, {spec, plotter}, {loyal, inv}, {kirov, loyal}},
			muted:  map[int]string{loyal: MutedNight, kirov: MutedNight, spec: MutedSpectator},
			speaks: map[int][]Channel{kirov: {ChannelPlotters}, loyal: {}},
		},
		{
			state: "night after a purge", cfg: DefaultConfig(), phase: PhaseNight,
			yes:   []hears{{kirov, plotter}},
			no:    []hears{{loyal, accused}, {kirov, accused}, {accused, kirov}, {spec, accused}, {accused, spec}},
			muted: map[int]string{accused: MutedPurged},
		},
		{
			state: "debate after a purge", cfg: DefaultConfig(), phase: PhaseDebate,
			yes:    []hears{{accused, loyal}, {accused, kirov}, {loyal, kirov}},
			no:     []hears{{loyal, accused}, {kirov, accused}, {spec, accused}},
			muted:  map[int]string{accused: MutedPurged, loyal: ""},
			speaks: map[int][]Channel{accused: {ChannelPurged}},
		},
		{
			state: "over", cfg: DefaultConfig(), phase: PhaseOver,
			yes:   []hears{{loyal, kirov}, {kirov, loyal}, {loyal, 0}, {spec, kirov}, {plotter, loyal}},
			no:    []hears{{loyal, spec}},
			muted: map[int]string{kirov: "", loyal: ""},
		},
	}
	viewer := func(i int) Viewer {
		if i == spec {
			return Spectator
		}
		return SeatViewer(i)
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s", c.state, c.cfg.PlotterChat), func(t *testing.T) {
			tb := voiceAt(t, c.cfg, c.state)
			g := tb.g
			require.Equal(t, c.phase, g.phase)
			for _, h := range c.yes {
				require.True(t, g.Voice(viewer(h.listener)).Hears(g.Voice(viewer(h.speaker))), "%d should hear %d", h.listener, h.speaker)
			}
			for _, h := range c.no {
				require.False(t, g.Voice(viewer(h.listener)).Hears(g.Voice(viewer(h.speaker))), "%d must not hear %d", h.listener, h.speaker)
			}
			for v, why := range c.muted {
				require.Equal(t, why, g.Voice(viewer(v)).Muted, "viewer %d", v)
			}
			for v, chs := range c.speaks {
				require.Equal(t, chs, g.Voice(viewer(v)).Speak, "viewer %d", v)
			}
			checkVoice(t, g)
		})
	}
}

func TestVoiceLobby(t *testing.T) {
	member, guest := LobbyVoice(true), LobbyVoice(false)
	require.True(t, member.Hears(member))
	require.True(t, guest.Hears(member), "the gallery hears the lobby")
	require.False(t, member.Hears(guest), "the lobby does not hear the gallery")
	require.True(t, guest.Hears(guest))
	require.Empty(t, member.Muted)
	require.Equal(t, MutedSpectator, guest.Muted)
}

// TestVoiceRouteUnknownChannels: a route decoded with channels the engine
// does not know routes nothing through them (and does not panic).
func TestVoiceRouteUnknownChannels(t *testing.T) {
	var r VoiceRoute
	require.NoError(t, json.Unmarshal([]byte(`{"speak":["public"],"hear":["plotters"]}`), &r))
	bad := VoiceRoute{Speak: []Channel{-1, 9}, Hear: []Channel{-3, 40}}
	require.False(t, r.Hears(bad))
	require.False(t, bad.Hears(r))
	require.True(t, r.Speaks(ChannelPublic))
	require.True(t, r.Listens(ChannelPlotters))
}
