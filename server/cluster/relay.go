package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"congress/protocol"
	"congress/server/store"
)

// A relayed connection: a client connected to one node (the relay) plays
// in a lobby owned by another (the owner). The store's Sessions carry it
// (store.Sessions: the subjects and headers are the store's).
//
//   - The relay, which has decoded the client's first message to find its
//     lobby, sends it to the owner as a value (Open), naming a session
//     (random): the owner does not decode it again.
//   - The owner makes a connection whose transport is the session's Out
//     stream (Session): everything the lobby sends the client goes there,
//     in order; the relay writes it to the WebSocket.
//   - The relay sends the client's later messages on the In stream, as
//     the client sent them; the owner decodes them and hands them to the
//     lobby.
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

// verdictControl names a verdict on the wire, and controlVerdict reads it.
var (
	verdictControl = map[Verdict]string{Entered: ctlEntered, Refused: ctlRefused, Moved: ctlMoved}
	controlVerdict = map[string]Verdict{ctlEntered: Entered, ctlRefused: Refused, ctlMoved: Moved}
)

// openRequest is a relay's request to the owner of a lobby. The first
// message is one of Join, Resume or Watch, as the relay decoded it.
type openRequest struct {
	Session string           `json:"session"`
	Lobby   string           `json:"lobby"`
	Join    *protocol.Join   `json:"join,omitempty"`
	Resume  *protocol.Resume `json:"resume,omitempty"`
	Watch   *protocol.Watch  `json:"watch,omitempty"`
	IP      string           `json:"ip"`
}

// hello is the first message an open request carries, if it carries one.
func (r openRequest) hello() (protocol.Client, bool) {
	switch {
	case r.Join != nil && r.Resume == nil && r.Watch == nil:
		return *r.Join, true
	case r.Resume != nil && r.Join == nil && r.Watch == nil:
		return *r.Resume, true
	case r.Watch != nil && r.Join == nil && r.Resume == nil:
		return *r.Watch, true
	}
	return nil, false
}

// withHello is r carrying the first message hello; false if hello is
// not a first message.
func (r openRequest) withHello(hello protocol.Client) (openRequest, bool) {
	switch h := hello.(type) {
	case protocol.Join:
		r.Join = &h
	case protocol.Resume:
		r.Resume = &h
	case protocol.Watch:
		r.Watch = &h
	default:
		return r, false
	}
	return r, true
}

// openReply says whether the owner took the session; the lobby's verdict
// follows on the session's stream.
type openReply struct {
	OK bool `json:"ok"`
}

// --- the owner's end ---

// Session is the owner's end of a relayed session: the transport of the
// connection of a client on another node. Frames go out on the
// session's Out stream, each in turn.
type Session struct {
	sessions *store.Sessions
	session  string
	mu       sync.Mutex // numbers and sends each message in turn
	seq      uint64
}

func (t *Session) send(m store.SessionMsg) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	m.Seq = t.seq
	return t.sessions.Send(t.session, store.Out, m)
}

// Send sends the client a message.
func (t *Session) Send(data []byte) error { return t.send(store.SessionMsg{Data: data}) }

// Verdict sends the lobby's verdict on the first message, in order with
// the messages.
func (t *Session) Verdict(v Verdict) error { return t.send(store.SessionMsg{Ctl: verdictControl[v]}) }

// Ping checks that the relay still holds the session.
func (t *Session) Ping(ctx context.Context) error {
	return t.sessions.Ping(ctx, t.session, store.Out)
}

// Close says goodbye with a WebSocket status and reason, which the relay
// closes the client's WebSocket with.
func (t *Session) Close(status int, reason string) {
	_ = t.send(store.SessionMsg{Ctl: ctlClose, Status: status, Reason: reason})
}

// listen takes the relays opened to this node's lobbies, until stop.
func (n *Node) listen() (stop func(), err error) {
	stop, err = n.st.Sessions().Listen(n.node, func(req []byte) []byte {
		b, _ := json.Marshal(openReply{OK: n.handleOpen(req)})
		return b
	})
	if err != nil {
		return nil, fmt.Errorf("listening for relays to node %s: %w", n.node, err)
	}
	return stop, nil
}

