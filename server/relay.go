package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go"

	"congress/protocol"
)

// A relayed connection: a client connected to one node (the relay) plays
// in a lobby owned by another (the owner).
//
//   - The relay sends the client's first message to the owner as a request
//     on congress.node.<owner>.open, naming a session (random).
//   - The owner makes a connection whose transport is NATS (natsTransport):
//     everything the lobby sends the client is published, in order, to
//     congress.out.<session>; the relay writes it to the WebSocket.
//   - The relay publishes the client's later messages to
//     congress.in.<session>; the owner hands them to the lobby.
//
// Control messages (header Congress-Ctl) travel in the same streams: the
// lobby's verdict on the first message (entered, refused, moved), close
// (with the WebSocket status and reason) and detach. Every message of a
// stream carries its number (Congress-Seq): core NATS may drop messages
// (a reconnect, a slow consumer), and a gap closes the client with
// reconnect, so that it resumes and is sent everything again. Each side
// pings the other (a request to its subject) and gives up on silence.

const (
	hdrCtl    = "Congress-Ctl"
	hdrSeq    = "Congress-Seq"
	hdrStatus = "Congress-Status"
	hdrReason = "Congress-Reason"

	ctlEntered = "entered"
	ctlRefused = "refused"
	ctlMoved   = "moved"
	ctlClose   = "close"
	ctlDetach  = "detach"
	ctlPing    = "ping"

	relayBuffer = 1024 // messages buffered per session and direction
)

func openSubject(node string) string   { return "congress.node." + node + ".open" }
func inSubject(session string) string  { return "congress.in." + session }
func outSubject(session string) string { return "congress.out." + session }

// openRequest is a relay's request to the owner of a lobby.
type openRequest struct {
	Session string          `json:"session"`
	Lobby   string          `json:"lobby"`
	Hello   json.RawMessage `json:"hello"` // the client's first message, as sent
	IP      string          `json:"ip"`
}

// openReply says whether the owner took the session; the lobby's verdict
// follows on the session's stream.
type openReply struct {
	OK bool `json:"ok"`
}

// verdictFrame is a lobby's verdict as a relayed connection sends it,
// in order with the lobby's messages.
var verdictFrame = map[verdict]relayControl{entered: relayEntered, refused: relayRefused, moved: relayMoved}

// controlHeader names a relay control on the wire.
var controlHeader = map[relayControl]string{relayEntered: ctlEntered, relayRefused: ctlRefused, relayMoved: ctlMoved}

// seqOf is the number of a session message (0 if it has none).
func seqOf(m *nats.Msg) uint64 {
	n, _ := strconv.ParseUint(m.Header.Get(hdrSeq), 10, 64)
	return n
}

// --- the owner's end ---

// natsTransport is the transport of a connection whose client is on
// another node: frames are published to the relay's session subject.
// The connection's writer uses it, and its pinger, which aborts it when
// the relay stops answering.
type natsTransport struct {
	nc      *nats.Conn
	subject string
	mu      sync.Mutex // numbers and publishes each message in turn
	seq     uint64
}

func (t *natsTransport) publish(m *nats.Msg) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	m.Header.Set(hdrSeq, strconv.FormatUint(t.seq, 10))
	return t.nc.PublishMsg(m)
}

func (t *natsTransport) write(frames []frame) error {
	for _, f := range frames {
		m := nats.NewMsg(t.subject)
		if f.ctl != relayMessage {
			m.Header.Set(hdrCtl, controlHeader[f.ctl])
		} else {
			m.Data = f.data
		}
		if err := t.publish(m); err != nil {
			return err
		}
	}
	return nil
}

func (t *natsTransport) ping(ctx context.Context) error {
	m := nats.NewMsg(t.subject)
	m.Header.Set(hdrCtl, ctlPing)
	_, err := t.nc.RequestMsgWithContext(ctx, m)
	return err
}

func (t *natsTransport) close(status websocket.StatusCode, reason string) {
	m := nats.NewMsg(t.subject)
	m.Header.Set(hdrCtl, ctlClose)
	m.Header.Set(hdrStatus, strconv.Itoa(int(status)))
	m.Header.Set(hdrReason, reason)
	_ = t.publish(m)
}

func (t *natsTransport) abort() {
	t.close(websocket.StatusGoingAway, string(protocol.CodeReconnect))
}

