package server

import (
	"errors"
	"maps"
	"slices"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
	"congress/server/voice"
)

// The lobby's voice (VOICE.md): the lobby goroutine owns who is in it and
// decides, after every message and every tick, who hears whom from the
// engine's voice routes; the SFU (server/voice) forwards the audio by
// that routing and drops the rest.

// voiceLobby is one lobby's voice.
type voiceLobby struct {
	room  *voice.Room
	peers map[*conn]*voicePeer
	// key says what the routing was made from; a loop of the lobby
	// whose key is the same has nothing to tell the SFU.
	key     voiceKey
	routing voice.Routing
	changes int // joins, leaves and mutes: part of the key
}

type voicePeer struct {
	id    string // the member ID, or the spectator's gallery ID
	peer  *voice.Peer
	mic   bool
	muted bool
}

type voiceKey struct {
	phase   lobby.Phase
	match   *lobby.Match
	log     int
	changes int
	members int
	on      bool
}

// voiceOn reports whether the lobby's voice may be used.
func (l *actor) voiceOn() bool { return l.srv.voice != nil && l.st.Settings.Voice }

// voiceRequest handles the voice messages.
func (l *actor) voiceRequest(c *conn, msg protocol.Client) (int64, error) {
	switch m := msg.(type) {
	case protocol.VoiceJoin:
		return m.ID, l.voiceJoin(c, m.Mic)
	case protocol.VoiceAnswer:
		p, err := l.voicePeerOf(c)
		if err != nil {
			return m.ID, err
		}
		if p.peer.Answer(m.SDP) != nil {
			return m.ID, protocol.Errorf(protocol.CodeBadSDP, "That answer does not fit the voice's offer.")
		}
		return m.ID, nil
	case protocol.VoiceMute:
		p, err := l.voicePeerOf(c)
		if err != nil {
			return m.ID, err
		}
		p.muted = m.Muted
		p.peer.SetMuted(m.Muted)
		l.voice.changes++
		return m.ID, nil
	case protocol.VoiceLeave:
		if _, err := l.voicePeerOf(c); err != nil {
			return m.ID, err
		}
		l.voiceDetach(c)
		return m.ID, nil
	}
	return 0, protocol.Errorf(protocol.CodeUnknownType, "Unknown message type.")
}

func (l *actor) voicePeerOf(c *conn) (*voicePeer, error) {
	if l.voice != nil {
		if p := l.voice.peers[c]; p != nil {
			return p, nil
		}
	}
	return nil, protocol.Errorf(protocol.CodeNotInVoice, "Join the voice first.")
}

func (l *actor) voiceJoin(c *conn, mic bool) error {
	if !l.voiceOn() {
		return protocol.Errorf(protocol.CodeVoiceOff, "This lobby's voice is off.")
	}
	if l.voice == nil {
		l.voice = &voiceLobby{room: l.srv.voice.NewRoom(), peers: map[*conn]*voicePeer{}}
	}
	if l.voice.peers[c] != nil {
		return protocol.Errorf(protocol.CodeInVoice, "You are in the voice already.")
	}
	id := c.member
	if c.spectator {
		id = c.gallery
	}
	// The new peer's place in the routing comes before its first packet.
	l.voice.peers[c] = &voicePeer{id: id, mic: mic}
	l.voice.changes++
	l.syncVoice()
	servers := l.srv.iceServers(id)
	p, err := l.voice.room.Join(id, mic, func(s voice.Signal) {
		c.enqueue(protocol.Encode(protocol.TypeVoiceOffer, protocol.VoiceOffer{SDP: s.SDP, ICEServers: servers}))
	})
	if err != nil {
		delete(l.voice.peers, c)
		l.voice.changes++
		switch {
		case errors.Is(err, voice.ErrRoomFull):
			return protocol.Errorf(protocol.CodeVoiceFull, "This lobby's voice is full.")
		case errors.Is(err, voice.ErrServerFull):
			return protocol.Errorf(protocol.CodeVoiceFull, "The server carries all the voices it can. Try again later.")
		case errors.Is(err, voice.ErrJoined):
			return protocol.Errorf(protocol.CodeInVoice, "You are in the voice already, from another window.")
		}
		l.log.Warn("joining the voice", "err", err)
		return protocol.Errorf(protocol.CodeServerBusy, "The voice could not start. Try again.")
	}
	l.voice.peers[c].peer = p
	return nil
}

// voiceDetach takes a connection out of the voice, if it is in.
func (l *actor) voiceDetach(c *conn) {
	if l.voice == nil || l.voice.peers[c] == nil {
		return
	}
	p := l.voice.peers[c]
	delete(l.voice.peers, c)
	l.voice.changes++
	if p.peer != nil {
		l.voice.room.Leave(p.id)
	}
	c.enqueue(protocol.Encode(protocol.TypeVoice, protocol.Voice{On: l.voiceOn(), Route: l.voiceRoute(c), Peers: []protocol.VoicePeer{}}))
}

