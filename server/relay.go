package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"

	"congress/protocol"
	"congress/server/store"
)

// A relayed connection: a client connected to one node (the relay) plays
// in a lobby owned by another (the owner). The store's Sessions carry it
// (store.Sessions: the subjects and headers are the store's).
//
//   - The relay sends the client's first message to the owner (Open),
//     naming a session (random).
//   - The owner makes a connection whose transport is the session's Out
//     stream (sessionTransport): everything the lobby sends the client goes
//     there, in order; the relay writes it to the WebSocket.
//   - The relay sends the client's later messages on the In stream; the
//     owner hands them to the lobby.
//
// Controls travel in the same streams: the lobby's verdict on the first
// message (entered, refused, moved), close (with the WebSocket status and
// reason) and detach. Every message of a stream carries its number: core
// NATS may drop messages (a reconnect, a slow consumer), and a gap closes
// the client with reconnect, so that it resumes and is sent everything
// again. Each side pings the other and gives up on silence.

const (
	ctlEntered = "entered"
	ctlRefused = "refused"
	ctlMoved   = "moved"
	ctlClose   = "close"
	ctlDetach  = "detach"

	relayBuffer = 1024 // messages buffered per session and direction
)

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

// --- the owner's end ---

// sessionTransport is the transport of a connection whose client is on
// another node: frames go out on the session's Out stream.
// The connection's writer uses it, and its pinger, which aborts it when
// the relay stops answering.
type sessionTransport struct {
	sessions *store.Sessions
	session  string
	mu       sync.Mutex // numbers and sends each message in turn
	seq      uint64
}

func (t *sessionTransport) send(m store.SessionMsg) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	m.Seq = t.seq
	return t.sessions.Send(t.session, store.Out, m)
}

func (t *sessionTransport) write(frames []frame) error {
	for _, f := range frames {
		m := store.SessionMsg{Data: f.data}
		if f.ctl != relayMessage {
			m = store.SessionMsg{Ctl: controlHeader[f.ctl]}
		}
		if err := t.send(m); err != nil {
			return err
		}
	}
	return nil
}

func (t *sessionTransport) ping(ctx context.Context) error {
	return t.sessions.Ping(ctx, t.session, store.Out)
}

func (t *sessionTransport) close(status websocket.StatusCode, reason string) {
	_ = t.send(store.SessionMsg{Ctl: ctlClose, Status: int(status), Reason: reason})
}

func (t *sessionTransport) abort() {
	t.close(websocket.StatusGoingAway, string(protocol.CodeReconnect))
}

// listen takes the relays opened to this node's lobbies, until stop.
func (cl *cluster) listen() (stop func(), err error) {
	stop, err = cl.st.Sessions().Listen(cl.node, func(req []byte) []byte {
		b, _ := json.Marshal(openReply{OK: cl.handleOpen(req)})
		return b
	})
	if err != nil {
		return nil, fmt.Errorf("listening for relays to node %s: %w", cl.node, err)
	}
	return stop, nil
}

// handleOpen answers a relay that brings a client to a lobby of this
// node: it takes the client in, or says false if
// the lobby is not here (the relay looks again) or the request is wrong.
func (cl *cluster) handleOpen(data []byte) bool {
	var req openRequest
	if json.Unmarshal(data, &req) != nil || !nodeIDPattern.MatchString(req.Session) {
		return false
	}
	l := cl.srv.lobbies.get(req.Lobby)
	if l == nil {
		return false
	}
	hello, err := protocol.Decode(req.Hello)
	if err != nil {
		return false
	}
	sessions := cl.st.Sessions()
	c := newConnOn(cl.srv, &sessionTransport{sessions: sessions, session: req.Session}, req.IP)
	c.limiter, c.flood = nil, nil // the relay limits the client's rate
	if !cl.srv.addConn(c) {
		return false
	}
	in, stop, err := sessions.Receive(req.Session, store.In, relayBuffer)
	if err != nil {
		cl.srv.removeConn(c)
		return false
	}
	go c.serveRemote(l, hello, stop, in)
	return true
}

// serveRemote is serve for a client on another node: its messages come
// from the session's subject.
func (c *conn) serveRemote(l *actor, hello protocol.Client, stop func(), in <-chan *store.SessionMsg) {
	defer c.srv.removeConn(c)
	attached := false
	defer func() {
		stop()
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
			if m.Ping() { // the relay's
				m.Pong()
				continue
			}
			if m.Seq != seq+1 {
				c.srv.log.Warn("relayed messages lost: the client reconnects", "want", seq+1, "got", m.Seq)
				c.sendBack(movingMessage, false)
				return
			}
			seq++
			if m.Ctl == ctlDetach {
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
	in      <-chan *store.SessionMsg
	unsub   func()
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
		verdict: make(chan verdict, 1), quit: make(chan struct{}),
	}
	sessions := cl.st.Sessions()
	in, unsub, err := sessions.Receive(r.session, store.Out, relayBuffer)
	if err != nil {
		return nil, moved
	}
	r.in, r.unsub = in, unsub
	req, _ := json.Marshal(openRequest{Session: r.session, Lobby: code, Hello: hello, IP: c.ip})
	res, err := sessions.Open(ctx, nodeOf(owner), req)
	var ok openReply
	if err != nil || json.Unmarshal(res, &ok) != nil || !ok.OK {
		unsub()
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
	return r.cl.st.Sessions().Send(r.session, store.In, store.SessionMsg{Seq: r.seq, Data: data})
}

// end closes the session: the owner detaches the client from its lobby.
// serve calls it as the connection ends.
func (r *relay) end() {
	r.once.Do(func() {
		r.seq++
		_ = r.cl.st.Sessions().Send(r.session, store.In, store.SessionMsg{Seq: r.seq, Ctl: ctlDetach})
		r.unsub()
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
			if m.Ping() { // the owner's
				m.Pong()
				continue
			}
			if m.Seq != seq+1 {
				r.cl.log.Warn("relayed frames lost: the client reconnects", "lobby", r.code, "want", seq+1, "got", m.Seq)
				r.c.sendBack(movingMessage, false)
				return
			}
			seq++
			switch ctl := m.Ctl; ctl {
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
				// The Closing frame, if any, came just before.
				r.c.shut(nil, websocket.StatusCode(m.Status), m.Reason, true)
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
			err := r.cl.st.Sessions().Ping(ctx, r.session, store.In)
			cancel()
			if err != nil {
				r.c.sendBack(movingMessage, true)
				return
			}
		}
	}
}
