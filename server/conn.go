package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"congress/protocol"
)

// conn is one client of a lobby. Its reader (serve; for a client of
// another node, the cluster's session reader through remoteClient)
// decodes, rate-limits and hands messages to its lobby. Anyone may enqueue a frame without waiting; a writer goroutine
// runs only while frames are queued, and writes all that are queued at
// once. A client too slow to keep up is closed, never waited on.
type conn struct {
	srv *Server
	ws  *websocket.Conn // nil for a client of another node
	out transport
	ip  string

	limiter *rate.Limiter // messages
	flood   *rate.Limiter // refusals for rate: a sustained flood is closed

	mu      sync.Mutex
	queue   []frame  // frames waiting for the writer, at most Limits.SendQueue
	spare   []frame  // the writer's last batch, reused for the next queue
	writing bool     // a writer goroutine is running, or a direct write (push)
	unsent  bool     // a direct write left the tail of a frame for the writer to flush
	holding bool     // frames wait in the queue, without a writer, until release
	one     [1]frame // a direct write's frame, while this goroutine has the writer's turn

	closeOnce sync.Once
	closed    chan struct{} // closed by close: the writer says goodbye and closes
	dead      atomic.Bool
	// Set once by close, before closed is closed (under mu).
	closing []byte
	status  websocket.StatusCode
	reason  string
	drain   bool
	written chan struct{} // closed when the writer has closed the transport
	pinger  *time.Timer

	// Owned by the lobby goroutine once attached.
	member     string // member ID; "" for a spectator
	spectator  bool
	name       string    // a spectator's name
	gallery    string    // a spectator's gallery ID, as knocks name it
	knocked    bool      // a spectator has knocked and waits for the host
	knockedAt  int       // ...in this order among the lobby's knocks
	admitted   bool      // the host has admitted this spectator...
	admittedAt time.Time // ...at this time
	logAt      int       // position in the game log this delegate has been sent
	sitting    bool      // a spectator has asked to sit and waits for the host...
	sitSeat    int       // ...at this seat, or protocol.NextGame...
	sitName    string    // ...under this name...
	sitAt      int       // ...in this order among the lobby's knocks (seats.go)
}

// frame is one thing a connection's writer sends: a message, or on a
// connection to a client of another node, a control of the relay that
// leaves in order with the messages.
type frame struct {
	data []byte
	ctl  relayControl // relayMessage for a message
}

// relayControl is a control of a relayed session.
type relayControl uint8

// Relay controls a lobby sends: its verdict on the first message.
const (
	relayMessage relayControl = iota
	relayEntered
	relayRefused
	relayMoved
)

// transport carries a connection's frames to its client: the client's
// own WebSocket, or, for a client connected to another node of a
// cluster, that node through the cluster's session (sessionTransport).
type transport interface {
	// write sends frames in order, within the write timeout.
	write(frames []frame) error
	ping(ctx context.Context) error
	// close says goodbye with a WebSocket status and reason; abort drops
	// the link at once.
	close(status websocket.StatusCode, reason string)
	abort()
}

func newConn(srv *Server, ws *websocket.Conn, out transport, ip string) *conn {
	c := newConnOn(srv, out, ip)
	c.ws = ws
	return c
}

func newConnOn(srv *Server, out transport, ip string) *conn {
	lim := srv.opt.Limits
	c := &conn{
		srv:     srv,
		out:     out,
		ip:      ip,
		limiter: rate.NewLimiter(rate.Limit(lim.MessagesPerSecond), lim.MessageBurst),
		flood:   rate.NewLimiter(rate.Limit(lim.RefusalsPerSecond), lim.RefusalBurst),
		closed:  make(chan struct{}),
		written: make(chan struct{}),
	}
	c.pinger = time.AfterFunc(lim.PingInterval, c.ping)
	return c
}

// enqueue queues a message for the writer; a full queue closes the
// connection.
func (c *conn) enqueue(data []byte) { c.push(frame{data: data}, false) }

// enqueueLent is enqueue of bytes the caller will write over once it
// returns: written at once, they are never copied; a copy is queued if
// they must wait.
func (c *conn) enqueueLent(data []byte) { c.push(frame{data: data}, true) }

