package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
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

// A read of a lobby's log while the NATS server is away for a moment
// (restarting, as a cluster's stream leader moves) waits for it and
// succeeds, and so do the other reads of a restore.
func TestReadsWaitForJetStream(t *testing.T) {
	ctx := context.Background()
	defer func(try time.Duration) { settleTry = try }(settleTry)
	settleTry = 300 * time.Millisecond
	dir := t.TempDir()
	start := func(port int) *natsserver.Server {
		ns, err := natsserver.NewServer(&natsserver.Options{
			Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoSigs: true, NoLog: true,
		})
		require.NoError(t, err)
		ns.Start()
		require.True(t, ns.ReadyForConnections(10*time.Second))
		return ns
	}
	ns := start(-1)
	port := ns.Addr().(*net.TCPAddr).Port
	defer func() { ns.Shutdown() }()
	s, err := Open(ctx, Options{URLs: ns.ClientURL(), DataDir: t.TempDir()})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Append(ctx, "ABCDEF", "a-0", []byte(`{"n":0}`), 0)
	require.NoError(t, err)

	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"load", func() error {
			recs, err := s.Load(ctx, "ABCDEF")
			if err == nil && len(recs) != 1 {
				err = fmt.Errorf("%d records", len(recs))
			}
			return err
		}},
		{"load all", func() error {
			all, err := s.LoadAll(ctx)
			if err == nil && len(all["ABCDEF"]) != 1 {
				err = fmt.Errorf("%d records", len(all["ABCDEF"]))
			}
			return err
		}},
		{"exists", func() error {
			found, err := s.Exists(ctx, "ABCDEF")
			if err == nil && !found {
				err = errors.New("not found")
			}
			return err
		}},
		{"list", func() error { _, err := s.Lobbies(ctx); return err }},
	} {
		t.Run(step.name, func(t *testing.T) {
			ns.Shutdown()
			ns.WaitForShutdown()
			back := make(chan *natsserver.Server, 1)
			go func() {
				time.Sleep(500 * time.Millisecond)
				back <- start(port)
			}()
			assert.NoError(t, step.do())
			ns = <-back
		})
	}
}
