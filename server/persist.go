package server

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"congress/game"
	"congress/protocol"
	"congress/server/store"
)

// RestoreAll reopens every lobby the journal holds, from one read of the
// whole journal: deadlines that passed while the server was down take
// effect at once, in order, when each lobby's goroutine starts. The start
// stops only if the journal as a whole cannot be read. A lobby whose log
// cannot be replayed is quarantined (see quarantine) and the others are
// served; the log of a lobby that closed as the server stopped is
// dropped, as the closing would have done.
func (s *Server) RestoreAll(ctx context.Context) (int, error) {
	j, ok := s.opt.Journal.(Restorable)
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
		var state *state
		if err == nil {
			state, err = replay(code, st, s.opt.NewBot)
		}
		switch {
		case err != nil:
			s.quarantine(ctx, j, code, err)
			continue
		case state.closed:
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
func (s *Server) dropClosed(ctx context.Context, j Restorable, code string) {
	if err := j.Drop(ctx, code); err != nil {
		s.log.Warn("dropping a closed lobby's log; the next start tries again", "lobby", code, "err", err)
		return
	}
	s.log.Info("a closed lobby's log was left behind: dropped", "lobby", code)
}

// quarantine keeps a lobby whose log cannot be replayed aside: the log
// stays as it is (the journal notes why, for the operator), the lobby is
// not served, and whoever comes to it is told in words (errDamaged).
func (s *Server) quarantine(ctx context.Context, j Restorable, code string, why error) {
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

// Matches is where finished matches are kept for the history and replays.
type Matches interface {
	PutMatch(ctx context.Context, m store.Match) error
	FinishMatch(ctx context.Context, m store.Match, log []byte) error
	GetMatch(ctx context.Context, id string) (store.Match, error)
	MatchLog(ctx context.Context, id string) ([]byte, error)
	Matches(ctx context.Context, page, size int) ([]store.Match, int, error)
}

// recordMatch tells the match history where the lobby's current match
// stands: running, or over with its whole log. It is idempotent, so a
// restart that finds a match over but not yet filed files it.
func (l *lobby) recordMatch(ctx context.Context) {
	hist := l.srv.opt.Matches
	m := l.st.match
	if hist == nil || m == nil {
		return
	}
	sum := store.Match{ID: m.id, Lobby: l.code, Seats: make([]string, m.g.Seats()), Public: l.st.public}
	for i := range sum.Seats {
		sum.Seats[i] = m.g.Name(i)
	}
	events, _ := m.g.Log(game.Spectator, 0)
	if len(events) > 0 {
		sum.Started = events[0].At
	}
	ctx, cancel := context.WithTimeout(ctx, l.srv.opt.Limits.JournalTimeout)
	defer cancel()
	if !m.g.Over() {
		if err := hist.PutMatch(ctx, sum); err != nil {
			l.log.Warn("match history", "match", m.id, "err", err)
		}
		return
	}
	if old, err := hist.GetMatch(ctx, m.id); err == nil && old.Over {
		return
	}
	w, r := m.g.Winner()
	sum.Winner, sum.Reason = w.String(), r.String()
	sum.Ended = events[len(events)-1].At
	file := protocol.MatchFile{
		ID: m.id, Lobby: l.code, Started: sum.Started, Ended: sum.Ended,
		Names: sum.Seats, Winner: w, Reason: r, Settings: l.st.settings, Log: events,
	}
	if err := hist.FinishMatch(ctx, sum, protocol.EncodeMatch(file)); err != nil {
		l.log.Warn("match history", "match", m.id, "err", err)
	}
}

// listMatches is GET /api/matches?page=N&per_page=M: the finished
// matches of public lobbies, newest first.
func (s *Server) listMatches(c echo.Context) error {
	page, err := queryInt(c, "page", 0, 0, maxMatchPage)
	if err != nil {
		return err
	}
	per, err := queryInt(c, "per_page", 20, 1, 100)
	if err != nil {
		return err
	}
	if s.opt.Matches == nil {
		return c.JSON(http.StatusOK, protocol.MatchList{Matches: []protocol.MatchSummary{}, Page: page, PerPage: per})
	}
	list, total, err := s.opt.Matches.Matches(c.Request().Context(), page, per)
	if err != nil {
		return err
	}
	out := protocol.MatchList{Matches: make([]protocol.MatchSummary, 0, len(list)), Total: total, Page: page, PerPage: per}
	for _, m := range list {
		out.Matches = append(out.Matches, summaryOf(m))
	}
	return c.JSON(http.StatusOK, out)
}

// maxMatchPage is the last page GET /api/matches serves: far more
// matches than a retention period holds, and no overflow in page*size.
const maxMatchPage = 100_000

// queryInt reads an integer query parameter: def if absent, refused
// naming the parameter if it is not a whole number from lo to hi.
func queryInt(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, protocol.Errorf(protocol.CodeBadParameter, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	return n, nil
}

func summaryOf(m store.Match) protocol.MatchSummary {
	s := protocol.MatchSummary{ID: m.ID, Lobby: m.Lobby, Started: m.Started, Ended: m.Ended, Names: m.Seats}
	_ = s.Winner.UnmarshalText([]byte(m.Winner))
	_ = s.Reason.UnmarshalText([]byte(m.Reason))
	return s
}

// getMatch is GET /api/matches/{id}: a finished match's whole log, every
// role included. A match still being played is refused: its log would
// tell its secrets.
func (s *Server) getMatch(c echo.Context) error {
	id := c.Param("id")
	if s.opt.Matches == nil || !validMatchID(id) {
		return protocol.Errorf(protocol.CodeNotFound, "No match with that ID is on file. A match's link is the one its players were given at its end.")
	}
	ctx := c.Request().Context()
	m, err := s.opt.Matches.GetMatch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Errorf(protocol.CodeNotFound, "No match with that ID is on file; matches are kept for a limited time.")
	}
	if err != nil {
		return err
	}
	if !m.Over {
		return protocol.Errorf(protocol.CodeMatchRunning, "This match is still being played. Its file opens when it ends.")
	}
	log, err := s.opt.Matches.MatchLog(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return protocol.Errorf(protocol.CodeNotFound, "This match's file has expired.")
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSONBlob(http.StatusOK, log)
}

// validMatchID reports whether id is a match ID as newMatchID makes
// them: a UUID in its canonical form. Anything else is no key of the
// store, and is not sent to it.
func validMatchID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}
