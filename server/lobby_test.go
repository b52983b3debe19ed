package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
)

// TestBadInput sends each kind of bad input into a running game and
// checks that it gets its documented code (or close code), that the
// lobby's journal did not move, and that the other delegates received
// nothing and can still act.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	tb := e.table(8, quickSettings())
	other := e.create("Olga", nil) // another lobby, for its token
	tb.start()
	// Purge a delegate who is neither Kirov (that would end the game) nor
	// needed below, so that a purged delegate can try to act.
	roles := tb.roles()
	purged := -1
	for seat, r := range roles {
		if r != game.Kirov && tb.bySeat(seat) != tb.clients[0] {
			purged = seat
			break
		}
	}
	require.GreaterOrEqual(t, purged, 0)
	for _, c := range tb.clients {
		if c.seat != purged {
			c.ok(protocol.Act{Kind: game.CmdDenounce, Target: purged})
		}
	}
	for _, c := range tb.clients {
		c.ok(protocol.Act{Kind: game.CmdReady})
	}
	tb.clients[0].ok(protocol.Act{Kind: game.CmdEndPhase}) // Defence → Vote
	for _, c := range tb.clients {
		if c.seat != purged {
			c.ok(protocol.Act{Kind: game.CmdPurgeVote, Purge: true})
		}
	}
	for _, c := range tb.clients {
		c.sync()
		require.Equal(t, game.PhaseConfession, c.view.View.Phase)
		require.False(t, c.view.View.Seats[purged].Alive)
	}
	victim := tb.bySeat(purged)
	actor := tb.clients[1]
	if actor == victim {
		actor = tb.clients[2]
	}

	tests := []struct {
		name      string
		by        func() *client
		send      string               // raw message
		msg       protocol.Client      // or a message
		wantCode  protocol.Code        // refusal code, or
		wantClose websocket.StatusCode // close status
	}{
		{name: "malformed json", send: `{"v":1,"type":"act","kind":`, wantCode: protocol.CodeBadMessage},
		{name: "not an object", send: `"hello"`, wantCode: protocol.CodeBadMessage},
		{name: "unknown type", send: `{"v":1,"type":"abdicate","id":1}`, wantCode: protocol.CodeUnknownType},
		{name: "wrong version", send: `{"v":7,"type":"act","kind":"ready"}`, wantCode: protocol.CodeVersion},
		{name: "acting for another seat", send: `{"v":1,"type":"act","id":2,"kind":"denounce","target":1,"seat":3}`, wantCode: protocol.CodeBadMessage},
		{name: "act without kind", send: `{"v":1,"type":"act","id":4,"target":0}`, wantCode: protocol.CodeBadMessage},
		{name: "act without target", by: func() *client { return victim }, send: `{"v":1,"type":"act","id":5,"kind":"confess"}`, wantCode: protocol.CodeBadMessage},
		{name: "say without channel", send: `{"v":1,"type":"say","id":6,"text":"to whom?"}`, wantCode: protocol.CodeBadMessage},
		{name: "request without id", send: `{"v":1,"type":"say","channel":"public","text":"hello"}`, wantCode: protocol.CodeBadMessage},
		{name: "unknown kind", send: `{"v":1,"type":"act","id":7,"kind":"bogus"}`, wantCode: game.CodeBadCommand},
		{name: "keys in capitals", send: `{"v":1,"type":"say","id":8,"CHANNEL":"public","text":"hello"}`, wantCode: protocol.CodeBadMessage},
		{name: "unknown target", by: func() *client { return victim }, msg: protocol.Act{Kind: game.CmdConfess, Target: 11}, wantCode: game.CodeUnknownSeat},
		{name: "target purged", msg: protocol.Act{Kind: game.CmdReady}, wantCode: game.CodeWrongPhase},
		{name: "wrong phase", msg: protocol.Act{Kind: game.CmdDenounce, Target: 0}, wantCode: game.CodeWrongPhase},
		{name: "not your turn", msg: protocol.Act{Kind: game.CmdConfess, Target: 0}, wantCode: game.CodeNotYourTurn},
		{name: "purged delegate acting", by: func() *client { return victim }, msg: protocol.Act{Kind: game.CmdReady}, wantCode: game.CodePurged},
		{name: "host command by non-host", msg: protocol.Act{Kind: game.CmdPause}, wantCode: protocol.CodeNotHost},
		{name: "host action by non-host", msg: protocol.Host{Action: protocol.HostStart}, wantCode: protocol.CodeNotHost},
		{name: "chat on a closed channel", msg: protocol.Say{Channel: game.ChannelSpectators, Text: "hi"}, wantCode: protocol.CodeChannelClosed},
		{name: "chat too long", send: `{"v":1,"type":"say","id":3,"channel":"public","text":"` + strings.Repeat("x", protocol.MaxChatRunes+1) + `"}`, wantCode: protocol.CodeBadChat},
		{name: "second hello", msg: protocol.Join{Lobby: tb.code, Name: "Zed"}, wantCode: protocol.CodeAlreadyIn},
		{name: "oversized message", send: `{"v":1,"type":"say","channel":"public","text":"` + strings.Repeat("x", protocol.MaxMessageBytes) + `"}`, wantClose: websocket.StatusMessageTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			by := actor
			if tt.by != nil {
				by = tt.by()
			}
			before := len(e.records(tb.code))
			if tt.send != "" {
				by.sendRaw(tt.send)
			} else {
				by.send(tt.msg)
			}
			if tt.wantClose != 0 {
				status, _ := by.expectClose()
				assert.Equal(t, tt.wantClose, status)
				actor = tb.clients[3] // the closed connection is done
				if actor == victim {
					actor = tb.clients[4]
				}
			} else {
				r := by.expectError(tt.wantCode)
				assert.NotEmpty(t, r.Message)
				by.quiet()
			}
			assert.Equal(t, before, len(e.records(tb.code)), "the lobby changed")
			for _, c := range tb.clients {
				if c != by && c.conn.Err() == nil {
					if tt.wantClose != 0 {
						c.unmoved() // they see the connection go
					} else {
						c.quiet()
					}
				}
			}
		})
	}

	t.Run("another lobby's token", func(t *testing.T) {
		c := e.dial(nil)
		c.send(protocol.Resume{Lobby: tb.code, Token: other.Token})
		c.expectError(protocol.CodeBadToken)
		c.send(protocol.Act{Kind: game.CmdReady})
		c.expectError(protocol.CodeNotIdentified)
	})
	t.Run("a token for nothing", func(t *testing.T) {
		c := e.dial(nil)
		c.send(protocol.Resume{Lobby: tb.code, Token: strings.Repeat("A", protocol.TokenLength)})
		c.expectError(protocol.CodeBadToken)
	})
	t.Run("joining a started lobby", func(t *testing.T) {
		before := len(e.records(tb.code))
		c := e.dial(nil)
		c.send(protocol.Join{Lobby: tb.code, Name: "Zed"})
		c.expectError(protocol.CodeGameStarted)
		assert.Equal(t, before, len(e.records(tb.code)))
	})
	t.Run("unknown lobby", func(t *testing.T) {
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: "ZZZZZZ"})
		c.expectError(protocol.CodeUnknownLobby)
	})

	// After all of it the game goes on: the victim confesses, and everyone
	// else sees it.
	victim.ok(protocol.Act{Kind: game.CmdConfess, Target: actor.seat})
	for _, c := range tb.clients {
		if c.conn.Err() == nil {
			c.sync()
			assert.Equal(t, game.PhaseNight, c.view.View.Phase)
		}
	}
}