// handleOpen answers a relay that brings a client to a lobby of this node.
// listen takes the relays opened to this node's lobbies, until stop.
func (cl *cluster) listen() (stop func(), err error) {
	sub, err := cl.st.Conn().Subscribe(openSubject(cl.node), cl.handleOpen)
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", openSubject(cl.node), err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

func (cl *cluster) handleOpen(m *nats.Msg) {
	answer := func(ok bool) {
		b, _ := json.Marshal(openReply{OK: ok})
		_ = m.Respond(b)
	}
	var req openRequest
	if json.Unmarshal(m.Data, &req) != nil || !nodeIDPattern.MatchString(req.Session) {
		answer(false)
		return
	}
	l := cl.srv.lobbies.get(req.Lobby)
	if l == nil {
		answer(false) // not (or no longer) here: the relay looks again
		return
	}
	hello, err := protocol.Decode(req.Hello)
	if err != nil {
		answer(false)
		return
	}
	c := newConnOn(cl.srv, &natsTransport{nc: cl.st.Conn(), subject: outSubject(req.Session)}, req.IP)
	c.limiter, c.flood = nil, nil // the relay limits the client's rate
	if !cl.srv.addConn(c) {
		answer(false)
		return
	}
	in := make(chan *nats.Msg, relayBuffer)
	sub, err := cl.st.Conn().ChanSubscribe(inSubject(req.Session), in)
	if err != nil {
		cl.srv.removeConn(c)
		answer(false)
		return
	}
	answer(true)
	go c.serveRemote(l, hello, sub, in)
}

// serveRemote is serve for a client on another node: its messages come
// from the session's subject.
func (c *conn) serveRemote(l *actor, hello protocol.Client, sub *nats.Subscription, in chan *nats.Msg) {
	defer c.srv.removeConn(c)
	attached := false
	defer func() {
		_ = sub.Unsubscribe()
		if attached {
			l.post(detach{c})
		}
		c.close("", "", websocket.StatusNormalClosure, false)
		<-c.written
	}()
	v := l.enter(c, hello)
	c.push(frame{ctl: verdictFrame[v]})
	if v != entered {
		c.shut(nil, websocket.StatusNormalClosure, "", true) // the verdict goes out, the client stays
		return
	}
	attached = true
	var seq uint64
	for {
		select {
		case m := <-in:
			if m.Reply != "" { // the relay's ping
				_ = m.Respond(nil)
				continue
			}
			if n := seqOf(m); n != seq+1 {
				c.srv.log.Warn("relayed messages lost: the client reconnects", "want", seq+1, "got", n)
				c.sendBack(movingMessage, false)
				return
			}
			seq++
			if m.Header.Get(hdrCtl) == ctlDetach {
				return
			}
			msg, err := protocol.Decode(m.Data)
			if err != nil {
				c.refuse(requestID(m.Data), err)
				continue
			}
			if !l.post(request{c: c, msg: msg, at: time.Now()}) {
				c.close(protocol.CodeLobbyClosed, "This lobby has closed.", websocket.StatusNormalClosure, true)
				return
			}
		case <-c.closed:
			return
		case <-c.written: // the relay stopped answering pings
			return
		}
	}
}

// --- the relay's end ---

// relay is the relay's side of a session: the client's WebSocket is here,
// its lobby on another node.
type relay struct {
	cl      *cluster
	c       *conn
	code    string
	owner   string // the lease holder the session was opened with
	session string
	in      chan *nats.Msg
	sub     *nats.Subscription
	seq     uint64 // messages sent to the owner (serve's goroutine only)
	verdict chan verdict
	quit    chan struct{}
	once    sync.Once
}

// route finds the lobby a first message names, wherever it runs, and
// hands the connection to it: here, directly; on another node, through a
// relay. A lobby without an owner (its node died, or is handing it over)
// is waited for until its lease has expired and it has been claimed — by
// this node if it gets there first — after which the client is told to
// reconnect.
func (cl *cluster) route(c *conn, code string, hello protocol.Client, data []byte) (*actor, *relay) {
	deadline := time.Now().Add(cl.ttl + routeExtra)
	for !c.dead.Load() {
		changed := cl.changes()
		if l := cl.srv.lobbies.get(code); l != nil {
			switch l.enter(c, hello) {
			case entered:
				return l, nil
			case refused:
				return nil, nil
			}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
			owner, err := cl.owner(ctx, code)
			switch {
			case err != nil:
				cl.log.Debug("looking up a lobby's owner", "lobby", code, "err", err)
			case owner == "":
				found, err := cl.st.Exists(ctx, code)
				if err == nil && !found {
					cancel()
					c.srv.guesses.missed(c.ip, time.Now())
					c.refuse(0, protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", code))
					return nil, nil
				}
				if err == nil && cl.claim(code) {
					cancel()
					continue
				}
				if cl.srv.lobbies.isDamaged(code) {
					cancel()
					c.refuse(0, errDamaged(code))
					return nil, nil
				}
			case nodeOf(owner) == cl.node:
				// Being restored here, or let go: wait.
			default:
				r, v := cl.relayTo(ctx, c, code, owner, data)
				switch v {
				case entered:
					cancel()
					return nil, r
				case refused:
					cancel()
					return nil, nil
				}
			}
			cancel()
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-changed:
		case <-time.After(routePoll):
		case <-c.closed:
		}
	}
	c.sendBack(movingMessage, true)
	return nil, nil
}

// relayTo opens a session with the lobby's owner and waits for the
// lobby's verdict; moved means try again.
func (cl *cluster) relayTo(ctx context.Context, c *conn, code, owner string, hello []byte) (*relay, verdict) {
	r := &relay{
		cl: cl, c: c, code: code, owner: owner, session: randomToken()[:22],
		in: make(chan *nats.Msg, relayBuffer), verdict: make(chan verdict, 1), quit: make(chan struct{}),
	}
	sub, err := cl.st.Conn().ChanSubscribe(outSubject(r.session), r.in)
	if err != nil {
		return nil, moved
	}
	r.sub = sub
	req, _ := json.Marshal(openRequest{Session: r.session, Lobby: code, Hello: hello, IP: c.ip})
	res, err := cl.st.Conn().RequestWithContext(ctx, openSubject(nodeOf(owner)), req)
	var ok openReply
	if err != nil || json.Unmarshal(res.Data, &ok) != nil || !ok.OK {
		_ = sub.Unsubscribe()
		return nil, moved // the owner is gone, or the lobby is not there any more
	}
	cl.mu.Lock()
	if cl.relays[code] == nil {
		cl.relays[code] = map[*relay]struct{}{}
	}
	cl.relays[code][r] = struct{}{}
	stale := cl.table[code] != owner && cl.table[code] != ""
	cl.mu.Unlock()
	go r.pump()
	wait := time.NewTimer(cl.srv.opt.Limits.JournalTimeout + openTimeout)
	defer wait.Stop()
	v := moved
	select {
	case v = <-r.verdict:
	case <-c.closed:
		v = refused // the client has gone: nothing to answer
	case <-c.written:
		v = refused
	case <-wait.C:
	}
	if v == entered && stale {
		// The lobby changed hands while the session opened: start over
		// with the client, which has its Welcome and will resume.
		c.sendBack(movingMessage, true)
	}
	if v != entered {
		r.end()
		return nil, v
	}
	go r.pingLoop()
	return r, entered
}

// forward sends a client's message to the owner.
func (r *relay) forward(data []byte) error {
	r.seq++
	m := nats.NewMsg(inSubject(r.session))
	m.Header.Set(hdrSeq, strconv.FormatUint(r.seq, 10))
	m.Data = data
	return r.cl.st.Conn().PublishMsg(m)
}

// end closes the session: the owner detaches the client from its lobby.
// serve calls it as the connection ends.
func (r *relay) end() {
	r.once.Do(func() {
		r.seq++
		m := nats.NewMsg(inSubject(r.session))
		m.Header.Set(hdrSeq, strconv.FormatUint(r.seq, 10))
		m.Header.Set(hdrCtl, ctlDetach)
		_ = r.cl.st.Conn().PublishMsg(m)
		_ = r.sub.Unsubscribe()
		close(r.quit)
		r.cl.mu.Lock()
		delete(r.cl.relays[r.code], r)
		if len(r.cl.relays[r.code]) == 0 {
			delete(r.cl.relays, r.code)
		}
		r.cl.mu.Unlock()
	})
}

// pump writes the owner's frames to the client, in order.
func (r *relay) pump() {
	var seq uint64
	decided := false
	for {
		select {
		case <-r.quit:
			return
		case <-r.c.closed:
			return
		case m := <-r.in:
			if m.Reply != "" { // the owner's ping
				_ = m.Respond(nil)
				continue
			}
			if n := seqOf(m); n != seq+1 {
				r.cl.log.Warn("relayed frames lost: the client reconnects", "lobby", r.code, "want", seq+1, "got", n)
				r.c.sendBack(movingMessage, false)
				return
			}
			seq++
			switch ctl := m.Header.Get(hdrCtl); ctl {
			case "":
				r.c.enqueue(m.Data)
			case ctlEntered, ctlRefused, ctlMoved:
				if decided {
					continue
				}
				decided = true
				v := map[string]verdict{ctlEntered: entered, ctlRefused: refused, ctlMoved: moved}[ctl]
				r.verdict <- v
				if v != entered {
					return
				}
			case ctlClose:
				status, _ := strconv.Atoi(m.Header.Get(hdrStatus))
				// The Closing frame, if any, came just before.
				r.c.shut(nil, websocket.StatusCode(status), m.Header.Get(hdrReason), true)
				return
			}
		}
	}
}

// pingLoop checks that the owner still holds the session.
func (r *relay) pingLoop() {
	lim := r.cl.srv.opt.Limits
	t := time.NewTicker(lim.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-r.c.closed:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), lim.PongWait)
			m := nats.NewMsg(inSubject(r.session))
			m.Header.Set(hdrCtl, ctlPing)
			_, err := r.cl.st.Conn().RequestMsgWithContext(ctx, m)
			cancel()
			if err != nil {
				r.c.sendBack(movingMessage, true)
				return
			}
		}
	}
}
