package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestWriterBatchesInOrder: frames queued while the writer is busy go out
// together in the next write, in the order they were queued.
func TestWriterBatchesInOrder(t *testing.T) {
	srv := New(Options{Limits: testLimits()})
	defer srv.Close(context.Background())
	release := make(chan struct{})
	out := &sinkTransport{release: release, wrote: make(chan [][]byte, 100)}
	c := newConnOn(srv, out, "127.0.0.1")
	c.enqueue([]byte("0"))
	first := <-out.wrote // the writer is now held in its first write
	for i := 1; i <= 10; i++ {
		c.enqueue(fmt.Appendf(nil, "%d", i))
	}
	close(release)
	got := first
	batches := 1
	for len(got) < 11 {
		select {
		case b := <-out.wrote:
			got = append(got, b...)
			batches++
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d frames written", len(got))
		}
	}
	var want [][]byte
	for i := range 11 {
		want = append(want, fmt.Appendf(nil, "%d", i))
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 2, batches, "the ten frames queued meanwhile went out in one write")
	c.close(protocol.CodeLobbyClosed, "bye", websocket.StatusNormalClosure, true)
	select {
	case <-c.written:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer did not finish")
	}
}

// TestWebSocketWrites: over a real WebSocket, many frames queued at once
// arrive whole and in order, pings are answered meanwhile, and a draining
// close sends what is queued, then the Closing message, then the close.
func TestWebSocketWrites(t *testing.T) {
	lim := testLimits()
	lim.PingInterval = 20 * time.Millisecond
	srv := New(Options{Limits: lim})
	defer srv.Close(context.Background())
	client, a := dialOneWS(t, srv)
	c := a.c
	const n = 500
	big := strings.Repeat("x", 3000)
	for i := range n {
		c.enqueue(fmt.Appendf(nil, `{"n":%d,"pad":"%s"}`, i, big[:i*7%3000]))
		if i%50 == 0 {
			time.Sleep(10 * time.Millisecond) // a ping or two among the frames
		}
	}
	c.close(protocol.CodeLobbyClosed, "The lobby has closed.", websocket.StatusNormalClosure, true)
	for i := range n {
		typ, data, err := client.Read(t.Context())
		require.NoError(t, err, "frame %d", i)
		require.Equal(t, websocket.MessageText, typ)
		require.Equal(t, fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, big[:i*7%3000]), string(data))
	}
	_, data, err := client.Read(t.Context())
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"closing"`)
	_, _, err = client.Read(t.Context())
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
}

// TestDirectWritesUnderBackPressure: over a real WebSocket whose socket
// buffers are tiny and whose client reads slowly, the messages written
// at once from the sender's goroutine, those cut short by a full socket
// and those left to the writer all arrive whole and in order, with pings
// among them.
func TestDirectWritesUnderBackPressure(t *testing.T) {
	t.Run("own", func(t *testing.T) { directWritesUnderBackPressure(t, false) })
	// Lent: every message in the one buffer, written over after each.
	t.Run("lent", func(t *testing.T) { directWritesUnderBackPressure(t, true) })
}

func directWritesUnderBackPressure(t *testing.T, lent bool) {
	lim := testLimits()
	lim.PingInterval = 20 * time.Millisecond
	lim.SendQueue = 1000
	srv := New(Options{Limits: lim})
	defer srv.Close(context.Background())
	url, conns := serveOneWS(t, srv, func(nc *corkConn) {
		require.NoError(t, nc.Conn.(*net.TCPConn).SetWriteBuffer(4096))
	})
	small := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	client, _, err := websocket.Dial(t.Context(), url, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: small.DialContext}},
	})
	require.NoError(t, err)
	defer client.CloseNow()
	client.SetReadLimit(1 << 20)
	a := <-conns
	const n = 300
	big := strings.Repeat("y", 40000)
	msg := func(i int) string { return fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, big[:i*7919%40000]) }
	go func() {
		var buf []byte
		for i := range n {
			if lent {
				buf = append(buf[:0], msg(i)...)
				a.c.enqueueLent(buf)
				for j := range buf {
					buf[j] = 'z'
				}
			} else {
				a.c.enqueue([]byte(msg(i)))
			}
			if i%3 == 0 {
				time.Sleep(3 * time.Millisecond) // the writer catches up: the next one is direct
			}
		}
		a.c.close(protocol.CodeLobbyClosed, "The lobby has closed.", websocket.StatusNormalClosure, true)
	}()
	for i := range n {
		if i%20 == 0 {
			time.Sleep(time.Millisecond) // a slow reader: the socket fills
		}
		typ, data, err := client.Read(t.Context())
		require.NoError(t, err, "frame %d", i)
		require.Equal(t, websocket.MessageText, typ)
		require.Equal(t, msg(i), string(data), "frame %d", i)
	}
	_, data, err := client.Read(t.Context())
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"closing"`)
	_, _, err = client.Read(t.Context())
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
	a.nc.mu.Lock()
	defer a.nc.mu.Unlock()
	t.Logf("direct writes: %d whole, %d cut short, %d not taken", a.nc.direct, a.nc.cut, a.nc.refused)
	assert.Positive(t, a.nc.direct, "no message was written at once")
	assert.Positive(t, a.nc.cut, "no direct write was cut short by the full socket")
}

