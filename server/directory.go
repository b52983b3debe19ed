package server

import (
	"context"
	"time"

	"congress/protocol"
	"congress/server/lobby"
)

// directory is where lobbies are found and how their codes are held:
// this server alone (local), or every node of a cluster (cluster). Being
// one node of several is this seam, not a branch: the rest of the server
// asks its directory, never which mode it runs in.
type directory interface {
	// open takes code for a new lobby of this node; errCodeTaken if
	// another lobby has it.
	open(ctx context.Context, code string) error
	// abandon lets go a code that open took, for a lobby that did not
	// start after all.
	abandon(code string)
	// route hands a connection's first message to the lobby code names,
	// wherever it runs. The connection has been answered when it
	// returns; one of the two is set if it is in.
	route(c *conn, code string, hello protocol.Client, data []byte) (*actor, *relay)
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

// local is the directory of a server alone: its lobbies are all here.
type local struct{ srv *Server }

func (local) open(context.Context, string) error { return nil }
func (local) abandon(string)                     {}

func (d local) route(c *conn, code string, hello protocol.Client, _ []byte) (*actor, *relay) {
	if l := d.srv.lobbies.get(code); l != nil {
		switch l.enter(c, hello) {
		case entered:
			return l, nil
		case refused:
			return nil, nil
		}
	}
	if d.srv.lobbies.isDamaged(code) {
		c.refuse(0, errDamaged(code))
		return nil, nil
	}
	d.srv.guesses.missed(c.ip, time.Now())
	c.refuse(0, protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", code))
	return nil, nil
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
	_ directory = (*cluster)(nil)
)
