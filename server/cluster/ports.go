package cluster

import (
	"context"
	"errors"
	"time"

	"congress/protocol"
)

// The ports: what a node of the cluster needs of its server, which
// implements them. The cluster never reaches the server's lobbies or
// connections otherwise.

// Host is the node's server.
type Host interface {
	// Lobby is the lobby code names if it runs on this node, or nil.
	Lobby(code string) Lobby
	// Lobbies is every lobby that runs on this node.
	Lobbies() []Lobby
	// Restore runs a lobby of the store on this node, from its log:
	// ErrGone if the lobby has closed or the node takes no lobby now,
	// ErrQuarantined if its log was damaged and has been put aside.
	Restore(ctx context.Context, code string) error
	// Stopping reports whether the node takes no lobby: it is closing
	// or draining.
	Stopping() bool
	// Unknown refuses a first message naming a lobby that does not exist.
	Unknown(c Conn, code string)
	// Damaged refuses a first message naming a lobby whose log is
	// damaged, and says whether it was.
	Damaged(c Conn, code string) bool
	// Accept takes in, for the lobby code of this node, a client of
	// another node whose frames go out on s; false if the lobby is not
	// here or the node takes no connection.
	Accept(code string, hello protocol.Client, ip string, s *Session) (Remote, bool)
}

var (
	// ErrGone is a lobby that is not to be run: it has closed, or the
	// node is stopping.
	ErrGone = errors.New("cluster: the lobby is gone")
	// ErrQuarantined is a lobby whose log did not restore and was put
	// aside.
	ErrQuarantined = errors.New("cluster: the lobby's log is damaged")
	// ErrCodeTaken refuses the lease of a new lobby's code: another lobby
	// has it.
	ErrCodeTaken = errors.New("cluster: lobby code taken")
)

// Lobby is a lobby that runs on this node.
type Lobby interface {
	Code() string
	// Enter hands a connection's first message to the lobby and waits
	// for its verdict.
	Enter(c Conn, hello protocol.Client) Verdict
	// Summary is the lobby's summary for the lobby list (nil for none).
	Summary() *protocol.LobbySummary
	// Ended reports whether the lobby's goroutine has returned, and if
	// so whether the lobby closed (rather than moved to another node).
	Ended() (ended, closed bool)
	// Depose stops the lobby: another node owns it now.
	Depose()
}

// Verdict is a lobby's answer to a first message.
type Verdict uint8

// The verdicts.
const (
	Entered Verdict = iota + 1 // the client is in
	Refused                    // answered, and not in
	Moved                      // the lobby is not here any more: look again
)

// End is why a lobby of this node ended.
type End uint8

// The ends.
const (
	Closed     End = iota + 1 // the lobby closed: it is over
	Stopped                   // the node is closing: another takes the lobby
	HandedOver                // the node is draining: another takes the lobby
	Deposed                   // another node owns the lobby now
)

// Conn is a client's connection on this node.
type Conn interface {
	IP() string
	// Dead reports whether the connection is closing.
	Dead() bool
	// Closed is closed as the connection starts closing; Written once
	// its transport has closed.
	Closed() <-chan struct{}
	Written() <-chan struct{}
	// Enqueue sends a message (already encoded) to the client.
	Enqueue(data []byte)
	// Moving closes the connection with reconnect: the lobby is moving
	// to another node. Drain sends what is queued first.
	Moving(drain bool)
	// Shut closes the connection after what is queued, with the
	// WebSocket status and reason as given.
	Shut(status int, reason string)
}

// Remote is the connection on a lobby's owner of a client of another
// node (Host.Accept).
type Remote interface {
	Conn
	// Enter hands the first message to the lobby and sends its verdict;
	// false if the client is not in (and the connection is closing).
	Enter() bool
	// Receive hands a later message (as the client sent it) to the
	// lobby; false once the lobby has closed (and the connection with it).
	Receive(data []byte) bool
	// End detaches the client from its lobby, closes the connection,
	// and waits for it to be closed.
	End()
}

// Timing is how long the cluster waits on its server's behalf.
type Timing struct {
	JournalTimeout time.Duration // an append to a lobby's log
	PingInterval   time.Duration // between two pings of a relayed session
	PongWait       time.Duration // for a ping's answer
}
