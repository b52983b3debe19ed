package server

import (
	"slices"
	"time"

	"congress/game"
	"congress/protocol"
)

// publish shows an applied record's effects to whoever may see them.
func (l *lobby) publish(rec Record) {
	switch rec.Kind {
	case RecAct, RecAdvance:
		l.gameChanged()
		if l.st.phase == protocol.LobbyOver && l.counted {
			w, r := l.st.match.g.Winner()
			l.log.Info("game over", "match", l.st.match.id, "winner", w, "reason", r)
			l.recordMatch(false)
			l.lobbyDirty = true
		}
	case RecStarted:
		l.log.Info("game started", "match", rec.Match, "delegates", len(rec.Players))
		l.recordMatch(false)
		for _, c := range l.members {
			c.logAt = 0
		}
		l.resetSpectators()
		l.gameChanged()
		l.lobbyDirty = true
	case RecChat:
		l.chat(*rec.Chat)
	case RecRematch:
		l.resetSpectators()
		clear(l.botDue)
		l.lobbyDirty = true
	case RecBotSeat:
		l.scheduleBots()
		l.lobbyDirty = true
	default:
		l.lobbyDirty = true
	}
	l.countGame()
}

// countGame keeps the games-running gauge.
func (l *lobby) countGame() {
	playing := l.st.playing()
	if playing != l.counted {
		l.counted = playing
		if playing {
			l.srv.metrics.games.Add(1)
		} else {
			l.srv.metrics.games.Add(-1)
		}
	}
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
func (l *lobby) gameChanged() {
	m := l.st.match
	if m == nil {
		return
	}
	now := l.now()
	over := m.g.Over()
	for id, c := range l.members {
		v, ok := l.st.viewer(l.st.member(id))
		if !ok || !v.IsSeat() {
			continue
		}
		from := c.logAt
		if over {
			from = 0
		}
		evs, next := m.g.Log(v, from)
		moved := next > c.logAt
		c.logAt = next
		if len(evs) == 0 || (over && !moved) {
			continue
		}
		c.enqueue(protocol.Encode(protocol.TypeGame, protocol.Game{View: m.g.View(v), Log: evs, Now: now}))
	}
	from := l.specAt
	if over {
		from = 0
	}
	evs, next := m.g.Log(game.Spectator, from)
	moved := next > l.specAt
	l.specAt = next
	if len(evs) > 0 && (!over || moved) {
		// The gallery's stream, live: what any spectator may see.
		view := m.g.View(game.Spectator)
		frame := protocol.Encode(protocol.TypeGame, protocol.Game{View: view, Log: evs, Now: now})
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
				adm = m.g.View(game.AdmittedSpectator)
				frame = protocol.Encode(protocol.TypeGame, protocol.Game{View: adm, Log: evs, Now: now})
			}
			l.toAdmitted(specFrame{frame: frame, view: &adm, events: evs, whole: over}, now)
		}
	}
	l.scheduleBots()
}

// admittedStream reports whether the spectators the host admitted have a
// stream of their own: in a game whose settings show them every role,
// from its start to the rematch.
func (l *lobby) admittedStream() bool {
	m := l.st.match
	return m != nil && l.st.phase != protocol.LobbyOpen && m.g.Config().SpectatorsSeeRoles
}

// spectatorDelay is how long the admitted spectators' stream is held
// back: the setting's delay while they have a stream, else nothing.
func (l *lobby) spectatorDelay() time.Duration {
	if !l.admittedStream() {
		return 0
	}
	return l.st.match.g.Config().SpectatorDelay
}

// toAdmitted sends a frame of the admitted spectators' stream now, or
// queues it until the delay has passed.
func (l *lobby) toAdmitted(f specFrame, now time.Time) {
	if d := l.spectatorDelay(); d > 0 || len(l.specQueue) > 0 {
		f.at = now.Add(d)
		l.specQueue = append(l.specQueue, f)
		return
	}
	l.releaseAdmitted(f)
}