// TestDirectWriteLongAfterABlockingOne: a message written at once, long
// after the write timeout of the last write that could block, goes out;
// the old deadline does not cut the connection.
func TestDirectWriteLongAfterABlockingOne(t *testing.T) {
	lim := testLimits()
	lim.WriteTimeout = 50 * time.Millisecond
	lim.PingInterval = time.Minute
	srv := New(Options{Limits: lim})
	defer srv.Close(context.Background())
	client, a := dialOneWS(t, srv)
	// A write by the writer, as of a busy moment: it sets its deadline.
	require.NoError(t, a.nc.writeFrames([]frame{{data: []byte(`{"n":0}`)}}))
	time.Sleep(4 * lim.WriteTimeout)
	// The connection is idle: this one is written at once.
	a.c.enqueue([]byte(`{"n":1}`))
	for i := range 2 {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		_, data, err := client.Read(ctx)
		cancel()
		require.NoError(t, err, "frame %d", i)
		assert.Equal(t, fmt.Sprintf(`{"n":%d}`, i), string(data))
	}
	assert.False(t, a.c.dead.Load(), "the connection was cut")
	a.nc.mu.Lock()
	defer a.nc.mu.Unlock()
	assert.Equal(t, 1, a.nc.direct, "the second message was not written at once")
}

// accepted is a connection a test's WebSocket server took, with its socket.
type accepted struct {
	c  *conn
	nc *corkConn
}

// serveOneWS serves WebSockets as the server's connections (the socket
// set up by tune, if any, after the upgrade), each read until its client
// goes: the ws:// URL and the connections as they come.
func serveOneWS(t *testing.T, srv *Server, tune func(*corkConn)) (string, <-chan accepted) {
	t.Helper()
	lim := srv.opt.Limits
	conns := make(chan accepted, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, nc, err := acceptWS(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled}, lim.WriteTimeout)
		if !assert.NoError(t, err) {
			return
		}
		if tune != nil {
			tune(nc)
		}
		c := newConn(srv, ws, wsTransport{ws: ws, nc: nc}, "127.0.0.1")
		conns <- accepted{c, nc}
		// The reader: it answers pings until the client goes.
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				c.close("", "", websocket.StatusNormalClosure, false)
				<-c.written
				return
			}
		}
	}))
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http"), conns
}

// dialOneWS serves srv's WebSocket to one client and dials it: the
// client, and the server's side of it.
func dialOneWS(t *testing.T, srv *Server) (*websocket.Conn, accepted) {
	t.Helper()
	url, conns := serveOneWS(t, srv, nil)
	client, _, err := websocket.Dial(t.Context(), url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { client.CloseNow() })
	return client, <-conns
}

