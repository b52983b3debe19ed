package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
	"congress/server/store"
)

// restoreAt is the time the made-up logs of these tests were written.
var restoreAt = time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)

// created is the first record of a lobby hosted by Anna.
func created(at time.Time) lobby.Record {
	_, hash := newToken()
	return lobby.Record{Kind: lobby.RecCreated, At: at, Member: "d1", Name: "Anna", TokenHash: hash, Settings: stored(quickSettings())}
}

// appendRaw stores data as lobby's next record, bypassing the journal:
// what a journal wrote before it could be stopped, or a damaged record.
func appendRaw(t testing.TB, st *store.Store, lobby string, data []byte) {
	t.Helper()
	recs, err := st.Load(context.Background(), lobby)
	require.NoError(t, err)
	var last uint64
	if len(recs) > 0 {
		last = recs[len(recs)-1].Seq
	}
	_, err = st.Append(context.Background(), lobby, fmt.Sprintf("%s-raw-%d", lobby, last), data, last)
	require.NoError(t, err)
}

func recordJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRestoreAllManyLobbies: a start reopens more lobbies than JetStream
// lets one account hold consumers (1,000).
func TestRestoreAllManyLobbies(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	j := store.NewJournal(st)
	const lobbies = 1100
	for i := range lobbies {
		require.NoError(t, j.Append(ctx, fmt.Sprintf("R%05d", i), created(restoreAt)))
	}
	e := newEnv(t, func(o *Options) { o.Journal = store.NewJournal(st) })
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, lobbies, n)
	assert.Len(t, e.srv.lobbies.all(), lobbies)
}

// TestRestoreAllDropsClosedLog: the server stopped between a lobby's
// closed record and the drop of its log; the next start finishes the
// drop and serves the other lobbies.
func TestRestoreAllDropsClosedLog(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	appendRaw(t, st, "CXSDAA", recordJSON(t, created(restoreAt)))
	appendRaw(t, st, "CXSDAA", recordJSON(t, lobby.Record{Kind: lobby.RecClosed, At: restoreAt.Add(time.Minute)}))
	appendRaw(t, st, "PENDAA", recordJSON(t, created(restoreAt)))

	e := newEnv(t, func(o *Options) { o.Journal = store.NewJournal(st) })
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.NotNil(t, e.srv.lobbies.get("PENDAA"))
	assert.Nil(t, e.srv.lobbies.get("CXSDAA"))
	codes, err := st.Lobbies(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"PENDAA"}, codes, "the closed lobby's log is gone")

	// And the next start is as clean.
	e2 := newEnv(t, func(o *Options) { o.Journal = store.NewJournal(st) })
	e.srv.Close(ctx)
	n, err = e2.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// TestRestoreAllQuarantinesDamagedLog: a log whose record does not
// replay, and one whose record cannot be read, are kept aside with an
// ERROR line and a metric; their players are told; the rest is served.
func TestRestoreAllQuarantinesDamagedLog(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	appendRaw(t, st, "BRKNAA", recordJSON(t, created(restoreAt)))
	// An act with no game running: it fails replay.
	appendRaw(t, st, "BRKNAA", recordJSON(t, lobby.Record{Kind: lobby.RecAct, At: restoreAt, Command: &game.Command{Kind: game.CmdReady}}))
	appendRaw(t, st, "GRBDAA", recordJSON(t, created(restoreAt)))
	appendRaw(t, st, "GRBDAA", []byte(`{"kind":`))
	appendRaw(t, st, "HTHYAA", recordJSON(t, created(restoreAt)))

	var logs logBuffer
	e := newEnv(t, func(o *Options) {
		o.Journal = store.NewJournal(st)
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err, "one lobby's damage does not stop the start")
	assert.Equal(t, 1, n)
	require.NotNil(t, e.srv.lobbies.get("HTHYAA"))

	for _, code := range []string{"BRKNAA", "GRBDAA"} {
		var line string
		for l := range strings.Lines(logs.String()) {
			if strings.Contains(l, "lobby="+code) && strings.Contains(l, "level=ERROR") {
				line = l
			}
		}
		assert.NotEmpty(t, line, "an ERROR line names %s", code)
		found, err := st.Exists(ctx, code)
		require.NoError(t, err)
		assert.True(t, found, "the log of %s is kept", code)

		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: code})
		r := c.expectError(protocol.CodeLobbyDamaged)
		assert.Contains(t, r.Message, "open a new lobby")
	}

	res, err := http.Get(e.http.URL + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(body), "\ncongress_lobbies_quarantined 2\n")

	ok := e.dial(nil)
	ok.send(protocol.Watch{Lobby: "HTHYAA"})
	ok.welcome()
}

