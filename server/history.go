package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// recordMatch tells the match history where the lobby's current match
// stands: running, or over with its whole log. The filer takes it from
// there, in the background; check asks the history first whether it has
// the match over already (at a restore, which may find a match over but
// not yet filed).
func (l *actor) recordMatch(check bool) {
	if l.srv.filer == nil {
		return
	}
	if f, ok := matchFiling(l.code, l.st, check); ok {
		l.srv.filer.file(f)
	}
}

// fileEarlierMatches files the games of a restored log before its last
// one that are over: a log keeps a game until the history has it (see
// compact), so one the history never took may lie behind a newer game.
func (s *Server) fileEarlierMatches(code string, recs []lobby.Record) {
	if s.filer == nil {
		return
	}
	var starts []int
	for i, rec := range recs {
		if rec.Kind == lobby.RecStarted {
			starts = append(starts, i)
		}
	}
	for k := 1; k < len(starts); k++ {
		st, err := lobby.Replay(code, recs[:starts[k]], s.opt.NewBot)
		if err != nil {
			continue
		}
		if f, ok := matchFiling(code, st, true); ok && f.file != nil {
			s.filer.file(f)
		}
	}
}

// matchFiling is what the history is to keep of st's match.
func matchFiling(code string, st *lobby.State, check bool) (filing, bool) {
	m := st.Match
	if m == nil {
		return filing{}, false
	}
	sum := lobby.MatchEntry{ID: m.ID, Lobby: code, Seats: make([]string, m.Game.Seats()), Public: st.Public}
	for i := range sum.Seats {
		sum.Seats[i] = m.Game.Name(i)
	}
	events, _ := m.Game.Log(game.Spectator, 0)
	if len(events) > 0 {
		sum.Started = events[0].At
	}
	if !m.Game.Over() {
		return filing{sum: sum}, true
	}
	w, r := m.Game.Winner()
	sum.Winner, sum.Reason = w.String(), r.String()
	sum.Ended = events[len(events)-1].At
	file := protocol.MatchFileOf(m.Game, m.Seed, m.Names)
	file.ID, file.Lobby, file.Settings = m.ID, code, m.Settings.Wire()
	for _, c := range m.Chat {
		file.Chat = append(file.Chat, protocol.MatchChat{Step: c.Step, Line: c.Line.Wire()})
	}
	return filing{sum: sum, file: protocol.EncodeMatch(file), check: check}, true
}

// filer files matches in the match history in the background, each one
// again and again until the history takes it: a lobby never waits on the
// history, and a match that ends while the history fails is filed once
// it works again. What is still unfiled when the server stops is in the
// lobby's log, and filed at the next start (see reopen).
type filer struct {
	hist    lobby.Matches
	log     *slog.Logger
	timeout time.Duration // one try

	mu      sync.Mutex
	queue   map[string]*filing // by match ID: the latest word on each match
	running bool
	stopped bool
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{}
}

// filing is one match to file: its summary, and its whole log once over.
type filing struct {
	sum   lobby.MatchEntry
	file  []byte // nil while the match runs
	check bool   // ask the history first whether it has the match over
	tries int
	due   time.Time
}

// Filing retries wait filerBackoff, doubling up to filerMaxBackoff.
var (
	filerBackoff    = 100 * time.Millisecond
	filerMaxBackoff = 30 * time.Second
)

