package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
	"congress/server/lobby"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testLimits are DefaultLimits with timings short enough for tests.
func testLimits() Limits {
	l := DefaultLimits()
	l.PingInterval = time.Second
	l.PongWait = time.Second
	l.HelloTimeout = 2 * time.Second
	// Tests talk faster than people; TestFlood puts the real rate back.
	l.MessagesPerSecond, l.MessageBurst = 1000, 1000
	l.ResumesPerSecond, l.ResumeBurst = 1000, 1000
	l.AddressMessages, l.AddressBurst = 100000, 100000
	l.RefusedWait = 0 // TestRefusedWait puts it back
	return l
}

// sinkTransport is a connection's transport in tests without a network:
// it counts the frames written, or blocks every write until release is
// closed if release is set.
type sinkTransport struct {
	frames  *atomic.Int64
	release chan struct{}
	wrote   chan [][]byte // if set, receives every batch written
}

func (t *sinkTransport) write(frames []frame) error {
	if t.wrote != nil {
		batch := make([][]byte, len(frames))
		for i, f := range frames {
			batch[i] = f.data
		}
		t.wrote <- batch
	}
	if t.release != nil {
		<-t.release
	}
	if t.frames != nil {
		t.frames.Add(int64(len(frames)))
	}
	return nil
}
func (t *sinkTransport) ping(context.Context) error         { return nil }
func (t *sinkTransport) close(websocket.StatusCode, string) {}
func (t *sinkTransport) abort()                             {}

// quickBot is the real bot without its human-paced think delay.
func quickBot(seat int, strength string, seed uint64) lobby.Player {
	return fastPlayer{DefaultBot(seat, strength, seed)}
}

type fastPlayer struct{ lobby.Player }

func (fastPlayer) Think() time.Duration { return 5 * time.Millisecond }

// flakyJournal is a MemJournal whose appends can be made to fail.
type flakyJournal struct {
	*MemJournal
	fail atomic.Bool
}

func (j *flakyJournal) Append(ctx context.Context, lobby string, rec lobby.Record) error {
	if j.fail.Load() {
		return errors.New("disk on fire")
	}
	return j.MemJournal.Append(ctx, lobby, rec)
}

// env is a server on a loopback listener.
type env struct {
	t       *testing.T
	srv     *Server
	http    *httptest.Server
	journal *flakyJournal
}

func newEnv(t *testing.T, mod ...func(*Options)) *env {
	t.Helper()
	j := &flakyJournal{MemJournal: NewMemJournal()}
	o := Options{
		Journal: j,
		NewBot:  quickBot,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits:  testLimits(),
	}
	for _, f := range mod {
		f(&o)
	}
	srv := New(o)
	hs := httptest.NewUnstartedServer(srv.Handler())
	srv.ConfigureHTTP(hs.Config)
	hs.Start()
	e := &env{t: t, srv: srv, http: hs, journal: j}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			// What the server still waits for.
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Logf("the server did not close: its goroutines:\n%s", stacks.String())
			require.NoError(t, err)
		}
		hs.Close()
	})
	return e
}

func (e *env) wsURL() string { return wsclient.WSURL(e.http.URL) }

// create opens a lobby over HTTP.
func (e *env) create(name string, settings *protocol.Settings) protocol.Created {
	e.t.Helper()
	c, err := wsclient.CreateLobby(e.t.Context(), nil, e.http.URL, protocol.CreateLobby{Name: name, Settings: settings})
	require.NoError(e.t, err)
	return *c
}

// replayed is the lobby's state as its journal makes it: what the lobby
// has applied, since a record is journaled before it is applied and
// before anyone is told of it.
func (e *env) replayed(code string) *lobby.State {
	e.t.Helper()
	read := e.srv.opt.Journal.Records
	if p, ok := e.srv.opt.Journal.(interface {
		Peek(context.Context, string) ([]lobby.Record, error)
	}); ok {
		read = p.Peek // Records would take the log over from the lobby
	}
	recs, err := read(context.Background(), code)
	require.NoError(e.t, err)
	st, err := lobby.Replay(code, recs, quickBot)
	require.NoError(e.t, err)
	return st
}

// stopped closes the server and returns the lobby's actor once its
// goroutine has returned, for its state to be read.
func (e *env) stopped(code string) *actor {
	e.t.Helper()
	l := e.srv.lobbies.get(code)
	require.NotNil(e.t, l, "no lobby %s", code)
	require.NoError(e.t, e.srv.Close(context.Background()))
	<-l.done
	return l
}

// spectators is the lobby's spectator count, as its summary says.
func (e *env) spectators(code string) int {
	e.t.Helper()
	l := e.srv.lobbies.get(code)
	require.NotNil(e.t, l, "no lobby %s", code)
	return l.summary.Load().Spectators
}

// awaitAway reads Lobby messages until one shows member id disconnected.
func (c *client) awaitAway(id string) {
	c.t.Helper()
	for {
		m, _ := c.until(protocol.TypeLobby)
		var lv protocol.Lobby
		decode(c.t, m, &lv)
		for _, mem := range lv.Members {
			if mem.ID == id && !mem.Connected {
				return
			}
		}
	}
}

