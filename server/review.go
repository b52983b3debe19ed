package server

import (
	"time"

	"congress/protocol"
	"congress/server/lobby"
)

// Review together: after a game the host leads everyone in the lobby,
// delegates and spectators, through the match's replay, and each client
// follows the host's step and point of view. The review is presentation,
// not history: the lobby holds it in memory and journals nothing of it
// (a restart ends it), and it ends by itself when the lobby leaves the
// finished game behind (the rematch) or the gavel changes hands.

// reviewEvery is how often, at most, the host's steps go out to the
// lobby: the steps of a fast scrubber in between are coalesced into the
// latest, which goes out when its time comes.
const reviewEvery = 200 * time.Millisecond

// reviewState is the review under way.
type reviewState struct {
	at     protocol.Reviewing
	sentAt time.Time
	due    bool // a step has not gone out yet
}

// review handles the host's move in the review.
func (l *actor) review(c *conn, r protocol.Review) error {
	me := l.memberOf(c)
	if err := l.st.Review(me, r); err != nil {
		return err
	}
	now := l.now()
	switch r.Action {
	case protocol.ReviewStart:
		l.reviewing = &reviewState{at: protocol.Reviewing{Active: true, Host: me.ID, Name: me.Name, Match: l.st.Match.ID, Step: r.Step, Viewer: r.Viewer}}
		l.sendReview(now)
	case protocol.ReviewStep:
		rv := l.reviewing
		if rv == nil {
			return protocol.Errorf(protocol.CodeNoReview, "No review is under way. Start one from the results.")
		}
		rv.at.Step, rv.at.Viewer = r.Step, r.Viewer
		if now.Sub(rv.sentAt) >= reviewEvery {
			l.sendReview(now)
		} else {
			rv.due = true
		}
	case protocol.ReviewEnd:
		l.endReview()
	}
	return nil
}

// sendReview sends the review as it stands to everyone in the lobby.
func (l *actor) sendReview(now time.Time) {
	l.reviewing.sentAt, l.reviewing.due = now, false
	l.broadcast(protocol.Encode(protocol.TypeReviewing, l.reviewing.at))
}

// endReview ends the review under way, if any, for everyone.
func (l *actor) endReview() {
	if l.reviewing == nil {
		return
	}
	l.reviewing = nil
	l.broadcast(protocol.Encode(protocol.TypeReviewing, protocol.Reviewing{}))
}

// broadcast sends a frame to every connection of the lobby.
func (l *actor) broadcast(frame []byte) {
	for _, c := range l.members {
		c.enqueue(frame)
	}
	for c := range l.specs {
		c.enqueue(frame)
	}
}

// flushReview sends a coalesced step whose time has come.
func (l *actor) flushReview(now time.Time) {
	if rv := l.reviewing; rv != nil && rv.due && !now.Before(rv.sentAt.Add(reviewEvery)) {
		l.sendReview(now)
	}
}

// reviewWake is when a coalesced step is to go out.
func (l *actor) reviewWake() (time.Time, bool) {
	if rv := l.reviewing; rv != nil && rv.due {
		return rv.sentAt.Add(reviewEvery), true
	}
	return time.Time{}, false
}

// syncReview ends a review the lobby has left behind: its game is no
// longer the last one, finished, or its host no longer holds the gavel.
func (l *actor) syncReview() {
	rv := l.reviewing
	if rv == nil {
		return
	}
	m := l.st.Match
	if l.st.Phase != lobby.Over || m == nil || m.ID != rv.at.Match || l.st.Host != rv.at.Host {
		l.endReview()
	}
}

// reviewView is the review for a welcome: nil when there is none.
func (l *actor) reviewView() *protocol.Reviewing {
	if l.reviewing == nil {
		return nil
	}
	at := l.reviewing.at
	return &at
}
