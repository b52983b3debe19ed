package server

import (
	"bytes"
	"slices"
	"time"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// publish shows an applied record's effects to whoever may see them.
func (l *actor) publish(rec lobby.Record) {
	l.announce(rec)
	switch rec.Kind {
	case lobby.RecAct, lobby.RecAdvance:
		l.gameChanged()
		if l.st.Phase == lobby.Over && l.counted {
			w, r := l.st.Match.Game.Winner()
			l.log.Info("game over", "match", l.st.Match.ID, "winner", w, "reason", r)
			l.recordMatch(false)
			l.lobbyDirty = true
		}
	case lobby.RecStarted:
		l.log.Info("game started", "match", rec.Match, "delegates", len(rec.Players))
		l.recordMatch(false)
		for _, c := range l.members {
			c.logAt = 0
		}
		l.resetSpectators()
		l.gameChanged()
		l.lobbyDirty = true
	case lobby.RecChat:
		l.chat(rec.Chat.Wire())
	case lobby.RecRematch:
		l.resetSpectators()
		clear(l.botDue)
		l.lobbyDirty = true
	case lobby.RecBotSeat, lobby.RecSeatTaken:
		l.scheduleBots()
		l.lobbyDirty = true
	default:
		l.lobbyDirty = true
	}
	l.countGame()
}

// countGame keeps the games-running gauge.
func (l *actor) countGame() {
	playing := l.st.Playing()
	if playing != l.counted {
		l.counted = playing
		if playing {
			l.srv.metrics.games.Add(1)
		} else {
			l.srv.metrics.games.Add(-1)
		}
	}
}

// maxFrameBuf is the largest buffer a lobby keeps between two changes
// of its game.
const maxFrameBuf = 16 << 10

// encodeGame encodes a game message into the lobby's one buffer, which
// the next call writes over: lent to one connection, or copied to its
// size for a frame that many share or that waits.
func (l *actor) encodeGame(g protocol.Game) []byte {
	if cap(l.frameBuf) > maxFrameBuf {
		l.frameBuf = nil // a whole log at the end: not kept
	}
	l.frameBuf = protocol.AppendEncode(l.frameBuf[:0], protocol.TypeGame, g)
	return l.frameBuf
}

// gameChanged sends each connected delegate whose log moved a Game with
// its own view and the lines new to it, and the spectators one shared
// frame. A viewer with nothing new gets nothing: no message reveals, by
// its timing, a move that viewer may not see.
//
// The change that ends the game sends every viewer the whole log instead,
// from game_started on: the game lets anyone read all of it once it is
// over, secret lines included (votes, letters, investigations), and a
// client takes a log that begins with game_started for the whole.
func (l *actor) gameChanged() {
	m := l.st.Match
	if m == nil {
		return
	}
	now := l.now()
	over := m.Game.Over()
	for id, c := range l.members {
		v, ok := l.st.Viewer(l.st.Member(id))
		if !ok || !v.IsSeat() {
			continue
		}
		from := c.logAt
		if over {
			from = 0
		}
		evs, next := m.Game.Log(v, from)
		moved := next > c.logAt
		c.logAt = next
		if len(evs) == 0 || (over && !moved) {
			continue
		}
		// Lent: a connection copies it only if it cannot write it at once.
		c.enqueueLent(l.encodeGame(protocol.Game{View: m.Game.ViewIn(v, &l.viewBuf), Log: evs, Now: now}))
	}
	from := l.specAt
	if over {
		from = 0
	}
	evs, next := m.Game.Log(game.Spectator, from)
	moved := next > l.specAt
	l.specAt = next
	if len(evs) > 0 && (!over || moved) {
		// The gallery's stream, live: what any spectator may see.
		view := m.Game.View(game.Spectator)
		frame := bytes.Clone(l.encodeGame(protocol.Game{View: view, Log: evs, Now: now}))
		l.specView = &view
		if over {
			l.specLog = evs
		} else {
			l.specLog = append(l.specLog, evs...)
		}
		own := l.admittedStream()
		for c := range l.specs {
			if !own || !c.admitted {
				c.enqueue(frame)
			}
		}
		// The admitted spectators' stream, behind the delay: every role.
		if own {
			adm := view
			if !over {
				adm = m.Game.View(game.AdmittedSpectator)
				frame = bytes.Clone(l.encodeGame(protocol.Game{View: adm, Log: evs, Now: now}))
			}
			l.toAdmitted(specFrame{frame: frame, view: &adm, events: evs, whole: over}, now)
		}
	}
	l.scheduleBots()
}

// admittedStream reports whether the spectators the host admitted have a
// stream of their own: in a game whose settings show them every role,
// from its start to the rematch.
func (l *actor) admittedStream() bool {
	m := l.st.Match
	return m != nil && l.st.Phase != lobby.Open && m.Game.Config().SpectatorsSeeRoles
}

// spectatorDelay is how long the admitted spectators' stream is held
// back: the setting's delay while they have a stream, else nothing.
func (l *actor) spectatorDelay() time.Duration {
	if !l.admittedStream() {
		return 0
	}
	return l.st.Match.Game.Config().SpectatorDelay
}

// toAdmitted sends a frame of the admitted spectators' stream now, or
// queues it until the delay has passed.
func (l *actor) toAdmitted(f specFrame, now time.Time) {
	if d := l.spectatorDelay(); d > 0 || len(l.specQueue) > 0 {
		f.at = now.Add(d)
		l.specQueue = append(l.specQueue, f)
		return
	}
	l.releaseAdmitted(f)
}

func (l *actor) releaseAdmitted(f specFrame) {
	if f.view != nil {
		l.admView = f.view
		if f.whole {
			l.admLog = f.events
		} else {
			l.admLog = append(l.admLog, f.events...)
		}
	}
	for c := range l.specs {
		// A chat line said before its spectator was admitted reached
		// them live.
		if c.admitted && (f.view != nil || f.said.After(c.admittedAt)) {
			c.enqueue(f.frame)
		}
	}
}

// releaseSpectators sends the held frames whose time has come.
func (l *actor) releaseSpectators(now time.Time) {
	n := 0
	for n < len(l.specQueue) && !now.Before(l.specQueue[n].at) {
		l.releaseAdmitted(l.specQueue[n])
		n++
	}
	l.specQueue = l.specQueue[n:]
}

// rejoin sets up what is not state for a lobby rebuilt from its journal:
// the gallery's stream starts from the game as it is; the admitted
// spectators' stream, behind its delay, from the game as it was a delay
// ago; the bots think.
func (l *actor) rejoin() {
	m := l.st.Match
	if m == nil || l.st.Phase == lobby.Open {
		return
	}
	view := m.Game.View(game.Spectator)
	l.specLog, l.specAt = m.Game.Log(game.Spectator, 0)
	l.specView = &view
	if l.admittedStream() {
		if l.spectatorDelay() > 0 {
			l.delayAdmitted()
		} else {
			adm := m.Game.View(game.AdmittedSpectator)
			l.admView, l.admLog = &adm, l.specLog
		}
	}
	l.scheduleBots()
}

// delayAdmitted rebuilds the admitted spectators' delayed stream from the
// times in the log: they are shown the game as it was a delay ago, and
// each later change, and each line of chat they may read, is held until
// its time plus the delay, as if the server had never stopped.
func (l *actor) delayAdmitted() {
	m, d := l.st.Match, l.spectatorDelay()
	cut := l.now().Add(-d)
	at := 0
	m.ReplayGame(func(g *game.Game, rec lobby.Record) {
		evs, next := g.Log(game.Spectator, at)
		if len(evs) == 0 {
			return
		}
		at = next
		whole := g.Over()
		if whole {
			evs, _ = g.Log(game.Spectator, 0)
		}
		view := g.View(game.Spectator)
		if !whole {
			view = g.View(game.AdmittedSpectator)
		}
		if !rec.At.After(cut) {
			l.admView = &view
			if whole {
				l.admLog = evs
			} else {
				l.admLog = append(l.admLog, evs...)
			}
			return
		}
		frame := protocol.Encode(protocol.TypeGame, protocol.Game{View: view, Log: evs, Now: rec.At})
		l.specQueue = append(l.specQueue, specFrame{at: rec.At.Add(d), frame: frame, view: &view, events: evs, whole: whole})
	})
	for _, line := range l.st.Chat.Tail(func(ch game.Channel) bool { return ch != game.ChannelSpectators && l.st.CanRead(nil, ch) }) {
		if line.At.After(cut) {
			l.specQueue = append(l.specQueue, specFrame{at: line.At.Add(d), frame: protocol.Encode(protocol.TypeChat, line), said: line.At})
		}
	}
	slices.SortStableFunc(l.specQueue, func(a, b specFrame) int { return a.at.Compare(b.at) })
}

func (l *actor) resetSpectators() {
	l.specAt, l.specView, l.specLog = 0, nil, nil
	l.admView, l.admLog, l.specQueue = nil, nil, nil
}

// chat sends a line to every connection that may read its channel now,
// encoded once.
func (l *actor) chat(line protocol.ChatLine) {
	frame := protocol.Encode(protocol.TypeChat, line)
	for id, c := range l.members {
		if l.st.CanRead(l.st.Member(id), line.Channel) {
			c.enqueue(frame)
		}
	}
	if !l.st.CanRead(nil, line.Channel) {
		return
	}
	// The delegates' lines reach the admitted spectators behind the
	// delay, as their game does; the gallery's own, and everything the
	// others see, at once.
	own := l.admittedStream() && line.Channel != game.ChannelSpectators
	for c := range l.specs {
		if !own || !c.admitted {
			c.enqueue(frame)
		}
	}
	if own {
		l.toAdmitted(specFrame{frame: frame, said: line.At}, line.At)
	}
}

// welcome sends a connection everything it may see: who it is, the
// lobby, the game and the chat tail.
func (l *actor) welcome(c *conn, token string) {
	now := l.now()
	me := l.memberOf(c)
	w := protocol.Welcome{Token: token, You: c.member, Spectator: c.spectator, Gallery: c.gallery, Lobby: l.lobbyView()}
	w.Read, w.Write = lobby.ChannelsBetween(me)
	if m := l.st.Match; m != nil && l.st.Phase != lobby.Open {
		if c.spectator {
			if l.specView != nil {
				w.Game = &protocol.Game{View: *l.specView, Log: nonNil(l.specLog), Now: now}
			}
		} else if v, ok := l.st.Viewer(me); ok && v.IsSeat() {
			evs, next := m.Game.Log(v, 0)
			c.logAt = next
			w.Game = &protocol.Game{View: m.Game.View(v), Log: nonNil(evs), Now: now}
		} else {
			evs, _ := m.Game.Log(game.Spectator, 0)
			w.Game = &protocol.Game{View: m.Game.View(game.Spectator), Log: nonNil(evs), Now: now}
		}
	}
	// A spectator is welcomed into the gallery's live stream: nobody is
	// admitted before they have knocked.
	w.Chat = wireChat(l.st.Chat.Tail(func(ch game.Channel) bool { return l.st.CanRead(me, ch) }))
	w.Review = l.reviewView()
	c.enqueue(protocol.Encode(protocol.TypeWelcome, w))
}

// wireChat is chat lines as the wire carries them.
func wireChat(lines []lobby.ChatLine) []protocol.ChatLine {
	out := make([]protocol.ChatLine, len(lines))
	for i, line := range lines {
		out[i] = line.Wire()
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// lobbyView is the lobby as every member and spectator sees it.
func (l *actor) lobbyView() protocol.Lobby {
	st := l.st
	v := protocol.Lobby{
		Code: l.code, Link: l.link(), WatchLink: l.watchLink(), Public: st.Public,
		State: st.Phase.Wire(), Host: st.Host, Spectators: len(l.specs), Settings: st.Settings.Wire(),
		Members:   make([]protocol.Member, 0, len(st.Members)),
		Knocks:    l.knockers(),
		OpenSeats: st.OpenSeats(),
		Sits:      l.sitAskers(),
	}
	for _, m := range st.Members {
		if m.Gone && st.Phase == lobby.Open {
			continue
		}
		pm := protocol.Member{ID: m.ID, Name: m.Name, Bot: m.Bot, Seat: m.Seat, BotPlays: m.BotPlays}
		if m.Bot {
			pm.Strength, pm.Connected = m.Strength, true
		} else {
			pm.Connected = l.members[m.ID] != nil
			pm.AwaySeconds, pm.Gone = l.awaySeconds(m.ID), m.Gone
		}
		v.Members = append(v.Members, pm)
	}
	seats := min(max(st.Seated(), game.MinSeats), game.MaxSeats)
	v.ByTable = protocol.ByTable{Plotters: game.Config{}.PlottersFor(seats), Sessions: game.Config{}.SessionsFor(seats)}
	cfg, _ := st.Settings.Config() // the roles it would deal, valid or not: StartRefusal says what is wrong
	v.Roles = protocol.LobbyRoles{Seats: seats, Dealt: cfg.RolesFor(seats), Recommended: game.RecommendedRoles(seats)}
	if e := l.st.StartRefusal(); e != nil {
		v.StartBlock, v.StartField, v.StartReason, v.StartParams = e.Message, e.Field, e.Reason, e.Params
	}
	v.Limits = protocol.LobbyLimits()
	v.CanStart = v.StartBlock == ""
	v.Match = st.LastID
	if m := st.Match; m != nil && m.ID == st.LastID {
		v.Commitment = m.Seed.Commitment()
		if m.Game.Over() {
			v.Seed = m.Seed.String()
		}
	}
	return v
}

func (l *actor) link() string      { return l.st.Base + "/l/" + l.code }
func (l *actor) watchLink() string { return l.link() + "?watch=1" }

// flushLobby sends the Lobby message, encoded once, to everyone if it
// changed; a change of the spectator count alone is sent at most once a
// second.
func (l *actor) flushLobby(force bool) {
	now := l.now()
	if !l.lobbyDirty && !force && !(l.galleryMove && now.Sub(l.lobbySentAt) >= time.Second) {
		return
	}
	l.lobbyDirty, l.galleryMove, l.lobbySentAt = false, false, now
	v := l.lobbyView()
	frame := protocol.Encode(protocol.TypeLobby, v)
	for _, c := range l.members {
		c.enqueue(frame)
	}
	for c := range l.specs {
		c.enqueue(frame)
	}
	l.updateSummary()
}

// updateSummary publishes the lobby's summary for the HTTP API.
func (l *actor) updateSummary() {
	st := l.st
	s := &protocol.LobbySummary{
		Code: l.code, Link: l.link(), WatchLink: l.watchLink(), Public: st.Public, State: st.Phase.Wire(),
		Delegates: st.Seated(), Spectators: len(l.specs), MaxSpectators: st.Settings.MaxSpectators,
		Settings: st.Settings.Wire(),
	}
	if h := st.Member(st.Host); h != nil {
		s.Host = h.Name
	}
	l.summary.Store(s)
	l.srv.dir.summaryChanged(l)
}