// records is the lobby's journal.
func (e *env) records(code string) []lobby.Record {
	recs, err := e.journal.Records(context.Background(), code)
	require.NoError(e.t, err)
	return recs
}

// msg is one message a test client received.
type msg = wsclient.Msg

// decode decodes m into v, failing the test if it cannot.
func decode(t *testing.T, m msg, v any) {
	t.Helper()
	require.NoError(t, m.Decode(v))
}

// client is a test WebSocket client that records every message.
type client struct {
	t      *testing.T
	conn   *wsclient.Conn
	ws     *websocket.Conn // conn's WebSocket
	in     <-chan msg      // conn's messages not yet read
	closed <-chan struct{} // closed when conn ended

	you   string
	token string
	seat  int
	view  *protocol.Game  // the last Game received
	lobby *protocol.Lobby // the last Lobby received
}

func (e *env) dial(header http.Header) *client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &client{t: e.t, seat: game.NoSeat}
	conn, err := wsclient.Open(ctx, e.http.URL, wsclient.Options{Header: header, Observe: c.learn})
	require.NoError(e.t, err)
	c.conn, c.ws, c.in, c.closed = conn, conn.WS, conn.Queue(), conn.Done()
	e.t.Cleanup(conn.CloseNow)
	return c
}

// typed decodes the messages of type typ among ms, in order.
func typed[T any](t *testing.T, ms []msg, typ protocol.Type) []T {
	t.Helper()
	var out []T
	for _, m := range ms {
		if m.Type == typ {
			var v T
			decode(t, m, &v)
			out = append(out, v)
		}
	}
	return out
}

// learn keeps the last Game and Lobby received.
func (c *client) learn(m msg) {
	switch m.Type {
	case protocol.TypeGame:
		c.view = new(protocol.Game)
		decode(c.t, m, c.view)
		if c.view.View.You != nil {
			c.seat = c.view.View.You.Seat
		}
	case protocol.TypeLobby:
		c.lobby = new(protocol.Lobby)
		decode(c.t, m, c.lobby)
	}
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	require.NoError(c.t, c.conn.SendRaw(ctx, []byte(s)))
}

func (c *client) send(m protocol.Client) { c.t.Helper(); c.sendRaw(string(protocol.EncodeClient(m))) }

// next is the next message, failing the test after a while.
func (c *client) next() msg {
	c.t.Helper()
	m, err := c.conn.Next()
	require.NoError(c.t, err)
	return m
}

// nextRaw is next: every message read teaches the client.
func (c *client) nextRaw() msg { c.t.Helper(); return c.next() }

// until reads messages until one of type tp, returning it and those before.
func (c *client) until(tp protocol.Type) (msg, []msg) {
	c.t.Helper()
	m, before, err := c.conn.Until(tp)
	require.NoError(c.t, err)
	return m, before
}

// expectError reads until an error and checks its code.
func (c *client) expectError(code protocol.Code) protocol.Refused {
	c.t.Helper()
	m, _ := c.until(protocol.TypeError)
	var r protocol.Refused
	decode(c.t, m, &r)
	require.Equal(c.t, code, r.Code, r.Message)
	return r
}

// expectClose waits for the connection to close and returns its status
// and the Closing message, if any, sent before.
func (c *client) expectClose() (websocket.StatusCode, *protocol.Closing) {
	c.t.Helper()
	select {
	case <-c.closed:
	case <-time.After(10 * time.Second):
		c.t.Fatalf("connection not closed in 10s")
	}
	var closing *protocol.Closing
	for _, m := range c.conn.Pending() {
		if m.Type == protocol.TypeClosing {
			closing = new(protocol.Closing)
			decode(c.t, m, closing)
		}
	}
	return c.conn.CloseStatus(), closing
}

// do sends a request with a fresh ID and returns the messages up to its
// answer, and the refusal if it was refused.
func (c *client) do(m protocol.Client) ([]msg, *protocol.Refused) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	id, err := c.conn.Request(ctx, m)
	require.NoError(c.t, err)
	got, r, err := c.conn.Answer(id)
	require.NoError(c.t, err)
	return got, r
}

// ok does a request that must be accepted.
func (c *client) ok(m protocol.Client) []msg {
	c.t.Helper()
	got, r := c.do(m)
	require.Nil(c.t, r, "refused: %+v", r)
	return got
}

// refused does a request that must be refused with code.
func (c *client) refused(m protocol.Client, code protocol.Code) []msg {
	c.t.Helper()
	got, r := c.do(m)
	require.NotNil(c.t, r, "accepted, want %s", code)
	require.Equal(c.t, code, r.Code, r.Message)
	return got
}

// sync returns every message received before a probe that the lobby
// refuses: everything the lobby sent this client until now.
func (c *client) sync() []msg {
	c.t.Helper()
	got, r := c.do(protocol.Host{Action: protocol.HostMakeHost, Member: "nobody"})
	require.NotNil(c.t, r)
	return got
}

