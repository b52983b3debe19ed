package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
	"congress/server/lobby"
	"congress/server/store"
	"congress/server/store/natstest"
)

// Faults of a real store: a nats-server child process paused (SIGSTOP)
// past the append timeout while a game plays, then let go on (SIGCONT).
// Whatever the timing, the log, every client's messages and every
// acknowledgement agree.

// natsEnv is a server whose journal is on an external nats-server
// process.
func natsEnv(t *testing.T, url string, mod ...func(*Options)) (*env, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{URLs: url, AppendTry: 500 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	e := newEnv(t, append([]func(*Options){func(o *Options) { o.Journal = store.NewJournal(st) }}, mod...)...)
	return e, st
}

// outcome is what one client was told about its chat lines.
type outcome struct {
	acked, refused []string
	seen           []string    // every chat line shown to it
	ackAt          []time.Time // when each acknowledgement came
}

// longestSilence is the longest time in which no client got an
// acknowledgement.
func longestSilence(outs []*outcome) time.Duration {
	var all []time.Time
	for _, o := range outs {
		all = append(all, o.ackAt...)
	}
	slices.SortFunc(all, time.Time.Compare)
	var gap time.Duration
	for i := 1; i < len(all); i++ {
		gap = max(gap, all[i].Sub(all[i-1]))
	}
	return gap
}

// firstAfter is how long after t the first of the outcomes' answers came.
func firstAfter(t time.Time, outs []*outcome) time.Duration {
	first := time.Duration(1 << 62)
	for _, o := range outs {
		for _, at := range o.ackAt {
			if at.After(t) {
				first = min(first, at.Sub(t))
				break
			}
		}
	}
	return first
}

// chatter sends chat lines one after another, each under its own key,
// until stop is closed, and notes each answer and every line it is shown.
func chatter(ctx context.Context, c *client, who string, stop <-chan struct{}, out *outcome) error {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return nil
		case <-time.After(20 * time.Millisecond):
		}
		text := fmt.Sprintf("%s line %d", who, i)
		id := int64(1000 + i)
		say := protocol.Say{ID: id, Key: fmt.Sprintf("%s-%d", who, i), Channel: game.ChannelPublic, Text: text}
		if err := c.ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(say)); err != nil {
			return err
		}
		for answered := false; !answered; {
			var m msg
			select {
			case m = <-c.in:
			case <-ctx.Done():
				return fmt.Errorf("%s: no answer to %q: %w", who, text, ctx.Err())
			}
			var body struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			}
			_ = json.Unmarshal(m.Raw, &body)
			switch m.Type {
			case protocol.TypeChat:
				out.seen = append(out.seen, body.Text)
			case protocol.TypeAck:
				if body.ID == id {
					out.acked, answered = append(out.acked, text), true
					out.ackAt = append(out.ackAt, time.Now())
				}
			case protocol.TypeError:
				if body.ID == id {
					out.refused, answered = append(out.refused, text), true
				}
			case protocol.TypeClosing:
				return fmt.Errorf("%s: closed: %s", who, m.Raw)
			}
		}
	}
}

// chatLines counts the chat lines of a log by text.
func chatLines(recs []lobby.Record) map[string]int {
	n := map[string]int{}
	for _, r := range recs {
		if r.Kind == lobby.RecChat && r.Chat != nil {
			n[r.Chat.Text]++
		}
	}
	return n
}

// agree checks a log against what the clients were told: every
// acknowledged line stored once, no refused line stored, every line shown
// to a client stored, and the log replays.
func agree(t *testing.T, code string, recs []lobby.Record, outs []*outcome) (acked, refused int) {
	t.Helper()
	stored := chatLines(recs)
	for text, n := range stored {
		assert.Equal(t, 1, n, "line %q stored %d times", text, n)
	}
	for _, o := range outs {
		for _, text := range o.acked {
			assert.Equal(t, 1, stored[text], "acknowledged line %q is not in the log", text)
		}
		for _, text := range o.refused {
			assert.Zero(t, stored[text], "refused line %q is in the log", text)
		}
		for _, text := range o.seen {
			assert.Equal(t, 1, stored[text], "line %q was shown but is not in the log", text)
		}
		acked, refused = acked+len(o.acked), refused+len(o.refused)
	}
	_, err := lobby.Replay(code, recs, quickBot)
	assert.NoError(t, err, "the log does not replay")
	return acked, refused
}

