package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestLobbyRoles checks that the lobby carries, from the game, when each
// Congress role is dealt and the recommended set at every count; the
// roles its settings deal with the delegates seated; a set too big for
// them as the start block at the setting "roles"; and a set the rules
// refuse whatever the count as a typed refusal that changes nothing.
func TestLobbyRoles(t *testing.T) {
	e := newEnv(t)
	tb := e.table(8, quickSettings())
	host := tb.clients[0]
	s := quickSettings()
	s.Roles = game.Roles(game.Koba, game.Nikolaev, game.Tukhachevsky)
	lv := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s}))
	require.NotNil(t, lv)
	assert.Equal(t, s.Roles, lv.Settings.Roles)
	assert.Equal(t, protocol.LobbyRoles{Seats: 8, Dealt: s.Roles, Recommended: game.RecommendedRoles(8)}, lv.Roles)
	assert.True(t, lv.CanStart, lv.StartBlock)
	require.Len(t, lv.Limits.Roles, len(game.OptionalRoles))
	assert.Equal(t, protocol.RoleLimit{Name: game.Koba, Camp: game.Loyalists, From: 7}, lv.Limits.Roles[0])
	assert.Equal(t, protocol.RoleLimit{Name: game.Nikolaev, Camp: game.Plotters, From: 7, With: game.Koba}, lv.Limits.Roles[1])
	assert.Equal(t, protocol.RoleLimit{Name: game.Yagoda, Camp: game.Plotters, From: 8, With: game.Investigator}, lv.Limits.Roles[5])
	require.Len(t, lv.Limits.Recommended, game.MaxSeats-game.MinSeats+1)
	for _, r := range lv.Limits.Recommended {
		assert.Equal(t, game.RecommendedRoles(r.Seats), r.Roles, "%d seats", r.Seats)
	}

	s.Roles = game.Roles(game.Koba, game.Nikolaev, game.Zinoviev, game.Yagoda)
	lv = lastLobby(t, host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s}))
	require.NotNil(t, lv)
	assert.False(t, lv.CanStart)
	assert.Equal(t, "roles", lv.StartField)
	assert.Equal(t, "With 8 delegates Kirov's bloc has 2 other seats: too few for 3 of its roles. Turn one off.", lv.StartBlock)
	host.refused(protocol.Host{Action: protocol.HostStart}, protocol.CodeCannotStart)

	bad := quickSettings()
	bad.Roles = game.Roles(game.Nikolaev)
	_, ref := host.do(protocol.Host{Action: protocol.HostSettings, Settings: bad})
	require.NotNil(t, ref)
	assert.Equal(t, game.CodeConfig, ref.Code)
	assert.Equal(t, "Nikolaev plays only with Koba: turn Koba on, or Nikolaev off.", ref.Message)
	lv = lastLobby(t, host.ok(protocol.Host{Action: protocol.HostPublic, Public: true}))
	require.NotNil(t, lv)
	assert.Equal(t, s.Roles, lv.Settings.Roles, "a refused change leaves the orders as they stood")
}
