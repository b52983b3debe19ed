package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// slowJournal is a MemJournal whose every append takes d.
type slowJournal struct {
	*MemJournal
	d time.Duration
}

func (j *slowJournal) Append(ctx context.Context, code string, rec lobby.Record) error {
	time.Sleep(j.d)
	return j.MemJournal.Append(ctx, code, rec)
}

// TestBurstWaitsItsTurn: a delegate who sends ten lines at once does not
// hold the others up for all ten: their request is served between the
// burst's lines, in the log too, and the burst keeps its own order.
func TestBurstWaitsItsTurn(t *testing.T) {
	j := &slowJournal{MemJournal: NewMemJournal(), d: 20 * time.Millisecond}
	e := newEnv(t, func(o *Options) { o.Journal = j })
	tb := e.table(3, nil)
	records := func() []lobby.Record {
		recs, err := j.Records(t.Context(), tb.code)
		require.NoError(t, err)
		return recs
	}
	loud, other := tb.clients[1], tb.clients[2]
	for i := range 10 {
		loud.send(protocol.Say{ID: int64(101 + i), Channel: game.ChannelPublic, Text: fmt.Sprint("loud ", i)})
	}
	time.Sleep(5 * time.Millisecond) // the burst is in the lobby's hands
	other.ok(protocol.Say{Channel: game.ChannelPublic, Text: "a word"})
	loud.sync() // the burst is over

	var said []string
	for _, r := range records() {
		if r.Kind == lobby.RecChat {
			said = append(said, r.Chat.Text)
		}
	}
	i := slices.Index(said, "a word")
	require.GreaterOrEqual(t, i, 0, "%q %+v", said, records())
	assert.LessOrEqual(t, i, 3, "the other delegate waited for the burst: %q", said)
	var burst []string
	for _, s := range said {
		if s != "a word" {
			burst = append(burst, s)
		}
	}
	require.Len(t, burst, 10)
	for i := range 10 {
		assert.Equal(t, fmt.Sprint("loud ", i), burst[i])
	}
}

// TestRefusedWait: a client refused for its rate waits for the answer, up
// to RefusedWait: a code guesser over HTTP and over the WebSocket, and a
// flooder for its goodbye. A server that closes does not wait for them.
func TestRefusedWait(t *testing.T) {
	const hold = 300 * time.Millisecond
	guessed := func(t *testing.T, wait time.Duration) *env {
		e := newEnv(t, func(o *Options) {
			o.Limits.RefusedWait = wait
			o.Limits.LookupMisses, o.Limits.LookupMissEvery = 1, 10*time.Second
		})
		status, _ := e.get("/api/lobbies/ZZZZZZ")
		require.Equal(t, http.StatusNotFound, status)
		return e
	}
	t.Run("http guess", func(t *testing.T) {
		e := guessed(t, hold)
		t0 := time.Now()
		status, _ := e.get("/api/lobbies/ZZZZZZ")
		assert.Equal(t, http.StatusTooManyRequests, status)
		assert.GreaterOrEqual(t, time.Since(t0), hold)
	})
	t.Run("websocket guess", func(t *testing.T) {
		e := guessed(t, hold)
		c := e.dial(nil)
		t0 := time.Now()
		c.send(protocol.Watch{Lobby: "ZZZZZZ"})
		c.expectError(protocol.CodeRateLimited)
		assert.GreaterOrEqual(t, time.Since(t0), hold)
	})
	t.Run("flooder's goodbye", func(t *testing.T) {
		e := newEnv(t, func(o *Options) {
			o.Limits.RefusedWait = hold
			d := DefaultLimits()
			o.Limits.MessagesPerSecond, o.Limits.MessageBurst = d.MessagesPerSecond, d.MessageBurst
		})
		tb := e.table(2, nil)
		flooder := tb.clients[1]
		t0 := time.Now()
		for i := range 200 {
			if flooder.ws.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Act{ID: int64(i + 1), Kind: game.CmdUnready})) != nil {
				break
			}
		}
		status, closing := flooder.expectClose()
		assert.Equal(t, websocket.StatusPolicyViolation, status)
		require.NotNil(t, closing)
		assert.Equal(t, protocol.CodeRateLimited, closing.Code)
		assert.GreaterOrEqual(t, time.Since(t0), hold)
	})
	t.Run("a closing server does not wait", func(t *testing.T) {
		e := guessed(t, time.Minute)
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: "ZZZZZZ"})
		time.Sleep(50 * time.Millisecond) // held
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		require.NoError(t, e.srv.Close(ctx))
		assert.Less(t, time.Since(t0), 2*time.Second)
	})
}