// A store paused past the append timeout loses no acknowledged line,
// stores no refused one and stores none twice: each append whose answer
// did not come is settled before the lobby takes the next.
func TestStoreStallLosesNothing(t *testing.T) {
	nats := natstest.Process(t)
	e, st := natsEnv(t, nats.URL)
	tb := e.table(6, quickSettings())
	tb.start()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	outs := make([]*outcome, len(tb.clients))
	errs := make([]error, len(tb.clients))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range tb.clients {
		outs[i] = &outcome{}
		wg.Go(func() { errs[i] = chatter(ctx, c, testNames[i], stop, outs[i]) })
	}
	time.Sleep(300 * time.Millisecond)
	nats.Pause(2500 * time.Millisecond) // five append tries go unanswered
	resumed := time.Now()
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	recs, err := store.NewJournal(st).Records(context.Background(), tb.code)
	require.NoError(t, err)
	acked, refused := agree(t, tb.code, recs, outs)
	t.Logf("%d lines acknowledged, %d refused, %d records; first acknowledgement %v after the store came back",
		acked, refused, len(recs), firstAfter(resumed, outs).Round(time.Millisecond))
	assert.Greater(t, acked, 12, "the game went on before and after the stall")
}

// The journal's own guarantee, without a lobby: an append sent while the
// store is paused is stored once when it comes back, and the next record
// after it is stored too (a record's message ID is never another's).
func TestJournalAppendDuringStall(t *testing.T) {
	nats := natstest.Process(t)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URLs: nats.URL, AppendTry: 300 * time.Millisecond})
	require.NoError(t, err)
	defer st.Close()
	j := store.NewJournal(st)
	at := time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)
	line := func(s string) lobby.Record {
		return lobby.Record{Kind: lobby.RecChat, At: at, Chat: &lobby.ChatLine{Channel: game.ChannelPublic, Text: s}}
	}
	require.NoError(t, j.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecCreated, At: at, Member: "d1", Name: "Anna", Settings: stored(quickSettings())}))

	nats.Stop()
	done := make(chan error, 1)
	go func() { done <- j.Append(ctx, "ABCDEF", line("during the stall")) }()
	time.Sleep(1500 * time.Millisecond)
	select {
	case err := <-done:
		st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", nats.Pid()))
		t.Fatalf("the append returned while the store was paused: %v (%s)", err, st)
	default:
	}
	nats.Cont()
	require.NoError(t, <-done)
	require.NoError(t, j.Append(ctx, "ABCDEF", line("after the stall")))

	recs, err := store.NewJournal(st).Records(ctx, "ABCDEF")
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, map[string]int{"during the stall": 1, "after the stall": 1}, chatLines(recs))
}

// An append that cannot be settled before its context ends is reported
// as unresolved, and the journal writes nothing more to that lobby until
// its log is read again.
func TestJournalUnresolvedAppendStopsWrites(t *testing.T) {
	nats := natstest.Process(t)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URLs: nats.URL, AppendTry: 200 * time.Millisecond})
	require.NoError(t, err)
	defer st.Close()
	j := store.NewJournal(st)
	at := time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)
	require.NoError(t, j.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecCreated, At: at, Member: "d1", Name: "Anna", Settings: stored(quickSettings())}))

	nats.Stop()
	short, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	err = j.Append(short, "ABCDEF", lobby.Record{Kind: lobby.RecJoined, At: at, Member: "d2", Name: "Boris"})
	cancel()
	assert.ErrorIs(t, err, lobby.ErrUnresolved)
	nats.Cont()

	err = j.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecJoined, At: at, Member: "d3", Name: "Clara"})
	assert.ErrorIs(t, err, lobby.ErrUnresolved, "a lobby with an unsettled append took another")

	// Reading the log settles it: Boris landed after all, or did not. (A
	// publish the paused server still held may land just after the read:
	// the next append is then fenced, and the log is read again.)
	time.Sleep(200 * time.Millisecond)
	recs, err := j.Records(ctx, "ABCDEF")
	require.NoError(t, err)
	require.NoError(t, j.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecJoined, At: at, Member: "d3", Name: "Clara"}))
	after, err := j.Records(ctx, "ABCDEF")
	require.NoError(t, err)
	assert.Len(t, after, len(recs)+1)
}

