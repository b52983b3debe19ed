package server

import "congress/protocol"

// Requests applied once. A client sends each request with a key of its
// own (protocol.RequestKey) and keeps it when it sends the request again,
// after a reconnect or through another node. The lobby answers a key it
// has seen as it did the first time: an applied request (its records
// carry the key, so a restart or another node knows it too) with an ack,
// a refused one with the same refusal, and applies nothing again.

// keyWindow is how many of a member's latest keys are remembered.
const keyWindow = 64

// keyRing holds a member's latest keys and what each was answered (nil:
// applied).
type keyRing struct {
	order []string
	seen  map[string]error
}

func (r *keyRing) add(key string, answer error) {
	if r.seen == nil {
		r.seen = make(map[string]error, keyWindow)
	}
	if _, ok := r.seen[key]; !ok {
		if len(r.order) == keyWindow {
			delete(r.seen, r.order[0])
			r.order = r.order[1:]
		}
		r.order = append(r.order, key)
	}
	r.seen[key] = answer
}

func (r *keyRing) lookup(key string) (error, bool) {
	answer, ok := r.seen[key]
	return answer, ok
}

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
		if err, ok := r.lookup(key); ok {
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
			delete(r.seen, key) // applied on a later try
		}
		return // the applied ones are in the state, from their records
	}
	if e, ok := errorOf(answer); !ok || e.Code == protocol.CodeServerBusy || e.Code == protocol.CodeRateLimited {
		return // not an answer to the request itself: a later copy may pass
	}
	r := l.refusedKeys[member]
	if r == nil {
		r = &keyRing{}
		l.refusedKeys[member] = r
	}
	r.add(key, answer)
}
