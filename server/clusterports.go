package server

import (
	"context"
	"errors"
	"time"

	"github.com/coder/websocket"

	"congress/protocol"
	"congress/server/cluster"
	"congress/server/lobby"
)

// Cluster mode is the cluster package's (server/cluster): this file
// makes a node's directory of it, and gives it the ports it reaches the
// server's lobbies and connections through.

// ClusterOptions configure a node of a cluster.
type ClusterOptions = cluster.Options

// DefaultLeaseTTL is the lease TTL of a new cluster.
const DefaultLeaseTTL = cluster.DefaultLeaseTTL

// ValidNodeID reports whether id may name a node: 1 to 64 letters,
// digits, '-' or '_'.
func ValidNodeID(id string) bool { return cluster.ValidNodeID(id) }

// clusterDir is the directory of a node of a cluster.
type clusterDir struct{ node *cluster.Node }

func newClusterDir(s *Server, o ClusterOptions) clusterDir {
	lim := s.opt.Limits
	t := cluster.Timing{JournalTimeout: lim.JournalTimeout, PingInterval: lim.PingInterval, PongWait: lim.PongWait}
	return clusterDir{cluster.New(nodeHost{s}, o, t, s.log)}
}

func (d clusterDir) join(ctx context.Context) error { return d.node.Join(ctx) }
func (clusterDir) handOver() error                  { return nil }

func (d clusterDir) open(ctx context.Context, code string) error {
	err := d.node.Open(ctx, code)
	if errors.Is(err, cluster.ErrCodeTaken) {
		return errCodeTaken
	}
	return err
}

func (d clusterDir) abandon(code string) { d.node.Abandon(code) }

func (d clusterDir) route(c *conn, code string, hello protocol.Client) (*actor, relayed) {
	l, r := d.node.Route(clusterConn{c}, code, hello)
	switch {
	case l != nil:
		return l.(clusterLobby).a, nil
	case r != nil:
		return nil, r
	}
	return nil, nil
}

func (d clusterDir) list() []protocol.LobbySummary             { return d.node.List() }
func (d clusterDir) lookup(code string) *protocol.LobbySummary { return d.node.Lookup(code) }
func (d clusterDir) summaryChanged(l *actor)                   { d.node.SummaryChanged(clusterLobby{l}) }
func (d clusterDir) ended(l *actor)                            { d.node.Ended(l.code, clusterEnd[l.end]) }
func (d clusterDir) stop()                                     { d.node.Stop() }

func (d clusterDir) appendDeadline(code string) (time.Time, bool) {
	return d.node.AppendDeadline(code)
}

func (d clusterDir) claimRecord(now time.Time) (lobby.Record, bool) {
	return d.node.ClaimRecord(now), true
}

var clusterEnd = map[endReason]cluster.End{
	endQuit: cluster.Stopped, endClosed: cluster.Closed, endHandover: cluster.HandedOver, endDeposed: cluster.Deposed,
}

// nodeHost is the server as its node of the cluster reaches it.
type nodeHost struct{ s *Server }

func (h nodeHost) Lobby(code string) cluster.Lobby {
	if l := h.s.lobbies.get(code); l != nil {
		return clusterLobby{l}
	}
	return nil
}

func (h nodeHost) Lobbies() []cluster.Lobby {
	all := h.s.lobbies.all()
	out := make([]cluster.Lobby, len(all))
	for i, l := range all {
		out[i] = clusterLobby{l}
	}
	return out
}

func (h nodeHost) Restore(ctx context.Context, code string) error {
	err := h.s.Restore(ctx, code)
	if err == nil {
		return nil
	}
	if h.s.stopping() || errors.Is(err, errLobbyClosed) {
		return cluster.ErrGone
	}
	var damaged damagedLog
	if j, ok := h.s.opt.Journal.(lobby.Restorable); ok && errors.As(err, &damaged) {
		h.s.quarantine(ctx, j, code, err)
		return cluster.ErrQuarantined
	}
	return err
}

func (h nodeHost) Stopping() bool { return h.s.stopping() }

func (h nodeHost) Unknown(c cluster.Conn, code string) { h.s.unknownLobby(connOf(c), code) }

func (h nodeHost) Damaged(c cluster.Conn, code string) bool {
	return h.s.damagedLobby(connOf(c), code)
}