func TestActingIsForOwnSeatOnly(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	a, b := tb.clients[1], tb.clients[2]
	got := a.ok(protocol.Act{Kind: game.CmdDenounce, Target: b.seat})
	g := lastGame(t, got)
	require.NotNil(t, g)
	require.Len(t, g.Log, 1)
	assert.Equal(t, game.EvDenounced, g.Log[0].Kind)
	assert.Equal(t, a.seat, g.Log[0].Seat, "the command acted for the sender's seat")
	assert.Equal(t, b.seat, g.View.Seats[a.seat].Denounces)
	for _, s := range g.View.Seats {
		if s.Seat != a.seat {
			assert.Equal(t, game.NoSeat, s.Denounces, "seat %d", s.Seat)
		}
	}
}

func TestNames(t *testing.T) {
	e := newEnv(t)
	tb := e.table(2, nil)
	tb.clients[0].ok(protocol.Host{Action: protocol.HostAddBot}) // "Postyshev"
	for _, c := range tb.clients {
		c.sync()
	}
	tests := []struct {
		name string
		raw  string
		code protocol.Code
	}{
		{"duplicate", "Boris", protocol.CodeNameTaken},
		{"duplicate in another case", "bORIS", protocol.CodeNameTaken},
		{"duplicate with spaces", "  Anna ", protocol.CodeNameTaken},
		{"look-alike in Cyrillic", "\u0412\u043eris", protocol.CodeNameTaken},
		{"a bot's name", "postyshev", protocol.CodeNameTaken},
		{"look-alike of a bot", "\u0420\u043estyshev", protocol.CodeNameTaken},
		{"empty", "", protocol.CodeBadName},
		{"blank", "   ", protocol.CodeBadName},
		{"Hangul filler", "\u3164", protocol.CodeBadName},
		{"braille blank", "\u2800", protocol.CodeBadName},
		{"combining marks only", "\u0301\u0301", protocol.CodeBadName},
		{"line separator", "Ze\u2028d", protocol.CodeBadName},
		{"control character", "Bo\u0007ris", protocol.CodeBadName},
		{"too long", strings.Repeat("я", protocol.MaxNameRunes+1), protocol.CodeBadName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.records(tb.code))
			c := e.dial(nil)
			c.send(protocol.Join{Lobby: tb.code, Name: tt.raw})
			c.expectError(tt.code)
			assert.Equal(t, before, len(e.records(tb.code)))
			for _, o := range tb.clients {
				o.quiet()
			}
		})
	}

	t.Run("an emoji sequence", func(t *testing.T) {
		c := e.dial(nil)
		c.send(protocol.Join{Lobby: tb.code, Name: "👨‍👩‍👧"})
		c.welcome()
		var names []string
		for _, m := range tb.replayed(tb.code).Members {
			names = append(names, m.Name)
		}
		assert.Contains(t, names, "👨‍👩‍👧")
	})
	t.Run("the host's name over HTTP", func(t *testing.T) {
		for _, name := range []string{"\u3164", "\u2800", "\u0301", "An\u2028na", "An\xffna"} {
			body, _ := json.Marshal(protocol.CreateLobby{Name: name})
			res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", bytes.NewReader(body))
			require.NoError(t, err)
			var p protocol.Problem
			require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
			res.Body.Close()
			assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%q", name)
			assert.Equal(t, protocol.CodeBadName, p.Code, "%q", name)
		}
		e.create("👨‍👩‍👧", nil)
	})
}

