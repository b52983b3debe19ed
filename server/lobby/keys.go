package lobby

import "slices"

// KeyWindow is how many of a member's latest request keys are remembered.
const KeyWindow = 64

// KeyRing holds a member's latest request keys and what each was
// answered (nil: applied). A client sends each request with a key of its
// own and keeps it when it sends the request again; the records of an
// applied request carry its key, so the state knows the applied keys.
type KeyRing struct {
	order []string
	seen  map[string]error
}

// Add notes key and its answer, forgetting the oldest beyond KeyWindow.
func (r *KeyRing) Add(key string, answer error) {
	if r.seen == nil {
		r.seen = make(map[string]error, KeyWindow)
	}
	if _, ok := r.seen[key]; !ok {
		if len(r.order) == KeyWindow {
			delete(r.seen, r.order[0])
			r.order = r.order[1:]
		}
		r.order = append(r.order, key)
	}
	r.seen[key] = answer
}

// Lookup is key's answer, if the ring has it.
func (r *KeyRing) Lookup(key string) (error, bool) {
	answer, ok := r.seen[key]
	return answer, ok
}

// Forget drops key.
func (r *KeyRing) Forget(key string) { delete(r.seen, key) }

// Keys are the ring's keys, oldest first.
func (r *KeyRing) Keys() []string { return slices.Clone(r.order) }
