package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
)

// wireServer is the real congress binary, started on a free loopback
// port with a temporary data directory.
type wireServer struct {
	url string
	cmd *exec.Cmd
	log *bytes.Buffer
}

// startWireServer builds ./cmd/congress and runs it. Cleanup stops it with
// SIGTERM and requires a clean, graceful exit.
func startWireServer(t testing.TB) *wireServer {
	t.Helper()
	s := runNode(t, buildCongress(t), freeLoopback(t), "--data", t.TempDir())
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("congress did not exit cleanly: %v\n%s", err, s.log)
			}
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
			t.Errorf("congress did not stop on SIGTERM\n%s", s.log)
		}
	})
	return s
}

func (s *wireServer) createLobby(t testing.TB, req protocol.CreateLobby) protocol.Created {
	t.Helper()
	c, err := wsclient.CreateLobby(t.Context(), nil, s.url, req)
	require.NoError(t, err)
	return *c
}

// wireMsg is one message a client received, kept for the audit.
type wireMsg = wsclient.Msg

// wireClient is one WebSocket client of the test: it knows only what its
// own messages told it.
type wireClient struct {
	t    testing.TB
	name string
	conn *wsclient.Conn
	ws   *websocket.Conn // conn's WebSocket
	in   <-chan wireMsg  // conn's messages not yet read
	done <-chan struct{} // closed when conn ended

	mu  sync.Mutex
	all []wireMsg // every message received, in order, on every connection

	pace  *rate.Limiter // a polite client stays under the server's 10 messages a second
	you   string
	token string
	spec  bool
	view  *game.View
}

func dialWire(t testing.TB, s *wireServer, name string) *wireClient {
	t.Helper()
	c := &wireClient{t: t, name: name, pace: rate.NewLimiter(9, 15)}
	c.connect(s)
	return c
}

// connect opens a (new) WebSocket for this client, same origin as a
// browser on the server's page would be.
func (c *wireClient) connect(s *wireServer) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := wsclient.Open(ctx, s.url, wsclient.Options{
		Header:  http.Header{"Origin": {s.url}},
		Wait:    15 * time.Second,
		OnRead:  c.record,
		Observe: c.learn,
	})
	require.NoError(c.t, err)
	c.conn, c.ws, c.in, c.done = conn, conn.WS, conn.Queue(), conn.Done()
	c.t.Cleanup(func() { conn.WS.CloseNow() })
}

// record keeps every message received, for the audit.
func (c *wireClient) record(m wireMsg) {
	c.mu.Lock()
	c.all = append(c.all, m)
	c.mu.Unlock()
}

func (c *wireClient) send(m protocol.Client) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.pace.Wait(ctx))
	require.NoError(c.t, c.conn.Send(ctx, m), c.name)
}

// next reads the next message.
func (c *wireClient) next() wireMsg {
	c.t.Helper()
	m, err := c.conn.Next()
	require.NoError(c.t, err, c.name)
	return m
}

// learn is what the client learns from a message it reads.
func (c *wireClient) learn(m wireMsg) {
	switch m.Type {
	case protocol.TypeWelcome:
		var w protocol.Welcome
		c.decode(m, &w)
		c.you, c.spec = w.You, w.Spectator
		if w.Token != "" {
			c.token = w.Token
		}
		c.view = nil
		if w.Game != nil {
			c.view = &w.Game.View
		}
	case protocol.TypeGame:
		var g protocol.Game
		c.decode(m, &g)
		c.view = &g.View
	case protocol.TypeLobby:
		var l protocol.Lobby
		c.decode(m, &l)
		if l.State == protocol.LobbyOpen {
			c.view = nil
		}
	}
}

func (c *wireClient) decode(m wireMsg, v any) {
	c.t.Helper()
	require.NoError(c.t, m.Decode(v), c.name)
}

func (c *wireClient) until(tp protocol.Type) wireMsg {
	c.t.Helper()
	m, _, err := c.conn.Until(tp)
	require.NoError(c.t, err, c.name)
	return m
}

// do sends a request and reads up to its answer; it returns the refusal, if any.
func (c *wireClient) do(m protocol.Client) *protocol.Refused {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.pace.Wait(ctx))
	id, err := c.conn.Request(ctx, m)
	require.NoError(c.t, err, c.name)
	_, r, err := c.conn.Answer(id)
	require.NoError(c.t, err, c.name)
	return r
}

func (c *wireClient) must(m protocol.Client) {
	c.t.Helper()
	r := c.do(m)
	require.Nil(c.t, r, "%s: %+v refused: %+v", c.name, m, r)
}

// sync reads everything the server sent this client before a probe that
// the lobby always refuses: afterwards the client's view is current.
func (c *wireClient) sync() {
	c.t.Helper()
	require.NotNil(c.t, c.do(protocol.Host{Action: protocol.HostMakeHost, Member: "nobody"}))
}

