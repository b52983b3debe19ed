package game

// deeds are the kinds of event that record, with its value, a choice a
// seat made: what it denounced, whether it pressed Ready, how it voted,
// whom it struck. The lines that only say that a choice was made (voted,
// struck) are left out for the line that says which.
var deeds = map[EventKind]bool{
	EvDenounced:      true,
	EvWithdrew:       true,
	EvReady:          true,
	EvUnready:        true,
	EvAccused:        true, // the Chair's pick: Seat is the Chair, not drawn
	EvVoteCast:       true,
	EvConfessed:      true,
	EvLetterProposed: true,
	EvInvestigated:   true,
	EvStrikeCast:     true,
	EvFalsified:      true,
	EvShot:           true,
}

// Deeds are the lines of the log from index from up to until (the end
// when until is negative) that record what seat itself chose, as that
// seat may read them: its denunciations and Ready, its Chair's pick, its votes and
// strikes with their values, its confession, its night's letter
// proposal or investigation with the report. They are the seat's own:
// nothing in them is secret from the delegate who holds the seat, which
// is whom they are for (a delegate back from a bot's stand-in).
func (g *Game) Deeds(seat, from, until int) []Event {
	if seat < 0 || seat >= len(g.seats) {
		return nil
	}
	if until < 0 || until > len(g.log) {
		until = len(g.log)
	}
	from = max(0, min(from, until))
	f := g.logFilter(g.viewer(SeatViewer(seat)))
	var out []Event
	for i := from; i < until; i++ {
		e := &g.log[i]
		if !deeds[e.Kind] || e.Seat != seat || (e.Kind == EvAccused && e.Drawn) || !f.visible(e) {
			continue
		}
		out = append(out, *e)
	}
	return out
}
