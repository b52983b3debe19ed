package server

import (
	"crypto/sha256"
	"time"

	"congress/protocol"
	"congress/server/lobby"
)

// The actor's side of the gavel and the seats of the absent: who has been
// away since when, the gavel passing when its time comes, the lobby told
// of every change of gavel and seat, and a delegate back told what
// happened meanwhile. The decisions are the lobby core's (lobby/gavel.go).

// here reports whether a member is connected now.
func (l *actor) here(member string) bool { return l.members[member] != nil }

// startAway starts the away clock of every human not connected when the
// lobby's goroutine starts: a new lobby's host until they come, every
// delegate of a lobby rebuilt from its log until they come back.
func (l *actor) startAway() {
	now := l.now()
	for _, m := range l.st.Members {
		if m.Human() && !m.Gone && !l.here(m.ID) {
			if _, ok := l.away[m.ID]; !ok {
				l.away[m.ID] = now
			}
		}
	}
}

// awaySeconds is how long a member has been away, in whole seconds.
func (l *actor) awaySeconds(member string) int {
	t, ok := l.away[member]
	if !ok || l.here(member) {
		return 0
	}
	return int(max(l.now().Sub(t), 0) / time.Second)
}

// hostAwaySince is since when the host has been away, if they are.
func (l *actor) hostAwaySince() (time.Time, bool) {
	if l.st.Host == "" || l.here(l.st.Host) {
		return time.Time{}, false
	}
	t, ok := l.away[l.st.Host]
	// A host handed the gavel while away has a whole spell to come.
	if l.gavelAt.After(t) {
		t = l.gavelAt
	}
	return t, ok
}

// gavelWake is when the gavel would pass from an absent host, if someone
// is here to take it.
func (l *actor) gavelWake() (time.Time, bool) {
	since, ok := l.hostAwaySince()
	if !ok || l.st.GavelHeir(l.here) == nil {
		return time.Time{}, false
	}
	return since.Add(l.st.Settings.HostAway()), true
}

// checkHost passes the gavel from a host away for the lobby's
// host_away_seconds to the heir present.
func (l *actor) checkHost(now time.Time) {
	since, ok := l.hostAwaySince()
	if !ok {
		return
	}
	env := l.env()
	env.Now = now
	rec, due := l.st.GavelDue(since, env)
	if !due {
		return
	}
	if err := l.commit(rec); err != nil {
		l.log.Warn("passing the gavel", "err", err)
		l.away[rec.From] = now // try again after another spell
	}
}

// announce tells everyone, in words, of an applied record that moved the
// gavel or a seat. The connection being welcomed hears of it in its
// welcome instead.
func (l *actor) announce(rec lobby.Record) {
	switch rec.Kind {
	case lobby.RecHostChanged, lobby.RecGavelPassed:
		l.gavelAt = l.now()
	}
	n, ok := l.st.Announcement(rec, l.here)
	if !ok {
		return
	}
	frame := protocol.Encode(protocol.TypeNotice, n)
	for _, c := range l.members {
		if c != l.greeting {
			c.enqueue(frame)
		}
	}
	for c := range l.specs {
		c.enqueue(frame)
	}
}

// tellWhileAway tells a delegate just welcomed back, alone and once,
// what happened while they were away.
func (l *actor) tellWhileAway(c *conn, me *lobby.Member) {
	rec, n, ok := l.st.WhileAway(me, l.env())
	if !ok {
		return
	}
	if err := l.commit(rec); err != nil {
		l.log.Warn("noting a delegate told", "err", err)
		return
	}
	if n.Message != "" {
		c.enqueue(protocol.Encode(protocol.TypeNotice, n))
	}
}

// barred refuses a pass the host kicked out of the lobby.
func (l *actor) barred(token string) error {
	if token == "" {
		return nil
	}
	h := sha256.Sum256([]byte(token))
	return l.st.Barred(h[:])
}