// A request sent again under the same key — after a reconnect, or after
// a restart — is applied once and answered as the first time.
func TestRequestKeyAppliedOnce(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host := tb.clients[0]
	say := protocol.Say{Key: "k-1", Channel: game.ChannelPublic, Text: "Long live the Congress"}
	count := func(e *env) int { return chatLines(e.records(tb.code))["Long live the Congress"] }
	host.ok(say)
	host.ok(say) // the same request again: acknowledged, not applied again
	assert.Equal(t, 1, count(e))

	// A refused request is refused again the same way, even once it
	// would pass: the copy is the same request, not a new one.
	vote := protocol.Act{Key: "k-2", Kind: game.CmdPurgeVote, Purge: true, Target: game.NoSeat}
	host.refused(vote, game.CodeWrongPhase)
	host.refused(vote, game.CodeWrongPhase)

	// The key outlives the connection: a resumed connection's copy is
	// not applied.
	again := e.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: host.token})
	again.welcome()
	again.ok(say)
	assert.Equal(t, 1, count(e))

	// And the lobby's goroutine: another server restored from the log
	// knows the key.
	e2 := newEnv(t, func(o *Options) { o.Journal = e.journal })
	require.NoError(t, e2.srv.Restore(context.Background(), tb.code))
	back := e2.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: host.token})
	back.welcome()
	back.ok(say)
	assert.Equal(t, 1, count(e))
	// A new key is a new line.
	say.Key = "k-3"
	back.ok(say)
	assert.Equal(t, 2, count(e))
}

// natsNode is a cluster node with a NATS connection of its own to url.
func natsNode(t *testing.T, url, node string, ttl time.Duration) *env {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{URLs: url, AppendTry: 500 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return clusterNode(t, st, node, ttl)
}

// A store paused past a renewal does not cost the owner its lease: the
// renewals it queued land late and move the lease's revision on, and the
// owner, finding its own name on the lease, keeps the lobby instead of
// dropping it under a lease that nobody else may take until it expires.
func TestClusterStallKeepsLobbyServed(t *testing.T) {
	nats := natstest.Process(t)
	const ttl = 3 * time.Second
	a := natsNode(t, nats.URL, "a", ttl)
	b := natsNode(t, nats.URL, "b", ttl)
	cr := a.create("Anna", quickSettings())
	require.NotNil(t, a.srv.lobbies.get(cr.Code))

	nats.Pause(2 * ttl / 3) // two renewals go out unanswered
	var down time.Duration
	const step = 50 * time.Millisecond
	for range int((ttl + 2*time.Second) / step) {
		if a.srv.lobbies.get(cr.Code) == nil && b.srv.lobbies.get(cr.Code) == nil {
			down += step
		}
		time.Sleep(step)
	}
	assert.LessOrEqual(t, down, 500*time.Millisecond, "no node ran the lobby for %v after the store came back", down)
	t.Logf("no node ran the lobby for %v in the %v after the store came back", down, ttl+2*time.Second)

	host := a.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "still here"})
}

// An append cannot outlive the lease that allows it: when the store stops
// answering, the owner gives the lobby up as its lease runs out, with the
// append still in flight, and tells its clients to reconnect; the
// delegate's line was neither acknowledged nor refused.
func TestClusterAppendEndsWithLease(t *testing.T) {
	nats := natstest.Process(t)
	const ttl = 2 * time.Second
	a := natsNode(t, nats.URL, "a", ttl)
	cr := a.create("Anna", quickSettings())
	host := a.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "before"})

	nats.Stop()
	defer nats.Cont()
	stalled := time.Now()
	host.send(protocol.Say{ID: 9, Key: "k-9", Channel: game.ChannelPublic, Text: "into the stall"})
	for {
		m := host.nextRaw()
		require.NotEqual(t, protocol.TypeAck, m.Type, "acknowledged while the store was paused")
		if m.Type == protocol.TypeError {
			var r protocol.Refused
			decode(t, m, &r)
			require.Equal(t, protocol.CodeStoreWaiting, r.Code, "refused while its outcome was unknown: %s", m.Raw)
		}
		if m.Type == protocol.TypeClosing {
			var c protocol.Closing
			decode(t, m, &c)
			assert.Equal(t, protocol.CodeReconnect, c.Code)
			break
		}
	}
	assert.Less(t, time.Since(stalled), ttl+time.Second, "the owner served the lobby past its lease")
	t.Logf("the owner gave the lobby up %v into the stall (lease TTL %v)", time.Since(stalled).Round(time.Millisecond), ttl)
	require.Eventually(t, func() bool { return a.srv.lobbies.get(cr.Code) == nil }, time.Second, 10*time.Millisecond)
}

