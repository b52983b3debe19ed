package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestWelcomeChannels checks that the welcome says which channels a
// delegate and a spectator may read and write between games, as the
// lobby's rule (lobby.State.CanRead, CanWrite) decides before a game,
// and that a welcome during a game says the same (a view carries the
// game's own), so that a lobby reopened after it follows them.
func TestWelcomeChannels(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	cases := []struct {
		name        string
		dial        func() protocol.Welcome
		read, write []game.Channel
	}{
		{"delegate", func() protocol.Welcome {
			c := e.dial(nil)
			c.send(protocol.Join{Lobby: tb.code, Name: "Olga"})
			return c.welcome()
		}, []game.Channel{game.ChannelPublic}, []game.Channel{game.ChannelPublic}},
		{"spectator", func() protocol.Welcome {
			c := e.dial(nil)
			c.send(protocol.Watch{Lobby: tb.code, Name: "Lev"})
			return c.welcome()
		}, []game.Channel{game.ChannelPublic, game.ChannelSpectators}, []game.Channel{game.ChannelSpectators}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.dial()
			assert.Equal(t, tc.read, w.Read)
			assert.Equal(t, tc.write, w.Write)
		})
	}
	// Pre-game, a delegate may say on the floor what the welcome says, and
	// not in the bloc's channel.
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "before"})
	tb.clients[1].refused(protocol.Say{Channel: game.ChannelPlotters, Text: "plot"}, protocol.CodeChannelClosed)
	// With a game on at night (the floor closed), a returning delegate's
	// welcome still says the channels between games.
	tb.start()
	tb.clients[0].ok(protocol.Act{Kind: game.CmdEndPhase}) // no trial: into the Night
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[0].token})
	w := back.welcome()
	require.NotNil(t, w.Game)
	require.Equal(t, game.PhaseNight, w.Game.View.Phase)
	assert.NotContains(t, w.Game.View.Write, game.ChannelPublic)
	assert.Equal(t, []game.Channel{game.ChannelPublic}, w.Read)
	assert.Equal(t, []game.Channel{game.ChannelPublic}, w.Write)
}

// TestLobbyLimits checks that the lobby carries the seat limits and the
// range of every numeric setting from game.ConfigBounds, and that each
// range is the one the server holds a change to: its ends pass, one
// beyond is refused.
func TestLobbyLimits(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	host := tb.clients[0]
	w := func() protocol.Lobby {
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: tb.code})
		return c.welcome().Lobby
	}()
	b := game.ConfigBounds()
	assert.Equal(t, game.Range{Min: game.MinSeats, Max: game.MaxSeats}, w.Limits.Seats)
	got := map[string]protocol.SettingLimit{}
	for _, l := range w.Limits.Settings {
		got[l.Key] = l
	}
	assert.Equal(t, protocol.SettingLimit{Key: "plotters", Min: 0, Max: b.Plotters.Max}, got["plotters"])
	assert.Equal(t, protocol.SettingLimit{Key: "threshold", Min: 1, Max: game.MaxSeats - 1}, got["threshold"])
	assert.Equal(t, protocol.SettingLimit{Key: "sessions", Min: 0, Max: game.MaxSessions}, got["sessions"])
	assert.Equal(t, protocol.SettingLimit{Key: "debate_seconds", Min: 1, Max: 3600}, got["debate_seconds"])
	assert.Equal(t, protocol.SettingLimit{Key: "max_spectators", Min: 0, Max: protocol.MaxSpectatorsCap}, got["max_spectators"])
	set := map[string]func(*protocol.Settings, int){
		"sessions":          func(s *protocol.Settings, n int) { s.Sessions = n },
		"debate_seconds":    func(s *protocol.Settings, n int) { s.DebateSeconds = n },
		"max_spectators":    func(s *protocol.Settings, n int) { s.MaxSpectators = n },
		"host_away_seconds": func(s *protocol.Settings, n int) { s.HostAwaySeconds = n },
	}
	for key, f := range set {
		t.Run(key, func(t *testing.T) {
			l := got[key]
			for _, n := range []int{l.Min, l.Max} {
				s := quickSettings()
				f(s, n)
				host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s})
			}
			s := quickSettings()
			f(s, l.Max+1)
			_, ref := host.do(protocol.Host{Action: protocol.HostSettings, Settings: s})
			assert.NotNil(t, ref, "%s=%d was accepted", key, l.Max+1)
		})
	}
}

// TestLobbyStartField checks that a Plotters' bloc too big for the
// delegates seated is named as the field the start block is about.
func TestLobbyStartField(t *testing.T) {
	e := newEnv(t)
	tb := e.table(8, quickSettings())
	host := tb.clients[0]
	s := quickSettings()
	s.Plotters = 5
	lv := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s}))
	require.NotNil(t, lv)
	assert.False(t, lv.CanStart)
	assert.Equal(t, "plotters", lv.StartField)
	assert.Contains(t, lv.StartBlock, "Plotters' bloc must be smaller than 4")
	assert.Equal(t, game.ReasonBlocMajority, lv.StartReason, "the words for the host's own language")
	assert.Equal(t, map[string]string{"seats": "8", "max": "4"}, lv.StartParams)
	// The start itself is refused with the same reason, at the same field.
	_, r := host.do(protocol.Host{Action: protocol.HostStart})
	require.NotNil(t, r)
	assert.Equal(t, protocol.RefusedOf(r.ID, &protocol.Error{Code: protocol.CodeCannotStart, Message: lv.StartBlock,
		Field: "plotters", Reason: game.ReasonBlocMajority, Params: lv.StartParams}), *r)
	// A setting out of range is refused naming it, its reason and its bound.
	bad := quickSettings()
	bad.Threshold = 40
	_, r = host.do(protocol.Host{Action: protocol.HostSettings, Settings: bad})
	require.NotNil(t, r)
	assert.Equal(t, game.CodeConfig, r.Code, r.Message)
	assert.Equal(t, "threshold", r.Field)
	assert.Equal(t, game.ReasonThresholdRange, r.Reason)
	assert.Equal(t, map[string]string{"max": "11"}, r.Params)
	s.Plotters = 3
	lv = lastLobby(t, host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s}))
	require.NotNil(t, lv)
	assert.True(t, lv.CanStart)
	assert.Empty(t, lv.StartField)
	assert.Empty(t, lv.StartReason)
	assert.Empty(t, lv.StartParams)
}
