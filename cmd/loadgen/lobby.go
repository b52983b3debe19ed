package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"congress/game"
	"congress/protocol"
)

// lobby is one table: its delegates (the host first), its spectators and
// the driver that sends their commands on schedule, one in flight at a
// time.
type lobby struct {
	run       *runner
	index     int // among all lobbies of the run, every worker's
	code      string
	delegates []*conn
	all       []*conn // delegates, then spectators
	idle      chan struct{}

	mu sync.Mutex
	// Host's picture of the lobby.
	state    protocol.LobbyState
	canStart bool
	members  int
	hostReq  int64 // the host action awaiting its Ack, 0 if none
	// The current game.
	playing bool
	played  bool // a game has started in this run
	seats   []*conn
	// The driver's.
	nextID int64
	turn   int // the delegate to ask first next time
	fl     *flight
}

// flight is the one command in flight: sent at (or after) intended, done
// when every connection that should see its effect has.
type flight struct {
	id       int64
	actor    *conn
	intended time.Time
	sent     time.Time
	record   bool         // intended inside the measurement window
	cmd      game.Command // server: waits for the event that logs it (Command.Logged); baseline: any game message
	audience []*conn
	left     int
	last     time.Time
}

func (f *flight) expects(c *conn) bool {
	return f.audience == nil || slices.Contains(f.audience, c)
}

func (l *lobby) send(ctx context.Context, c *conn, msg protocol.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(msg))
}

// onGame takes a game message that c received at now. A delegate's
// player reads every event; a spectator's connection reads the log only
// while a command waits for it, and then only what identifies an event.
func (l *lobby) onGame(c *conn, data []byte, now time.Time) {
	if l.run.cfg.Target == targetBaseline {
		l.mu.Lock()
		if f := l.awaiting(c); f != nil {
			l.deliver(c, f, now)
		}
		l.mu.Unlock()
		return
	}
	if c.spectator {
		l.mu.Lock()
		defer l.mu.Unlock()
		f := l.awaiting(c)
		if f == nil {
			return
		}
		lines, err := gameLog[logLine](data)
		if err != nil {
			l.run.rec.protoErr("bad_game_log")
			return
		}
		if slices.ContainsFunc(lines, func(e logLine) bool {
			return f.cmd.Logged(game.Event{Kind: e.Kind, Seat: e.Seat, Target: e.Target})
		}) {
			l.deliver(c, f, now)
		}
		return
	}
	events, err := delegateLog(data)
	if err != nil {
		l.run.rec.protoErr("bad_game_log")
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c.raw = append(c.raw[:0], data...)
	c.viewOK = false
	c.observe(events)
	if f := l.awaiting(c); f != nil && slices.ContainsFunc(events, f.cmd.Logged) {
		l.deliver(c, f, now)
	}
}

// awaiting is the flight that waits for c, if any.
func (l *lobby) awaiting(c *conn) *flight {
	if f := l.fl; f != nil && c.seen != f.id && f.expects(c) {
		return f
	}
	return nil
}

// deliver records that c received f's effect at now.
func (l *lobby) deliver(c *conn, f *flight, now time.Time) {
	c.seen = f.id
	f.left--
	f.last = now
	if f.left == 0 {
		l.land(f)
	}
}

// died takes a connection the server closed out of the lobby's flights:
// no command waits for it, and none is sent from it.
func (l *lobby) died(c *conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c.dead = true
	f := l.awaiting(c)
	if f == nil {
		return
	}
	c.seen = f.id
	if f.left--; f.left == 0 {
		if f.last.IsZero() {
			l.run.rec.update(true, func(r *Result) { r.Lost++ })
			l.clear()
			return
		}
		l.land(f)
	}
}

// observe feeds a delegate's player the events of its own log; a new game
// seats it afresh. The host's stream also tells the lobby when games
// start and end.
func (c *conn) observe(events []game.Event) {
	l := c.l
	from := 0
	for i, e := range events {
		switch e.Kind {
		case game.EvGameStarted:
			if c.mover != nil && i > from {
				c.mover.Observe(events[from:i])
			}
			from = i
			c.mover = nil
			// The server seats players by member ID; a server may seat by name.
			if c.seat = slices.Index(e.Names, c.you); c.seat < 0 {
				c.seat = slices.Index(e.Names, c.name)
			}
			if c.seat < 0 {
				l.run.rec.protoErr("not_seated")
				continue
			}
			c.mover = newMover(l.run.cfg.Movers, c.seat, l.run.cfg.Seed^uint64(l.index)<<8^uint64(c.seat))
			if len(l.seats) != len(e.Names) {
				l.seats = make([]*conn, len(e.Names))
			}
			l.seats[c.seat] = c
			if c.host {
				l.playing, l.played = true, true
				l.run.rec.update(true, func(r *Result) { r.Started++ })
			}
		case game.EvGameOver:
			if c.host {
				l.playing = false
				l.run.rec.update(true, func(r *Result) { r.Finished++ })
			}
		}
	}
	if c.mover != nil && from < len(events) {
		c.mover.Observe(events[from:])
	}
}

// land completes a flight: its latency runs from the intended send time to
// the last recipient's delivery.
func (l *lobby) land(f *flight) {
	if f.record {
		l.run.rec.update(true, func(r *Result) {
			r.Completed++
			r.Latency.Record(f.last.Sub(f.intended))
		})
	}
	l.clear()
}

// clear ends the flight and wakes the driver.
func (l *lobby) clear() {
	l.fl = nil
	select {
	case l.idle <- struct{}{}:
	default:
	}
}

func (l *lobby) onLobby(lb *protocol.Lobby) {
	l.mu.Lock()
	l.state, l.canStart, l.members = lb.State, lb.CanStart, len(lb.Members)
	l.mu.Unlock()
}

func (l *lobby) onAck(id int64) {
	l.mu.Lock()
	if id == l.hostReq {
		l.hostReq = 0
	}
	l.mu.Unlock()
}

func (l *lobby) onRefused(c *conn, ref *protocol.Refused) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch f := l.fl; {
	case f != nil && c == f.actor && ref.ID == f.id:
		// A command the view allowed, refused because the phase moved on
		// while it travelled: a race of the game, not of the protocol.
		if f.record {
			l.run.rec.update(true, func(r *Result) { r.Refused[string(ref.Code)]++ })
		}
		l.clear()
	case c.host && ref.ID != 0 && ref.ID == l.hostReq:
		l.hostReq = 0
		l.run.rec.protoErr("host_refused:" + string(ref.Code))
	default:
		l.run.rec.protoErr("error:" + string(ref.Code))
	}
}

