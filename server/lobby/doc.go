// Package lobby is the event-sourced core of a lobby: the records that
// are its journal, the reducer that makes its state from them, and the
// decisions that turn a join, a host's action, a command or a chat line
// into a record or a refusal. It has no goroutines and does no I/O: time
// and randomness come in as arguments, and the journal is a port
// (Journal) that another package implements.
//
// A lobby's state is exactly what applying its records in order to an
// empty state makes:
//
//	s := lobby.NewState(newBot)
//	rec, err := s.Join(name, tokenHash, now, limits) // a record, or a refusal
//	// ... journal rec, then:
//	err = s.Apply(rec)
//
// and Replay rebuilds it from a journal. Connections, spectators and
// timers are not in it: the server's actor keeps them.
package lobby
