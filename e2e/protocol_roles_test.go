package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestProtocolRoles runs the real binary and plays one lobby of ten with
// every Congress role turned on by the host's settings, through three
// games over WebSocket: to the Last Shot, where Nikolaev names Koba; to
// parity through the nights, where Yagoda falsifies a report; and to
// Kirov's purge, where nobody fires and the host ends the Last Shot.
// Every message every connection received is then audited: each role's
// knowledge reached its holder only, and the bloc was exposed only in
// the Last Shot.
func TestProtocolRoles(t *testing.T) {
	t.Parallel()
	srv := startWireServer(t)
	cfg := game.DefaultConfig()
	for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime, &cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime, &cfg.LastShotTime} {
		*d = 10 * time.Minute
	}
	base := protocol.SettingsOf(cfg, 10)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &base})

	names := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Lidia", "Maxim"}
	host := dialWire(t, srv, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	host.token = created.Token
	delegates := []*wireClient{host}
	for _, n := range names[1:] {
		c := dialWire(t, srv, n)
		c.send(protocol.Join{Lobby: created.Code, Name: n})
		c.until(protocol.TypeWelcome)
		delegates = append(delegates, c)
	}
	spectator := dialWire(t, srv, "Olga")
	spectator.send(protocol.Watch{Lobby: created.Code, Name: "Olga"})
	spectator.until(protocol.TypeWelcome)
	everyone := append(slices.Clone(delegates), spectator)

	// The host turns every role on: the lobby says which are in play.
	withRoles := base
	withRoles.Roles = game.AllRoles
	host.must(protocol.Host{Action: protocol.HostSettings, Settings: &withRoles})
	var lobby protocol.Lobby
	for _, m := range host.messages() {
		if m.Type == protocol.TypeLobby {
			host.decode(m, &lobby)
		}
	}
	assert.Equal(t, game.AllRoles, lobby.Settings.Roles)
	assert.Equal(t, protocol.LobbyRoles{Seats: 10, Dealt: game.AllRoles, Recommended: game.RecommendedRoles(10)}, lobby.Roles)
	require.True(t, lobby.CanStart, lobby.StartBlock)

	// by role is each delegate's client by the role its own file shows.
	byRole := func() map[game.Role]*wireClient {
		out := map[game.Role]*wireClient{}
		for _, c := range delegates {
			out[c.view.You.Role] = c
		}
		return out
	}
	start := func() map[game.Role]*wireClient {
		host.must(protocol.Host{Action: protocol.HostStart})
		for _, c := range everyone {
			c.sync()
			require.NotNil(t, c.view, c.name)
			assert.True(t, c.view.Rules.LastShot, c.name)
			for _, r := range game.OptionalRoles {
				assert.Contains(t, c.view.Rules.Roles, game.RoleCount{Role: r, Count: 1}, "%s: %s in play", c.name, r)
			}
		}
		roles := byRole()
		require.Len(t, roles, 9, "the ten hold nine roles: every Congress role, Kirov, the Investigator and two plain Loyalists")
		return roles
	}

	// Game 1: the bloc gives Kirov up; the Last Shot opens; Nikolaev
	// names Koba.
	roles := start()
	koba, nikolaev, kirov := roles[game.Koba], roles[game.Nikolaev], roles[game.Kirov]
	bloc := kirov.view.You.Bloc
	require.Len(t, bloc, 4)
	assert.ElementsMatch(t, slices.DeleteFunc(slices.Clone(bloc), func(i int) bool { return i == kirov.seat() }), koba.view.You.Known().OfBloc,
		"Koba knows the bloc but Kirov")
	assert.Equal(t, game.Plotters, roles[game.Bukharin].view.You.Known().ReportedAs)
	assert.Equal(t, game.Loyalists, roles[game.Zinoviev].view.You.Known().ReportedAs)
	for round := 0; host.view.Phase != game.PhaseLastShot; round++ {
		require.Less(t, round, 50, "no Last Shot")
		require.NotEqual(t, game.PhaseOver, host.view.Phase, "the game ended without its Last Shot: %s", host.view.Reason)
		phase := host.view.Phase
		// Each acts on a current view: a stale one may miss the vote.
		for _, c := range delegates {
			c.sync()
		}
		for _, c := range delegates {
			act(t, game.KirovPurged, c)
		}
		host.sync()
		if host.view.Phase == phase && phase != game.PhaseLastShot {
			host.must(protocol.Act{Kind: game.CmdEndPhase})
			host.sync()
		}
	}
	for _, c := range everyone {
		c.sync()
		v := c.view
		require.Equal(t, game.PhaseLastShot, v.Phase, c.name)
		for _, s := range v.Seats {
			if slices.Contains(bloc, s.Seat) {
				assert.Equal(t, game.Plotters, s.Faction, "%s sees %s exposed", c.name, s.Name)
			} else if v.You == nil || s.Seat != v.You.Seat {
				assert.Equal(t, game.NoFaction, s.Faction, "%s sees %s's file", c.name, s.Name)
			}
		}
		assert.Equal(t, c == nikolaev, c.may(game.CmdShoot), c.name)
	}
	require.False(t, kirov.view.You.Alive)
	kirov.must(protocol.Say{Channel: game.ChannelPlotters, Text: "The quiet one in the third row."})
	targets := nikolaev.view.Targets(game.CmdShoot)
	assert.Contains(t, targets, koba.seat())
	for _, i := range bloc {
		assert.NotContains(t, targets, i, "the bloc is no target")
	}
	r := nikolaev.do(protocol.Act{Kind: game.CmdShoot, Target: bloc[0]})
	require.NotNil(t, r)
	assert.Equal(t, game.CodeBadTarget, r.Code, r.Message)
	assert.Equal(t, game.CodeNotYourRole, koba.do(protocol.Act{Kind: game.CmdShoot, Target: koba.seat()}).Code)
	nikolaev.must(protocol.Act{Kind: game.CmdShoot, Target: koba.seat()})
	for _, c := range everyone {
		c.sync()
		assert.Equal(t, game.PhaseOver, c.view.Phase, c.name)
		assert.Equal(t, game.Plotters, c.view.Winner, c.name)
		assert.Equal(t, game.KobaShot, c.view.Reason, c.name)
	}
	heard := func(c *wireClient, text string) bool {
		for _, m := range c.messages() {
			var l protocol.ChatLine
			if m.Type == protocol.TypeChat && m.Decode(&l) == nil && l.Text == text {
				return true
			}
		}
		return false
	}
	assert.True(t, heard(nikolaev, "The quiet one in the third row."), "the purged Kirov confers with his gunman")
	host.must(protocol.Host{Action: protocol.HostRematch})

	// Game 2: the bloc plays for parity through the nights, and Yagoda
	// falsifies the first night's report.
	roles = start()
	winner, reason := playFor(t, game.Parity, host, delegates, []*wireClient{spectator})
	assert.Equal(t, game.Plotters, winner)
	assert.Equal(t, game.Parity, reason)
	yagoda, investigator := roles[game.Yagoda], roles[game.Investigator]
	assert.True(t, logged(yagoda, game.EvFalsified), "Yagoda falsified a report")
	assert.True(t, logged(yagoda, game.EvNamed), "and learnt whom it named")
	if logged(investigator, game.EvInvestigated) {
		assert.True(t, logged(investigator, game.EvReported), "the Investigator's report came at dawn")
	}
	host.must(protocol.Host{Action: protocol.HostRematch})

	// Game 3: Kirov is purged, nobody fires, the host ends the Last Shot:
	// the Loyalists win as they would have.
	start()
	winner, reason = playFor(t, game.KirovPurged, host, delegates, []*wireClient{spectator})
	assert.Equal(t, game.Loyalists, winner)
	assert.Equal(t, game.KirovPurged, reason)

	for _, c := range everyone {
		assert.Empty(t, wireAudit(c), c.name)
	}
}

// logged reports whether c received, in a game message, an event of kind k
// before the game's end.
func logged(c *wireClient, k game.EventKind) bool {
	for _, m := range c.messages() {
		var g protocol.Game
		if m.Type != protocol.TypeGame || m.Decode(&g) != nil || g.View.Phase == game.PhaseOver {
			continue
		}
		for _, e := range g.Log {
			if e.Kind == k {
				return true
			}
		}
	}
	return false
}