// steadyChatter is a delegate who chats until stop and, when a node tells
// it to reconnect or its line drops, comes back through the next node with
// its pass and sends its unanswered line again under the same key, as the
// browser client does.
type steadyChatter struct {
	who   string
	token string
	lobby string
	nodes []*env
	out   outcome
	comes int // reconnects
}

func (s *steadyChatter) dial(ctx context.Context, n int) (*websocket.Conn, error) {
	e := s.nodes[n%len(s.nodes)]
	ws, err := wsclient.Dial(ctx, e.http.URL, nil, 0)
	if err != nil {
		return nil, err
	}
	if err := ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(protocol.Resume{Lobby: s.lobby, Token: s.token})); err != nil {
		ws.CloseNow()
		return nil, err
	}
	return ws, nil
}

func (s *steadyChatter) run(ctx context.Context, stop <-chan struct{}) error {
	var ws *websocket.Conn
	defer func() {
		if ws != nil {
			ws.CloseNow()
		}
	}()
	pending := -1 // the line sent and not yet answered
	for i, attempt := 0, 0; ; {
		if ws == nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: could not come back: %w", s.who, ctx.Err())
			}
			var err error
			if ws, err = s.dial(ctx, attempt); err != nil {
				attempt++
				time.Sleep(100 * time.Millisecond)
				continue
			}
			if pending >= 0 {
				i = pending // send it again, same ID, same key
			}
			pending = -1
		}
		if pending < 0 {
			select {
			case <-stop:
				return nil
			case <-time.After(20 * time.Millisecond):
			}
			text := fmt.Sprintf("%s line %d", s.who, i)
			say := protocol.Say{ID: int64(1000 + i), Key: fmt.Sprintf("%s-%d", s.who, i), Channel: game.ChannelPublic, Text: text}
			wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := ws.Write(wctx, websocket.MessageText, protocol.EncodeClient(say))
			cancel()
			pending = i
			if err != nil {
				ws.CloseNow()
				ws, attempt, s.comes = nil, attempt+1, s.comes+1
				continue
			}
		}
		_, data, err := ws.Read(ctx)
		if err != nil {
			ws.CloseNow()
			ws, attempt, s.comes = nil, attempt+1, s.comes+1
			continue
		}
		var m struct {
			Type protocol.Type       `json:"type"`
			ID   int64               `json:"id"`
			Text string              `json:"text"`
			Code string              `json:"code"`
			Chat []protocol.ChatLine `json:"chat"`
		}
		_ = json.Unmarshal(data, &m)
		text := fmt.Sprintf("%s line %d", s.who, pending)
		switch m.Type {
		case protocol.TypeWelcome:
			for _, l := range m.Chat {
				s.out.seen = append(s.out.seen, l.Text)
			}
		case protocol.TypeChat:
			s.out.seen = append(s.out.seen, m.Text)
		case protocol.TypeAck:
			if m.ID == int64(1000+pending) {
				s.out.acked = append(s.out.acked, text)
				s.out.ackAt = append(s.out.ackAt, time.Now())
				pending, i = -1, i+1
			}
		case protocol.TypeError:
			if m.ID == int64(1000+pending) {
				s.out.refused = append(s.out.refused, text)
				pending, i = -1, i+1
			} else if m.ID == 0 && m.Code != string(protocol.CodeStoreWaiting) {
				return fmt.Errorf("%s: refused: %s", s.who, data)
			}
		case protocol.TypeClosing:
			if m.Code != string(protocol.CodeReconnect) {
				return fmt.Errorf("%s: closed for good: %s", s.who, data)
			}
		}
	}
}

