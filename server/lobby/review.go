package lobby

import "congress/protocol"

// Review checks a move of the host in the review together of the last
// match (protocol.Review): only the host leads it, only once the match
// is over, and only at a step and from a point of view the match has.
// The review is no record: it changes nothing of the lobby's history,
// and the actor holds it in memory.
func (s *State) Review(me *Member, r protocol.Review) error {
	if me == nil || s.Host != me.ID {
		return protocol.Errorf(protocol.CodeNotHost, "Only the host leads the review. Follow it, or open the replay from the results.")
	}
	if s.Phase != Over || s.Match == nil {
		return protocol.Errorf(protocol.CodeNoGame, "A review follows a finished game. Wait for the Congress to close.")
	}
	if r.Action == protocol.ReviewEnd {
		return nil
	}
	g := s.Match.Game
	if r.Step >= g.NumSteps() {
		return protocol.Errorf(protocol.CodeBadMessage, "This match has steps -1 to %d: there is no step %d. Pick one from its replay.", g.NumSteps()-1, r.Step)
	}
	if _, err := protocol.ReplayViewer(r.Viewer, g.Seats()); err != nil {
		return protocol.Errorf(protocol.CodeBadMessage, "The point of view is all, gallery or a seat from 0 to %d.", g.Seats()-1)
	}
	return nil
}
