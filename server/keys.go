package server

import (
	"congress/protocol"
	"congress/server/lobby"
)

// Requests applied once. A client sends each request with a key of its
// own (protocol.RequestKey) and keeps it when it sends the request again,
// after a reconnect or through another node. The lobby answers a key it
// has seen as it did the first time: an applied request (its records
// carry the key, so a restart or another node knows it too) with an ack,
// a refused one with the same refusal, and applies nothing again.

// requestKey is the request being handled, as its records name it.
type requestKey struct {
	member string
	key    string
}

// answered reports how the lobby answered member's request key before:
// refusals first (a request that wrote some records and was then refused
// was refused), then what the log says was applied.
func (l *actor) answered(member, key string) (error, bool) {
	if member == "" || key == "" {
		return nil, false
	}
	if r := l.refusedKeys[member]; r != nil {
		if err, ok := r.Lookup(key); ok {
			return err, true
		}
	}
	if r := l.st.Keys[member]; r != nil {
		if _, ok := r.Lookup(key); ok {
			return nil, true
		}
	}
	return nil, false
}

// remember notes the answer to a keyed request.
func (l *actor) remember(member, key string, answer error) {
	if member == "" || key == "" {
		return
	}
	if answer == nil {
		if r := l.refusedKeys[member]; r != nil {
			r.Forget(key) // applied on a later try
		}
		return // the applied ones are in the state, from their records
	}
	if e, ok := errorOf(answer); !ok || e.Code == protocol.CodeServerBusy || e.Code == protocol.CodeRateLimited {
		return // not an answer to the request itself: a later copy may pass
	}
	r := l.refusedKeys[member]
	if r == nil {
		r = &lobby.KeyRing{}
		l.refusedKeys[member] = r
	}
	r.Add(key, answer)
}