func (l *lobby) releaseAdmitted(f specFrame) {
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
func (l *lobby) releaseSpectators(now time.Time) {
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
func (l *lobby) rejoin() {
	m := l.st.match
	if m == nil || l.st.phase == protocol.LobbyOpen {
		return
	}
	view := m.g.View(game.Spectator)
	l.specLog, l.specAt = m.g.Log(game.Spectator, 0)
	l.specView = &view
	if l.admittedStream() {
		if l.spectatorDelay() > 0 {
			l.delayAdmitted()
		} else {
			adm := m.g.View(game.AdmittedSpectator)
			l.admView, l.admLog = &adm, l.specLog
		}
	}
	l.scheduleBots()
}

// delayAdmitted rebuilds the admitted spectators' delayed stream from the
// times in the log: they are shown the game as it was a delay ago, and
// each later change, and each line of chat they may read, is held until
// its time plus the delay, as if the server had never stopped.
func (l *lobby) delayAdmitted() {
	m, d := l.st.match, l.spectatorDelay()
	cut := l.now().Add(-d)
	at := 0
	m.replayGame(func(g *game.Game, rec Record) {
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
	for _, line := range l.st.chat.tail(func(ch game.Channel) bool { return ch != game.ChannelSpectators && l.st.canRead(nil, ch) }) {
		if line.At.After(cut) {
			l.specQueue = append(l.specQueue, specFrame{at: line.At.Add(d), frame: protocol.Encode(protocol.TypeChat, line), said: line.At})
		}
	}
	slices.SortStableFunc(l.specQueue, func(a, b specFrame) int { return a.at.Compare(b.at) })
}

func (l *lobby) resetSpectators() {
	l.specAt, l.specView, l.specLog = 0, nil, nil
	l.admView, l.admLog, l.specQueue = nil, nil, nil
}

// chat sends a line to every connection that may read its channel now,
// encoded once.
func (l *lobby) chat(line protocol.ChatLine) {
	frame := protocol.Encode(protocol.TypeChat, line)
	for id, c := range l.members {
		if l.st.canRead(l.st.member(id), line.Channel) {
			c.enqueue(frame)
		}
	}
	if !l.st.canRead(nil, line.Channel) {
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
func (l *lobby) welcome(c *conn, token string) {
	now := l.now()
	me := l.memberOf(c)
	w := protocol.Welcome{Token: token, You: c.member, Spectator: c.spectator, Gallery: c.gallery, Lobby: l.lobbyView()}
	if m := l.st.match; m != nil && l.st.phase != protocol.LobbyOpen {
		if c.spectator {
			if l.specView != nil {
				w.Game = &protocol.Game{View: *l.specView, Log: nonNil(l.specLog), Now: now}
			}
		} else if v, ok := l.st.viewer(me); ok && v.IsSeat() {
			evs, next := m.g.Log(v, 0)
			c.logAt = next
			w.Game = &protocol.Game{View: m.g.View(v), Log: nonNil(evs), Now: now}
		} else {
			evs, _ := m.g.Log(game.Spectator, 0)
			w.Game = &protocol.Game{View: m.g.View(game.Spectator), Log: nonNil(evs), Now: now}
		}
	}
	// A spectator is welcomed into the gallery's live stream: nobody is
	// admitted before they have knocked.
	w.Chat = l.st.chat.tail(func(ch game.Channel) bool { return l.st.canRead(me, ch) })
	c.enqueue(protocol.Encode(protocol.TypeWelcome, w))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// lobbyView is the lobby as every member and spectator sees it.
func (l *lobby) lobbyView() protocol.Lobby {
	st := l.st
	v := protocol.Lobby{
		Code: l.code, Link: l.link(), WatchLink: l.watchLink(), Public: st.public,
		State: st.phase, Host: st.host, Spectators: len(l.specs), Settings: st.settings,
		Members: make([]protocol.Member, 0, len(st.members)),
		Knocks:  l.knockers(),
	}
	for _, m := range st.members {
		if m.gone && st.phase == protocol.LobbyOpen {
			continue
		}
		pm := protocol.Member{ID: m.id, Name: m.name, Bot: m.bot, Seat: m.seat, BotPlays: m.botPlays}
		if m.bot {
			pm.Strength, pm.Connected = m.strength, true
		} else {
			pm.Connected = l.members[m.id] != nil
		}
		v.Members = append(v.Members, pm)
	}
	seats := min(max(st.seated(), game.MinSeats), game.MaxSeats)
	v.ByTable = protocol.ByTable{Plotters: game.Config{}.PlottersFor(seats), Sessions: game.Config{}.SessionsFor(seats)}
	v.StartBlock = l.startBlock()
	v.CanStart = v.StartBlock == ""
	v.Match = st.lastID
	if m := st.match; m != nil && m.id == st.lastID {
		v.Commitment = m.seed.Commitment()
		if m.g.Over() {
			v.Seed = m.seed.String()
		}
	}
	return v
}

func (l *lobby) link() string      { return l.st.base + "/l/" + l.code }
func (l *lobby) watchLink() string { return l.link() + "?watch=1" }

// flushLobby sends the Lobby message, encoded once, to everyone if it
// changed; a change of the spectator count alone is sent at most once a
// second.
func (l *lobby) flushLobby(force bool) {
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
func (l *lobby) updateSummary() {
	st := l.st
	s := &protocol.LobbySummary{
		Code: l.code, Link: l.link(), WatchLink: l.watchLink(), Public: st.public, State: st.phase,
		Delegates: st.seated(), Spectators: len(l.specs), MaxSpectators: st.settings.MaxSpectators,
		Settings: st.settings,
	}
	if h := st.member(st.host); h != nil {
		s.Host = h.name
	}
	l.summary.Store(s)
	if cl := l.srv.cluster; cl != nil {
		cl.summaryChanged(l)
	}
}

// scheduleBots gives every bot seat that may act a time to decide, after
// its think delay. A bot already thinking keeps its time; one that last
// chose to wait is woken by this change.
func (l *lobby) scheduleBots() {
	m := l.st.match
	if m == nil || !l.st.playing() {
		clear(l.botDue)
		clear(l.botIdle)
		return
	}
	now := l.now()
	for seat := range l.botDue {
		if m.bots[seat] == nil {
			delete(l.botDue, seat)
			delete(l.botIdle, seat)
		}
	}
	for _, seat := range sortedSeats(m.bots) {
		if _, waiting := l.botDue[seat]; waiting && !l.botIdle[seat] {
			continue
		}
		delete(l.botIdle, seat)
		delete(l.botDue, seat)
		if m.g.MayAct(seat) {
			l.botDue[seat] = now.Add(m.bots[seat].Think())
		}
	}
}

// botRecheck is how long a bot that chose not to act waits before it is
// asked again when nothing happens meanwhile.
const botRecheck = 2 * time.Second

// runBots lets each bot whose think time is over decide, and sends its
// command through play like anyone's. A bot that acted decides again
// after another think delay if it still may act; one that chose to wait
// is asked again on the next change of the game, or after botRecheck.
func (l *lobby) runBots(now time.Time) {
	var due []int
	for _, seat := range sortedSeats(l.botDue) {
		if !now.Before(l.botDue[seat]) {
			due = append(due, seat)
		}
	}
	for _, seat := range due {
		delete(l.botDue, seat)
		delete(l.botIdle, seat)
		m := l.st.match
		if m == nil || !l.st.playing() {
			return
		}
		p := m.bots[seat]
		if p == nil {
			continue
		}
		v := m.g.View(game.SeatViewer(seat))
		if len(v.Actions) == 0 {
			continue
		}
		cmd, ok := p.Decide(v, now)
		acted := false
		if ok && !cmd.Kind.HostOnly() {
			cmd.Seat = seat
			if err := l.play(cmd); err != nil {
				l.log.Debug("a bot's command was refused", "seat", seat, "cmd", cmd.Kind, "err", err)
			} else {
				acted = true
			}
		}
		if _, waiting := l.botDue[seat]; waiting || m.bots[seat] == nil || !l.st.playing() {
			continue // play's fan-out has rescheduled it
		}
		if acted {
			if m.g.MayAct(seat) {
				l.botDue[seat] = now.Add(p.Think())
			}
			continue
		}
		l.botDue[seat], l.botIdle[seat] = now.Add(botRecheck), true
	}
}
