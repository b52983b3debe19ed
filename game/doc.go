// Package game is the rules of Congress of Victors (ruleset "1934") as a
// pure, deterministic state machine.
//
// It does no I/O, starts no goroutines, reads no clock and uses no global
// randomness: time comes in as an argument and every random choice is drawn
// from the match seed. The same seed and the same sequence of (command,
// time) therefore always produce the same game, which is how the server
// recovers from a crash, fails over and replays finished matches: a game
// keeps its Steps, and Replay rebuilds it from them. The server deals
// from a 32-byte Seed drawn from crypto/rand (NewSeeded); the log shows
// its Commitment at the deal and the seed itself at the end.
//
// A match in five lines:
//
//	g, events, err := game.New(game.DefaultConfig(), []string{"Anna", "Boris", "Clara", "Dmitri", "Elena"}, seed, now)
//	events, err = g.Apply(game.Command{Kind: game.CmdDenounce, Seat: 0, Target: 3}, now)
//	events = g.Advance(now)             // the phase whose deadline has passed
//	view := g.View(game.SeatViewer(0))  // what seat 0 may see, and nothing else
//	next, ok := g.NextDeadline()
//
// A view also says what its delegate may do now: View.Actions lists every
// command kind Check would accept from them, each with the targets (or
// votes) it would accept, from the same rules Apply applies; a client,
// a bot or a tool offers those and works out nothing of its own.
//
// A refused command returns an *Error with a stable Code and a message that
// is safe to show the player, and changes nothing.
//
// Events returned by New, Apply and Advance include secret ones (a letter
// proposal, an investigation, one's own vote); a viewer is sent only what
// Log(viewer, from) returns. Secrets are put into a View only by the code
// in view.go that decides the viewer is entitled to them; the View type has
// no field for another seat's role except where that decision has been
// made.
//
// Views, and the event lists of New, Apply, Advance and Log, are read-only:
// they may share memory with the game and with each other, which is most of
// what makes building a view for every viewer after every command cheap.
// The game never changes what it has handed out, so a caller may keep them
// or pass them to another goroutine, and appending to a list copies it, but
// nothing in them may be modified. ViewIn is the one exception, for a
// caller that reads each view once (a bot in the simulator): it builds the
// viewer's own parts in a buffer the caller lends, and they hold only
// until the buffer is lent again.
package game
