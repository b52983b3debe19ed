package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
	"congress/server/store"
)

// openStore is an embedded NATS store for the test, closed after every
// server of the test.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// clusterNode is a server that is one node of a cluster on st.
func clusterNode(t *testing.T, st *store.Store, node string, ttl time.Duration) *env {
	t.Helper()
	e := newEnv(t, func(o *Options) {
		o.Journal = store.NewJournal(st)
		o.Cluster = &ClusterOptions{Store: st, Node: node, LeaseTTL: ttl}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.srv.Join(ctx))
	return e
}

// A node that has lost a lobby without noticing — its lease went, another
// node claimed the lobby — is refused at its next append: it drops the
// lobby, sends its clients to reconnect, and nothing it was refused is
// in the log. The delegate resumes on the new owner.
func TestClusterDeposedOwnerRefused(t *testing.T) {
	st := openStore(t)
	// Leases far longer than the test: node a does not renew before its
	// next command, as a node that is slow or cut off would not.
	a := clusterNode(t, st, "a", time.Minute)
	b := clusterNode(t, st, "b", time.Minute)
	cr := a.create("Anna", quickSettings())
	host := a.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "before"})

	// The lease goes, as when it expires, and node b claims the lobby.
	ctx := context.Background()
	leases, err := st.Leases(ctx, time.Minute)
	require.NoError(t, err)
	lease, err := leases.Get(ctx, cr.Code)
	require.NoError(t, err)
	require.NoError(t, leases.Release(ctx, cr.Code, lease.Rev))
	require.Eventually(t, func() bool { return b.srv.lobbies.get(cr.Code) != nil }, 5*time.Second, 10*time.Millisecond)
	require.NotNil(t, a.srv.lobbies.get(cr.Code), "node a has not noticed")

	// Node a's next append is refused: no answer, a reconnect.
	host.send(protocol.Say{ID: 77, Channel: game.ChannelPublic, Text: "after"})
	status, closing := host.expectClose()
	assert.Equal(t, websocket.StatusGoingAway, status)
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeReconnect, closing.Code)
	require.Eventually(t, func() bool { return a.srv.lobbies.get(cr.Code) == nil }, 5*time.Second, 10*time.Millisecond, "node a still runs the lobby")

	recs, err := store.NewJournal(st).Records(ctx, cr.Code)
	require.NoError(t, err)
	var said []string
	for _, r := range recs {
		if r.Kind == lobby.RecChat {
			said = append(said, r.Chat.Text)
		}
	}
	assert.Equal(t, []string{"before"}, said)
	assert.Equal(t, lobby.RecClaimed, recs[len(recs)-1].Kind)
	assert.Equal(t, "b", recs[len(recs)-1].Name)

	// The delegate comes back through either node and finds the lobby on b.
	again := a.dial(nil)
	again.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	w := again.welcome()
	assert.Equal(t, []string{"before"}, chatTexts(w.Chat))
	again.ok(protocol.Say{Channel: game.ChannelPublic, Text: "on b"})
	require.Nil(t, a.srv.lobbies.get(cr.Code), "the lobby is relayed, not run on a again")
}

// Clients of one node play in a lobby of another through a relay; the
// lobby list and summaries are the same from every node; when the owner
// drains, the other node claims the lobby, the clients are told to
// reconnect, and they resume where they were.
func TestClusterRelayAndDrain(t *testing.T) {
	st := openStore(t)
	a := clusterNode(t, st, "a", 2*time.Second)
	b := clusterNode(t, st, "b", 2*time.Second)

	cr := a.create("Anna", quickSettings())
	host := b.dial(nil) // every client is on b; the lobby runs on a
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.token = cr.Token
	tb := &table{env: b, code: cr.Code, clients: []*client{host}}
	for _, name := range testNames[1:5] {
		c := b.dial(nil)
		c.send(protocol.Join{Lobby: cr.Code, Name: name})
		c.welcome()
		tb.clients = append(tb.clients, c)
	}
	spec := b.dial(nil)
	spec.send(protocol.Watch{Lobby: cr.Code, Name: "Olga"})
	spec.welcome()
	require.NotNil(t, a.srv.lobbies.get(cr.Code))
	require.Nil(t, b.srv.lobbies.get(cr.Code))

	host.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
	got := host.ok(protocol.Host{Action: protocol.HostStart})
	g := lastGame(t, got)
	require.NotNil(t, g)
	host.seat = g.View.You.Seat
	for _, c := range tb.clients[1:] {
		c.game()
	}
	for _, c := range tb.clients {
		c.ok(protocol.Act{Kind: game.CmdReady})
	}
	spec.sync()

	// Both nodes list the lobby and know its summary.
	for _, n := range []*env{a, b} {
		require.Eventually(t, func() bool {
			var list []protocol.LobbySummary
			res, err := http.Get(n.http.URL + "/api/lobbies")
			if err != nil {
				return false
			}
			defer res.Body.Close()
			_ = json.NewDecoder(res.Body).Decode(&list)
			return len(list) == 1 && list[0].Code == cr.Code && list[0].State == protocol.LobbyPlaying && list[0].Spectators == 1
		}, 5*time.Second, 50*time.Millisecond)
		res, err := http.Get(n.http.URL + "/api/lobbies/" + cr.Code)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
	}

	before := map[*client]string{}
	everyone := append(append([]*client{}, tb.clients...), spec)
	for _, c := range everyone {
		c.sync()
		v, err := json.Marshal(c.view.View)
		require.NoError(t, err)
		before[c] = string(v)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, a.srv.Drain(ctx))
	res, err := http.Get(a.http.URL + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	for _, c := range everyone {
		status, closing := c.expectClose()
		assert.Equal(t, websocket.StatusGoingAway, status)
		require.NotNil(t, closing)
		assert.Equal(t, protocol.CodeReconnect, closing.Code)
	}
	require.Eventually(t, func() bool { return b.srv.lobbies.get(cr.Code) != nil }, 5*time.Second, 10*time.Millisecond)

	for i, c := range everyone {
		again := b.dial(nil)
		if c == spec {
			again.send(protocol.Watch{Lobby: cr.Code, Name: "Olga"})
		} else {
			again.send(protocol.Resume{Lobby: cr.Code, Token: c.token})
		}
		w := again.welcome()
		require.NotNil(t, w.Game)
		v, err := json.Marshal(w.Game.View)
		require.NoError(t, err)
		assert.JSONEq(t, before[c], string(v), "client %d sees another game", i)
		if c != spec {
			again.sync()
		}
	}
}

// A node that stops (SIGTERM) lets its lobbies go at once: another node
// claims each without waiting for the leases to expire.
func TestClusterCloseHandsOver(t *testing.T) {
	st := openStore(t)
	a := newEnv(t, func(o *Options) {
		o.Journal = store.NewJournal(st)
		o.Cluster = &ClusterOptions{Store: st, Node: "a", LeaseTTL: time.Minute}
	})
	require.NoError(t, a.srv.Join(t.Context()))
	b := clusterNode(t, st, "b", time.Minute)
	cr := a.create("Anna", quickSettings())
	host := b.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "before"})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, a.srv.Close(ctx))
	_, closing := host.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeReconnect, closing.Code)
	require.Eventually(t, func() bool { return b.srv.lobbies.get(cr.Code) != nil }, 5*time.Second, 10*time.Millisecond)

	again := b.dial(nil)
	again.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	w := again.welcome()
	assert.Equal(t, []string{"before"}, chatTexts(w.Chat))
}
