package server

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// snapshot is everything a lobby's records decide, as plain values.
type snapshot struct {
	Host, Base string
	Public     bool
	Settings   protocol.Settings
	Phase      protocol.LobbyState
	Members    []memberSnap
	Chat       map[string][]protocol.ChatLine
	Match      string
	Views      []game.View
	Logs       [][]game.Event
	Bots       []int
	Closed     bool
}

type memberSnap struct {
	ID, Name, Strength string
	Hash               []byte
	Bot, BotPlays      bool
	Gone               bool
	Seat               int
	Seed               uint64
}

func snap(s *lobby.State) snapshot {
	out := snapshot{Host: s.Host, Base: s.Base, Public: s.Public, Settings: s.Settings.Wire(), Phase: s.Phase.Wire(), Closed: s.Closed, Chat: map[string][]protocol.ChatLine{}}
	for _, m := range s.Members {
		out.Members = append(out.Members, memberSnap{ID: m.ID, Name: m.Name, Strength: m.Strength, Hash: m.TokenHash, Bot: m.Bot, BotPlays: m.BotPlays, Gone: m.Gone, Seat: m.Seat, Seed: m.Seed})
		out.Chat[m.ID] = wireChat(s.Chat.Tail(func(ch game.Channel) bool { return s.CanRead(m, ch) }))
	}
	out.Chat["spectator"] = wireChat(s.Chat.Tail(func(ch game.Channel) bool { return s.CanRead(nil, ch) }))
	if m := s.Match; m != nil {
		out.Match = m.ID
		viewers := []game.Viewer{game.Spectator}
		for i := range m.Game.Seats() {
			viewers = append(viewers, game.SeatViewer(i))
		}
		for _, v := range viewers {
			out.Views = append(out.Views, m.Game.View(v))
			evs, _ := m.Game.Log(v, 0)
			out.Logs = append(out.Logs, evs)
		}
		out.Bots = sortedSeats(m.Bots)
	}
	return out
}

// TestReplay plays a lobby through joins, settings, bots, chat, a kick
// and a whole game with a rematch, then rebuilds it from its journal
// (after a JSON round trip, as a persistent journal would) and requires
// the same state and the same views for every viewer, at every point:
// each stage is played afresh, and the live state read once the lobby
// has stopped.
func TestReplay(t *testing.T) {
	type stage struct {
		name string
		play func(e *env, tb *table)
	}
	stages := []stage{
		{"joining", func(*env, *table) {}},
		{"lobby changes", func(_ *env, tb *table) {
			host := tb.clients[0]
			host.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
			host.ok(protocol.Host{Action: protocol.HostAddBot, Strength: "easy"})
			host.ok(protocol.Host{Action: protocol.HostAddBot})
			host.ok(protocol.Host{Action: protocol.HostAddBot})
			tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "greetings"})
			host.ok(protocol.Host{Action: protocol.HostKick, Member: tb.clients[3].you})
		}},
		{"start", func(_ *env, tb *table) { tb.clients[0].ok(protocol.Host{Action: protocol.HostStart}) }},
		{"bot seat", func(_ *env, tb *table) {
			// Humans act, bots act on their own.
			host := tb.clients[0]
			tb.clients[1].ok(protocol.Act{Kind: game.CmdReady})
			tb.clients[2].ok(protocol.Say{Channel: game.ChannelPublic, Text: "I am loyal"})
			tb.clients[2].ws.CloseNow()
			host.awaitAway(tb.clients[2].you)
			host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: tb.clients[2].you, Bot: true})
		}},
		{"game over", func(e *env, tb *table) {
			// The host hurries every phase.
			deadline := time.Now().Add(30 * time.Second)
			for e.replayed(tb.code).Phase != lobby.Over {
				require.True(e.t, time.Now().Before(deadline), "the game did not end")
				tb.clients[0].do(protocol.Act{Kind: game.CmdEndPhase})
				time.Sleep(20 * time.Millisecond)
			}
		}},
		{"rematch", func(_ *env, tb *table) { tb.clients[0].ok(protocol.Host{Action: protocol.HostRematch}) }},
	}
	for n, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			e := newEnv(t)
			tb := e.table(4, quickSettings())
			for _, earlier := range stages[:n+1] {
				earlier.play(e, tb)
			}
			// The live state and its journal, once the lobby has stopped:
			// bots act on their own until then.
			live := snap(e.stopped(tb.code).st)
			data, err := json.Marshal(e.records(tb.code))
			require.NoError(t, err)
			var back []lobby.Record
			require.NoError(t, json.Unmarshal(data, &back))
			rebuilt, err := lobby.Replay(tb.code, back, quickBot)
			require.NoError(t, err)
			require.Equal(t, live, snap(rebuilt), "after %s", st.name)
		})
	}
}

