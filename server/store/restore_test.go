package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lobbyCode is the i-th of n made-up lobby codes.
func lobbyCode(i int) string { return fmt.Sprintf("L%05d", i) }

// More lobbies than JetStream lets one account hold consumers: reading
// each log, and all of them at once, must leave no consumer behind.
func TestReadingLogsLeavesNoConsumer(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	const lobbies = 1100
	for i := range lobbies {
		code := lobbyCode(i)
		seq, err := s.Append(ctx, code, code+"-0", []byte(`{"n":0}`), 0)
		require.NoError(t, err)
		_, err = s.Append(ctx, code, code+"-1", []byte(`{"n":1}`), seq)
		require.NoError(t, err)
	}
	for i := range lobbies {
		recs, err := s.Load(ctx, lobbyCode(i))
		require.NoError(t, err, "lobby %d", i)
		require.Len(t, recs, 2)
	}
	assert.Zero(t, consumers(t, s), "every read deleted its consumer")

	all, err := s.LoadAll(ctx)
	require.NoError(t, err)
	require.Len(t, all, lobbies)
	for i := range lobbies {
		recs := all[lobbyCode(i)]
		require.Len(t, recs, 2, "lobby %d", i)
		assert.JSONEq(t, `{"n":0}`, string(recs[0].Data))
		assert.JSONEq(t, `{"n":1}`, string(recs[1].Data))
		assert.Less(t, recs[0].Seq, recs[1].Seq)
	}
	assert.Zero(t, consumers(t, s))
}

func consumers(t *testing.T, s *Store) int {
	t.Helper()
	info, err := s.lobbies.Info(context.Background())
	require.NoError(t, err)
	return info.State.Consumers
}

// An empty store reads as no lobby at all.
func TestLoadAllEmpty(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	all, err := s.LoadAll(context.Background())
	require.NoError(t, err)
	assert.Empty(t, all)
	var _ jetstream.Stream = s.lobbies
}