func TestLobbyFull(t *testing.T) {
	e := newEnv(t)
	tb := e.table(game.MaxSeats, nil)
	c := e.dial(nil)
	c.send(protocol.Join{Lobby: tb.code, Name: "Zed"})
	c.expectError(protocol.CodeLobbyFull)
	tb.clients[0].refused(protocol.Host{Action: protocol.HostAddBot}, protocol.CodeLobbyFull)
	for _, o := range tb.clients {
		o.quiet()
	}
}

func TestFlood(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		d := DefaultLimits()
		o.Limits.MessagesPerSecond, o.Limits.MessageBurst = d.MessagesPerSecond, d.MessageBurst
	})
	tb := e.table(5, quickSettings())
	tb.start()
	flooder := tb.clients[1]
	before := len(e.records(tb.code))
	// 200 messages at once: the first burst is served (refused by the
	// rules: Ready twice), then rate_limited, then the connection closes.
	for i := range 200 {
		if flooder.ws.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Act{ID: int64(i + 1), Kind: game.CmdUnready})) != nil {
			break
		}
	}
	var limited int
	status, closing := func() (websocket.StatusCode, *protocol.Closing) {
		for {
			select {
			case m := <-flooder.in:
				if m.Type == protocol.TypeError {
					var r protocol.Refused
					decode(t, m, &r)
					if r.Code == protocol.CodeRateLimited {
						limited++
					}
				}
				if m.Type == protocol.TypeClosing {
					var c protocol.Closing
					decode(t, m, &c)
					for len(flooder.in) > 0 {
						<-flooder.in
					}
					<-flooder.closed
					return flooder.conn.CloseStatus(), &c
				}
			case <-flooder.closed:
				if len(flooder.in) > 0 {
					continue
				}
				return flooder.conn.CloseStatus(), nil
			case <-time.After(10 * time.Second):
				t.Fatal("flood not stopped")
			}
		}
	}()
	assert.Greater(t, limited, 0, "no rate_limited refusal")
	assert.Equal(t, websocket.StatusPolicyViolation, status)
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeRateLimited, closing.Code)
	assert.Equal(t, before, len(e.records(tb.code)))
	for _, c := range tb.clients[2:] {
		c.unmoved()
	}
	// The others still play; the flooder's seat is held and resumes.
	tb.clients[2].ok(protocol.Act{Kind: game.CmdReady})
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: flooder.token})
	w := back.welcome()
	require.NotNil(t, w.Game)
	assert.Equal(t, flooder.seat, w.Game.View.You.Seat)
}

