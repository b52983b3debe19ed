package store

import (
	"context"
	"strconv"

	"github.com/nats-io/nats.go"
)

// Sessions carry relayed clients between the nodes of a cluster, over
// core NATS: a node asks a lobby's owner to open a session (Open,
// answered by the owner's Listen), and then each side sends the other
// numbered messages on the session's own stream (Out from the owner to
// the client's node, In back). Core NATS may drop a message: the numbers
// show the gap.
type Sessions struct{ nc *nats.Conn }

// Sessions is the store's session transport.
func (s *Store) Sessions() *Sessions { return &Sessions{nc: s.nc} }

// Stream is one direction of a session.
type Stream int

// A session's two streams.
const (
	In  Stream = iota // from the client's node to the lobby's owner
	Out               // from the lobby's owner to the client's node
)

// SessionMsg is one message of a session's stream: data, or a control
// of the relay (Ctl, with a close's Status and Reason).
type SessionMsg struct {
	Seq    uint64 // its number in the stream, from 1 (0 for a ping)
	Ctl    string // "" for data
	Status int
	Reason string
	Data   []byte

	msg *nats.Msg
}

// Ping reports whether m is the other side's ping, which waits for Pong.
func (m *SessionMsg) Ping() bool { return m.msg != nil && m.msg.Reply != "" }

// Pong answers a ping.
func (m *SessionMsg) Pong() { _ = m.msg.Respond(nil) }

const (
	hdrCtl    = "Congress-Ctl"
	hdrSeq    = "Congress-Seq"
	hdrStatus = "Congress-Status"
	hdrReason = "Congress-Reason"
)

func openSubject(node string) string { return "congress.node." + node + ".open" }

func (st Stream) subject(session string) string {
	if st == In {
		return "congress.in." + session
	}
	return "congress.out." + session
}

// Listen answers the sessions opened to node with fn's reply, until stop.
func (s *Sessions) Listen(node string, fn func(req []byte) []byte) (stop func(), err error) {
	sub, err := s.nc.Subscribe(openSubject(node), func(m *nats.Msg) { _ = m.Respond(fn(m.Data)) })
	if err != nil {
		return nil, err
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// Open asks node to open a session with req, and returns its reply.
func (s *Sessions) Open(ctx context.Context, node string, req []byte) ([]byte, error) {
	res, err := s.nc.RequestWithContext(ctx, openSubject(node), req)
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

// Receive delivers the messages of one stream of a session, buf at most
// waiting (beyond that they are dropped, and the next one's number shows
// the gap), until stop.
func (s *Sessions) Receive(session string, st Stream, buf int) (msgs <-chan *SessionMsg, stop func(), err error) {
	in := make(chan *SessionMsg, buf)
	sub, err := s.nc.Subscribe(st.subject(session), func(m *nats.Msg) {
		n, _ := strconv.ParseUint(m.Header.Get(hdrSeq), 10, 64)
		status, _ := strconv.Atoi(m.Header.Get(hdrStatus))
		sm := &SessionMsg{Seq: n, Ctl: m.Header.Get(hdrCtl), Status: status, Reason: m.Header.Get(hdrReason), Data: m.Data, msg: m}
		select {
		case in <- sm:
		default: // dropped: the gap closes the session
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return in, func() { _ = sub.Unsubscribe() }, nil
}

// Send sends m on one stream of a session.
func (s *Sessions) Send(session string, st Stream, m SessionMsg) error {
	msg := nats.NewMsg(st.subject(session))
	msg.Header.Set(hdrSeq, strconv.FormatUint(m.Seq, 10))
	if m.Ctl != "" {
		msg.Header.Set(hdrCtl, m.Ctl)
	}
	if m.Status != 0 {
		msg.Header.Set(hdrStatus, strconv.Itoa(m.Status))
	}
	if m.Reason != "" {
		msg.Header.Set(hdrReason, m.Reason)
	}
	msg.Data = m.Data
	return s.nc.PublishMsg(msg)
}

// Ping asks the other side of a stream whether it is still there.
func (s *Sessions) Ping(ctx context.Context, session string, st Stream) error {
	msg := nats.NewMsg(st.subject(session))
	msg.Header.Set(hdrCtl, "ping")
	_, err := s.nc.RequestMsgWithContext(ctx, msg)
	return err
}