func (h nodeHost) Accept(code string, hello protocol.Client, ip string, t *cluster.Session) (cluster.Remote, bool) {
	l := h.s.lobbies.get(code)
	if l == nil {
		return nil, false
	}
	c := newConnOn(h.s, sessionTransport{t}, ip)
	c.limiter, c.flood = nil, nil // the relay limits the client's rate
	if !h.s.addConn(c) {
		return nil, false
	}
	return &remoteClient{clusterConn: clusterConn{c}, l: l, hello: hello}, true
}

// clusterLobby is a lobby of this node as the cluster sees it.
type clusterLobby struct{ a *actor }

func (l clusterLobby) Code() string                    { return l.a.code }
func (l clusterLobby) Summary() *protocol.LobbySummary { return l.a.summary.Load() }
func (l clusterLobby) Depose()                         { l.a.stop(endDeposed) }

func (l clusterLobby) Enter(c cluster.Conn, hello protocol.Client) cluster.Verdict {
	return clusterVerdict[l.a.enter(connOf(c), hello)]
}

func (l clusterLobby) Ended() (ended, closed bool) {
	select {
	case <-l.a.done:
		return true, l.a.end == endClosed
	default:
		return false, false
	}
}

var clusterVerdict = map[verdict]cluster.Verdict{entered: cluster.Entered, refused: cluster.Refused, moved: cluster.Moved}

// clusterConn is a connection of this node as the cluster sees it.
type clusterConn struct{ c *conn }

// connOf is the connection behind the cluster's.
func connOf(c cluster.Conn) *conn {
	switch c := c.(type) {
	case clusterConn:
		return c.c
	case *remoteClient:
		return c.c
	}
	panic("server: a connection the cluster did not have from the server")
}

func (c clusterConn) IP() string               { return c.c.ip }
func (c clusterConn) Dead() bool               { return c.c.dead.Load() }
func (c clusterConn) Closed() <-chan struct{}  { return c.c.closed }
func (c clusterConn) Written() <-chan struct{} { return c.c.written }
func (c clusterConn) Enqueue(data []byte)      { c.c.enqueue(data) }
func (c clusterConn) Moving(drain bool)        { c.c.sendBack(movingMessage, drain) }
func (c clusterConn) Shut(status int, reason string) {
	c.c.shut(nil, websocket.StatusCode(status), reason, true)
}

// remoteClient is the connection of a client of another node, in a
// lobby of this one.
type remoteClient struct {
	clusterConn
	l        *actor
	hello    protocol.Client
	attached bool
}

func (r *remoteClient) Enter() bool {
	v := r.l.enter(r.c, r.hello)
	r.c.push(frame{ctl: verdictFrame[v]}, false)
	if v != entered {
		r.c.shut(nil, websocket.StatusNormalClosure, "", true) // the verdict goes out, the client stays
		return false
	}
	r.attached = true
	return true
}

func (r *remoteClient) Receive(data []byte) bool {
	msg, err := protocol.Decode(data)
	if err != nil {
		r.c.refuse(requestID(data), err)
		return true
	}
	if !r.l.post(request{c: r.c, msg: msg, at: time.Now()}) {
		r.c.close(protocol.CodeLobbyClosed, "This lobby has closed.", websocket.StatusNormalClosure, true)
		return false
	}
	return true
}

func (r *remoteClient) End() {
	if r.attached {
		r.l.post(detach{r.c})
	}
	r.c.close("", "", websocket.StatusNormalClosure, false)
	<-r.c.written
	r.c.srv.removeConn(r.c)
}

// verdictFrame is a lobby's verdict as a relayed connection sends it,
// in order with the lobby's messages.
var verdictFrame = map[verdict]relayControl{entered: relayEntered, refused: relayRefused, moved: relayMoved}

// frameVerdict is the verdict a relay control frame carries.
var frameVerdict = map[relayControl]cluster.Verdict{relayEntered: cluster.Entered, relayRefused: cluster.Refused, relayMoved: cluster.Moved}

// sessionTransport is the transport of a connection whose client is on
// another node: its frames go out on the relayed session. The
// connection's writer uses it, and its pinger, which aborts it when the
// relay stops answering.
type sessionTransport struct{ s *cluster.Session }

func (t sessionTransport) write(frames []frame) error {
	for _, f := range frames {
		var err error
		if f.ctl != relayMessage {
			err = t.s.Verdict(frameVerdict[f.ctl])
		} else {
			err = t.s.Send(f.data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t sessionTransport) ping(ctx context.Context) error { return t.s.Ping(ctx) }

func (t sessionTransport) close(status websocket.StatusCode, reason string) {
	t.s.Close(int(status), reason)
}

func (t sessionTransport) abort() {
	t.close(websocket.StatusGoingAway, string(protocol.CodeReconnect))
}