func TestResume(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	a := tb.clients[2]
	a.ok(protocol.Act{Kind: game.CmdDenounce, Target: tb.clients[3].seat})
	a.ws.CloseNow()
	<-a.closed

	// The others see the delegate disconnected, seat kept.
	m, _ := tb.clients[0].until(protocol.TypeLobby)
	var lv protocol.Lobby
	decode(t, m, &lv)
	for _, mem := range lv.Members {
		if mem.ID == a.you {
			assert.False(t, mem.Connected)
			assert.Equal(t, a.seat, mem.Seat)
		}
	}

	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: strings.ToLower(tb.code), Token: a.token})
	w := back.welcome()
	assert.Empty(t, w.Token, "a resume does not send the token again")
	assert.Equal(t, a.you, w.You)
	require.NotNil(t, w.Game)
	require.NotNil(t, w.Game.View.You)
	assert.Equal(t, a.seat, w.Game.View.You.Seat)
	assert.Equal(t, tb.clients[3].seat, w.Game.View.Seats[a.seat].Denounces)
	assert.NotEmpty(t, w.Game.Log)
	assert.False(t, w.Game.Now.IsZero())
	assert.False(t, w.Game.View.Deadline.IsZero(), "the view carries the deadline")

	// A second connection with the same token replaces the first.
	again := e.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: a.token})
	again.welcome()
	_, closing := back.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeReplaced, closing.Code)
	again.ok(protocol.Act{Kind: game.CmdWithdraw})
}

func TestSpectators(t *testing.T) {
	e := newEnv(t)
	s := quickSettings()
	s.MaxSpectators = 2
	tb := e.table(5, s)
	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code, Name: "Olga"})
	w := spec.welcome()
	assert.True(t, w.Spectator)
	assert.Empty(t, w.Token)
	spec2 := e.dial(nil)
	spec2.send(protocol.Watch{Lobby: tb.code})
	spec2.welcome()
	full := e.dial(nil)
	full.send(protocol.Watch{Lobby: tb.code})
	full.expectError(protocol.CodeGalleryFull)

	// The spectator count reaches the delegates (at most once a second).
	require.Eventually(t, func() bool {
		for {
			select {
			case m := <-tb.clients[1].in:
				if m.Type == protocol.TypeLobby {
					var lv protocol.Lobby
					decode(t, m, &lv)
					if lv.Spectators == 2 {
						return true
					}
				}
			default:
				return false
			}
		}
	}, 3*time.Second, 50*time.Millisecond)
	for _, c := range append(tb.clients, spec, spec2) {
		c.sync()
	}

	// The spectators' own chat reaches spectators only.
	spec.ok(protocol.Say{Channel: game.ChannelSpectators, Text: "who is Kirov?"})
	m, _ := spec2.until(protocol.TypeChat)
	var line protocol.ChatLine
	decode(t, m, &line)
	assert.Equal(t, "Olga", line.Name)
	assert.Equal(t, "", line.From)
	for _, c := range tb.clients {
		c.quiet()
	}
	spec.refused(protocol.Say{Channel: game.ChannelPublic, Text: "hello delegates"}, protocol.CodeChannelClosed)
	spec.refused(protocol.Act{Kind: game.CmdReady}, protocol.CodeNotSeated)
	spec.refused(protocol.Host{Action: protocol.HostStart}, protocol.CodeNotHost)

	// Delegates' public chat reaches spectators.
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "welcome, comrades"})
	m, _ = spec.until(protocol.TypeChat)
	decode(t, m, &line)
	assert.Equal(t, "welcome, comrades", line.Text)

	// During the game spectators see the public view only.
	tb.start()
	g := spec.game()
	assert.Nil(t, g.View.You)
	for _, sv := range g.View.Seats {
		assert.Equal(t, game.NoRole, sv.Role)
		assert.Equal(t, game.NoFaction, sv.Faction)
	}
	assert.Empty(t, g.View.Actions)

	// A late spectator gets the chat tail without the spectators' lines
	// hidden from it, and no delegate secrets.
	spec2.ok(protocol.Leave{})
	late := e.dial(nil)
	late.send(protocol.Watch{Lobby: tb.code})
	w = late.welcome()
	require.NotNil(t, w.Game)
	var texts []string
	for _, l := range w.Chat {
		texts = append(texts, l.Text)
	}
	assert.Equal(t, []string{"who is Kirov?", "welcome, comrades"}, texts)

	// Delegates' Welcome never carries the spectators' chat.
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: tb.clients[1].token})
	w = back.welcome()
	texts = nil
	for _, l := range w.Chat {
		texts = append(texts, l.Text)
	}
	assert.Equal(t, []string{"welcome, comrades"}, texts)
}