// push queues a frame for the writer. A message for an idle connection
// whose socket takes it at once is written here instead, without waking
// a writer (see directWriter). A lent frame's data is copied before it
// is queued.
func (c *conn) push(f frame, lent bool) {
	c.mu.Lock()
	if c.dead.Load() {
		c.mu.Unlock()
		return
	}
	if len(c.queue) >= c.srv.opt.Limits.SendQueue {
		c.mu.Unlock()
		c.srv.metrics.refused(protocol.CodeTooSlow)
		c.close(protocol.CodeTooSlow, "Your connection could not keep up. Reconnect to catch up.", websocket.StatusPolicyViolation, false)
		return
	}
	c.srv.metrics.out.Add(1)
	if d, ok := c.out.(directWriter); ok && !c.writing && f.ctl == relayMessage && !c.holding {
		c.writing = true // the writer's turn is this goroutine's
		c.mu.Unlock()
		c.pushNow(d, f, lent)
		return
	}
	if lent {
		f.data = bytes.Clone(f.data)
	}
	c.queue = append(c.queue, f)
	start := !c.writing && !c.holding
	c.writing = c.writing || start
	c.mu.Unlock()
	if start {
		go c.writeOut()
	}
}

// pushNow tries the direct write of f, holding the writer's turn; what it
// cannot finish (a full socket, the tail of a frame, frames queued
// meanwhile, a close) is the writer's.
func (c *conn) pushNow(d directWriter, f frame, lent bool) {
	c.one[0] = f
	taken, more, err := d.tryWrite(c.one[:])
	c.one[0] = frame{}
	c.mu.Lock()
	if !taken && err == nil {
		if lent {
			f.data = bytes.Clone(f.data)
		}
		c.queue = slices.Insert(c.queue, 0, f)
	}
	c.afterDirect(more, err)
}

// afterDirect ends a direct write, under mu: the writer's turn passes to
// a writer goroutine if the write failed or left anything to write.
func (c *conn) afterDirect(more bool, err error) {
	c.unsent = c.unsent || more
	writer := err != nil || len(c.queue) > 0 || c.unsent || c.dead.Load()
	c.writing = writer
	c.mu.Unlock()
	if err != nil {
		c.out.abort()
		c.shut(nil, websocket.StatusGoingAway, "", false)
	}
	if writer {
		go c.writeOut()
	}
}

// hold keeps what the connection is sent from now until release in its
// queue, to go out in one write: a request's effects on the sender with
// its answer, rather than a system call for each.
func (c *conn) hold() {
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

// release sends what was held: at once if the socket takes it, or by the
// writer. A connection that holds nothing is left as it is.
func (c *conn) release() {
	c.mu.Lock()
	if !c.holding {
		c.mu.Unlock()
		return
	}
	c.holding = false
	if c.writing || len(c.queue) == 0 {
		c.mu.Unlock()
		return
	}
	d, ok := c.out.(directWriter)
	if !ok || c.dead.Load() {
		c.writing = true
		c.mu.Unlock()
		go c.writeOut()
		return
	}
	held := c.queue
	c.queue = c.spare[:0]
	c.spare = nil
	c.writing = true
	c.mu.Unlock()
	taken, more, err := d.tryWrite(held)
	c.mu.Lock()
	if !taken && err == nil {
		c.queue = append(held, c.queue...)
	} else {
		clear(held)
		if cap(held) <= maxSpareBatch && c.spare == nil {
			c.spare = held[:0]
		}
	}
	c.afterDirect(more, err)
}

// directWriter is a transport that can write one message at once from
// any goroutine, never blocking: a client's own WebSocket.
type directWriter interface {
	// tryWrite writes frames in one write if the socket takes them
	// without waiting: taken wholly, or in part with more to flush by the
	// next write (an empty one will do); not taken if it would wait.
	tryWrite(frames []frame) (taken, more bool, err error)
}

// refuse sends an error message for request id.
func (c *conn) refuse(id int64, err error) {
	e, ok := errorOf(err)
	if !ok {
		c.srv.log.Error("unexpected error", "err", err)
		e = protocol.Errorf(protocol.CodeServerBusy, "Something went wrong on the server. Try again.")
	}
	c.srv.metrics.refused(e.Code)
	c.enqueue(protocol.Encode(protocol.TypeError, protocol.RefusedOf(id, e)))
}

// close asks the writer to close the connection: after the queued frames
// if drain, then a Closing message if code is set, then the close frame.
func (c *conn) close(code protocol.Code, msg string, status websocket.StatusCode, drain bool) {
	var closing []byte
	if code != "" {
		closing = protocol.Encode(protocol.TypeClosing, protocol.Closing{Code: code, Message: msg})
	}
	c.shut(closing, status, string(code), drain)
}

// sendBack closes the connection with reconnect: the lobby is moving to
// another node (movingMessage) or the server is restarting
// (restartMessage), and the client is to come back at once.
func (c *conn) sendBack(msg string, drain bool) {
	c.close(protocol.CodeReconnect, msg, websocket.StatusGoingAway, drain)
}

// shut is close with the Closing frame (nil for none) and the close
// reason given as they are: a relay repeats what the lobby's node said.
func (c *conn) shut(closing []byte, status websocket.StatusCode, reason string, drain bool) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.dead.Store(true)
		c.closing = closing
		c.status, c.reason, c.drain = status, reason, drain
		close(c.closed)
		start := !c.writing
		c.writing = true
		c.mu.Unlock()
		if start {
			go c.writeOut()
		}
	})
}

