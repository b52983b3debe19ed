package server

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"congress/protocol"
)

// conn is one client of a lobby. Its reader (serve, or serveRemote for a
// client of another node) decodes, rate-limits and hands messages to its
// lobby; its writer (writeLoop) drains a bounded queue into its
// transport. Anyone may enqueue without waiting: a client too slow to
// keep up is closed, never waited on.
type conn struct {
	srv  *Server
	ws   *websocket.Conn // nil for a client of another node
	out  transport
	ip   string
	send chan []byte

	limiter *rate.Limiter // messages
	flood   *rate.Limiter // refusals for rate: a sustained flood is closed

	closeOnce sync.Once
	closed    chan struct{} // closed by close: the writer says goodbye and closes
	dead      atomic.Bool
	// Set once by close, before closed is closed.
	closing []byte
	status  websocket.StatusCode
	reason  string
	drain   bool
	written chan struct{} // closed when the writer has returned

	// Owned by the lobby goroutine once attached.
	member    string // member ID; "" for a spectator
	spectator bool
	name      string // a spectator's name
	logAt     int    // position in the game log this delegate has been sent
}

// transport carries a connection's frames to its client: the client's
// own WebSocket, or, for a client connected to another node of a
// cluster, that node over NATS (natsTransport).
type transport interface {
	write(ctx context.Context, frame []byte) error
	ping(ctx context.Context) error
	// close says goodbye with a WebSocket status and reason; abort drops
	// the link at once.
	close(status websocket.StatusCode, reason string)
	abort()
}

// wsTransport is a client's own WebSocket.
type wsTransport struct{ ws *websocket.Conn }

func (t wsTransport) write(ctx context.Context, frame []byte) error {
	return t.ws.Write(ctx, websocket.MessageText, frame)
}
func (t wsTransport) ping(ctx context.Context) error { return t.ws.Ping(ctx) }
func (t wsTransport) close(status websocket.StatusCode, reason string) {
	_ = t.ws.Close(status, reason)
}
func (t wsTransport) abort() { t.ws.CloseNow() }

func newConn(srv *Server, ws *websocket.Conn, ip string) *conn {
	c := newConnOn(srv, wsTransport{ws}, ip)
	c.ws = ws
	return c
}

func newConnOn(srv *Server, out transport, ip string) *conn {
	lim := srv.opt.Limits
	return &conn{
		srv:     srv,
		out:     out,
		ip:      ip,
		send:    make(chan []byte, lim.SendQueue),
		limiter: rate.NewLimiter(rate.Limit(lim.MessagesPerSecond), lim.MessageBurst),
		flood:   rate.NewLimiter(rate.Limit(lim.RefusalsPerSecond), lim.RefusalBurst),
		closed:  make(chan struct{}),
		written: make(chan struct{}),
	}
}

// enqueue queues a frame for the writer; a full queue closes the connection.
func (c *conn) enqueue(frame []byte) {
	if c.dead.Load() {
		return
	}
	select {
	case c.send <- frame:
		c.srv.metrics.out.Add(1)
	default:
		c.srv.metrics.refused(protocol.CodeTooSlow)
		c.close(protocol.CodeTooSlow, "Your connection could not keep up. Reconnect to catch up.", websocket.StatusPolicyViolation, false)
	}
}

// refuse sends an error message for request id.
func (c *conn) refuse(id int64, err error) {
	e, ok := errorOf(err)
	if !ok {
		c.srv.log.Error("unexpected error", "err", err)
		e = protocol.Errorf(protocol.CodeServerBusy, "Something went wrong on the server. Try again.")
	}
	c.srv.metrics.refused(e.Code)
	c.enqueue(protocol.Encode(protocol.TypeError, protocol.Refused{ID: id, Code: e.Code, Message: e.Message}))
}

// close asks the writer to close the connection: after the queued frames
// if drain, then a Closing message if code is set, then the close frame.
func (c *conn) close(code protocol.Code, msg string, status websocket.StatusCode, drain bool) {
	var closing []byte
	if code != "" {
		closing = protocol.Encode(protocol.TypeClosing, protocol.Closing{Code: string(code), Message: msg})
	}
	c.shut(closing, status, string(code), drain)
}

// shut is close with the Closing frame (nil for none) and the close
// reason given as they are: a relay repeats what the lobby's node said.
func (c *conn) shut(closing []byte, status websocket.StatusCode, reason string, drain bool) {
	c.closeOnce.Do(func() {
		c.dead.Store(true)
		c.closing = closing
		c.status, c.reason, c.drain = status, reason, drain
		close(c.closed)
	})
}