// TestReplayedLobbyPlaysOn: a state rebuilt mid-game takes the same next
// command to the same result as the live one.
func TestReplayedLobbyPlaysOn(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	tb.clients[1].ok(protocol.Act{Kind: game.CmdDenounce, Target: tb.clients[2].seat})
	rebuilt, err := lobby.Replay(tb.code, e.records(tb.code), quickBot)
	require.NoError(t, err)
	tb.clients[3].ok(protocol.Act{Kind: game.CmdDenounce, Target: tb.clients[2].seat})
	recs := e.records(tb.code)
	require.NoError(t, rebuilt.Apply(recs[len(recs)-1]))
	require.Equal(t, snap(e.stopped(tb.code).st), snap(rebuilt))
}

// TestRestore: a second server on the same journal rebuilds the lobby;
// delegates resume their seats with their tokens, spectators watch, and
// the game plays on.
func TestRestore(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	tb.clients[1].ok(protocol.Act{Kind: game.CmdDenounce, Target: tb.clients[2].seat})
	before := e.replayed(tb.code).Match.Game.View(game.SeatViewer(tb.clients[1].seat))

	e2 := newEnv(t, func(o *Options) { o.Journal = e.journal })
	require.NoError(t, e2.srv.Restore(context.Background(), tb.code))
	require.Error(t, e2.srv.Restore(context.Background(), tb.code), "restored twice")
	require.Error(t, e2.srv.Restore(context.Background(), "ZZZZZZ"))

	back := e2.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[1].token})
	w := back.welcome()
	require.NotNil(t, w.Game)
	require.Equal(t, before, w.Game.View)
	spec := e2.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code})
	w = spec.welcome()
	require.NotNil(t, w.Game, "spectators see the restored game")
	host := e2.dial(nil)
	host.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[0].token})
	host.welcome()
	host.ok(protocol.Act{Kind: game.CmdEndPhase})
	g := spec.game()
	require.NotEqual(t, game.PhaseDebate, g.View.Phase)
}

func TestReplayRefusesForeignRecords(t *testing.T) {
	_, err := lobby.Replay("AAAAAA", []lobby.Record{{Kind: "coronation"}}, quickBot)
	require.Error(t, err)
	_, err = lobby.Replay("AAAAAA", []lobby.Record{{Kind: lobby.RecAct, Command: &game.Command{}}}, quickBot)
	require.Error(t, err)
}

// TestSlowReader: a client that stops reading is closed with too_slow
// once its queue is full; nobody waits for it.
func TestSlowReader(t *testing.T) {
	t.Run("queue", func(t *testing.T) {
		srv := New(Options{Limits: testLimits()})
		defer srv.Close(context.Background())
		// The client reads nothing: the first write never returns.
		stuck := &sinkTransport{release: make(chan struct{}), wrote: make(chan [][]byte, 1)}
		defer close(stuck.release)
		c := newConnOn(srv, stuck, "127.0.0.1")
		c.enqueue([]byte(`{"n":0}`))
		require.Len(t, <-stuck.wrote, 1, "the writer has taken the first frame")
		for range srv.opt.Limits.SendQueue {
			c.enqueue([]byte("{}"))
		}
		require.False(t, c.dead.Load())
		done := make(chan struct{})
		go func() { c.enqueue([]byte("{}")); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatal("enqueue waited on a full queue")
		}
		require.True(t, c.dead.Load())
		require.Equal(t, string(protocol.CodeTooSlow), c.reason)
		require.Contains(t, string(c.closing), `"too_slow"`)
	})
	t.Run("over the network", func(t *testing.T) {
		e := newEnv(t, func(o *Options) {
			o.Limits.SendQueue = 4
			o.Limits.WriteTimeout = 500 * time.Millisecond
			// Nor is it dropped for the pong it does not read in time.
			o.Limits.PingInterval = time.Minute
			// The talker must outpace the spectator's socket buffers,
			// however large the kernel makes them: no rate limit here.
			o.Limits.MessagesPerSecond, o.Limits.MessageBurst = 1e6, 1e6
			o.Limits.ChatLines = 1e6
		})
		tb := e.table(1, nil)
		// A spectator that never reads: its socket buffers fill up.
		slow, _, err := websocket.Dial(t.Context(), e.wsURL(), nil)
		require.NoError(t, err)
		defer slow.CloseNow()
		require.NoError(t, slow.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Watch{Lobby: tb.code})))
		require.Eventually(t, func() bool { return e.spectators(tb.code) == 1 }, 5*time.Second, 10*time.Millisecond)
		talker := tb.clients[0] // reads its own lines back as it goes
		text := string(make([]rune, 0))
		for range protocol.MaxChatRunes {
			text += "𓂀"
		}
		start := time.Now()
		for i := 0; ; i++ {
			if e.spectators(tb.code) == 0 {
				break
			}
			require.Less(t, time.Since(start), 20*time.Second, "the slow reader was never dropped")
			talker.ok(protocol.Say{Channel: game.ChannelPublic, Text: text})
		}
		require.Positive(t, tooSlow(e.srv), "dropped for another reason")
		// Nobody was held up: the talker's every line was acked, and a new
		// spectator is welcomed at once.
		late := e.dial(nil)
		late.send(protocol.Watch{Lobby: tb.code})
		late.welcome()
	})
}

func tooSlow(s *Server) int64 {
	return int64(testutil.ToFloat64(s.metrics.refusals.WithLabelValues(string(protocol.CodeTooSlow))))
}