// quiet requires that the lobby sent this client nothing since the last read.
func (c *client) quiet() {
	c.t.Helper()
	got := c.sync()
	require.Empty(c.t, types(got), "spurious messages: %s", raws(got))
}

// unmoved requires that the lobby sent this client nothing but Lobby
// messages (someone's connection came or went) since the last read.
func (c *client) unmoved() {
	c.t.Helper()
	var other []msg
	for _, m := range c.sync() {
		if m.Type != protocol.TypeLobby {
			other = append(other, m)
		}
	}
	require.Empty(c.t, types(other), "spurious messages: %s", raws(other))
}

func types(ms []msg) []protocol.Type {
	var out []protocol.Type
	for _, m := range ms {
		out = append(out, m.Type)
	}
	return out
}

func raws(ms []msg) string {
	var b strings.Builder
	for _, m := range ms {
		b.Write(m.Raw)
		b.WriteByte('\n')
	}
	return b.String()
}

// welcome reads the Welcome after a hello.
func (c *client) welcome() protocol.Welcome {
	c.t.Helper()
	m, _ := c.until(protocol.TypeWelcome)
	var w protocol.Welcome
	decode(c.t, m, &w)
	c.you = w.You
	if w.Token != "" {
		c.token = w.Token
	}
	if w.Game != nil && w.Game.View.You != nil {
		c.seat = w.Game.View.You.Seat
	}
	return w
}

// game reads until the next Game message.
func (c *client) game() protocol.Game {
	c.t.Helper()
	m, _ := c.until(protocol.TypeGame)
	var g protocol.Game
	decode(c.t, m, &g)
	if g.View.You != nil {
		c.seat = g.View.You.Seat
	}
	return g
}

// lastLobby is the last Lobby among ms, if any.
func lastLobby(t *testing.T, ms []msg) *protocol.Lobby {
	var out *protocol.Lobby
	for _, m := range ms {
		if m.Type == protocol.TypeLobby {
			out = new(protocol.Lobby)
			decode(t, m, out)
		}
	}
	return out
}

// lastGame is the last Game among ms, if any.
func lastGame(t *testing.T, ms []msg) *protocol.Game {
	var out *protocol.Game
	for _, m := range ms {
		if m.Type == protocol.TypeGame {
			out = new(protocol.Game)
			decode(t, m, out)
		}
	}
	return out
}

// quickSettings are settings with long timers (the tests drive the game)
// and no investigator, so that a command's effects are predictable.
// stored is settings as a record keeps them.
func stored(s *protocol.Settings) *lobby.Settings {
	st := lobby.SettingsOf(*s)
	return &st
}

func quickSettings() *protocol.Settings {
	cfg := game.DefaultConfig()
	cfg.DebateTime, cfg.VoteTime, cfg.NightTime = time.Hour, time.Hour, time.Hour
	cfg.DefenceTime, cfg.ConfessionTime, cfg.ChairPickTime, cfg.FinalBallotTime = time.Hour, time.Hour, time.Hour, time.Hour
	s := protocol.SettingsOf(cfg, 5)
	return &s
}

// table is a lobby with n delegates connected: the host (clients[0])
// and n-1 who joined.
type table struct {
	*env
	code    string
	clients []*client
}

var testNames = []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Katya", "Lev", "Maria", "Nikolai", "Olga"}

func (e *env) table(n int, settings *protocol.Settings) *table {
	e.t.Helper()
	cr := e.create(testNames[0], settings)
	host := e.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	host.token = cr.Token
	tb := &table{env: e, code: cr.Code, clients: []*client{host}}
	for i := 1; i < n; i++ {
		c := e.dial(nil)
		c.send(protocol.Join{Lobby: cr.Code, Name: testNames[i]})
		c.welcome()
		tb.clients = append(tb.clients, c)
	}
	for _, c := range tb.clients {
		c.sync()
	}
	return tb
}

// start starts the game and reads every delegate's first Game.
func (tb *table) start() {
	tb.t.Helper()
	got := tb.clients[0].ok(protocol.Host{Action: protocol.HostStart})
	g := lastGame(tb.t, got)
	require.NotNil(tb.t, g)
	tb.clients[0].seat = g.View.You.Seat
	for _, c := range tb.clients[1:] {
		g := c.game()
		require.NotNil(tb.t, g.View.You)
	}
	for _, c := range tb.clients {
		c.sync()
	}
}

// bySeat is the client at a seat.
func (tb *table) bySeat(seat int) *client {
	for _, c := range tb.clients {
		if c.seat == seat {
			return c
		}
	}
	tb.t.Fatalf("nobody at seat %d", seat)
	return nil
}

// roles reads the roles from the server (tests only).
func (tb *table) roles() []game.Role {
	var roles []game.Role
	g := tb.replayed(tb.code).Match.Game
	for i := range g.Seats() {
		roles = append(roles, g.View(game.SeatViewer(i)).Seats[i].Role)
	}
	return roles
}
