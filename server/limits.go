package server

import (
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"congress/protocol"
)

// Rates belong to whoever sends, not to a connection: a client that is
// closed for flooding and comes straight back finds its allowance as it
// left it. Each message is counted three times: on its connection (which
// a sustained flood closes), on its client address (messageRates, kept by
// the server), and, once it reaches its lobby, on its member (rates, kept
// by the lobby, so that a delegate's allowance follows their seat from
// one connection, or node, to the next).

// messageRates are the message allowances of client addresses.
type messageRates struct {
	every rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	swept   time.Time
}

func newMessageRates(perSecond float64, burst int) *messageRates {
	return &messageRates{every: rate.Limit(perSecond), burst: burst, buckets: map[string]*rate.Limiter{}}
}

// allow spends one of key's messages at now; false if none is left.
func (m *messageRates) allow(key string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.swept) > time.Minute {
		// Forget the addresses whose allowance has refilled: they are as
		// good as new.
		m.swept = now
		for k, b := range m.buckets {
			if b.TokensAt(now) >= float64(m.burst) {
				delete(m.buckets, k)
			}
		}
	}
	b := m.buckets[key]
	if b == nil {
		b = rate.NewLimiter(m.every, m.burst)
		m.buckets[key] = b
	}
	return b.AllowN(now, 1)
}

// memberRate is one member's allowance in a lobby: messages, and the
// refusals for rate tolerated before the connection is closed.
type memberRate struct {
	msgs, flood, resumes *rate.Limiter
}

// rateOf is a member's allowance, made on first use.
func (l *actor) rateOf(member string) *memberRate {
	r := l.rates[member]
	if r != nil {
		return r
	}
	if len(l.rates) > 2*len(l.st.Members)+16 {
		for id := range l.rates {
			if l.st.Member(id) == nil {
				delete(l.rates, id)
			}
		}
	}
	lim := l.srv.opt.Limits
	r = &memberRate{
		msgs:    rate.NewLimiter(rate.Limit(lim.MessagesPerSecond), lim.MessageBurst),
		flood:   rate.NewLimiter(rate.Limit(lim.RefusalsPerSecond), lim.RefusalBurst),
		resumes: rate.NewLimiter(rate.Limit(lim.ResumesPerSecond), lim.ResumeBurst),
	}
	l.rates[member] = r
	return r
}

// errAnswered is a refusal the lobby has already sent, with the close.
var errAnswered = errors.New("answered")

// limitResume counts a member's return to their place. A member who comes
// back faster than ResumesPerSecond (a reconnect loop: a flooder closed
// and back at once, a page gone wrong) is closed before the welcome,
// which is the costly part, and told to wait; the browser client comes
// back by itself a moment later.
func (l *actor) limitResume(c *conn, member string) error {
	if l.rateOf(member).resumes.AllowN(time.Now(), 1) {
		return nil
	}
	l.srv.metrics.refused(protocol.CodeRateLimited)
	c.close(protocol.CodeRateLimited, "You have reconnected too often. Wait a few seconds: the page comes back by itself.", websocket.StatusPolicyViolation, true)
	return errAnswered
}

// limitRate counts a request on its sender's allowance. A member over
// theirs is refused with rate_limited, and one who goes on regardless is
// closed, whichever connection they come back on. Spectators have no
// member: their address's allowance is theirs.
func (l *actor) limitRate(c *conn, msg protocol.Client) (refused bool) {
	if c.member == "" {
		return false
	}
	r := l.rateOf(c.member)
	now := time.Now() // a rate is of the wall clock, whatever the lobby's clock says
	if r.msgs.AllowN(now, 1) {
		return false
	}
	if !r.flood.AllowN(now, 1) {
		l.srv.metrics.refused(protocol.CodeRateLimited)
		c.close(protocol.CodeRateLimited, "Too many messages. Reconnect and slow down.", websocket.StatusPolicyViolation, true)
		return true
	}
	c.refuse(requestOf(msg), protocol.Errorf(protocol.CodeRateLimited, "Too many messages; slow down."))
	return true
}

// requestOf is a request's ID.
func requestOf(m protocol.Client) int64 {
	switch v := m.(type) {
	case protocol.Act:
		return v.ID
	case protocol.Say:
		return v.ID
	case protocol.Host:
		return v.ID
	case protocol.Leave:
		return v.ID
	case protocol.Knock:
		return v.ID
	case protocol.Review:
		return v.ID
	}
	return voiceRequestID(m)
}
