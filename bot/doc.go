// Package bot is the computer delegate of Congress of Victors: it chooses a
// sensible command from one seat's game.View and the log events that seat
// may see, and from nothing else. What is legal it never works out: it
// chooses among the commands and targets the view lists (View.Actions),
// and plays to the settings the view gives (View.Rules).
//
// A bot is deterministic given its seed, so the balance simulator is
// reproducible. The server drives it like this:
//
//	b := bot.New(seat, bot.Normal, seed)
//	events, next := g.Log(game.SeatViewer(seat), from)
//	b.Observe(events)
//	if cmd, ok := b.Decide(g.View(game.SeatViewer(seat)), now); ok {
//		// wait b.Think(), then send cmd
//	}
//
// Decide returns at most one command and may be called as often as the
// caller likes: it reads what it has already done from the view (its mark,
// its Ready, its vote, its choice), so it never repeats an accepted command.
//
// Three strengths play. Easy plays at random among the listed moves but
// always takes part (denounces most of the time, votes, readies, strikes).
// Normal plays its camp: a Loyalist keeps a suspicion model of every seat
// built from public evidence (see model.go), with the chance of each being
// Kirov (a Plotter's act against a delegate clears him of it), and
// denounces, votes and confesses by it, voting to purge whom it denounced
// unless a mistake could give the Plotters parity or the bloc is three or
// more; in the Final Ballot every Loyalist strikes the delegate the public
// evidence points to as Kirov, so that their strikes fall together. A
// Plotter knows its bloc, never votes, names or strikes against Kirov (it
// marks him only while one mark cannot make him the Accused), and makes
// the bloc act as one against the Loyalist the Congress already suspects
// or who has hurt the bloc most, which it reads from the same public
// evidence; its spare marks fall on anyone, its own included, and its
// letters clear its own members. Hard is Normal with habits of its own
// at each count (see hardHabits).
package bot
