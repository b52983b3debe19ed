package server

import (
	"cmp"
	"crypto/sha256"
	"slices"

	"github.com/coder/websocket"

	"congress/protocol"
	"congress/server/lobby"
)

// The actor's side of seats changing hands (the decisions are the lobby
// core's, lobby/seats.go): a spectator's request to sit, which is the
// connection's like a knock; the host's grant, after which the
// spectator's connection is a delegate's; a move link, and the seat
// moving to the connection that opens it; between games, the gallery's
// queue seated in order while there is room.

// movedMessage is what the connection a seat moved away from is told.
const movedMessage = "Your seat has moved to your other device by its move link. Carry on there; this window no longer holds it."

// sit records a spectator's request for a seat, for the host to grant
// or turn away. Between games a request for the next game is seated at
// once while there is room (seatQueue).
func (l *actor) sit(c *conn, s protocol.Sit) error {
	if !c.spectator {
		return protocol.Errorf(protocol.CodeNotSpectator, "You have a seat already; only the gallery asks for one.")
	}
	if err := l.barred(s.Former); err != nil {
		return err
	}
	if err := l.st.SitCheck(s.Seat, s.Name); err != nil {
		return err
	}
	if err := l.sawRoles(c, s.Seat); err != nil {
		return err
	}
	for o := range l.specs {
		if o != c && o.sitting && protocol.Confusable(o.sitName, s.Name) {
			return protocol.Errorf(protocol.CodeNameTaken, "Someone in the gallery has asked to sit as %s. Choose another name.", o.sitName)
		}
	}
	l.knocks++
	c.sitting, c.sitSeat, c.sitName, c.sitAt = true, s.Seat, s.Name, l.knocks
	l.lobbyDirty = true
	return nil
}

// sitAdmit grants (yes) or turns away a spectator's request to sit.
func (l *actor) sitAdmit(id string, yes bool) error {
	var c *conn
	for o := range l.specs {
		if o.gallery == id && o.sitting {
			c = o
		}
	}
	if c == nil {
		return protocol.Errorf(protocol.CodeUnknownMember, "Nobody in the gallery has asked for that seat. They may have left.")
	}
	if !yes {
		c.sitting = false
		l.lobbyDirty = true
		return nil
	}
	if c.sitSeat == protocol.NextGame {
		if l.st.Phase != lobby.Open {
			return protocol.Errorf(protocol.CodeGameStarted, "Places in the next game are given once this one is over: at the rematch the lobby seats the gallery's queue in order.")
		}
		return l.seatJoined(c)
	}
	if err := l.sawRoles(c, c.sitSeat); err != nil {
		return err
	}
	token, hash := newToken()
	rec, err := l.st.TakeSeat(c.sitSeat, c.sitName, hash, l.env())
	if err != nil {
		return err
	}
	return l.seatSpectator(c, rec, token)
}

// sawRoles refuses a seat of this game to a spectator the host admitted
// to see every role in it: they would sit down knowing every file.
func (l *actor) sawRoles(c *conn, seat int) error {
	if seat != protocol.NextGame && c.admitted && l.admittedStream() {
		return protocol.Errorf(protocol.CodeSawRoles, "You have seen every role of this game from the gallery, so no seat of it can be yours. Ask for a place in the next game.")
	}
	return nil
}

// seatJoined makes a spectator who asked for the next game a delegate of
// the lobby, between games.
func (l *actor) seatJoined(c *conn) error {
	token, hash := newToken()
	rec, err := l.st.Join(c.sitName, hash, l.env())
	if err != nil {
		return err
	}
	return l.seatSpectator(c, rec, token)
}

// seatSpectator commits the record that seats a spectator, then makes
// their connection the new member's and welcomes it with its pass.
func (l *actor) seatSpectator(c *conn, rec lobby.Record, token string) error {
	if err := l.commit(rec); err != nil {
		return err
	}
	l.voiceDetach(c)
	delete(l.specs, c)
	c.spectator, c.gallery, c.name = false, "", ""
	c.knocked, c.admitted, c.sitting = false, false, false
	c.member = rec.Member
	l.members[rec.Member] = c
	l.galleryMove, l.lobbyDirty = true, true
	l.welcome(c, token)
	return nil
}

// seatQueue seats, between games and while there is room, the spectators
// who asked for a place in the next game, in the order they asked.
func (l *actor) seatQueue() {
	if l.st.Phase != lobby.Open || l.st.Closed {
		return
	}
	for _, c := range l.sitters() {
		if c.sitSeat != protocol.NextGame {
			c.sitting = false // the game they asked a seat of is over
			l.lobbyDirty = true
			continue
		}
		if err := l.seatJoined(c); err != nil {
			if e, ok := errorOf(err); ok && e.Code == protocol.CodeLobbyFull {
				return
			}
			c.sitting = false
			l.lobbyDirty = true
			c.refuse(0, err)
		}
	}
}

// sitters are the spectators who asked to sit, in the order they did.
func (l *actor) sitters() []*conn {
	var cs []*conn
	for c := range l.specs {
		if c.sitting {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b *conn) int { return cmp.Compare(a.sitAt, b.sitAt) })
	return cs
}

// sitAskers are the sitters as the lobby shows them.
func (l *actor) sitAskers() []protocol.SitAsker {
	cs := l.sitters()
	out := make([]protocol.SitAsker, len(cs))
	for i, c := range cs {
		out[i] = protocol.SitAsker{ID: c.gallery, Name: c.sitName, Seat: c.sitSeat}
	}
	return out
}

// offerMove gives a delegate a one-time link that opens their seat on
// another device.
func (l *actor) offerMove(c *conn) error {
	code, hash := newToken()
	rec, err := l.st.OfferMove(l.memberOf(c), hash, l.env())
	if err != nil {
		return err
	}
	if err := l.commit(rec); err != nil {
		return err
	}
	c.enqueue(protocol.Encode(protocol.TypeMoveLink, protocol.MoveLink{
		Link: l.link() + "?move=" + code, Code: code, Expires: rec.At.Add(protocol.MoveLinkTTL),
	}))
	return nil
}

// moveIn opens a seat on the connection that brought its move link: the
// seat takes a new pass, and the connection that held it is told.
func (l *actor) moveIn(c *conn, r protocol.Resume) error {
	h := sha256.Sum256([]byte(r.Move))
	token, hash := newToken()
	rec, me, err := l.st.Move(h[:], hash, l.env())
	if err != nil {
		return err
	}
	if err := l.commit(rec); err != nil {
		return err
	}
	if old := l.members[me.ID]; old != nil && old != c {
		old.close(protocol.CodeMoved, movedMessage, websocket.StatusNormalClosure, true)
	}
	return l.seatBack(c, me, token)
}