func TestSpectatorDelay(t *testing.T) {
	e := newEnv(t)
	s := quickSettings()
	s.SpectatorsSeeRoles, s.SpectatorDelay = true, 1
	tb := e.table(5, s)
	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code})
	w := spec.welcome()
	spec.ok(protocol.Knock{Name: "Olga"})
	tb.clients[0].ok(protocol.Host{Action: protocol.HostAdmit, Spectator: w.Gallery})
	spec.sync()
	gallery := e.dial(nil) // not admitted: the public record, live
	gallery.send(protocol.Watch{Lobby: tb.code})
	gw := gallery.welcome()
	gallery.sync()
	tb.clients[0].ok(protocol.Host{Action: protocol.HostStart})
	started := time.Now()
	live := gallery.game()
	assert.Less(t, time.Since(started), 900*time.Millisecond, "the gallery not admitted is held back")
	assert.Zero(t, rolesShown(live.View))
	g := spec.game()
	assert.GreaterOrEqual(t, time.Since(started), 900*time.Millisecond, "the spectators' stream is delayed")
	roles := 0
	for _, sv := range g.View.Seats {
		if sv.Role != game.NoRole {
			roles++
		}
	}
	assert.Equal(t, 5, roles, "admitted spectators see every role with this setting")

	// Public chat is delayed too; the spectators' own is not.
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "now"})
	said := time.Now()
	m, _ := gallery.until(protocol.TypeChat)
	assert.Less(t, time.Since(said), 900*time.Millisecond, "the gallery not admitted hears the public chat late")
	m, _ = spec.until(protocol.TypeChat)
	assert.GreaterOrEqual(t, time.Since(said), 900*time.Millisecond)
	assert.Contains(t, string(m.Raw), `"now"`)
	spec.ok(protocol.Say{Channel: game.ChannelSpectators, Text: "fast"})

	// Admitted later, the gallery joins the stream behind the delay: its
	// game again with every role, and no line twice.
	tb.clients[1].ok(protocol.Say{Channel: game.ChannelPublic, Text: "once"})
	for m, _ = gallery.until(protocol.TypeChat); !strings.Contains(string(m.Raw), `"once"`); m, _ = gallery.until(protocol.TypeChat) {
	}
	gallery.ok(protocol.Knock{Name: "Pyotr"})
	tb.clients[0].ok(protocol.Host{Action: protocol.HostAdmit, Spectator: gw.Gallery})
	assert.Equal(t, 5, rolesShown(gallery.game().View))
	time.Sleep(1200 * time.Millisecond) // the held lines are released
	for _, got := range gallery.sync() {
		assert.NotContains(t, string(got.Raw), `"once"`, "a line heard twice")
	}
}