// memMatches is a match history in memory whose first failFinish
// FinishMatch calls fail, the first of them after stall.
type memMatches struct {
	mu         sync.Mutex
	sums       map[string]store.Match
	logs       map[string][]byte
	failFinish int
	stall      time.Duration
	finishes   int
}

func newMemMatches(failFinish int) *memMatches {
	return &memMatches{sums: map[string]store.Match{}, logs: map[string][]byte{}, failFinish: failFinish}
}

func (h *memMatches) PutMatch(_ context.Context, m store.Match) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sums[m.ID] = m
	return nil
}

func (h *memMatches) FinishMatch(ctx context.Context, m store.Match, log []byte) error {
	h.mu.Lock()
	h.finishes++
	n, stall := h.finishes, h.stall
	fail := n <= h.failFinish
	h.mu.Unlock()
	if fail {
		if n == 1 && stall > 0 {
			select {
			case <-time.After(stall):
			case <-ctx.Done():
			}
		}
		return fmt.Errorf("history down (try %d)", n)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	m.Over = true
	h.sums[m.ID], h.logs[m.ID] = m, log
	return nil
}

func (h *memMatches) GetMatch(_ context.Context, id string) (store.Match, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.sums[id]
	if !ok {
		return m, store.ErrNotFound
	}
	return m, nil
}

func (h *memMatches) MatchLog(_ context.Context, id string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	log, ok := h.logs[id]
	if !ok {
		return nil, store.ErrNotFound
	}
	return log, nil
}

func (h *memMatches) Matches(context.Context, int, int) ([]store.Match, int, error) {
	return nil, 0, nil
}

func (h *memMatches) over(id string) bool {
	m, err := h.GetMatch(context.Background(), id)
	return err == nil && m.Over
}

// playToEnd has the host hurry every phase until the game is over, and
// returns the match's ID.
func (tb *table) playToEnd() string {
	tb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if st := tb.replayed(tb.code); st.Phase == lobby.Over {
			return st.Match.ID
		}
		require.True(tb.t, time.Now().Before(deadline), "the game did not end")
		tb.clients[0].do(protocol.Act{Kind: game.CmdEndPhase})
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMatchFiledDespiteFailures: the history fails to take a finished
// match three times, the first slowly; the lobby answers meanwhile, and
// the match is filed in the end.
func TestMatchFiledDespiteFailures(t *testing.T) {
	hist := newMemMatches(3)
	hist.stall = 2 * time.Second
	e := newEnv(t, func(o *Options) { o.Matches = hist })
	tb := e.table(5, quickSettings())
	tb.start()
	id := tb.playToEnd()

	t0 := time.Now()
	tb.clients[0].ok(protocol.Say{Channel: game.ChannelPublic, Text: "The congress is over."})
	assert.Less(t, time.Since(t0), time.Second, "the lobby does not wait on the history")

	require.Eventually(t, func() bool { return hist.over(id) }, 10*time.Second, 20*time.Millisecond)
	res, err := http.Get(e.http.URL + "/api/matches/" + id)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	hist.mu.Lock()
	assert.Equal(t, 4, hist.finishes, "tried until it worked, then no more")
	hist.mu.Unlock()
}

// TestRestoreFilesUnfiledMatch: the server stopped with a finished
// match the history never took, and a newer game running; the next start
// files the one and notes the other.
func TestRestoreFilesUnfiledMatch(t *testing.T) {
	down := newMemMatches(1 << 30)
	e := newEnv(t, func(o *Options) { o.Matches = down })
	tb := e.table(5, quickSettings())
	tb.start()
	id := tb.playToEnd()
	tb.clients[0].ok(protocol.Host{Action: protocol.HostRematch})
	tb.start()
	next := tb.replayed(tb.code).Match.ID
	require.NoError(t, e.srv.Close(context.Background()))
	require.False(t, down.over(id))

	up := newMemMatches(0)
	e2 := newEnv(t, func(o *Options) { o.Journal, o.Matches = e.journal, up })
	n, err := e2.srv.RestoreAll(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Eventually(t, func() bool { return up.over(id) }, 5*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool {
		m, err := up.GetMatch(context.Background(), next)
		return err == nil && !m.Over
	}, 5*time.Second, 20*time.Millisecond)
}

// TestRestoredIdleClock: a restored lobby's idle clock runs from its
// last activity in the log, not from the restart, so that abandoned
// lobbies close even when the server restarts more often than they idle
// out; their people still have ResumeGrace to come back.
func TestRestoredIdleClock(t *testing.T) {
	ctx := context.Background()
	j := NewMemJournal()
	now := time.Now().UTC().Round(0)
	abandoned, recent, awaited := created(now.Add(-2*time.Hour)), created(now.Add(-time.Minute)), created(now.Add(-2*time.Hour))
	require.NoError(t, j.Append(ctx, "ABNDAA", abandoned))
	require.NoError(t, j.Append(ctx, "RCNTAA", recent))
	require.NoError(t, j.Append(ctx, "WTNGAA", awaited))
	// A node's claim is nobody's activity.
	require.NoError(t, j.Append(ctx, "ABNDAA", lobby.Record{Kind: lobby.RecClaimed, At: now, Name: "node-2"}))
	token, hash := newToken()
	awaited.TokenHash = hash
	j.logs["WTNGAA"][0] = awaited

	e := newEnv(t, func(o *Options) {
		o.Journal = j
		o.Limits.ResumeGrace = 300 * time.Millisecond
	})
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: "WTNGAA", Token: token})
	back.welcome()

	require.Eventually(t, func() bool { return e.srv.lobbies.get("ABNDAA") == nil }, 3*time.Second, 20*time.Millisecond,
		"idle for two hours before the restart: closed once the grace is over")
	assert.NotNil(t, e.srv.lobbies.get("RCNTAA"), "idle for a minute: open")
	assert.NotNil(t, e.srv.lobbies.get("WTNGAA"), "its delegate came back in time: open")
}

// down makes the history fail (true) or take (false) every FinishMatch
// from now on.
func (h *memMatches) down(fail bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failFinish = h.finishes
	if fail {
		h.failFinish += 1 << 30
	}
}

func (h *memMatches) isDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.failFinish > h.finishes
}

