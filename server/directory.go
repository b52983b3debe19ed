package server

import (
	"context"
	"errors"
	"time"

	"congress/protocol"
	"congress/server/lobby"
)

// directory is where lobbies are found and how their codes are held:
// this server alone (local), or every node of a cluster (clusterDir,
// which is the cluster package's Node). Being one node of several is
// this seam, not a branch: the rest of the server asks its directory,
// never which mode it runs in.
type directory interface {
	// join makes the server a node of its cluster; a server alone
	// refuses.
	join(ctx context.Context) error
	// handOver says whether the lobbies of this server can be handed to
	// other nodes (nil), or why not (errAlone).
	handOver() error
	// open takes code for a new lobby of this node; errCodeTaken if
	// another lobby has it.
	open(ctx context.Context, code string) error
	// abandon lets go a code that open took, for a lobby that did not
	// start after all.
	abandon(code string)
	// route hands a connection's first message (decoded) to the lobby
	// code names, wherever it runs. The connection has been answered when
	// it returns; one of the two is set if it is in: the lobby, here, or
	// the relay to the lobby's node.
	route(c *conn, code string, hello protocol.Client) (*actor, relayed)
	// list is the summary of every lobby the directory knows.
	list() []protocol.LobbySummary
	// lookup is the summary of a lobby of another node, if it has one.
	lookup(code string) *protocol.LobbySummary
	// summaryChanged says a lobby of this node has a new summary.
	summaryChanged(l *actor)
	// ended says a lobby's goroutine of this node has returned.
	ended(l *actor)
	// appendDeadline is when this node's right to append to a lobby's
	// log runs out, if it ever does.
	appendDeadline(code string) (time.Time, bool)
	// claimRecord is the record a restore appends to take a lobby's log over,
	// if the directory needs one.
	claimRecord(now time.Time) (lobby.Record, bool)
	// stop ends the directory's work; the server calls it once every
	// lobby has stopped.
	stop()
}

// relayed is a connection's link to its lobby on another node: the
// client's later messages go there as they came.
type relayed interface {
	Forward(data []byte) error
	// End closes the link as the connection ends.
	End()
}

// errCodeTaken refuses the lease of a new lobby's code: another lobby
// has it.
var errCodeTaken = errors.New("lobby code taken")

// errAlone refuses a drain: a server alone has nobody to hand its
// lobbies to.
var errAlone = protocol.Errorf(protocol.CodeServerBusy, "A server alone has no other node to hand its lobbies to: draining needs cluster mode (--nats).")

// local is the directory of a server alone: its lobbies are all here.
type local struct{ srv *Server }

func (local) join(context.Context) error {
	return errors.New("joining a cluster: no cluster options")
}
func (local) handOver() error                    { return errAlone }
func (local) open(context.Context, string) error { return nil }
func (local) abandon(string)                     {}

func (d local) route(c *conn, code string, hello protocol.Client) (*actor, relayed) {
	if l := d.srv.lobbies.get(code); l != nil {
		switch l.enter(c, hello) {
		case entered:
			return l, nil
		case refused:
			return nil, nil
		}
	}
	if !d.srv.damagedLobby(c, code) {
		d.srv.unknownLobby(c, code)
	}
	return nil, nil
}

// unknownLobby refuses a first message naming a lobby that does not
// exist: a miss, for the guess limiter.
func (s *Server) unknownLobby(c *conn, code string) {
	s.guesses.missed(c.ip, time.Now())
	c.refuse(0, protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", code))
}

// damagedLobby refuses a first message naming a lobby whose log is
// damaged, and says whether it was.
func (s *Server) damagedLobby(c *conn, code string) bool {
	if !s.lobbies.isDamaged(code) {
		return false
	}
	c.refuse(0, errDamaged(code))
	return true
}

func (d local) list() []protocol.LobbySummary {
	var out []protocol.LobbySummary
	for _, l := range d.srv.lobbies.all() {
		if sum := l.summary.Load(); sum != nil {
			out = append(out, *sum)
		}
	}
	return out
}

func (local) lookup(string) *protocol.LobbySummary       { return nil }
func (local) summaryChanged(*actor)                      {}
func (local) ended(*actor)                               {}
func (local) appendDeadline(string) (time.Time, bool)    { return time.Time{}, false }
func (local) claimRecord(time.Time) (lobby.Record, bool) { return lobby.Record{}, false }
func (local) stop()                                      {}

var (
	_ directory = local{}
	_ directory = clusterDir{}
)
