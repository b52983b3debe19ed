package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessions: a session opens with a request to the owner's node, and
// each stream carries its numbered messages, controls and pings.
func TestSessions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := open(t, t.TempDir()).Sessions()

	stop, err := s.Listen("a", func(req []byte) []byte { return append([]byte("took "), req...) })
	require.NoError(t, err)
	defer stop()
	res, err := s.Open(ctx, "a", []byte("s1"))
	require.NoError(t, err)
	assert.Equal(t, "took s1", string(res))
	_, err = s.Open(ctx, "nobody", []byte("s1"))
	assert.Error(t, err, "no node listens")

	out, unsub, err := s.Receive("s1", Out, 4)
	require.NoError(t, err)
	defer unsub()
	in, unsubIn, err := s.Receive("s1", In, 4)
	require.NoError(t, err)
	defer unsubIn()

	require.NoError(t, s.Send("s1", Out, SessionMsg{Seq: 1, Data: []byte("frame")}))
	require.NoError(t, s.Send("s1", Out, SessionMsg{Seq: 2, Ctl: "close", Status: 1001, Reason: "reconnect"}))
	m := <-out
	assert.Equal(t, SessionMsg{Seq: 1, Data: []byte("frame")}, SessionMsg{Seq: m.Seq, Ctl: m.Ctl, Status: m.Status, Reason: m.Reason, Data: m.Data})
	m = <-out
	assert.Equal(t, SessionMsg{Seq: 2, Ctl: "close", Status: 1001, Reason: "reconnect"}, SessionMsg{Seq: m.Seq, Ctl: m.Ctl, Status: m.Status, Reason: m.Reason})
	assert.Empty(t, m.Data)
	assert.False(t, m.Ping())

	pinged := make(chan error, 1)
	go func() { pinged <- s.Ping(ctx, "s1", In) }()
	p := <-in
	require.True(t, p.Ping(), "a ping waits for its answer")
	p.Pong()
	require.NoError(t, <-pinged)
	assert.Empty(t, out, "a stream carries its own messages only")
}