func TestChatChannels(t *testing.T) {
	e := newEnv(t)
	tb := e.table(7, quickSettings())
	tb.clients[3].ok(protocol.Say{Channel: game.ChannelPublic, Text: "before the game"})
	tb.clients[3].refused(protocol.Say{Channel: game.ChannelPlotters, Text: "plot"}, protocol.CodeChannelClosed)
	for _, c := range tb.clients {
		if c != tb.clients[3] {
			m, _ := c.until(protocol.TypeChat)
			assert.Contains(t, string(m.Raw), "before the game")
		}
	}
	tb.start()
	roles := tb.roles()
	// Into the Night: the Plotters' channel opens, public chat closes.
	for _, c := range tb.clients {
		c.ok(protocol.Act{Kind: game.CmdReady})
	}
	var plotter, loyalist *client
	for seat, r := range roles {
		if r.Faction() == game.Plotters && plotter == nil {
			plotter = tb.bySeat(seat)
		}
		if r.Faction() == game.Loyalists && loyalist == nil {
			loyalist = tb.bySeat(seat)
		}
	}
	for _, c := range tb.clients {
		c.sync()
	}
	loyalist.refused(protocol.Say{Channel: game.ChannelPublic, Text: "at night"}, protocol.CodeChannelClosed)
	loyalist.refused(protocol.Say{Channel: game.ChannelPlotters, Text: "let me in"}, protocol.CodeChannelClosed)
	own := plotter.ok(protocol.Say{Channel: game.ChannelPlotters, Text: "the letter goes to X"})
	for seat, r := range roles {
		c := tb.bySeat(seat)
		got := c.sync()
		if c == plotter {
			got = own
		}
		if r.Faction() == game.Plotters {
			require.Len(t, got, 1, "seat %d", seat)
			assert.Contains(t, string(got[0].Raw), "the letter goes to X")
		} else {
			assert.Empty(t, types(got), "a Loyalist received the Plotters' channel")
		}
	}
	// The chat tail of a returning Loyalist holds no Plotters' line.
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: loyalist.token})
	w := back.welcome()
	for _, l := range w.Chat {
		assert.NotEqual(t, game.ChannelPlotters, l.Channel)
	}
	// A Plotter's does.
	back2 := e.dial(nil)
	back2.send(protocol.Resume{Lobby: tb.code, Token: plotter.token})
	w = back2.welcome()
	assert.Contains(t, chatTexts(w.Chat), "the letter goes to X")
}

func chatTexts(lines []protocol.ChatLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Text)
	}
	return out
}

func TestHost(t *testing.T) {
	e := newEnv(t)
	tb := e.table(4, quickSettings())
	host, b, c, d := tb.clients[0], tb.clients[1], tb.clients[2], tb.clients[3]

	// Settings, public listing, bots.
	s := quickSettings()
	s.Threshold = 3
	host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s})
	host.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
	got := host.ok(protocol.Host{Action: protocol.HostAddBot, Strength: "easy"})
	lv := *lastLobby(t, got)
	assert.Equal(t, lv, *lastLobby(t, b.sync()), "everyone sees the same lobby")
	assert.Equal(t, 3, lv.Settings.Threshold)
	assert.True(t, lv.Public)
	require.Len(t, lv.Members, 5)
	bot := lv.Members[4]
	assert.True(t, bot.Bot)
	assert.Equal(t, "easy", bot.Strength)
	assert.Equal(t, "Postyshev", bot.Name)
	assert.True(t, lv.CanStart)
	assert.Equal(t, protocol.ByTable{Plotters: 2, Sessions: 4}, lv.ByTable, "what 0 means with five seated")

	// Kick: the kicked delegate is told and closed.
	host.ok(protocol.Host{Action: protocol.HostKick, Member: d.you})
	_, closing := d.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeKicked, closing.Code)
	// Their token no longer opens anything: it is refused as kicked.
	again := e.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: d.token})
	again.expectError(protocol.CodeKicked)

	host.refused(protocol.Host{Action: protocol.HostKick, Member: host.you}, protocol.CodeBadMessage)
	host.refused(protocol.Host{Action: protocol.HostKick, Member: "d99"}, protocol.CodeUnknownMember)
	host.refused(protocol.Host{Action: protocol.HostStart}, protocol.CodeCannotStart) // 4 seated
	host.ok(protocol.Host{Action: protocol.HostRemoveBot, Member: bot.ID})

	// Hand the host over; the old host is refused.
	host.ok(protocol.Host{Action: protocol.HostMakeHost, Member: b.you})
	host.refused(protocol.Host{Action: protocol.HostPublic}, protocol.CodeNotHost)
	// The new host leaves: the next human becomes host.
	b.ok(protocol.Leave{})
	b.expectClose()
	assert.Equal(t, c.you, lastLobby(t, c.sync()).Host)
}