// drive sends the lobby's commands at their intended times, interval
// apart from first, until the window closes; after it, it plays the
// running game out (no rematch) until drainEnd.
//
// A command intended while the previous one is still in flight waits for
// it and keeps its intended time, so a stall of the server shows in the
// latency of every command it held up. Sends still owed a timeout after
// the window are given up and counted as unsent.
func (l *lobby) drive(ctx context.Context, first time.Time, w window) {
	cfg := &l.run.cfg
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	for next := first; ; next = next.Add(interval) {
		now := time.Now()
		if next.Before(w.end) && now.After(w.end.Add(cfg.Timeout)) {
			owed := (w.end.Sub(next) + interval - 1) / interval
			l.run.rec.update(true, func(r *Result) { r.Unsent += int64(owed) })
			next = next.Add(owed * interval)
		}
		draining := !next.Before(w.end)
		if draining {
			l.mu.Lock()
			playing := l.playing
			l.mu.Unlock()
			if cfg.Target == targetBaseline || !playing {
				return
			}
			if !next.Before(w.drainEnd) {
				l.run.rec.update(true, func(r *Result) { r.Unfinished++ })
				return
			}
			next = later(next, now.Add(-interval)) // the drain is not measured: no catching up
		}
		if !sleepUntil(ctx, next) {
			return
		}
		l.awaitIdle(ctx)
		if ctx.Err() != nil {
			return
		}
		l.step(ctx, next, !draining, !draining && !next.Before(w.start))
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// awaitIdle waits until no command is in flight, giving up on one after
// the timeout: it is lost, and its latency is counted as at least that.
func (l *lobby) awaitIdle(ctx context.Context) {
	timeout := l.run.cfg.Timeout
	for {
		l.mu.Lock()
		f := l.fl
		l.mu.Unlock()
		if f == nil {
			return
		}
		wait := time.Until(f.sent.Add(timeout))
		if wait <= 0 {
			l.mu.Lock()
			if l.fl == f {
				if f.record {
					now := time.Now()
					l.run.rec.update(true, func(r *Result) {
						r.Lost++
						r.Latency.Record(now.Sub(f.intended))
					})
				}
				l.fl = nil
			}
			l.mu.Unlock()
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-l.idle:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		t.Stop()
	}
}

// step is one intended send at time at: the next delegate with a move
// makes it. Outside a game the host starts one, unless the run is over
// (!starts). Only a step in the window is measured (record).
func (l *lobby) step(ctx context.Context, at time.Time, starts, record bool) {
	l.mu.Lock()
	if l.run.cfg.Target == targetBaseline {
		for k := range len(l.delegates) {
			c := l.delegates[(l.turn+k)%len(l.delegates)]
			if c.dead {
				continue
			}
			l.turn += k + 1
			l.nextID++
			f := &flight{id: l.nextID, actor: c, intended: at, sent: time.Now(), record: record, left: l.alive(l.all)}
			l.fl = f
			l.mu.Unlock()
			l.launch(ctx, f, protocol.Act{ID: f.id, Kind: game.CmdReady, Target: game.NoSeat})
			return
		}
		l.mu.Unlock()
		return
	}
	if !l.playing {
		host := l.delegates[0]
		var action protocol.HostAction
		switch {
		case !starts || l.hostReq != 0:
		case l.state == protocol.LobbyOver:
			action = protocol.HostRematch
		case l.state == protocol.LobbyOpen && l.canStart && l.members == len(l.delegates):
			action = protocol.HostStart
		}
		if action == "" {
			l.mu.Unlock()
			return
		}
		l.nextID++
		l.hostReq = l.nextID
		l.mu.Unlock()
		if err := l.send(ctx, host, protocol.Host{ID: l.hostReq, Action: action}); err != nil {
			l.run.rec.protoErr("write_error")
		}
		return
	}
	now := time.Now()
	n := len(l.delegates)
	for k := range n {
		c := l.delegates[(l.turn+k)%n]
		if c.mover == nil || c.dead || !c.mayAct() {
			continue
		}
		v, ok := c.currentView()
		if !ok {
			continue
		}
		cmd, ok := c.mover.Decide(*v, now)
		if !ok {
			continue
		}
		l.turn = (l.turn + k + 1) % n
		l.nextID++
		f := &flight{id: l.nextID, actor: c, intended: at, sent: time.Now(), record: record, cmd: cmd}
		f.left = l.alive(l.all)
		if seats, all := v.Audience(cmd); !all {
			for _, s := range seats {
				if s < len(l.seats) && l.seats[s] != nil && !l.seats[s].dead {
					f.audience = append(f.audience, l.seats[s])
				}
			}
			f.left = len(f.audience)
		}
		l.fl = f
		l.mu.Unlock()
		l.launch(ctx, f, protocol.Act{ID: f.id, Kind: cmd.Kind, Target: cmd.Target, Purge: cmd.Purge})
		return
	}
	l.mu.Unlock()
	if record {
		l.run.rec.update(true, func(r *Result) { r.Skipped++ })
	}
}

// launch sends a flight's command. The flight is registered first: its
// effect may arrive before Write returns.
func (l *lobby) launch(ctx context.Context, f *flight, act protocol.Act) {
	if f.record {
		l.run.rec.update(true, func(r *Result) { r.Commands++ })
	}
	if err := l.send(ctx, f.actor, act); err != nil {
		l.run.rec.protoErr("write_error")
		l.mu.Lock()
		if l.fl == f {
			l.fl = nil
		}
		l.mu.Unlock()
	}
}

// alive counts the connections the server has not closed.
func (l *lobby) alive(cs []*conn) int {
	n := 0
	for _, c := range cs {
		if !c.dead {
			n++
		}
	}
	return n
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
