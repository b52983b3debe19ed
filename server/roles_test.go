package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
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

// TestCreateLobbyRoles: a lobby may be opened with roles; a role the
// rules refuse is a typed refusal in words for the host.
func TestCreateLobbyRoles(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   protocol.Code
		wantIn     string
	}{
		{"Koba and Nikolaev", `{"name":"Anna","settings":{"roles":["nikolaev","koba"],"last_shot_seconds":30}}`, http.StatusCreated, "", ""},
		{"a role that is none", `{"name":"Anna","settings":{"roles":["beria"]}}`, http.StatusBadRequest, game.CodeConfig, `no Congress role "beria"`},
		{"Nikolaev alone", `{"name":"Anna","settings":{"roles":["nikolaev"]}}`, http.StatusBadRequest, game.CodeConfig, "Nikolaev plays only with Koba"},
		{"a Last Shot of a day", `{"name":"Anna","settings":{"last_shot_seconds":86400}}`, http.StatusBadRequest, game.CodeConfig, "Last Shot timer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(tt.body))
			require.NoError(t, err)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			require.Equal(t, tt.wantStatus, res.StatusCode, "%s", b)
			if tt.wantStatus != http.StatusCreated {
				var p protocol.Problem
				require.NoError(t, json.Unmarshal(b, &p), "%s", b)
				assert.Equal(t, tt.wantCode, p.Code)
				assert.Contains(t, p.Message, tt.wantIn)
				return
			}
			var c protocol.Created
			require.NoError(t, json.Unmarshal(b, &c))
			_, body := e.get("/api/lobbies/" + c.Code)
			var sum protocol.LobbySummary
			require.NoError(t, json.Unmarshal(body, &sum))
			assert.Equal(t, game.Roles(game.Koba, game.Nikolaev), sum.Settings.Roles)
			assert.Equal(t, 30, sum.Settings.LastShotSeconds)
		})
	}
}

// TestHardBot: the host may seat a hard bot; the lobby says its strength.
func TestHardBot(t *testing.T) {
	e := newEnv(t)
	tb := e.table(1, quickSettings())
	lv := lastLobby(t, tb.clients[0].ok(protocol.Host{Action: protocol.HostAddBot, Strength: protocol.StrengthHard}))
	require.NotNil(t, lv)
	require.Len(t, lv.Members, 2)
	assert.True(t, lv.Members[1].Bot)
	assert.Equal(t, "hard", lv.Members[1].Strength)
}