func newFiler(hist lobby.Matches, log *slog.Logger, timeout time.Duration) *filer {
	return &filer{
		hist: hist, log: log, timeout: timeout, queue: map[string]*filing{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
	}
}

// file queues f; it replaces what is queued for the same match, except
// that a match over is never put back to running.
func (f *filer) file(job filing) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	if old := f.queue[job.sum.ID]; old != nil && old.file != nil && job.file == nil {
		return
	}
	f.queue[job.sum.ID] = &job
	if !f.running {
		f.running = true
		go f.run()
	}
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// pending reports whether match id has something not yet filed.
func (f *filer) pending(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queue[id] != nil
}

func (f *filer) run() {
	defer close(f.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		next := now.Add(time.Hour)
		var due []*filing
		f.mu.Lock()
		for _, job := range f.queue {
			if job.due.After(now) {
				next = earlier(next, job.due)
			} else {
				due = append(due, job)
			}
		}
		f.mu.Unlock()
		for _, job := range due {
			err := f.try(job)
			f.mu.Lock()
			current := f.queue[job.sum.ID] == job
			if current && err == nil {
				delete(f.queue, job.sum.ID)
			}
			if current && err != nil {
				job.tries++
				wait := min(filerBackoff<<min(job.tries-1, 20), filerMaxBackoff)
				job.due = time.Now().Add(wait)
				next = earlier(next, job.due)
			}
			f.mu.Unlock()
			if current && err != nil && (job.tries == 1 || job.tries%20 == 0) {
				f.log.Warn("the match history did not take a match; trying again", "match", job.sum.ID, "over", job.file != nil, "tries", job.tries, "err", err)
			}
			if current && err == nil && job.tries > 0 {
				f.log.Info("the match history took a match at last", "match", job.sum.ID, "tries", job.tries+1)
			}
		}
		timer.Reset(max(time.Until(next), 0))
		select {
		case <-f.quit:
			return
		case <-f.wake:
		case <-timer.C:
		}
	}
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// try files one match once.
func (f *filer) try(job *filing) error {
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	if job.file == nil {
		return f.hist.PutMatch(ctx, job.sum)
	}
	if job.check {
		if old, err := f.hist.GetMatch(ctx, job.sum.ID); err == nil && old.Over {
			return nil
		}
	}
	return f.hist.FinishMatch(ctx, job.sum, job.file)
}

// stop ends the filer; what it has not filed waits in the lobby logs for
// the next start.
func (f *filer) stop() {
	f.mu.Lock()
	was := f.stopped
	f.stopped = true
	running := f.running
	left := 0
	for _, job := range f.queue {
		if job.file != nil {
			left++
		}
	}
	f.mu.Unlock()
	if !running {
		return
	}
	if was {
		<-f.done
		return
	}
	close(f.quit)
	<-f.done
	if left > 0 {
		f.log.Warn("matches over but not yet in the history: the next start files them from the lobby logs", "matches", left)
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

func summaryOf(m lobby.MatchEntry) protocol.MatchSummary {
	s := protocol.MatchSummary{ID: m.ID, Lobby: m.Lobby, Started: m.Started, Ended: m.Ended, Names: m.Seats}
	_ = s.Winner.UnmarshalText([]byte(m.Winner))
	_ = s.Reason.UnmarshalText([]byte(m.Reason))
	return s
}

// getMatch is GET /api/matches/{id}: a finished match's whole file,
// every role included. A match still being played is refused: its log
// would tell its secrets. A private lobby's match is served like any
// other, to whoever has its ID: it is listed nowhere, so only its players
// and spectators, given its link at the end, have it.
func (s *Server) getMatch(c echo.Context) error {
	file, err := s.matchFile(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSONBlob(http.StatusOK, file)
}

// downloadMatch is GET /api/matches/{id}/file: the file of getMatch as a
// download, for congress verify.
func (s *Server) downloadMatch(c echo.Context) error {
	file, err := s.matchFile(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Disposition", `attachment; filename="congress-match-`+c.Param("id")+`.json"`)
	return c.JSONBlob(http.StatusOK, file)
}

// replayMatch is GET /api/matches/{id}/replay?viewer=all|gallery|N: the
// match played again by the engine from its file, step by step, as the
// viewer saw it. It opens, as the file does, once the match is over, and
// to whoever has the match's ID.
func (s *Server) replayMatch(c echo.Context) error {
	raw, err := s.matchFile(c)
	if err != nil {
		return err
	}
	var f protocol.MatchFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return fmt.Errorf("match %s: the file on record does not read: %w", c.Param("id"), err)
	}
	name := c.QueryParam("viewer")
	if name == "" {
		name = protocol.ViewerAll
	}
	v, err := protocol.ReplayViewer(name, len(f.Names))
	if err != nil {
		return err
	}
	r, err := f.ReplayAs(v, name)
	var refused *protocol.Error
	if errors.As(err, &refused) {
		return err
	}
	if err != nil {
		return fmt.Errorf("match %s does not replay: %w", f.ID, err)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSON(http.StatusOK, r)
}

// matchFile is the file of the finished match the path names.
func (s *Server) matchFile(c echo.Context) ([]byte, error) {
	id := c.Param("id")
	if s.opt.Matches == nil || !validMatchID(id) {
		return nil, protocol.Errorf(protocol.CodeNotFound, "No match with that ID is on file. A match's link is the one its players were given at its end.")
	}
	ctx := c.Request().Context()
	m, err := s.opt.Matches.GetMatch(ctx, id)
	if errors.Is(err, lobby.ErrNoMatch) {
		return nil, protocol.Errorf(protocol.CodeNotFound, "No match with that ID is on file; matches are kept for a limited time.")
	}
	if err != nil {
		return nil, err
	}
	if !m.Over {
		return nil, protocol.Errorf(protocol.CodeMatchRunning, "This match is still being played. Its file opens when it ends.")
	}
	log, err := s.opt.Matches.MatchLog(ctx, id)
	if errors.Is(err, lobby.ErrNoMatch) {
		return nil, protocol.Errorf(protocol.CodeNotFound, "This match's file has expired.")
	}
	return log, err
}

// validMatchID reports whether id is a match ID as newMatchID makes
// them: a UUID in its canonical form. Anything else is no key of the
// store, and is not sent to it.
func validMatchID(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.String() == id
}
