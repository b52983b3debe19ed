package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestTheWholeLogAtTheEnd: when the game ends, every connection in the
// lobby, delegate or spectator, live or arriving later, receives the
// whole log, the lines that were secret included, as the match's file
// has it.
func TestTheWholeLogAtTheEnd(t *testing.T) {
	t.Run("an ordinary gallery", func(t *testing.T) { testWholeLogAtTheEnd(t, false) })
	t.Run("a gallery that sees all, admitted or not, behind a delay", func(t *testing.T) { testWholeLogAtTheEnd(t, true) })
}

func testWholeLogAtTheEnd(t *testing.T, seeAll bool) {
	e := newEnv(t)
	s := quickSettings()
	if seeAll {
		s.SpectatorsSeeRoles, s.SpectatorDelay = true, 1
	}
	tb := e.table(5, s)
	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code, Name: "Olga"})
	spec.welcome()
	admitted := e.dial(nil)
	admitted.send(protocol.Watch{Lobby: tb.code})
	aw := admitted.welcome()
	admitted.ok(protocol.Knock{Name: "Pyotr"})
	tb.clients[0].ok(protocol.Host{Action: protocol.HostAdmit, Spectator: aw.Gallery})
	spec.sync()
	admitted.sync()
	tb.start()
	spec.game()
	admitted.game()

	// Every delegate but Kirov denounces Kirov and votes to purge: the
	// Loyalists win at once, and each vote was a secret of its voter's.
	roles := tb.roles()
	kirov := -1
	for seat, r := range roles {
		if r == game.Kirov {
			kirov = seat
		}
	}
	require.GreaterOrEqual(t, kirov, 0)
	for _, c := range tb.clients {
		if c.seat != kirov {
			c.ok(protocol.Act{Kind: game.CmdDenounce, Target: kirov})
		}
	}
	for _, c := range tb.clients {
		c.ok(protocol.Act{Kind: game.CmdReady})
	}
	tb.clients[0].ok(protocol.Act{Kind: game.CmdEndPhase}) // Defence → Vote
	for _, c := range tb.clients {
		if c.seat != kirov {
			c.ok(protocol.Act{Kind: game.CmdPurgeVote, Purge: true})
		}
	}

	g := tb.replayed(tb.code).Match.Game
	require.True(t, g.Over())
	whole, _ := g.Log(game.Spectator, 0)
	want := mustJSON(t, whole)
	casts := 0
	for _, ev := range whole {
		if ev.Kind == game.EvVoteCast {
			casts++
		}
	}
	require.Equal(t, 4, casts, "the file has every vote")

	// The live: each one's last Game is the whole log, ending the game.
	for i, c := range append(tb.clients, spec, admitted) {
		c.sync()
		for c.view == nil || c.view.View.Phase != game.PhaseOver { // the gallery may be behind
			c.game()
		}
		require.NotNil(t, c.view, "viewer %d", i)
		assert.Equal(t, game.PhaseOver, c.view.View.Phase)
		assert.Equal(t, game.EvGameStarted, c.view.Log[0].Kind, "viewer %d: not the whole log", i)
		assert.Equal(t, want, mustJSON(t, c.view.Log), "viewer %d", i)
	}

	// Those who come after: a spectator, a delegate back on a new connection.
	late := e.dial(nil)
	late.send(protocol.Watch{Lobby: tb.code})
	w := late.welcome()
	require.NotNil(t, w.Game)
	assert.Equal(t, want, mustJSON(t, w.Game.Log), "a late spectator")
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[2].token})
	w = back.welcome()
	require.NotNil(t, w.Game)
	assert.Equal(t, want, mustJSON(t, w.Game.Log), "a delegate back")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