// closeVoice ends the lobby's voice.
func (l *actor) closeVoice() {
	if l.voice != nil {
		l.voice.room.Close()
		l.voice = nil
	}
}

// voiceRoute is the engine's voice route for a connection now.
func (l *actor) voiceRoute(c *conn) game.VoiceRoute {
	m := l.memberOf(c)
	if l.st.Phase == lobby.Open || l.st.Match == nil || l.st.Match.Game == nil {
		return game.LobbyVoice(m != nil)
	}
	if m != nil && m.Seat != game.NoSeat {
		return l.st.Match.Game.Voice(game.SeatViewer(m.Seat))
	}
	return l.st.Match.Game.Voice(game.Spectator)
}

// syncVoice tells the SFU the routing the lobby's state makes, and each
// peer its own route, whenever that state changed. It runs after every
// message and tick of the lobby, so that a phase change mutes a speaker
// before the lobby goroutine does anything else.
func (l *actor) syncVoice() {
	v := l.voice
	if v == nil {
		return
	}
	if !l.voiceOn() {
		for c := range v.peers {
			l.voiceDetach(c)
		}
		return
	}
	key := voiceKey{phase: l.st.Phase, match: l.st.Match, changes: v.changes, members: len(l.st.Members), on: true}
	if m := l.st.Match; m != nil && m.Game != nil {
		key.log = m.Game.LogLen()
	}
	if key == v.key {
		return
	}
	v.key = key
	conns := slices.Collect(maps.Keys(v.peers))
	routes := make([]game.VoiceRoute, len(conns))
	for i, c := range conns {
		routes[i] = l.voiceRoute(c)
	}
	rt := voice.Routing{Hears: make(map[string]map[string]bool, len(conns))}
	for i, lc := range conns {
		hears := map[string]bool{}
		for j, sc := range conns {
			if i != j && v.peers[sc].mic && routes[i].Hears(routes[j]) {
				hears[v.peers[sc].id] = true
			}
		}
		rt.Hears[v.peers[lc].id] = hears
	}
	v.room.SetRouting(rt)
	v.routing = rt
	for i, c := range conns {
		me := v.peers[c]
		msg := protocol.Voice{On: true, Joined: true, You: me.id, Mic: me.mic, Muted: me.muted, Route: routes[i], Peers: make([]protocol.VoicePeer, 0, len(conns))}
		for _, sc := range conns {
			p := v.peers[sc]
			msg.Peers = append(msg.Peers, protocol.VoicePeer{
				Stream: p.id, Member: l.memberIDOf(sc), Name: l.voiceName(sc),
				Mic: p.mic, Muted: p.muted, Heard: rt.Hears[me.id][p.id],
			})
		}
		slices.SortFunc(msg.Peers, func(a, b protocol.VoicePeer) int {
			switch {
			case a.Stream < b.Stream:
				return -1
			case a.Stream > b.Stream:
				return 1
			}
			return 0
		})
		c.enqueue(protocol.Encode(protocol.TypeVoice, msg))
	}
}

func (l *actor) memberIDOf(c *conn) string {
	if c.spectator {
		return ""
	}
	return c.member
}

// voiceName is how the voice shows a connection: the member's name, or
// the spectator's (if they gave one).
func (l *actor) voiceName(c *conn) string {
	if m := l.memberOf(c); m != nil {
		return m.Name
	}
	if c.name != "" {
		return c.name
	}
	return "A spectator"
}

// iceServers are the STUN and TURN servers a voice peer may use, with
// its short-lived credentials.
func (s *Server) iceServers(peer string) []protocol.ICEServer {
	out := []protocol.ICEServer{}
	if s.turn != nil {
		urls, user, pass, err := s.turn.Credentials(peer)
		if err == nil {
			out = append(out, protocol.ICEServer{URLs: urls, Username: user, Credential: pass})
		}
	}
	return out
}

// voiceRequestID is a voice message's request ID.
func voiceRequestID(m protocol.Client) int64 {
	switch v := m.(type) {
	case protocol.VoiceJoin:
		return v.ID
	case protocol.VoiceAnswer:
		return v.ID
	case protocol.VoiceMute:
		return v.ID
	case protocol.VoiceLeave:
		return v.ID
	}
	return 0
}

// startVoice starts the SFU and the TURN server the options ask for.
func (s *Server) startVoice() error {
	if s.opt.Voice == nil {
		return nil
	}
	sfu, err := voice.New(*s.opt.Voice)
	if err != nil {
		return err
	}
	s.voice = sfu
	s.metrics.reg.MustRegister(sfu.Collectors()...)
	if s.opt.TURN != nil {
		t, err := voice.StartTURN(*s.opt.TURN)
		if err != nil {
			return err
		}
		s.turn = t
	}
	return nil
}
