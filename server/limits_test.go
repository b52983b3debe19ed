package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// chatRecords counts the lines a lobby has journaled.
func (e *env) chatRecords(code string) int {
	n := 0
	for _, r := range e.records(code) {
		if r.Kind == lobby.RecChat {
			n++
		}
	}
	return n
}

// flood sends chat lines on a fresh connection of the delegate with
// token until the server closes it or until stop; it returns when the
// connection is gone.
func (e *env) flood(code, token string, stop time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), stop)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, e.wsURL(), nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	go func() { // drain whatever comes, until the close
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				cancel()
				return
			}
		}
	}()
	if ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(protocol.Resume{Lobby: code, Token: token})) != nil {
		return
	}
	for i := int64(1); ctx.Err() == nil; i++ {
		line := protocol.EncodeClient(protocol.Say{ID: i, Channel: game.ChannelPublic, Text: fmt.Sprint("line ", i)})
		if ws.Write(ctx, websocket.MessageText, line) != nil {
			return
		}
	}
}

// TestRateLimitSurvivesReconnect: a delegate closed for flooding who
// comes straight back, again and again, is held to the same rate as one
// who never left: the allowance is the member's, not the connection's.
func TestRateLimitSurvivesReconnect(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		d := DefaultLimits()
		o.Limits.MessagesPerSecond, o.Limits.MessageBurst = d.MessagesPerSecond, d.MessageBurst
		o.Limits.RefusalsPerSecond, o.Limits.RefusalBurst = d.RefusalsPerSecond, d.RefusalBurst
	})
	tb := e.table(2, nil)
	flooder := tb.clients[1]
	flooder.ws.CloseNow()
	<-flooder.closed

	start := time.Now()
	stop := start.Add(2 * time.Second)
	reconnects := 0
	for time.Now().Before(stop) {
		e.flood(tb.code, flooder.token, stop)
		reconnects++
	}
	elapsed := time.Since(start).Seconds()
	lim := e.srv.opt.Limits
	most := float64(lim.MessageBurst) + lim.MessagesPerSecond*elapsed + 2
	got := e.chatRecords(tb.code)
	t.Logf("%d lines accepted in %.1fs over %d connections", got, elapsed, reconnects)
	require.Greater(t, reconnects, 1, "the flooder was never closed")
	assert.LessOrEqual(t, float64(got), most, "the rate reset with each connection")
	assert.Greater(t, got, 0)

	// The others are not held back, and the delegate, once quiet, talks.
	tb.clients[0].ok(protocol.Say{Channel: game.ChannelPublic, Text: "order, comrades"})
	time.Sleep(time.Duration(float64(time.Second) * float64(lim.MessageBurst) / lim.MessagesPerSecond))
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: flooder.token})
	back.welcome()
	back.ok(protocol.Say{Channel: game.ChannelPublic, Text: "I withdraw"})
}

// TestRateLimitPerAddress: many connections of one address, each its own
// member, share the address's allowance.
func TestRateLimitPerAddress(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.AddressMessages, o.Limits.AddressBurst = 20, 20
	})
	tb := e.table(1, nil)
	var tokens []string
	for i := range 6 {
		c := e.dial(nil)
		c.send(protocol.Join{Lobby: tb.code, Name: fmt.Sprint("Delegate ", i+1)})
		c.welcome()
		tokens = append(tokens, c.token)
		c.ws.CloseNow()
		<-c.closed
	}
	time.Sleep(time.Second) // the joins' share refills
	start := time.Now()
	stop := start.Add(1500 * time.Millisecond)
	done := make(chan struct{})
	for _, token := range tokens {
		go func() {
			defer func() { done <- struct{}{} }()
			for time.Now().Before(stop) {
				e.flood(tb.code, token, stop)
			}
		}()
	}
	for range tokens {
		<-done
	}
	elapsed := time.Since(start).Seconds()
	got := e.chatRecords(tb.code)
	t.Logf("%d lines accepted in %.1fs from one address", got, elapsed)
	assert.LessOrEqual(t, float64(got), 20+20*elapsed+2, "each connection had an allowance of its own")
}

// TestChatIsBounded: each delegate may say so many lines in a game, the
// gallery together a few times as many; the next game opens the floor
// again. The journal grows by no refused line.
func TestChatIsBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.ChatLines = 3 })
	tb := e.table(5, quickSettings())
	talker := tb.clients[1]
	for i := range 3 {
		talker.ok(protocol.Say{Channel: game.ChannelPublic, Text: fmt.Sprint("point ", i+1)})
	}
	before := len(e.records(tb.code))
	_, r := talker.do(protocol.Say{Channel: game.ChannelPublic, Text: "point 4"})
	require.NotNil(t, r)
	assert.Equal(t, protocol.CodeChatFull, r.Code)
	assert.Contains(t, r.Message, "next")
	assert.Equal(t, before, len(e.records(tb.code)))
	tb.clients[2].ok(protocol.Say{Channel: game.ChannelPublic, Text: "my turn"})

	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code})
	spec.welcome()
	for i := range 3 * lobby.GalleryShare {
		spec.ok(protocol.Say{Channel: game.ChannelSpectators, Text: fmt.Sprint("gallery ", i+1)})
	}
	spec.refused(protocol.Say{Channel: game.ChannelSpectators, Text: "one more"}, protocol.CodeChatFull)

	tb.start()
	talker.ok(protocol.Say{Channel: game.ChannelPublic, Text: "a new game"})
	spec.ok(protocol.Say{Channel: game.ChannelSpectators, Text: "a new game"})
}

// TestMembersAreBounded: a lobby that has seen its share of delegates
// come and go takes no more, human or bot, and its journal no more
// records for them.
func TestMembersAreBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.MembersEver = 2 })
	tb := e.table(2, nil)
	tb.clients[1].ok(protocol.Leave{})
	before := len(e.records(tb.code))
	c := e.dial(nil)
	c.send(protocol.Join{Lobby: tb.code, Name: "Zed"})
	r := c.expectError(protocol.CodeLobbyFull)
	assert.Contains(t, r.Message, "Open a new lobby")
	tb.clients[0].refused(protocol.Host{Action: protocol.HostAddBot}, protocol.CodeLobbyFull)
	assert.Equal(t, before, len(e.records(tb.code)))
}

// TestChangesAreBounded: a host may change the lobby so many times in a
// game, or between games; the next game opens the count again.
func TestChangesAreBounded(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.HostChanges = 1 })
	tb := e.table(5, quickSettings())
	host := tb.clients[0]
	host.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
	before := len(e.records(tb.code))
	for _, h := range []protocol.Host{
		{Action: protocol.HostPublic, Public: false},
		{Action: protocol.HostSettings, Settings: quickSettings()},
		{Action: protocol.HostMakeHost, Member: tb.clients[1].you},
	} {
		_, r := host.do(h)
		require.NotNil(t, r, "%s accepted", h.Action)
		assert.Equal(t, protocol.CodeTooManyChanges, r.Code)
		assert.Contains(t, r.Message, "next game")
	}
	assert.Equal(t, before, len(e.records(tb.code)))
	tb.start()
	host.ok(protocol.Host{Action: protocol.HostPublic, Public: false})
}
