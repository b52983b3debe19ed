package server

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