// handleOpen answers a relay that brings a client to a lobby of this
// node: it takes the client in, or says false if
// the lobby is not here (the relay looks again) or the request is wrong.
func (n *Node) handleOpen(data []byte) bool {
	var req openRequest
	if json.Unmarshal(data, &req) != nil || !nodeIDPattern.MatchString(req.Session) {
		return false
	}
	hello, ok := req.hello()
	if !ok {
		return false
	}
	sessions := n.st.Sessions()
	c, ok := n.host.Accept(req.Lobby, hello, req.IP, &Session{sessions: sessions, session: req.Session})
	if !ok {
		return false
	}
	in, stop, err := sessions.Receive(req.Session, store.In, relayBuffer)
	if err != nil {
		c.End()
		return false
	}
	go n.serveRemote(c, stop, in)
	return true
}

// serveRemote reads a relayed session for a client of another node: its
// messages come from the session's In stream.
func (n *Node) serveRemote(c Remote, stop func(), in <-chan *store.SessionMsg) {
	defer func() {
		stop()
		c.End()
	}()
	if !c.Enter() {
		return
	}
	var seq uint64
	for {
		select {
		case m := <-in:
			if m.Ping() { // the relay's
				m.Pong()
				continue
			}
			if m.Seq != seq+1 {
				n.log.Warn("relayed messages lost: the client reconnects", "want", seq+1, "got", m.Seq)
				c.Moving(false)
				return
			}
			seq++
			if m.Ctl == ctlDetach {
				return
			}
			if !c.Receive(m.Data) {
				return
			}
		case <-c.Closed():
			return
		case <-c.Written(): // the relay stopped answering pings
			return
		}
	}
}

// --- the relay's end ---

// Relay is the relay's side of a session: the client's WebSocket is here,
// its lobby on another node.
type Relay struct {
	n       *Node
	c       Conn
	code    string
	owner   string // the lease holder the session was opened with
	session string
	in      <-chan *store.SessionMsg
	unsub   func()
	seq     uint64 // messages sent to the owner (the reader's goroutine only)
	verdict chan Verdict
	quit    chan struct{}
	once    sync.Once
}

