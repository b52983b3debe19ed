package server

import (
	"crypto/rand"
	"sync"

	"congress/protocol"
)

// registry is the open lobbies by code. It is the one shared map of the
// server, guarded by a mutex; each lobby's state is its own goroutine's.
type registry struct {
	mu      sync.Mutex
	lobbies map[string]*actor
	damaged map[string]struct{} // codes of lobbies whose log did not restore
}

func newRegistry() *registry {
	return &registry{lobbies: map[string]*actor{}, damaged: map[string]struct{}{}}
}

func (r *registry) get(code string) *actor {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lobbies[code]
}

// reserve registers l under a fresh random code.
func (r *registry) reserve(l *actor, limit int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lobbies) >= limit {
		return false
	}
	for {
		code := newCode()
		_, taken := r.lobbies[code]
		if _, damaged := r.damaged[code]; !taken && !damaged {
			l.code = code
			r.lobbies[code] = l
			return true
		}
	}
}

// add registers l under its own code; false if the code is taken.
func (r *registry) add(l *actor) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.lobbies[l.code]; taken {
		return false
	}
	r.lobbies[l.code] = l
	return true
}

// quarantine marks code as a lobby whose log is kept aside; false if it
// was marked already.
func (r *registry) quarantine(code string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, was := r.damaged[code]
	r.damaged[code] = struct{}{}
	return !was
}

// isDamaged reports whether code names a quarantined lobby.
func (r *registry) isDamaged(code string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.damaged[code]
	return ok
}

func (r *registry) remove(l *actor) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lobbies[l.code] == l {
		delete(r.lobbies, l.code)
	}
}

func (r *registry) all() []*actor {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*actor, 0, len(r.lobbies))
	for _, l := range r.lobbies {
		out = append(out, l)
	}
	return out
}

// newCode is protocol.CodeLength characters drawn uniformly from
// protocol.CodeAlphabet with crypto/rand.
func newCode() string {
	const alphabet = protocol.CodeAlphabet
	limit := byte(256 - 256%len(alphabet)) // reject bytes that would bias the draw
	out := make([]byte, 0, protocol.CodeLength)
	var buf [16]byte
	for len(out) < protocol.CodeLength {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if b < limit && len(out) < protocol.CodeLength {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}