// keysOf is each member's remembered request keys.
func keysOf(s *lobby.State) map[string][]string {
	out := map[string][]string{}
	for id, r := range s.Keys {
		out[id] = r.Keys()
	}
	return out
}

// teeJournal keeps every record appended, which a compaction does not
// delete: replayed, they make the state the lobby has applied.
type teeJournal struct {
	*store.Journal
	mu  sync.Mutex
	all map[string][]lobby.Record
}

func (j *teeJournal) Append(ctx context.Context, code string, rec lobby.Record) error {
	err := j.Journal.Append(ctx, code, rec)
	if err == nil {
		j.mu.Lock()
		if j.all == nil {
			j.all = map[string][]lobby.Record{}
		}
		j.all[code] = append(j.all[code], rec)
		j.mu.Unlock()
	}
	return err
}

func (j *teeJournal) appended(code string) []lobby.Record {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.all[code])
}

// TestRematchStartsLogAfresh: at each rematch whose game is in the
// history, the lobby's log starts again from a snapshot, so a restore
// replays the same few records however many games were played; a game
// the history has not taken yet stays in the log until it has.
func TestRematchStartsLogAfresh(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	hist := newMemMatches(0)
	tee := &teeJournal{Journal: store.NewJournal(st)}
	e := newEnv(t, func(o *Options) { o.Journal, o.Matches = tee, hist })
	tb := e.table(5, quickSettings())
	host := tb.clients[0]
	host.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
	host.ok(protocol.Host{Action: protocol.HostAddBot, Strength: "easy"})
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "To the first congress.", Key: "toast"})
	applied := func() *lobby.State {
		st, err := lobby.Replay(tb.code, tee.appended(tb.code), quickBot)
		require.NoError(t, err)
		return st
	}

	logOf := func() []lobby.Record {
		recs, err := store.NewJournal(st).Records(ctx, tb.code)
		require.NoError(t, err)
		return recs
	}
	// sameAsLive holds a log to the lobby's state: the live one, read
	// once the lobby has stopped, or else its state from the log before
	// the log was started afresh (every record the lobby applied).
	sameAsLive := func(recs []lobby.Record, st *lobby.State) {
		t.Helper()
		live, liveKeys := snap(st), keysOf(st)
		rebuilt, err := lobby.Replay(tb.code, recs, quickBot)
		require.NoError(t, err)
		require.Equal(t, live, snap(rebuilt))
		require.NotEmpty(t, liveKeys)
		require.Equal(t, liveKeys, keysOf(rebuilt), "the request keys outlive the snapshot")
	}
	games := 0
	play := func() {
		t.Helper()
		games++
		tb.start()
		tb.clients[2].ok(protocol.Say{Channel: game.ChannelPublic, Text: "Long live the congress."})
		id := tb.playToEnd()
		require.Eventually(t, func() bool { return hist.over(id) || hist.isDown() }, 5*time.Second, 10*time.Millisecond)
		host.ok(protocol.Host{Action: protocol.HostRematch, Key: fmt.Sprintf("rematch-%d", games)})
	}

	for range 3 {
		play()
		recs := logOf()
		require.Len(t, recs, 1, "after a rematch the log is one snapshot")
		assert.Equal(t, lobby.RecSnapshot, recs[0].Kind)
		sameAsLive(recs, applied())
	}

	// A line sent again under its key after the log was started afresh is
	// known: answered, not said twice.
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "To the first congress.", Key: "toast"})
	require.Len(t, logOf(), 1)

	// The history is down at the end of the next game: its log keeps it.
	hist.down(true)
	play()
	kept := logOf()
	assert.Greater(t, len(kept), 10, "the unfiled game stays in the log")
	sameAsLive(kept, applied())
	hist.down(false)
	play()
	recs := logOf()
	require.Len(t, recs, 1, "once filed, the next rematch starts the log afresh")
	sameAsLive(recs, applied())

	// A restart rebuilds the lobby from its snapshot: the host's pass
	// still opens the host's place, the chat is still there.
	sameAsLive(logOf(), e.stopped(tb.code).st)
	e2 := newEnv(t, func(o *Options) { o.Journal, o.Matches = store.NewJournal(st), hist })
	n, err := e2.srv.RestoreAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	back := e2.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: host.token})
	w := back.welcome()
	assert.Equal(t, host.you, w.You)
	assert.Equal(t, w.You, w.Lobby.Host)
	assert.True(t, w.Lobby.Public)
	assert.Len(t, w.Lobby.Members, 6)
	assert.NotEmpty(t, w.Lobby.Match, "the last game's file is named")
	var said []string
	for _, line := range w.Chat {
		said = append(said, line.Text)
	}
	assert.Contains(t, said, "To the first congress.")
}