// A three-server NATS cluster whose stream leader is paused past the
// lease and append timeouts, under two congress nodes with delegates on
// both: delegates come back through either node, and still every
// acknowledged line is in the log once, no refused line is in it, every
// line shown is in it, and the log replays.
func TestClusterStoreStallLosesNothing(t *testing.T) {
	procs := natstest.Processes(t, 3)
	const ttl = 3 * time.Second
	a := natsNode(t, procs[0].URL, "a", ttl)
	b := natsNode(t, procs[1].URL, "b", ttl)
	nodes := []*env{a, b}

	cr := a.create("Anna", quickSettings())
	chatters := []*steadyChatter{{who: "Anna", token: cr.Token, lobby: cr.Code, nodes: nodes}}
	for i, name := range testNames[1:6] {
		c := nodes[i%2].dial(nil)
		c.send(protocol.Join{Lobby: cr.Code, Name: name})
		w := c.welcome()
		c.ws.CloseNow()
		chatters = append(chatters, &steadyChatter{who: name, token: w.Token, lobby: cr.Code, nodes: []*env{nodes[i%2], nodes[(i+1)%2]}})
	}

	info, err := a.srv.opt.Cluster.Store.JetStream().Stream(context.Background(), store.LobbyStream)
	require.NoError(t, err)
	leader := info.CachedInfo().Cluster.Leader
	var paused *natstest.Proc
	for _, p := range procs {
		if p.Name == leader {
			paused = p
		}
	}
	require.NotNil(t, paused, "no stream leader among %v", leader)
	require.Equal(t, 3, info.CachedInfo().Config.Replicas)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	stop := make(chan struct{})
	errs := make([]error, len(chatters))
	var wg sync.WaitGroup
	for i, c := range chatters {
		wg.Go(func() { errs[i] = c.run(ctx, stop) })
	}
	time.Sleep(500 * time.Millisecond)
	paused.Pause(ttl + time.Second)
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	var recs []lobby.Record
	require.Eventually(t, func() bool {
		recs, err = store.NewJournal(a.srv.opt.Cluster.Store).Records(context.Background(), cr.Code)
		return err == nil
	}, 10*time.Second, 100*time.Millisecond)
	outs := make([]*outcome, len(chatters))
	comes := 0
	for i, c := range chatters {
		outs[i], comes = &c.out, comes+c.comes
	}
	acked, refused := agree(t, cr.Code, recs, outs)
	t.Logf("paused %s (stream leader) for %v: %d lines acknowledged, %d refused, %d reconnects, %d records; the longest time without an acknowledgement %v",
		leader, ttl+time.Second, acked, refused, comes, len(recs), longestSilence(outs).Round(time.Millisecond))
	assert.Greater(t, acked, 12, "the game went on")
}

// smallDisk mounts a tmpfs of size bytes for the test (as root, as CI
// runs): a disk that fills up for real.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size))
	require.NoError(t, err, "mounting a small tmpfs needs root")
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fillDisk writes to dir until its file system is full, and returns the
// filler's path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	require.NoError(t, err)
	buf := make([]byte, 256<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	_ = f.Sync()
	require.NoError(t, f.Close())
	return path
}

// logLines keeps the messages logged at a level or above.
type logLines struct {
	mu    sync.Mutex
	level slog.Level
	lines []string
}