// TestIdleReaderWaitsShallow: between messages, an idle client's reader
// waits in awaitData, not inside coder/websocket, and stays there while
// the client answers the server's pings; the client is kept.
func TestIdleReaderWaitsShallow(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.PingInterval = 50 * time.Millisecond
		o.Limits.PongWait = 300 * time.Millisecond
	})
	cr := e.create("Anna", nil)
	ws, _, err := websocket.Dial(t.Context(), e.wsURL(), nil)
	require.NoError(t, err)
	defer ws.CloseNow()
	require.NoError(t, ws.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Watch{Lobby: cr.Code})))
	go func() { // reads on, answering every ping
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	require.Eventually(t, func() bool { return e.spectators(cr.Code) == 1 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(time.Second) // many pings, each answered
	require.Equal(t, 1, e.spectators(cr.Code), "a client that answers its pings was dropped")
	buf := make([]byte, 1<<22)
	stacks := strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n")
	var parked, deep int
	for _, s := range stacks {
		if !strings.Contains(s, "(*conn).serve") {
			continue
		}
		if strings.Contains(s, "awaitData") {
			parked++
		}
		if strings.Contains(s, "websocket.(*Conn).Read") {
			deep++
		}
	}
	assert.GreaterOrEqual(t, parked, 1, "the idle reader is not waiting in awaitData")
	assert.Zero(t, deep, "an idle reader waits inside the library")
}

// TestHeldFramesGoInOneWrite: what a connection is sent while it is held
// (a request's effects on its sender, then the answer) goes out in one
// write on release, in order, lent frames whole though their buffer is
// written over; a connection not held writes each at once.
func TestHeldFramesGoInOneWrite(t *testing.T) {
	srv := New(Options{Limits: testLimits()})
	defer srv.Close(context.Background())
	client, a := dialOneWS(t, srv)
	writes := func() int {
		a.nc.mu.Lock()
		defer a.nc.mu.Unlock()
		return a.nc.direct
	}
	read := func(want string) {
		t.Helper()
		_, data, err := client.Read(t.Context())
		require.NoError(t, err)
		require.Equal(t, want, string(data))
	}

	lent := []byte(`{"type":"game","n":1}`)
	a.c.hold()
	a.c.enqueueLent(lent)
	copy(lent, "xxxxxxxxxxxxxxxxxxxxx") // the lobby's buffer, written over
	a.c.enqueue([]byte(`{"type":"lobby","n":2}`))
	a.c.enqueue([]byte(`{"type":"ack","id":3}`))
	assert.Equal(t, 0, writes(), "nothing goes out while held")
	a.c.release()
	read(`{"type":"game","n":1}`)
	read(`{"type":"lobby","n":2}`)
	read(`{"type":"ack","id":3}`)
	assert.Equal(t, 1, writes(), "three held frames, one write")

	a.c.release() // not held: nothing happens
	a.c.enqueue([]byte(`{"type":"game","n":4}`))
	a.c.enqueue([]byte(`{"type":"ack","id":5}`))
	read(`{"type":"game","n":4}`)
	read(`{"type":"ack","id":5}`)
	assert.Equal(t, 3, writes(), "a connection not held writes each frame at once")
}

// TestRequestEffectsGoWithTheAnswer: a delegate's request whose effects
// reach the delegate too (a chat line, then its ack) costs the delegate's
// socket one write, over a real WebSocket to a lobby.
func TestRequestEffectsGoWithTheAnswer(t *testing.T) {
	e := newEnv(t)
	cr := e.create("Anna", nil)
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	c.welcome()
	c.sync()
	e.srv.mu.Lock()
	require.Len(t, e.srv.conns, 1)
	var nc *corkConn
	for sc := range e.srv.conns {
		nc = sc.out.(wsTransport).nc
	}
	e.srv.mu.Unlock()
	writes := func() int {
		nc.mu.Lock()
		defer nc.mu.Unlock()
		return nc.direct
	}
	for i := range 5 {
		before := writes()
		got := c.ok(protocol.Say{Channel: game.ChannelPublic, Text: fmt.Sprintf("Comrades, %d.", i)})
		require.NotEmpty(t, got, "the chat line comes before the ack")
		assert.Equal(t, before+1, writes(), "the chat line and the ack, in one write")
	}
}