// writeLoop is the only writer of the connection.
func (c *conn) writeLoop() {
	defer close(c.written)
	lim := c.srv.opt.Limits
	ping := time.NewTicker(lim.PingInterval)
	defer ping.Stop()
	for {
		select {
		case f := <-c.send:
			if err := c.write(f); err != nil {
				c.out.abort()
				return
			}
		case <-ping.C:
			ctx, cancel := context.WithTimeout(context.Background(), lim.PongWait)
			err := c.out.ping(ctx)
			cancel()
			if err != nil {
				c.out.abort()
				return
			}
		case <-c.closed:
			if c.drain {
				c.flush()
			}
			if c.closing != nil {
				_ = c.write(c.closing)
			}
			c.out.close(c.status, c.reason)
			return
		}
	}
}

// flush writes what is already queued.
func (c *conn) flush() {
	for {
		select {
		case f := <-c.send:
			if c.write(f) != nil {
				return
			}
		default:
			return
		}
	}
}

func (c *conn) write(frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.srv.opt.Limits.WriteTimeout)
	defer cancel()
	return c.out.write(ctx, frame)
}

// serve reads the connection until it ends: the first message must say
// who is speaking; everything after goes to that lobby.
func (c *conn) serve() {
	go c.writeLoop()
	var l *lobby
	var r *relay // the lobby's owner is another node
	defer func() {
		if l != nil {
			l.post(detach{c})
		}
		if r != nil {
			r.end()
		}
		c.close("", "", websocket.StatusNormalClosure, false)
		<-c.written
	}()
	lim := c.srv.opt.Limits
	hello, cancelHello := context.WithTimeout(context.Background(), lim.HelloTimeout)
	defer cancelHello()
	for {
		ctx := context.Background()
		if l == nil && r == nil {
			ctx = hello
		}
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			if s := websocket.CloseStatus(err); s == websocket.StatusMessageTooBig {
				c.srv.metrics.refused("message_too_big")
			} else if s == -1 && !errors.Is(err, context.Canceled) && !c.dead.Load() {
				c.srv.log.Debug("websocket read", "err", err)
			}
			return
		}
		c.srv.metrics.in.Add(1)
		at := time.Now()
		if !c.limiter.Allow() {
			if !c.flood.Allow() {
				c.srv.metrics.refused(protocol.CodeRateLimited)
				c.close(protocol.CodeRateLimited, "Too many messages. Reconnect and slow down.", websocket.StatusPolicyViolation, true)
				return
			}
			c.refuse(requestID(data), protocol.Errorf(protocol.CodeRateLimited, "Too many messages; slow down."))
			continue
		}
		if typ != websocket.MessageText {
			c.refuse(0, protocol.Errorf(protocol.CodeBadMessage, "Send JSON text messages."))
			continue
		}
		msg, err := protocol.Decode(data)
		if err != nil {
			c.refuse(requestID(data), err)
			continue
		}
		if l != nil {
			if !l.post(request{c: c, msg: msg, at: at}) {
				c.close(protocol.CodeLobbyClosed, "This lobby has closed.", websocket.StatusNormalClosure, true)
				l = nil
				return
			}
			continue
		}
		if r != nil {
			if err := r.forward(data); err != nil {
				c.close(protocol.CodeReconnect, movingMessage, websocket.StatusGoingAway, true)
				return
			}
			continue
		}
		code, ok := helloLobby(msg)
		if !ok {
			c.refuse(requestID(data), protocol.Errorf(protocol.CodeNotIdentified, "Say who you are first: join, resume or watch."))
			continue
		}
		l, r = c.enterLobby(code, msg, data)
	}
}

// enterLobby hands a first message to the lobby it names: the lobby here,
// or in a cluster wherever the lobby's owner is. The connection has been
// answered when it returns; one of the two is set if it is now in.
func (c *conn) enterLobby(code string, hello protocol.Client, data []byte) (*lobby, *relay) {
	if cl := c.srv.cluster; cl != nil {
		return cl.route(c, code, hello, data)
	}
	target := c.srv.lobbies.get(code)
	if target != nil {
		switch target.enter(c, hello) {
		case entered:
			return target, nil
		case refused:
			return nil, nil
		}
	}
	c.refuse(0, protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", code))
	return nil, nil
}

// enter hands a connection to the lobby and waits for its verdict.
func (l *lobby) enter(c *conn, hello protocol.Client) verdict {
	ok := make(chan verdict, 1)
	if !l.post(attach{c: c, hello: hello, ok: ok}) {
		return moved
	}
	select {
	case v := <-ok:
		return v
	case <-l.done:
		return moved
	}
}

// helloLobby is the lobby a first message names.
func helloLobby(m protocol.Client) (string, bool) {
	switch h := m.(type) {
	case protocol.Join:
		return h.Lobby, true
	case protocol.Resume:
		return h.Lobby, true
	case protocol.Watch:
		return h.Lobby, true
	}
	return "", false
}

// requestID is the "id" of a message that was refused, if it can be read,
// so that the client can match the refusal to its request.
func requestID(data []byte) int64 {
	var v struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(data, &v) != nil {
		return 0
	}
	return v.ID
}
