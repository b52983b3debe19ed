package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"congress/protocol"
	"congress/server/lobby"
)

// RestoreAll reopens every lobby the journal holds, from one read of the
// whole journal: deadlines that passed while the server was down take
// effect at once, in order, when each lobby's goroutine starts. The start
// stops only if the journal as a whole cannot be read. A lobby whose log
// cannot be replayed is quarantined (see quarantine) and the others are
// served; the log of a lobby that closed as the server stopped is
// dropped, as the closing would have done.
func (s *Server) RestoreAll(ctx context.Context) (int, error) {
	j, ok := s.opt.Journal.(lobby.Restorable)
	if !ok {
		return 0, nil
	}
	logs, err := j.Logs(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the lobby logs: %w", err)
	}
	n := 0
	for _, code := range slices.Sorted(maps.Keys(logs)) {
		lg := logs[code]
		if lg.Err == nil && len(lg.Records) == 0 {
			continue
		}
		st, err := lg.Records, lg.Err
		var state *lobby.State
		if err == nil {
			state, err = lobby.Replay(code, st, s.opt.NewBot)
		}
		switch {
		case err != nil:
			s.quarantine(ctx, j, code, err)
			continue
		case state.Closed:
			s.dropClosed(ctx, j, code)
			continue
		}
		if err := s.reopen(code, state, lg.Records); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// errLobbyClosed is Restore's answer for a log that ends with the
// lobby's closing: there is nothing to reopen, and the log is dropped.
var errLobbyClosed = errors.New("the lobby was closed")

// damagedLog is a log that cannot be replayed.
type damagedLog struct{ err error }

func (d damagedLog) Error() string { return "its log does not replay: " + d.err.Error() }

func (d damagedLog) Unwrap() error { return d.err }

// dropClosed finishes off the log of a lobby that closed but whose log
// was not dropped yet: the server stopped in between.
func (s *Server) dropClosed(ctx context.Context, j lobby.Restorable, code string) {
	if err := j.Drop(ctx, code); err != nil {
		s.log.Warn("dropping a closed lobby's log; the next start tries again", "lobby", code, "err", err)
		return
	}
	s.log.Info("a closed lobby's log was left behind: dropped", "lobby", code)
}

// quarantine keeps a lobby whose log cannot be replayed aside: the log
// stays as it is (the journal notes why, for the operator), the lobby is
// not served, and whoever comes to it is told in words (errDamaged).
func (s *Server) quarantine(ctx context.Context, j lobby.Restorable, code string, why error) {
	if s.lobbies.quarantine(code) {
		s.metrics.quarantined.Add(1)
	}
	s.log.Error("a lobby's log does not restore: it is kept aside and not served; the other lobbies are", "lobby", code, "err", why)
	if err := j.Quarantine(ctx, code, why.Error()); err != nil {
		s.log.Warn("noting a quarantined lobby in the journal", "lobby", code, "err", err)
	}
}

// errDamaged is what a client of a quarantined lobby is told.
func errDamaged(code string) error {
	return protocol.Errorf(protocol.CodeLobbyDamaged, "The minutes of lobby %s are damaged, and it cannot convene again. The server's keeper has been told; open a new lobby to play on.", code)
}

// lastActivity is the time of a log's last record that people or the
// game made: a node's claim moves the log on but is nobody's doing.
func lastActivity(recs []lobby.Record) time.Time {
	for _, rec := range slices.Backward(recs) {
		if rec.Kind != lobby.RecClaimed {
			return rec.At
		}
	}
	return time.Time{}
}

// maxSnapshot bounds a snapshot record: the oldest chat lines are left
// out of one that would be larger.
const maxSnapshot = 256 << 10

// compact starts the lobby's log afresh between games, so that what a
// restore replays does not grow with the games played: a snapshot of the
// lobby is appended and every record before it deleted. The last game
// must be in the match history first, which keeps it from then on; until
// it is, the log keeps it, and the next rematch tries again.
func (l *actor) compact() {
	j, ok := l.srv.opt.Journal.(lobby.Compactor)
	if !ok || l.st.Phase != lobby.Open {
		return
	}
	if m := l.st.Match; m != nil && l.srv.filer != nil && l.srv.filer.pending(m.ID) {
		l.log.Info("the last game is not in the match history yet: the lobby's log keeps it", "match", m.ID)
		return
	}
	snap := l.st.Snapshot()
	for len(snap.Chat) > 0 {
		b, _ := json.Marshal(snap)
		if len(b) <= maxSnapshot {
			break
		}
		snap.Chat = snap.Chat[max(len(snap.Chat)/10, 1):]
	}
	if err := l.commit(lobby.Record{Kind: lobby.RecSnapshot, At: l.now(), Snapshot: &snap}); err != nil {
		return // the log stays long; the next rematch tries again
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.srv.opt.Limits.JournalTimeout)
	defer cancel()
	if err := j.Compact(ctx, l.code); err != nil {
		l.log.Warn("deleting the records before a snapshot; the next rematch tries again", "err", err)
	}
}

// Restore rebuilds a lobby from its journal, as after a restart, and
// opens it again: its delegates resume with their tokens and find the
// game where it was, its deadlines still those of the records.
//
// In a cluster the node also claims the log with a record of its own
// (lobby.RecClaimed), so that a node that owned the lobby before and has not
// noticed losing it is refused at its next append; if such a node wrote
// in between, its record is read and the claim made again.
func (s *Server) Restore(ctx context.Context, code string) error {
	var st *lobby.State
	var recs []lobby.Record
	for attempt := 1; ; attempt++ {
		var err error
		recs, err = s.opt.Journal.Records(ctx, code)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("restoring lobby %s: no records", code)
		}
		st, err = lobby.Replay(code, recs, s.opt.NewBot)
		if err != nil {
			return fmt.Errorf("restoring lobby %s: %w", code, damagedLog{err})
		}
		if st.Closed {
			if j, ok := s.opt.Journal.(lobby.Restorable); ok {
				s.dropClosed(ctx, j, code)
			}
			return fmt.Errorf("restoring lobby %s: %w", code, errLobbyClosed)
		}
		claim, needed := s.dir.claimRecord(s.now())
		if !needed {
			break
		}
		err = s.opt.Journal.Append(ctx, code, claim)
		if err == nil {
			_ = st.Apply(claim)
			recs = append(recs, claim)
			break
		}
		if !errors.Is(err, lobby.ErrFenced) || attempt == 5 {
			return fmt.Errorf("restoring lobby %s: claiming its log: %w", code, err)
		}
	}
	return s.reopen(code, st, recs)
}

// reopen runs a lobby rebuilt from its records: the spectators' stream
// and the bots are set up again, its idle clock runs from its last
// activity, and its match is filed if the history lacks it.
func (s *Server) reopen(code string, st *lobby.State, recs []lobby.Record) error {
	l := newActor(s, code)
	l.st = st
	l.idleFrom = lastActivity(recs)
	l.rejoin()
	if !s.lobbies.add(l) {
		return fmt.Errorf("restoring lobby %s: already open", code)
	}
	// The goroutine has not started: recordMatch runs here, alone.
	l.recordMatch(true)
	s.fileEarlierMatches(code, recs)
	if !s.startLobby(l) {
		s.lobbies.remove(l)
		return fmt.Errorf("restoring lobby %s: the server is closing", code)
	}
	l.log.Info("lobby restored", "records", len(recs))
	return nil
}