func TestAbsentHostHandsOver(t *testing.T) {
	clock := gavelClock()
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	tb := e.table(3, nil)
	tb.clients[0].ws.CloseNow()
	tb.clients[1].awaitAway(tb.clients[0].you)
	clock.add(protocol.DefaultHostAwaySeconds * time.Second)
	var lv protocol.Lobby
	require.Eventually(t, func() bool {
		select {
		case m := <-tb.clients[1].in:
			if m.Type == protocol.TypeLobby {
				decode(t, m, &lv)
			}
		default:
		}
		return lv.Host == tb.clients[1].you
	}, 5*time.Second, 10*time.Millisecond)
}

func TestBotSeat(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host, away := tb.clients[0], tb.clients[4]
	host.refused(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true}, protocol.CodeNotAbsent)
	away.ws.CloseNow()
	<-away.closed
	// The lobby hears of the closed connection when the server reads it:
	// wait for that, not for the client's side.
	host.awaitAway(away.you)
	host.sync()
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true})
	var lv protocol.Lobby
	m, _ := tb.clients[1].until(protocol.TypeLobby)
	decode(t, m, &lv)
	for lv.Members[4].BotPlays == false {
		m, _ = tb.clients[1].until(protocol.TypeLobby)
		decode(t, m, &lv)
	}
	assert.Equal(t, away.seat, lv.Members[4].Seat)
	// The bot plays the seat: it presses Ready in the Debate.
	require.Eventually(t, func() bool {
		return e.replayed(tb.code).Match.Game.View(game.Spectator).Seats[away.seat].Ready
	}, 5*time.Second, 20*time.Millisecond)
	// The delegate comes back and takes the seat again.
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	w := back.welcome()
	assert.Equal(t, away.seat, w.Game.View.You.Seat)
	for _, mem := range w.Lobby.Members {
		if mem.ID == away.you {
			assert.False(t, mem.BotPlays)
		}
	}
}

// TestBotsPlayToTheEnd: a host and bots play a whole game with one-second
// timers and a rematch.
func TestBotsPlayToTheEnd(t *testing.T) {
	e := newEnv(t)
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	tb := e.table(1, &s)
	host := tb.clients[0]
	for range 6 {
		host.ok(protocol.Host{Action: protocol.HostAddBot})
	}
	host.ok(protocol.Host{Action: protocol.HostStart})
	deadline := time.After(60 * time.Second)
	for {
		select {
		case <-deadline:
			t.Fatal("the game did not end")
		default:
		}
		g := host.game()
		if g.View.Phase == game.PhaseOver {
			assert.NotEqual(t, game.NoFaction, g.View.Winner)
			break
		}
		if g.View.Phase != game.PhaseDebate && g.View.Phase != game.PhaseOver {
			// Hurry the game along.
			host.send(protocol.Act{Kind: game.CmdEndPhase})
		}
	}
	lv := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostRematch}))
	require.NotNil(t, lv)
	assert.Equal(t, protocol.LobbyOpen, lv.State)
	assert.Len(t, lv.Members, 7)
	assert.True(t, lv.CanStart)
}