// Route finds the lobby a first message names, wherever it runs, and
// hands the connection to it: here, directly, and that lobby is
// returned; on another node, through a relay, which is returned. A lobby
// without an owner (its node died, or is handing it over) is waited for
// until its lease has expired and it has been claimed — by this node if
// it gets there first — after which the client is told to reconnect.
// The connection has been answered when Route returns.
func (n *Node) Route(c Conn, code string, hello protocol.Client) (Lobby, *Relay) {
	deadline := time.Now().Add(n.ttl + routeExtra)
	for !c.Dead() {
		changed := n.changes()
		if l := n.host.Lobby(code); l != nil {
			switch l.Enter(c, hello) {
			case Entered:
				return l, nil
			case Refused:
				return nil, nil
			}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
			owner, err := n.owner(ctx, code)
			switch {
			case err != nil:
				n.log.Debug("looking up a lobby's owner", "lobby", code, "err", err)
			case owner == "":
				found, err := n.st.Exists(ctx, code)
				if err == nil && !found {
					cancel()
					n.host.Unknown(c, code)
					return nil, nil
				}
				if err == nil && n.claim(code) {
					cancel()
					continue
				}
				if n.host.Damaged(c, code) {
					cancel()
					return nil, nil
				}
			case nodeOf(owner) == n.node:
				// Being restored here, or let go: wait.
			default:
				r, v := n.relayTo(ctx, c, code, owner, hello)
				switch v {
				case Entered:
					cancel()
					return nil, r
				case Refused:
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
		case <-c.Closed():
		}
	}
	c.Moving(true)
	return nil, nil
}

// relayTo opens a session with the lobby's owner and waits for the
// lobby's verdict; Moved means try again.
func (n *Node) relayTo(ctx context.Context, c Conn, code, owner string, hello protocol.Client) (*Relay, Verdict) {
	req, ok := openRequest{Session: randomToken(22), Lobby: code, IP: c.IP()}.withHello(hello)
	if !ok {
		return nil, Refused
	}
	r := &Relay{
		n: n, c: c, code: code, owner: owner, session: req.Session,
		verdict: make(chan Verdict, 1), quit: make(chan struct{}),
	}
	sessions := n.st.Sessions()
	in, unsub, err := sessions.Receive(r.session, store.Out, relayBuffer)
	if err != nil {
		return nil, Moved
	}
	r.in, r.unsub = in, unsub
	body, _ := json.Marshal(req)
	res, err := sessions.Open(ctx, nodeOf(owner), body)
	var reply openReply
	if err != nil || json.Unmarshal(res, &reply) != nil || !reply.OK {
		unsub()
		return nil, Moved // the owner is gone, or the lobby is not there any more
	}
	n.mu.Lock()
	if n.relays[code] == nil {
		n.relays[code] = map[*Relay]struct{}{}
	}
	n.relays[code][r] = struct{}{}
	stale := n.table[code] != owner && n.table[code] != ""
	n.mu.Unlock()
	go r.pump()
	wait := time.NewTimer(n.timing.JournalTimeout + openTimeout)
	defer wait.Stop()
	v := Moved
	select {
	case v = <-r.verdict:
	case <-c.Closed():
		v = Refused // the client has gone: nothing to answer
	case <-c.Written():
		v = Refused
	case <-wait.C:
	}
	if v == Entered && stale {
		// The lobby changed hands while the session opened: start over
		// with the client, which has its Welcome and will resume.
		c.Moving(true)
	}
	if v != Entered {
		r.End()
		return nil, v
	}
	go r.pingLoop()
	return r, Entered
}

// Forward sends a client's message to the owner, as the client sent it:
// the owner decodes it, once, and answers for it.
func (r *Relay) Forward(data []byte) error {
	r.seq++
	return r.n.st.Sessions().Send(r.session, store.In, store.SessionMsg{Seq: r.seq, Data: data})
}

// End closes the session: the owner detaches the client from its lobby.
// The connection's reader calls it as the connection ends.
func (r *Relay) End() {
	r.once.Do(func() {
		r.seq++
		_ = r.n.st.Sessions().Send(r.session, store.In, store.SessionMsg{Seq: r.seq, Ctl: ctlDetach})
		r.unsub()
		close(r.quit)
		r.n.mu.Lock()
		delete(r.n.relays[r.code], r)
		if len(r.n.relays[r.code]) == 0 {
			delete(r.n.relays, r.code)
		}
		r.n.mu.Unlock()
	})
}

// pump writes the owner's frames to the client, in order.
func (r *Relay) pump() {
	var seq uint64
	decided := false
	for {
		select {
		case <-r.quit:
			return
		case <-r.c.Closed():
			return
		case m := <-r.in:
			if m.Ping() { // the owner's
				m.Pong()
				continue
			}
			if m.Seq != seq+1 {
				r.n.log.Warn("relayed frames lost: the client reconnects", "lobby", r.code, "want", seq+1, "got", m.Seq)
				r.c.Moving(false)
				return
			}
			seq++
			switch ctl := m.Ctl; ctl {
			case "":
				r.c.Enqueue(m.Data)
			case ctlEntered, ctlRefused, ctlMoved:
				if decided {
					continue
				}
				decided = true
				v := controlVerdict[ctl]
				r.verdict <- v
				if v != Entered {
					return
				}
			case ctlClose:
				// The Closing frame, if any, came just before.
				r.c.Shut(m.Status, m.Reason)
				return
			}
		}
	}
}

// pingLoop checks that the owner still holds the session.
func (r *Relay) pingLoop() {
	t := time.NewTicker(r.n.timing.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-r.c.Closed():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), r.n.timing.PongWait)
			err := r.n.st.Sessions().Ping(ctx, r.session, store.In)
			cancel()
			if err != nil {
				r.c.Moving(true)
				return
			}
		}
	}
}
