package server

import (
	"github.com/coder/websocket"

	"congress/protocol"
	"congress/server/lobby"
)

// host handles a host's lobby action: the core decides its records (every
// check comes before the first, so a refused action changes nothing),
// and the actor journals them and does what follows for connections.
func (l *actor) host(c *conn, h protocol.Host) error {
	recs, err := l.st.HostAction(l.memberOf(c), h, l.env())
	if err != nil {
		return err
	}
	switch h.Action {
	case protocol.HostAdmit, protocol.HostDeny:
		return l.admit(h.Spectator, h.Action == protocol.HostAdmit)
	case protocol.HostSitAdmit, protocol.HostSitDeny:
		return l.sitAdmit(h.Spectator, h.Action == protocol.HostSitAdmit)
	}
	for _, rec := range recs {
		if err := l.commit(rec); err != nil {
			return err
		}
	}
	switch h.Action {
	case protocol.HostKick:
		if kc := l.members[h.Member]; kc != nil {
			delete(l.members, h.Member)
			kc.close(protocol.CodeKicked, lobby.KickedMessage, websocket.StatusNormalClosure, true)
		}
		delete(l.away, h.Member)
		l.noteEmpty()
	case protocol.HostRematch:
		l.compact()
	}
	return nil
}

// env is what the lobby's decisions need from the actor: the time,
// fresh randomness, who is connected and the limits.
func (l *actor) env() lobby.Env {
	return lobby.Env{
		Now:       l.now(),
		Seed:      randomSeed,
		MatchSeed: randomMatchSeed,
		MatchID:   newMatchID,
		Here:      func(id string) bool { return l.members[id] != nil },
		Bounds: lobby.Bounds{
			ChatLines:   l.srv.opt.Limits.ChatLines,
			MembersEver: l.srv.opt.Limits.MembersEver,
			Changes:     l.srv.opt.Limits.HostChanges,
		},
	}
}
