package server

import (
	"slices"
	"time"

	"congress/bot"
	"congress/game"
	"congress/server/lobby"
)

// DefaultBot seats a bot of the bot package: strength "easy" or "normal"
// (anything else plays normal).
func DefaultBot(seat int, strength string, seed uint64) lobby.Player {
	s := bot.Normal
	if err := s.UnmarshalText([]byte(strength)); err != nil {
		s = bot.Normal
	}
	return bot.New(seat, s, seed)
}

// scheduleBots gives every bot seat that may act a time to decide, after
// its think delay. A bot already thinking keeps its time; one that last
// chose to wait is woken by this change.
func (l *actor) scheduleBots() {
	m := l.st.Match
	if m == nil || !l.st.Playing() {
		clear(l.botDue)
		clear(l.botIdle)
		return
	}
	now := l.now()
	for seat := range l.botDue {
		if m.Bots[seat] == nil {
			delete(l.botDue, seat)
			delete(l.botIdle, seat)
		}
	}
	for _, seat := range sortedSeats(m.Bots) {
		if _, waiting := l.botDue[seat]; waiting && !l.botIdle[seat] {
			continue
		}
		delete(l.botIdle, seat)
		delete(l.botDue, seat)
		if m.Game.MayAct(seat) {
			l.botDue[seat] = now.Add(m.Bots[seat].Think())
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
func (l *actor) runBots(now time.Time) {
	var due []int
	for _, seat := range sortedSeats(l.botDue) {
		if !now.Before(l.botDue[seat]) {
			due = append(due, seat)
		}
	}
	for _, seat := range due {
		delete(l.botDue, seat)
		delete(l.botIdle, seat)
		m := l.st.Match
		if m == nil || !l.st.Playing() {
			return
		}
		p := m.Bots[seat]
		if p == nil {
			continue
		}
		v := m.Game.View(game.SeatViewer(seat))
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
		if _, waiting := l.botDue[seat]; waiting || m.Bots[seat] == nil || !l.st.Playing() {
			continue // play's fan-out has rescheduled it
		}
		if acted {
			if m.Game.MayAct(seat) {
				l.botDue[seat] = now.Add(p.Think())
			}
			continue
		}
		l.botDue[seat], l.botIdle[seat] = now.Add(botRecheck), true
	}
}

// sortedSeats lists the keys of a seat map in order, so that bots act in
// a stable order.
func sortedSeats[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
