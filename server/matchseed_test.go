package server

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
	"congress/server/lobby"
	"congress/server/store"
)

// startedSeed is the seed of the lobby's last started record, as the
// journal keeps it.
func startedSeed(t *testing.T, recs []lobby.Record) string {
	t.Helper()
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Kind == lobby.RecStarted {
			require.NotNil(t, recs[i].MatchSeed, "a started record without its seed")
			return recs[i].MatchSeed.String()
		}
	}
	t.Fatal("no started record")
	return ""
}

// resumeHost brings the host of tb back on e, as its browser would.
func resumeHost(e *env, tb *table) *table {
	e.t.Helper()
	host := e.dial(nil)
	host.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[0].token})
	w := host.welcome()
	require.NotNil(e.t, w.Game)
	host.lobby = &w.Lobby
	return &table{env: e, code: tb.code, clients: []*client{host}}
}

// checkFiled reads match id's file from hist and checks that it reveals
// the seed committed to at the start, and verifies.
func checkFiled(t *testing.T, hist lobby.Matches, id, commitment, seed string) {
	t.Helper()
	var raw []byte
	require.Eventually(t, func() bool {
		var err error
		raw, err = hist.MatchLog(context.Background(), id)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	var f protocol.MatchFile
	require.NoError(t, json.Unmarshal(raw, &f))
	assert.Equal(t, commitment, f.Commitment)
	assert.Equal(t, seed, f.Seed.String())
	assert.Equal(t, commitment, f.Seed.Commitment())
	_, err := protocol.Verify(&f)
	assert.NoError(t, err)
}

// TestMatchSeedSurvivesARestart: a server stops mid-game and another
// restores the lobby from the journal; the game ends there, revealing
// the seed whose commitment the players were shown before the restart.
func TestMatchSeedSurvivesARestart(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	commitment := tb.clients[0].lobby.Commitment
	require.Len(t, commitment, 64)
	assert.Empty(t, tb.clients[0].lobby.Seed)
	seed := startedSeed(t, e.records(tb.code))
	require.NoError(t, e.srv.Close(context.Background()))

	hist := newMemMatches(0)
	e2 := newEnv(t, func(o *Options) { o.Journal, o.Matches = e.journal, hist })
	n, err := e2.srv.RestoreAll(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	tb2 := resumeHost(e2, tb)
	assert.Equal(t, commitment, tb2.clients[0].lobby.Commitment, "the same commitment after the restart")
	id := tb2.playToEnd()
	tb2.clients[0].sync()
	assert.Equal(t, protocol.LobbyOver, tb2.clients[0].lobby.State)
	assert.Equal(t, seed, tb2.clients[0].lobby.Seed, "the lobby shows the seed once over")
	checkFiled(t, hist, id, commitment, seed)
}

// TestMatchSeedSurvivesFailover: the node running a game closes and
// another node of the cluster takes the lobby over; the game ends there,
// revealing the seed committed to on the first node.
func TestMatchSeedSurvivesFailover(t *testing.T) {
	st := openStore(t)
	node := func(name string) *env {
		e := newEnv(t, func(o *Options) {
			o.Journal = store.NewJournal(st)
			o.Cluster = &ClusterOptions{Store: st, Node: name, LeaseTTL: time.Minute}
			o.Matches = st
		})
		require.NoError(t, e.srv.Join(t.Context()))
		return e
	}
	a, b := node("a"), node("b")
	tb := a.table(5, quickSettings())
	tb.start()
	commitment := tb.clients[0].lobby.Commitment
	require.Len(t, commitment, 64)
	seed := tb.replayed(tb.code).Match.Seed.String()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, a.srv.Close(ctx))
	require.Eventually(t, func() bool { return b.srv.lobbies.get(tb.code) != nil }, 5*time.Second, 10*time.Millisecond)
	tb2 := resumeHost(b, tb)
	assert.Equal(t, commitment, tb2.clients[0].lobby.Commitment, "the same commitment on the new node")
	id := tb2.playToEnd()
	checkFiled(t, st, id, commitment, seed)
}
