package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"congress/game"
	"congress/protocol"
	"congress/server/store"
)

// Lister is a Journal that can list the lobbies it holds, so that a
// starting server can reopen them all.
type Lister interface {
	Lobbies(ctx context.Context) ([]string, error)
}

// RestoreAll reopens every lobby the journal holds, each from its own
// records: deadlines that passed while the server was down take effect at
// once, in order, when each lobby's goroutine starts. A lobby whose log
// cannot be replayed stops the start: the server never comes up with
// games silently missing.
func (s *Server) RestoreAll(ctx context.Context) (int, error) {
	lister, ok := s.opt.Journal.(Lister)
	if !ok {
		return 0, nil
	}
	codes, err := lister.Lobbies(ctx)
	if err != nil {
		return 0, fmt.Errorf("listing the lobbies to restore: %w", err)
	}
	n := 0
	for _, code := range codes {
		if err := s.Restore(ctx, code); err != nil {
			return n, err
		}
		if l := s.lobbies.get(code); l != nil && s.opt.Matches != nil {
			l.do(func(l *lobby) { l.recordMatch(ctx) })
		}
		n++
	}
	return n, nil
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
