package server

import (
	"cmp"
	"slices"
	"strconv"

	"congress/protocol"
)

// The gallery is open to anyone with the code, a delegate in a second
// window too, so a setting that shows spectators every role
// (spectators_see_roles) shows them only to the spectators the host has
// admitted by name: a spectator knocks with a name, the lobby lists the
// knock, and the host admits or turns it away. Admission is the
// connection's: a spectator who comes back knocks again. Nothing of it
// is journaled, as nothing of the gallery is.

// knock records a spectator's request to be admitted.
func (l *actor) knock(c *conn, k protocol.Knock) error {
	if !c.spectator {
		return protocol.Errorf(protocol.CodeNotSpectator, "Delegates sit at the table; only the gallery knocks.")
	}
	if c.knocked || c.admitted {
		if c.name == k.Name {
			return nil
		}
		return protocol.Errorf(protocol.CodeBadMessage, "You have knocked as %s already. Wait for the host's answer.", c.name)
	}
	if other, taken := l.st.NameTaken(k.Name); taken {
		return protocol.Errorf(protocol.CodeNameTaken, "%s sits at the table. Knock with your own name.", other.Name)
	}
	for o := range l.specs {
		if o != c && (o.knocked || o.admitted) && protocol.Confusable(o.name, k.Name) {
			return protocol.Errorf(protocol.CodeNameTaken, "Someone in the gallery has knocked as %s. Knock with your own name.", o.name)
		}
	}
	l.knocks++
	c.name, c.knocked, c.knockedAt = k.Name, true, l.knocks
	l.lobbyDirty = true
	return nil
}

// admit lets a spectator who knocked see what admitted spectators see,
// or, with deny, turns them away (an admitted one goes back to the
// ordinary gallery).
func (l *actor) admit(id string, yes bool) error {
	var c *conn
	for o := range l.specs {
		if o.gallery == id && (o.knocked || o.admitted) {
			c = o
		}
	}
	if c == nil {
		return protocol.Errorf(protocol.CodeUnknownMember, "Nobody in the gallery has knocked as that. They may have left.")
	}
	was := c.admitted
	c.admitted, c.knocked, c.admittedAt = yes, yes, l.now()
	l.lobbyDirty = true
	if was != yes {
		l.spectatorGame(c)
	}
	return nil
}

// spectatorGame sends a spectator whose admission changed the game as
// its stream now shows it, with the whole log that stream has shown
// (from game_started: the client takes it for the whole).
func (l *actor) spectatorGame(c *conn) {
	view, log := l.specView, l.specLog
	if c.admitted && l.admittedStream() {
		view, log = l.admView, l.admLog
	}
	if view == nil {
		return // nothing shown yet: the stream's first frame is the whole log
	}
	c.enqueue(protocol.Encode(protocol.TypeGame, protocol.Game{View: *view, Log: nonNil(log), Now: l.now()}))
}

// knockers lists the spectators who knocked, in the order they did.
func (l *actor) knockers() []protocol.Knocker {
	var cs []*conn
	for c := range l.specs {
		if c.knocked || c.admitted {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b *conn) int { return cmp.Compare(a.knockedAt, b.knockedAt) })
	out := make([]protocol.Knocker, len(cs))
	for i, c := range cs {
		out[i] = protocol.Knocker{ID: c.gallery, Name: c.name, Admitted: c.admitted}
	}
	return out
}

// galleryID names a spectator's connection in the lobby's knocks.
func (l *actor) galleryID() string {
	l.spectators++
	return "s" + strconv.Itoa(l.spectators)
}