// TestSpectatorDelayAfterRestart: in a lobby whose gallery sees every
// role a minute late, a spectator the host admits right after a restart
// is shown the game as it was a minute ago, not as it is, and what
// happened since reaches them a minute after it happened; a spectator not
// admitted sees the public record live, and never a role.
func TestSpectatorDelayAfterRestart(t *testing.T) {
	t0 := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	s := quickSettings()
	s.SpectatorsSeeRoles, s.SpectatorDelay = true, 60
	tb := e.table(5, s)
	tb.start()
	clock.add(10 * time.Second)
	tb.clients[1].ok(protocol.Act{Kind: game.CmdDenounce, Target: (tb.clients[1].seat + 1) % 5})
	tb.clients[2].ok(protocol.Say{Channel: game.ChannelPublic, Text: "I saw that."})
	live, _ := tb.replayed(tb.code).Match.Game.Log(game.Spectator, 0)
	require.NoError(t, e.srv.Close(context.Background()))

	roles := func(v game.View) int {
		n := 0
		for _, sv := range v.Seats {
			if sv.Role != game.NoRole {
				n++
			}
		}
		return n
	}
	// restart opens the lobby on a new server at at; a spectator watches
	// and is admitted by the host, another only watches.
	restart := func(at time.Time) (*env, *fakeClock, *client, *client) {
		t.Helper()
		clock := &fakeClock{t: at}
		e2 := newEnv(t, func(o *Options) { o.Journal, o.Clock = e.journal, clock })
		require.NoError(t, e2.srv.Restore(context.Background(), tb.code))
		host := e2.dial(nil)
		host.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[0].token})
		host.welcome()
		plain := e2.dial(nil)
		plain.send(protocol.Watch{Lobby: tb.code})
		pw := plain.welcome()
		require.NotNil(t, pw.Game, "the public record is live")
		assert.Equal(t, live, pw.Game.Log)
		assert.Zero(t, roles(pw.Game.View), "roles shown to a spectator nobody admitted")
		spec := e2.dial(nil)
		spec.send(protocol.Watch{Lobby: tb.code})
		sw := spec.welcome()
		assert.Contains(t, chatTexts(sw.Chat), "I saw that.", "the public chat reaches the gallery live")
		spec.ok(protocol.Knock{Name: "Olga"})
		host.ok(protocol.Host{Action: protocol.HostAdmit, Spectator: sw.Gallery})
		return e2, clock, spec, plain
	}

	// Half a minute after the start, the admitted gallery had seen nothing
	// yet.
	e2, _, spec, _ := restart(t0.Add(30 * time.Second))
	for _, m := range spec.sync() {
		assert.NotEqual(t, protocol.TypeGame, m.Type, "a game for the admitted gallery before its time: %s", m.Raw)
	}
	require.NoError(t, e2.srv.Close(context.Background()))

	// 65 s after the start: the admitted gallery sees the start, with
	// every role, and not the denunciation of 10 s in, nor the line said
	// then.
	_, clock3, spec, _ := restart(t0.Add(65 * time.Second))
	g := spec.game()
	for _, ev := range g.Log {
		assert.False(t, ev.At.After(t0.Add(5*time.Second)), "an event newer than the delay: %+v", ev)
	}
	assert.Less(t, len(g.Log), len(live))
	assert.Equal(t, 5, roles(g.View))
	// The denunciation and the line are held until 70 s: nothing more
	// comes a moment before.
	clock3.add(4 * time.Second)
	for _, m := range spec.sync() {
		assert.NotEqual(t, protocol.TypeGame, m.Type, "a frame released before its time: %s", m.Raw)
	}

	// At 70 s they come, a minute after they happened.
	clock3.add(time.Second)
	rest := spec.game()
	assert.Equal(t, live, append(g.Log, rest.Log...), "the rest of the game, in order")
	// The line was public, and this spectator heard it live before it was
	// admitted: it does not come twice.
	for _, m := range spec.sync() {
		assert.NotEqual(t, protocol.TypeChat, m.Type, "a line heard twice: %s", m.Raw)
	}
}

// TestClusterQuarantinesDamagedLog: a node that claims a lobby whose log
// does not replay keeps it aside as a single server does, and a client
// who comes to it through any node is told so at once.
func TestClusterQuarantinesDamagedLog(t *testing.T) {
	st := openStore(t)
	appendRaw(t, st, "BRKNAA", recordJSON(t, created(restoreAt)))
	appendRaw(t, st, "BRKNAA", recordJSON(t, lobby.Record{Kind: lobby.RecAct, At: restoreAt, Command: &game.Command{Kind: game.CmdReady}}))
	a := clusterNode(t, st, "a", time.Minute)
	require.Eventually(t, func() bool { return a.srv.metrics.quarantined.Load() == 1 }, 5*time.Second, 10*time.Millisecond)
	b := clusterNode(t, st, "b", time.Minute)
	for _, e := range []*env{a, b} {
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: "BRKNAA"})
		t0 := time.Now()
		c.expectError(protocol.CodeLobbyDamaged)
		assert.Less(t, time.Since(t0), 5*time.Second)
	}
}