func TestJournalFailure(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	a, b := tb.clients[1], tb.clients[2]
	before := e.replayed(tb.code).Match.Game.View(game.Spectator)
	n := len(e.records(tb.code))

	e.journal.fail.Store(true)
	a.refused(protocol.Act{Kind: game.CmdDenounce, Target: b.seat}, protocol.CodeServerBusy)
	a.refused(protocol.Say{Channel: game.ChannelPublic, Text: "hello"}, protocol.CodeServerBusy)
	tb.clients[0].refused(protocol.Host{Action: protocol.HostPublic, Public: true}, protocol.CodeServerBusy)
	c := e.dial(nil)
	c.send(protocol.Join{Lobby: tb.code, Name: "Zed"})
	c.expectError(protocol.CodeGameStarted)
	after := e.replayed(tb.code).Match.Game.View(game.Spectator)
	assert.Equal(t, before, after, "nothing changed")
	assert.Equal(t, n, len(e.records(tb.code)))
	for _, o := range tb.clients {
		o.quiet()
	}

	// The journal is back: the same command now goes through, nothing of
	// the refused attempt left behind.
	e.journal.fail.Store(false)
	got := a.ok(protocol.Act{Kind: game.CmdDenounce, Target: b.seat})
	require.NotNil(t, lastGame(t, got))
	a.ok(protocol.Act{Kind: game.CmdWithdraw})
}

func TestShutdownTellsClientsToReconnect(t *testing.T) {
	e := newEnv(t)
	tb := e.table(2, nil)
	spec := e.dial(nil)
	spec.send(protocol.Watch{Lobby: tb.code})
	spec.welcome()
	idle := e.dial(nil) // never said who it is
	require.NoError(t, e.srv.Close(t.Context()))
	for _, c := range append(tb.clients, spec, idle) {
		status, closing := c.expectClose()
		assert.Equal(t, websocket.StatusGoingAway, status)
		require.NotNil(t, closing)
		assert.Equal(t, protocol.CodeReconnect, closing.Code)
	}
}

func TestIdleLobbyCloses(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.IdleLobby = 200 * time.Millisecond })
	cr := e.create("Anna", nil)
	require.Eventually(t, func() bool { return e.srv.lobbies.get(cr.Code) == nil }, 3*time.Second, 20*time.Millisecond)
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	c.expectError(protocol.CodeUnknownLobby)
}

// TestBotNames: bots sit under names of delegates of the period, each
// unused in the lobby.
func TestBotNames(t *testing.T) {
	e := newEnv(t)
	tb := e.table(1, nil)
	host := tb.clients[0]
	seen := map[string]bool{}
	for range 4 {
		got := host.ok(protocol.Host{Action: protocol.HostAddBot})
		lv := *lastLobby(t, got)
		bot := lv.Members[len(lv.Members)-1]
		require.True(t, bot.Bot)
		assert.False(t, seen[bot.Name], "%s given twice", bot.Name)
		assert.NotContains(t, bot.Name, "Bot")
		seen[bot.Name] = true
	}
	assert.True(t, seen["Postyshev"] && seen["Kosior"], "the first names of the period: %v", seen)
}

// TestFloodGoodbyeToASlowReader: a flooder that reads nothing for a
// while after it is closed still finds the goodbye and the close frame
// waiting: the unread flood does not reset the line before it reads.
func TestFloodGoodbyeToASlowReader(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		d := DefaultLimits()
		o.Limits.MessagesPerSecond, o.Limits.MessageBurst = d.MessagesPerSecond, d.MessageBurst
	})
	ws, err := wsclient.Dial(t.Context(), e.http.URL, nil, 0)
	require.NoError(t, err)
	defer ws.CloseNow()
	for i := range 400 {
		if ws.Write(t.Context(), websocket.MessageText, protocol.EncodeClient(protocol.Act{ID: int64(i + 1), Kind: game.CmdReady})) != nil {
			break
		}
	}
	time.Sleep(300 * time.Millisecond) // the client reads nothing meanwhile
	var closing *protocol.Closing
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		_, data, err := ws.Read(ctx)
		cancel()
		if err != nil {
			assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "%v", err)
			break
		}
		m := msg{Raw: data}
		require.NoError(t, json.Unmarshal(data, &m))
		if m.Type == protocol.TypeClosing {
			closing = new(protocol.Closing)
			decode(t, m, closing)
		}
	}
	require.NotNil(t, closing, "the goodbye was lost")
	assert.Equal(t, protocol.CodeRateLimited, closing.Code)
}
