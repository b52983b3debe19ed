package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
	"congress/server/lobby"
)

func TestIdleLimit(t *testing.T) {
	lim := DefaultLimits()
	creator := &lobby.Member{ID: "d1", Name: "Anna"}
	tests := []struct {
		name    string
		members []*lobby.Member
		joined  bool
		matches int
		want    time.Duration
	}{
		{name: "nobody ever came", members: []*lobby.Member{creator}, want: lim.UnjoinedLobby},
		{name: "only bots beside the creator", members: []*lobby.Member{creator, {ID: "b2", Bot: true}}, want: lim.UnjoinedLobby},
		{name: "the creator came", members: []*lobby.Member{creator}, joined: true, want: lim.EmptyLobby},
		{name: "a delegate joined before a restart", members: []*lobby.Member{creator, {ID: "d2", Name: "Boris"}}, want: lim.EmptyLobby},
		{name: "a game was played", members: []*lobby.Member{creator}, joined: true, matches: 1, want: lim.IdleLobby},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &actor{srv: &Server{opt: Options{Limits: lim}}, st: &lobby.State{Members: tt.members, Matches: tt.matches}, joined: tt.joined}
			assert.Equal(t, tt.want, l.idleLimit())
		})
	}
	t.Run("a shorter IdleLobby shortens all", func(t *testing.T) {
		short := lim
		short.IdleLobby = time.Minute
		l := &actor{srv: &Server{opt: Options{Limits: short}}, st: &lobby.State{Members: []*lobby.Member{creator}}}
		assert.Equal(t, time.Minute, l.idleLimit())
	})
}

// TestUnjoinedLobbyClosesFirst: a lobby whose creator never connected
// closes before one that was visited and left.
func TestUnjoinedLobbyClosesFirst(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.UnjoinedLobby, o.Limits.EmptyLobby = time.Second, 3*time.Second
	})
	// The visited lobby first: it is unjoined too until its creator's
	// welcome.
	visited := e.create("Boris", nil)
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: visited.Code, Token: visited.Token})
	c.welcome()
	unjoined := e.create("Anna", nil)
	c.ws.CloseNow()
	<-c.closed
	require.Eventually(t, func() bool { return e.srv.lobbies.get(unjoined.Code) == nil }, 2500*time.Millisecond, 10*time.Millisecond)
	assert.NotNil(t, e.srv.lobbies.get(visited.Code), "a visited lobby waits longer")
	require.Eventually(t, func() bool { return e.srv.lobbies.get(visited.Code) == nil }, 8*time.Second, 20*time.Millisecond)
}

// TestFullServerSaysWhen: a server holding all the lobbies it may tells
// the next creator when to come back.
func TestFullServerSaysWhen(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.MaxLobbies = 1 })
	e.create("Anna", nil)
	res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(`{"name":"Boris"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	var p protocol.Problem
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, protocol.CodeServerBusy, p.Code)
	assert.Equal(t, "180", res.Header.Get("Retry-After"))
	assert.Contains(t, p.Message, "3 minutes")
}

// TestNewLobbyFoundAtOnce: the invite link works the moment the lobby is
// made: a lookup right after the create finds it, every time.
func TestNewLobbyFoundAtOnce(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.LobbiesPerIP = 100 })
	for range 50 {
		cr := e.create("Anna", nil)
		status, body := e.get("/api/lobbies/" + cr.Code)
		require.Equal(t, http.StatusOK, status, "%s", body)
	}
}