// may reports whether the client's view offers command kind k.
func (c *wireClient) may(k game.CommandKind) bool {
	return c.view != nil && c.view.May(k)
}

// messages is every message this client has received.
func (c *wireClient) messages() []wireMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wireMsg(nil), c.all...)
}

// --- the audit: RULES.md §5, checked on every message a connection got ---

// wireAudit lists what reached a viewer that it may not see: another
// seat's role or faction unless entitled, someone else's night choices or
// uncounted votes, chat from a channel it may not read, a token.
func wireAudit(c *wireClient) []string {
	var problems []string
	// spec is whether the connection is a spectator's at each message:
	// each welcome says so anew (a spectator granted a seat is welcomed
	// again, as its delegate).
	spec := c.spec
	var (
		seat   = game.NoSeat
		role   game.Role
		alive  = true
		bloc   []int
		phase  game.Phase
		inGame bool
		// exposed is the bloc the Last Shot showed everyone, marshal the
		// seat the Army saved: public facts from the log.
		exposed []int
		marshal = game.NoSeat
	)
	fail := func(m wireMsg, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s received %s in %s", c.name, fmt.Sprintf(format, args...), m.Raw))
	}
	contains := func(s []int, x int) bool {
		for _, v := range s {
			if v == x {
				return true
			}
		}
		return false
	}
	checkGame := func(m wireMsg, g *protocol.Game) {
		v := g.View
		phase, inGame = v.Phase, true
		if v.You != nil {
			if spec {
				fail(m, "a spectator got a You")
			}
			if seat != game.NoSeat && v.You.Seat != seat {
				fail(m, "another seat's You (%d, not %d)", v.You.Seat, seat)
			}
			seat, role, alive, bloc = v.You.Seat, v.You.Role, v.You.Alive, v.You.Bloc
		} else if !spec {
			fail(m, "a delegate's view without its own You")
		}
		if v.Phase == game.PhaseOver {
			return // everything is public after the game
		}
		plotter := role.Faction() == game.Plotters
		for _, e := range g.Log {
			switch e.Kind {
			case game.EvLastShot:
				exposed = e.Seats
			case game.EvArmy:
				marshal = e.Target
			}
		}
		var ofBloc []int // what Koba knows
		if v.You != nil && role == game.Koba {
			ofBloc = v.You.Known().OfBloc
		}
		for _, sv := range v.Seats {
			if sv.Role == game.NoRole && sv.Faction == game.NoFaction {
				continue
			}
			bare := sv.Role == game.NoRole && sv.Faction == game.Plotters // "of the bloc", no role
			switch {
			case !spec && (sv.Seat == seat || (plotter && contains(bloc, sv.Seat))):
			case sv.Seat == marshal && sv.Role == game.Tukhachevsky:
			case bare && v.Phase == game.PhaseLastShot && contains(exposed, sv.Seat):
			case bare && contains(ofBloc, sv.Seat):
			default:
				fail(m, "seat %d's role %s / faction %s", sv.Seat, sv.Role, sv.Faction)
			}
		}
		if v.You != nil {
			if !plotter && (len(v.You.Bloc) > 0 || v.You.Kirov != nil || len(v.You.Proposals) > 0) {
				fail(m, "the bloc's secrets for a %s", role)
			}
			if role != game.Investigator && len(v.You.Investigations) > 0 {
				fail(m, "investigations for a %s", role)
			}
			k := v.You.Known()
			if len(k.OfBloc) > 0 && role != game.Koba {
				fail(m, "Koba's knowledge for a %s", role)
			}
			if k.ReportedAs != game.NoFaction && role != game.Bukharin && role != game.Zinoviev {
				fail(m, "a double's report for a %s", role)
			}
			if k.Falsified != nil && role != game.Yagoda {
				fail(m, "Yagoda's falsification for a %s", role)
			}
		}
		if v.Phase == game.PhaseVote && v.Ballot != nil {
			fail(m, "a ballot before it was counted")
		}
		if v.Phase == game.PhaseFinalBallot && v.FinalCount != nil {
			fail(m, "the final count before it was counted")
		}
		for _, e := range g.Log {
			switch e.Kind {
			case game.EvVoteCast, game.EvStrikeCast, game.EvInvestigated, game.EvReported, game.EvFalsified, game.EvNamed:
				if spec || e.Seat != seat {
					fail(m, "seat %d's secret %s", e.Seat, e.Kind)
				}
			case game.EvLetterProposed, game.EvLetterSent:
				if spec || !plotter {
					fail(m, "the bloc's %s", e.Kind)
				}
			case game.EvGameOver:
				fail(m, "game_over in a view that is not over")
			}
		}
	}
	checkChat := func(m wireMsg, l protocol.ChatLine) {
		over := inGame && phase == game.PhaseOver
		switch l.Channel {
		case game.ChannelSpectators:
			if !spec {
				fail(m, "the spectators' chat")
			}
		case game.ChannelPlotters:
			// The bloc, purged or not, confers in the Last Shot.
			if !over && (spec || role.Faction() != game.Plotters || (!alive && phase != game.PhaseLastShot)) {
				fail(m, "the Plotters' channel")
			}
		case game.ChannelPurged:
			if !over && (spec || alive) {
				fail(m, "the purged delegates' channel")
			}
		}
	}
	// The seeds revealed at each game's end: no message before the one
	// that reveals a seed may hold it, for it tells the deal and every lot.
	msgs := c.messages()
	revealedAt := map[string]int{}
	for i, m := range msgs {
		var g protocol.Game
		if m.Type != protocol.TypeGame || m.Decode(&g) != nil {
			continue
		}
		for _, e := range g.Log {
			if _, ok := revealedAt[e.Seed]; e.Kind == game.EvGameOver && e.Seed != "" && !ok {
				revealedAt[e.Seed] = i
			}
		}
	}
	for seed, at := range revealedAt {
		for _, m := range msgs[:at] {
			if bytes.Contains(m.Raw, []byte(seed)) {
				fail(m, "the match seed before the end")
			}
		}
	}
	for _, m := range msgs {
		switch m.Type {
		case protocol.TypeWelcome:
			var w protocol.Welcome
			c.decode(m, &w)
			if w.Spectator != spec {
				spec, seat, role, alive, bloc = w.Spectator, game.NoSeat, game.NoRole, true, nil
			}
			inGame = false
			if w.Game != nil {
				checkGame(m, w.Game)
			}
			for _, l := range w.Chat {
				checkChat(m, l)
			}
			if w.Review != nil && !(inGame && phase == game.PhaseOver) {
				fail(m, "a review before the game is over")
			}
		case protocol.TypeGame:
			var g protocol.Game
			c.decode(m, &g)
			checkGame(m, &g)
		case protocol.TypeChat:
			var l protocol.ChatLine
			c.decode(m, &l)
			checkChat(m, l)
		case protocol.TypeNotice:
			// A notice is told in words: no role, no faction; and a seat's
			// deeds go to the delegate of that seat alone.
			var n protocol.Notice
			c.decode(m, &n)
			for _, e := range n.Deeds {
				if spec || e.Seat != seat {
					fail(m, "seat %d's deeds", e.Seat)
				}
			}
			head := m.Raw
			if i := bytes.Index(head, []byte(`"deeds":`)); i >= 0 {
				head = head[:i]
			}
			if bytes.Contains(head, []byte(`"role"`)) || bytes.Contains(head, []byte(`"faction"`)) {
				fail(m, "a role in a notice")
			}
		case protocol.TypeLobby:
			var l protocol.Lobby
			c.decode(m, &l)
			if l.State == protocol.LobbyOpen {
				seat, role, alive, bloc, inGame = game.NoSeat, game.NoRole, true, nil, false
				exposed, marshal = nil, game.NoSeat
			}
			if bytes.Contains(m.Raw, []byte(`"role"`)) || bytes.Contains(m.Raw, []byte(`"faction"`)) {
				fail(m, "a role in the lobby")
			}
		case protocol.TypeReviewing:
			// The review together shows any point of view: only once the
			// game is over, when the whole log is public.
			var r protocol.Reviewing
			c.decode(m, &r)
			if r.Active && !(inGame && phase == game.PhaseOver) {
				fail(m, "a review before the game is over")
			}
		}
		if bytes.Contains(m.Raw, []byte(`"token"`)) && m.Type != protocol.TypeWelcome {
			fail(m, "a token outside Welcome")
		}
	}
	return problems
}

// seat is the seat of c in the current game.
func (c *wireClient) seat() int {
	if c.view == nil || c.view.You == nil {
		return game.NoSeat
	}
	return c.view.You.Seat
}

// accuseSeatZero has every delegate denounce seat 0 (its own delegate
// names seat 1) and press Ready: one Accused, a Defence, which the host
// ends, and the purge vote opens.
func accuseSeatZero(t *testing.T, host *wireClient, delegates []*wireClient) {
	t.Helper()
	for _, c := range delegates {
		c.sync()
		target := 0
		if c.seat() == 0 {
			target = 1
		}
		c.must(protocol.Act{Kind: game.CmdDenounce, Target: target})
		c.must(protocol.Act{Kind: game.CmdReady})
	}
	host.sync()
	require.Equal(t, game.PhaseDefence, host.view.Phase)
	host.must(protocol.Act{Kind: game.CmdEndPhase})
}
