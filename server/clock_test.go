package server

import (
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// fakeClock is a server clock the test moves by hand: its timers fire
// when add moves it past their time.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	timers []*fakeTimer
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// add moves the clock on by d and fires every timer due by then.
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	for _, t := range c.timers {
		t.fireIfDue(c.t)
	}
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	t.set(c.t, d)
	return t
}

type fakeTimer struct {
	clock *fakeClock
	c     chan time.Time
	due   time.Time
	armed bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Reset(d time.Duration) {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	select {
	case <-t.c: // a time due before the Reset is forgotten
	default:
	}
	t.set(t.clock.t, d)
}

func (t *fakeTimer) Stop() {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	t.armed = false
}

// set arms the timer d after now (the clock's lock held).
func (t *fakeTimer) set(now time.Time, d time.Duration) {
	t.due, t.armed = now.Add(d), true
	t.fireIfDue(now)
}

func (t *fakeTimer) fireIfDue(now time.Time) {
	if !t.armed || now.Before(t.due) {
		return
	}
	t.armed = false
	select {
	case t.c <- now:
	default:
	}
}

// TestTimersFollowTheServerClock: deadlines, Now and pauses come from the
// injected server clock; a deadline passing advances the game and every
// delegate hears of it.
func TestTimersFollowTheServerClock(t *testing.T) {
	t0 := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	s := quickSettings()
	s.DebateSeconds, s.NightSeconds = 120, 30
	tb := e.table(5, s)
	tb.start()
	host := tb.clients[0]
	v := host.view.View
	assert.Equal(t, game.PhaseDebate, v.Phase)
	assert.Equal(t, t0.Add(120*time.Second), v.Deadline)
	assert.Equal(t, t0, host.view.Now)

	// The host pauses for ten minutes: the deadline moves by as much.
	host.ok(protocol.Act{Kind: game.CmdPause})
	host.sync()
	assert.True(t, host.view.View.Paused)
	assert.True(t, host.view.View.Deadline.IsZero())
	tb.clients[1].refused(protocol.Act{Kind: game.CmdReady}, game.CodePaused)
	tb.clients[1].refused(protocol.Act{Kind: game.CmdResume}, protocol.CodeNotHost)
	clock.add(10 * time.Minute)
	host.ok(protocol.Act{Kind: game.CmdResume})
	host.sync()
	assert.Equal(t, t0.Add(10*time.Minute+120*time.Second), host.view.View.Deadline)

	// The deadline passes on the server clock: nobody denounced, so the
	// Congress goes to the Night, and everyone is told.
	clock.add(121 * time.Second)
	for _, c := range tb.clients {
		g := c.game()
		for g.View.Phase != game.PhaseNight {
			g = c.game()
		}
		assert.Equal(t, clock.Now().Add(30*time.Second), g.View.Deadline)
		assert.Equal(t, clock.Now(), g.Now)
	}
	var last lobby.Record
	recs := e.records(tb.code)
	last = recs[len(recs)-1]
	assert.Equal(t, lobby.RecAdvance, last.Kind)
	assert.Equal(t, clock.Now(), last.At)
}

// TestKickDuringGame: a kicked delegate's seat goes on with a bot, their
// token is revoked, and the seat's role stays secret.
func TestKickDuringGame(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host, kicked := tb.clients[0], tb.clients[4]
	host.ok(protocol.Host{Action: protocol.HostKick, Member: kicked.you})
	_, closing := kicked.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeKicked, closing.Code)
	lv := lastLobby(t, tb.clients[1].sync())
	require.NotNil(t, lv)
	var found bool
	for _, m := range lv.Members {
		if m.ID == kicked.you {
			found = true
			assert.True(t, m.BotPlays)
			assert.Equal(t, kicked.seat, m.Seat)
		}
	}
	assert.True(t, found, "the kicked delegate's seat stays at the table")
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: tb.code, Token: kicked.token})
	c.expectError(protocol.CodeKicked)
}

// TestClosedLobbyLeavesNoGoroutine: once its connections are gone and it
// has closed, a lobby leaves no goroutine behind but the server's
// appenders, which wait a while for the next lobby's append (the whole
// package is also checked by goleak in TestMain: they end with the
// server).
func TestClosedLobbyLeavesNoGoroutine(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.IdleLobby = 100 * time.Millisecond })
	base := goleak.IgnoreCurrent()
	cr := e.create("Anna", nil)
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	c.welcome()
	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: cr.Code})
	spec.welcome()
	c.ok(protocol.Leave{})
	c.expectClose()
	spec.ws.CloseNow()
	<-spec.closed
	require.Eventually(t, func() bool { return e.srv.lobbies.get(cr.Code) == nil }, 5*time.Second, 10*time.Millisecond)
	e.http.CloseClientConnections()
	goleak.VerifyNone(t, base, goleak.IgnoreAnyFunction("congress/server.(*appenders).work"))
}

// TestDeadClientIsDropped: a client that answers no ping is closed after
// the pong wait, and leaves the gallery.
func TestDeadClientIsDropped(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.PingInterval = 100 * time.Millisecond
		o.Limits.PongWait = 200 * time.Millisecond
	})
	cr := e.create("Anna", nil)
	// This client never reads, so it never answers a ping.
	dead, _, err := websocket.Dial(t.Context(), e.wsURL(), nil)
	require.NoError(t, err)
	defer dead.CloseNow()
	require.NoError(t, dead.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Watch{Lobby: cr.Code})))
	require.Eventually(t, func() bool { return e.spectators(cr.Code) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return e.spectators(cr.Code) == 0 }, 5*time.Second, 20*time.Millisecond, "the dead client was never dropped")
}

// TestBinaryFrame: a binary frame is refused like any unreadable message.
func TestBinaryFrame(t *testing.T) {
	e := newEnv(t)
	c := e.dial(nil)
	require.NoError(t, c.ws.Write(t.Context(), websocket.MessageBinary, protocol.EncodeClient(protocol.Watch{Lobby: "K7QXM2"})))
	c.expectError(protocol.CodeBadMessage)
	// The connection stays usable.
	cr := e.create("Anna", nil)
	c.send(protocol.Watch{Lobby: cr.Code})
	c.welcome()
}

// TestHelloTimeout: a connection that never says who it is is closed.
func TestHelloTimeout(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.HelloTimeout = 200 * time.Millisecond })
	c := e.dial(nil)
	status, _ := c.expectClose()
	assert.NotEqual(t, websocket.StatusNormalClosure, status)
}
