package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

func rolesShown(v game.View) int {
	n := 0
	for _, sv := range v.Seats {
		if sv.Role != game.NoRole {
			n++
		}
	}
	return n
}

// TestGalleryKnock: with the setting that shows spectators every role,
// anyone may watch (a delegate from a second window too), but only the
// spectators the host admits by name see the roles; the rest see the
// public record.
func TestGalleryKnock(t *testing.T) {
	e := newEnv(t)
	s := quickSettings()
	s.SpectatorsSeeRoles, s.SpectatorDelay = true, 0
	tb := e.table(5, s)
	host := tb.clients[0]

	friend := e.dial(nil)
	friend.send(protocol.Watch{Lobby: tb.code})
	fw := friend.welcome()
	require.NotEmpty(t, fw.Gallery)
	tab := e.dial(nil) // a delegate's second window
	tab.send(protocol.Watch{Lobby: tb.code})
	tw := tab.welcome()
	assert.NotEqual(t, fw.Gallery, tw.Gallery)

	// Knocks: the lobby lists them for the host.
	friend.ok(protocol.Knock{Name: "Olga"})
	friend.ok(protocol.Knock{Name: "Olga"}) // again: nothing changes
	friend.refused(protocol.Knock{Name: "Pyotr"}, protocol.CodeBadMessage)
	lv := lastLobby(t, host.sync())
	require.NotNil(t, lv)
	assert.Equal(t, []protocol.Knocker{{ID: fw.Gallery, Name: "Olga"}}, lv.Knocks)
	tab.refused(protocol.Knock{Name: "Boris"}, protocol.CodeNameTaken)     // a delegate's name
	tab.refused(protocol.Knock{Name: "\u041elga"}, protocol.CodeNameTaken) // Olga, in Cyrillic
	tb.clients[1].refused(protocol.Knock{Name: "Pyotr"}, protocol.CodeNotSpectator)
	tb.clients[1].refused(protocol.Host{Action: protocol.HostAdmit, Spectator: fw.Gallery}, protocol.CodeNotHost)
	host.refused(protocol.Host{Action: protocol.HostAdmit, Spectator: tw.Gallery}, protocol.CodeUnknownMember) // never knocked
	host.refused(protocol.Host{Action: protocol.HostAdmit, Spectator: "s999"}, protocol.CodeUnknownMember)

	// Before admission, the game shows no spectator a role.
	tb.start()
	for _, c := range []*client{friend, tab} {
		g := c.game()
		assert.Equal(t, 0, rolesShown(g.View), "a spectator not admitted sees a role")
	}

	// Admitted, the friend gets the game again with every role and the
	// whole log so far; the second window does not.
	got := host.ok(protocol.Host{Action: protocol.HostAdmit, Spectator: fw.Gallery})
	lv = lastLobby(t, got)
	require.NotNil(t, lv)
	assert.Equal(t, []protocol.Knocker{{ID: fw.Gallery, Name: "Olga", Admitted: true}}, lv.Knocks)
	g := friend.game()
	assert.Equal(t, 5, rolesShown(g.View))
	require.NotEmpty(t, g.Log)
	assert.Equal(t, game.EvGameStarted, g.Log[0].Kind)

	// And so on as the game goes: each stream its own.
	tb.clients[1].ok(protocol.Act{Kind: game.CmdDenounce, Target: tb.clients[2].seat})
	assert.Equal(t, 5, rolesShown(friend.game().View))
	assert.Equal(t, 0, rolesShown(tab.game().View))
	tab.quiet()

	// Turned away again, the friend sees the public record.
	host.ok(protocol.Host{Action: protocol.HostDeny, Spectator: fw.Gallery})
	assert.Equal(t, 0, rolesShown(friend.game().View))
	tb.clients[1].ok(protocol.Act{Kind: game.CmdWithdraw})
	assert.Equal(t, 0, rolesShown(friend.game().View))

	// A spectator who leaves takes the knock away.
	tab.ok(protocol.Knock{Name: "Pyotr"})
	require.Len(t, lastLobby(t, host.sync()).Knocks, 1)
	tab.ok(protocol.Leave{})
	m, _ := host.until(protocol.TypeLobby)
	var after protocol.Lobby
	decode(t, m, &after)
	assert.Empty(t, after.Knocks)
}