func (h *logLines) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *logLines) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, r.Message)
	return nil
}
func (h *logLines) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *logLines) WithGroup(string) slog.Handler      { return h }
func (h *logLines) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, l := range h.lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// A full disk: the line sent into it waits, everyone in the lobby is told
// in words, /readyz says why, one log line names the cause; once space is
// freed the embedded store takes writes again by itself, the waiting line
// is stored once and acknowledged, and the game goes on.
func TestFullDiskWaitsAndResumes(t *testing.T) {
	disk := smallDisk(t, 24<<20)
	errs := &logLines{level: slog.LevelError}
	st, err := store.Open(context.Background(), store.Options{DataDir: filepath.Join(disk, "data"), AppendTry: 300 * time.Millisecond, Logger: slog.New(errs)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	e := newEnv(t, func(o *Options) { o.Journal = store.NewJournal(st) })
	tb := e.table(5, quickSettings())
	host, other := tb.clients[0], tb.clients[1]
	host.ok(protocol.Say{Key: "k-1", Channel: game.ChannelPublic, Text: "before"})
	ready := func() (int, string) {
		res, err := http.Get(e.http.URL + "/readyz")
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, _ := ready()
	require.Equal(t, http.StatusOK, code)

	filler := fillDisk(t, disk)
	// The first lines may still fit in a block already on disk; one soon
	// does not.
	want := map[string]int{"before": 1, "after": 1}
	var waiting int64
	for i := int64(50); waiting == 0; i++ {
		require.Less(t, i, int64(250), "the disk never filled")
		text := fmt.Sprintf("line %d", i)
		want[text] = 1
		host.send(protocol.Say{ID: i, Key: fmt.Sprintf("k-%d", i), Channel: game.ChannelPublic, Text: text})
		for {
			m := host.nextRaw()
			var r protocol.Refused
			decode(t, m, &r)
			if m.Type == protocol.TypeAck && r.ID == i {
				break
			}
			if m.Type == protocol.TypeError {
				require.Equal(t, protocol.CodeStoreWaiting, r.Code, r.Message)
				assert.Contains(t, r.Message, "not lost")
				waiting = i
				break
			}
		}
	}
	for {
		m := other.nextRaw()
		if m.Type == protocol.TypeError {
			var r protocol.Refused
			decode(t, m, &r)
			require.Equal(t, protocol.CodeStoreWaiting, r.Code, "everyone in the lobby is told")
			break
		}
	}
	require.Eventually(t, func() bool { code, _ := ready(); return code == http.StatusServiceUnavailable }, 5*time.Second, 100*time.Millisecond)
	_, body := ready()
	assert.Contains(t, body, "no space left")
	time.Sleep(time.Second)

	require.NoError(t, os.Remove(filler))
	freed := time.Now()
	for {
		m := host.next()
		if m.Type == protocol.TypeAck {
			var a protocol.Ack
			decode(t, m, &a)
			require.Equal(t, waiting, a.ID)
			t.Logf("the waiting line was stored %v after space was freed", time.Since(freed).Round(time.Millisecond))
			break
		}
		require.NotEqual(t, protocol.TypeError, m.Type, "refused once space was freed: %s", m.Raw)
	}
	require.Eventually(t, func() bool { code, _ := ready(); return code == http.StatusOK }, 5*time.Second, 100*time.Millisecond)
	host.ok(protocol.Say{Key: "k-3", Channel: game.ChannelPublic, Text: "after"})
	assert.Equal(t, 1, errs.count("the store is not taking writes"), "one log line for the whole outage: %v", errs.lines)

	recs, err := store.NewJournal(st).Records(context.Background(), tb.code)
	require.NoError(t, err)
	assert.Equal(t, want, chatLines(recs))
	_, err = lobby.Replay(tb.code, recs, quickBot)
	require.NoError(t, err)
}

// A member in a reconnect loop is closed before the welcome, whichever
// connection they come back on, and told to wait; after the wait they
// come back as ever.
func TestResumeLoopClosedBeforeWelcome(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.ResumesPerSecond, o.Limits.ResumeBurst = 2, 3 })
	tb := e.table(5, quickSettings())
	tb.start()
	away := tb.clients[1]
	away.ws.CloseNow()
	<-away.closed
	// Three resumes pass (the burst), then one more is refused.
	for range 3 {
		c := e.dial(nil)
		c.send(protocol.Resume{Lobby: tb.code, Token: away.token})
		c.welcome()
		c.ws.CloseNow()
	}
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	m := c.nextRaw()
	require.Equal(t, protocol.TypeClosing, m.Type, "%s", m.Raw)
	var closing protocol.Closing
	decode(t, m, &closing)
	assert.Equal(t, protocol.CodeRateLimited, closing.Code)
	assert.Contains(t, closing.Message, "Wait")
	status, _ := c.expectClose()
	assert.Equal(t, websocket.StatusPolicyViolation, status)

	time.Sleep(600 * time.Millisecond)
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	w := back.welcome()
	assert.NotNil(t, w.Game)
}
