package server

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
	"congress/protocol/wsclient"
	"congress/server/store"
)

// TestDirectoryAlone: a server alone answers for cluster mode through its
// directory, as any other question: it refuses to join a cluster, and to
// drain (errAlone, the operator's refusal), and goes on serving.
func TestDirectoryAlone(t *testing.T) {
	e := newEnv(t)
	require.IsType(t, local{}, e.srv.dir)

	err := e.srv.Join(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no cluster options")

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	assert.ErrorIs(t, e.srv.Drain(ctx), errAlone)
	assert.False(t, e.srv.draining.Load())
	assert.True(t, e.srv.ready.Load(), "still ready")
	assert.NotEmpty(t, e.create("Kirov", nil).Code, "and still opening lobbies")
}

// TestDirectoryCluster: a server with cluster options is a node of its
// cluster from the start: its directory is the cluster's, which lets it
// drain, and it joins once.
func TestDirectoryCluster(t *testing.T) {
	st := openStore(t)
	a := clusterNode(t, st, "a", time.Minute)
	require.IsType(t, clusterDir{}, a.srv.dir)
	assert.NoError(t, a.srv.dir.handOver())
	err := a.srv.Join(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "joined already")
}

// TestDirectoryClusterBeforeJoin: a node of a cluster that has not joined
// it opens no lobby: its codes would be nobody's, and it says it is busy.
func TestDirectoryClusterBeforeJoin(t *testing.T) {
	st := openStore(t)
	e := newEnv(t, func(o *Options) {
		o.Journal = store.NewJournal(st)
		o.Cluster = &ClusterOptions{Store: st, Node: "a", LeaseTTL: time.Minute}
	})
	_, err := wsclient.CreateLobby(t.Context(), nil, e.http.URL, protocol.CreateLobby{Name: "Kirov"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), string(protocol.CodeServerBusy))
	assert.Empty(t, e.srv.lobbies.all())
}