// writeOut is the connection's writer while it has something to write:
// every frame queued goes out in one write, and when the connection is
// closing, the goodbye. It returns when the queue is empty.
func (c *conn) writeOut() {
	for {
		c.mu.Lock()
		batch, closing, unsent := c.queue, c.dead.Load(), c.unsent
		if len(batch) == 0 && !closing && !unsent {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.queue = c.spare[:0]
		c.spare = nil
		c.unsent = false
		c.mu.Unlock()
		if closing {
			c.finish(batch)
			return
		}
		if err := c.out.write(batch); err != nil {
			c.out.abort()
			c.shut(nil, websocket.StatusGoingAway, "", false)
			continue // to finish
		}
		clear(batch)
		c.mu.Lock()
		if cap(batch) <= maxSpareBatch {
			c.spare = batch
		}
		c.mu.Unlock()
	}
}

// maxSpareBatch bounds the batch a connection keeps for reuse, so that
// a burst does not leave an idle connection holding a large slice.
const maxSpareBatch = 8

// finish writes the queued frames if the close drains them, then the
// Closing message, then closes the transport. Frames enqueued from now
// on are dropped (the connection is dead).
func (c *conn) finish(batch []frame) {
	defer close(c.written)
	c.pinger.Stop()
	if c.reason == string(protocol.CodeRateLimited) {
		// Closed for its rate: the goodbye waits, and so does a loop
		// that would be back at once.
		c.srv.holdRefusal(nil, c.srv.opt.Limits.RefusedWait)
	}
	if !c.drain {
		batch = batch[:0]
	}
	if c.closing != nil {
		batch = append(batch, frame{data: c.closing})
	}
	if len(batch) > 0 {
		if err := c.out.write(batch); err != nil {
			c.out.abort()
			return
		}
	}
	c.out.close(c.status, c.reason)
}

// ping checks every PingInterval that the client still answers; one that
// does not within PongWait is dropped.
func (c *conn) ping() {
	if c.dead.Load() {
		return
	}
	lim := c.srv.opt.Limits
	ctx, cancel := context.WithTimeout(context.Background(), lim.PongWait)
	err := c.out.ping(ctx)
	cancel()
	if err != nil {
		if c.dead.Load() {
			return // closing: the pong went unread, the goodbye is on its way
		}
		c.out.abort()
		c.shut(nil, websocket.StatusGoingAway, "", false)
		return
	}
	if !c.dead.Load() {
		c.pinger.Reset(lim.PingInterval)
	}
}

// serve reads the connection until it ends: the first message must say
// who is speaking; everything after goes to that lobby. Between two
// messages an idle connection's reader waits in awaitData, on a shallow
// stack, where its transport can (see corkConn.awaitData).
func (c *conn) serve() {
	var s serving
	s.hello, s.cancelHello = context.WithTimeout(context.Background(), c.srv.opt.Limits.HelloTimeout)
	defer c.endServe(&s)
	w, _ := c.out.(dataWaiter)
	for c.readOne(&s) {
		if w != nil && (s.l != nil || s.r != nil) && w.awaitData() != nil {
			return
		}
	}
}

// dataWaiter is a transport that can wait for the client's next message
// without the library: a client's own WebSocket.
type dataWaiter interface{ awaitData() error }

// serving is what a connection's reader holds between two messages.
type serving struct {
	l           *actor
	r           relayed // the lobby's owner is another node
	hello       context.Context
	cancelHello context.CancelFunc
}

// endServe detaches the connection from its lobby and closes it.
func (c *conn) endServe(s *serving) {
	s.cancelHello()
	if s.l != nil {
		s.l.post(detach{c})
	}
	if s.r != nil {
		s.r.End()
	}
	c.close("", "", websocket.StatusNormalClosure, false)
	<-c.written
}

// readOne reads and handles one message; false when the connection ends.
func (c *conn) readOne(s *serving) bool {
	ctx := context.Background()
	if s.l == nil && s.r == nil {
		ctx = s.hello
	}
	typ, data, err := c.ws.Read(ctx)
	if err != nil {
		if st := websocket.CloseStatus(err); st == websocket.StatusMessageTooBig {
			c.srv.metrics.refused(protocol.CodeTooBig)
		} else if st == -1 && !errors.Is(err, context.Canceled) && !c.dead.Load() {
			c.srv.log.Debug("websocket read", "err", err)
		}
		return false
	}
	c.srv.metrics.in.Add(1)
	at := time.Now()
	if !c.limiter.Allow() || !c.srv.rates.allow(c.ip, at) {
		if !c.flood.Allow() {
			c.srv.metrics.refused(protocol.CodeRateLimited)
			c.close(protocol.CodeRateLimited, "Too many messages. Reconnect and slow down.", websocket.StatusPolicyViolation, true)
			return false
		}
		c.refuse(requestID(data), protocol.Errorf(protocol.CodeRateLimited, "Too many messages; slow down."))
		return true
	}
	if typ != websocket.MessageText {
		c.refuse(0, protocol.Errorf(protocol.CodeBadMessage, "Send JSON text messages."))
		return true
	}
	if s.r != nil {
		// The owner decodes it, once, and answers for it.
		if err := s.r.Forward(data); err != nil {
			c.sendBack(movingMessage, true)
			return false
		}
		return true
	}
	msg, err := protocol.Decode(data)
	if err != nil {
		c.refuse(requestID(data), err)
		return true
	}
	if s.l != nil {
		if !s.l.post(request{c: c, msg: msg, at: at}) {
			c.close(protocol.CodeLobbyClosed, "This lobby has closed.", websocket.StatusNormalClosure, true)
			s.l = nil
			return false
		}
		return true
	}
	code, ok := helloLobby(msg)
	if !ok {
		c.refuse(requestID(data), protocol.Errorf(protocol.CodeNotIdentified, "Say who you are first: join, resume or watch."))
		return true
	}
	s.l, s.r = c.enterLobby(code, msg)
	if s.l != nil || s.r != nil {
		s.cancelHello() // its timer is not kept for the connection's life
	}
	return true
}

// enterLobby hands a first message to the lobby it names: the lobby here,
// or in a cluster wherever the lobby's owner is. The connection has been
// answered when it returns; one of the two is set if it is now in.
func (c *conn) enterLobby(code string, hello protocol.Client) (*actor, relayed) {
	// Codes are not to be guessed: an address that has missed too often
	// is refused before any lookup, as over HTTP.
	if refusal, wait := c.srv.guesses.allow(c.ip, time.Now()); refusal != nil {
		c.srv.holdRefusal(c.closed, wait)
		c.refuse(0, refusal)
		return nil, nil
	}
	return c.srv.dir.route(c, code, hello)
}

// enter hands a connection to the lobby and waits for its verdict.
func (l *actor) enter(c *conn, hello protocol.Client) verdict {
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
// Only "id" spelled exactly counts, as in Decode.
func requestID(data []byte) int64 {
	var v map[string]json.RawMessage
	var id int64
	if json.Unmarshal(data, &v) != nil || json.Unmarshal(v["id"], &id) != nil {
		return 0
	}
	return id
}
