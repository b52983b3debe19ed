package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestProtocolGames runs the real binary and plays one lobby through four
// games over WebSocket, one to each win condition, with 7 delegates and 2
// spectators. The delegates' clients steer the game only with what their
// own messages told them (the Plotters know their bloc and Kirov); every
// message every connection received is then audited against RULES.md §5.
// One delegate drops and resumes its seat with its token mid-game.
func TestProtocolGames(t *testing.T) {
	t.Parallel()
	srv := startWireServer(t)

	// Long timers: the clients drive every phase (Ready, votes, the host's
	// end_phase); the last game lets a one-second timer run out.
	cfg := game.DefaultConfig()
	for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime, &cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime} {
		*d = 10 * time.Minute
	}
	cfg.PlotterChat = game.PlotterChatNight
	settings := protocol.SettingsOf(cfg, 10)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &settings})

	names := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"}
	host := dialWire(t, srv, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	require.Equal(t, created.You, host.you)
	host.token = created.Token
	delegates := []*wireClient{host}
	for _, n := range names[1:] {
		c := dialWire(t, srv, n)
		c.send(protocol.Join{Lobby: created.Code, Name: n})
		c.until(protocol.TypeWelcome)
		require.Len(t, c.token, protocol.TokenLength)
		delegates = append(delegates, c)
	}
	var spectators []*wireClient
	for _, n := range []string{"Olga", "Pyotr"} {
		c := dialWire(t, srv, n)
		c.send(protocol.Watch{Lobby: created.Code, Name: n})
		c.until(protocol.TypeWelcome)
		require.True(t, c.spec)
		spectators = append(spectators, c)
	}
	everyone := func() []*wireClient { return append(slices.Clone(delegates), spectators...) }
	delegates[1].must(protocol.Say{Channel: game.ChannelPublic, Text: "Comrades, welcome."})
	spectators[0].must(protocol.Say{Channel: game.ChannelSpectators, Text: "Who is Kirov?"})

	for i, want := range []game.WinReason{game.KirovPurged, game.Parity, game.KirovStruck, game.KirovElected} {
		t.Logf("game %d: playing for %s", i+1, want)
		if want == game.KirovElected {
			// The Final Ballot of this game ends by its own one-second timer.
			s := settings
			s.FinalBallotSeconds = 1
			host.must(protocol.Host{Action: protocol.HostSettings, Settings: &s})
		}
		host.must(protocol.Host{Action: protocol.HostStart})
		for _, c := range everyone() {
			c.sync()
			require.NotNil(t, c.view, "%s has no game", c.name)
		}
		if i == 0 {
			// A delegate's network drops; it comes back with its token and
			// finds its seat and role.
			c := delegates[3]
			seat, role := c.seat(), c.view.You.Role
			c.ws.CloseNow()
			<-c.done
			// Away, the seat goes to a bot for a while; everyone is told,
			// and back, the delegate alone hears what the bot did (the
			// audit below checks that nobody heard more).
			awaitAway(t, host, c.you)
			host.must(protocol.Host{Action: protocol.HostBotSeat, Member: c.you, Bot: true})
			c.connect(srv)
			c.send(protocol.Resume{Lobby: created.Code, Token: c.token})
			c.until(protocol.TypeWelcome)
			require.NotNil(t, c.view)
			assert.Equal(t, seat, c.seat(), "resumed in another seat")
			assert.Equal(t, role, c.view.You.Role)
			m := c.until(protocol.TypeNotice)
			var told protocol.Notice
			c.decode(m, &told)
			assert.Equal(t, protocol.NoticeWhileAway, told.Kind)
		}
		winner, reason := playFor(t, want, host, delegates, spectators)
		assert.Equal(t, want, reason)
		switch want {
		case game.KirovPurged, game.KirovStruck:
			assert.Equal(t, game.Loyalists, winner)
		default:
			assert.Equal(t, game.Plotters, winner)
		}
		for _, c := range everyone() {
			require.NotNil(t, c.view)
			assert.Equal(t, game.PhaseOver, c.view.Phase, c.name)
			assert.Equal(t, want, c.view.Reason, c.name)
		}
		host.must(protocol.Host{Action: protocol.HostRematch})
		for _, c := range everyone() {
			c.sync()
		}
	}

	for _, c := range everyone() {
		assert.Empty(t, wireAudit(c))
	}
}

// awaitAway reads what c is sent until a lobby shows member away.
func awaitAway(t *testing.T, c *wireClient, member string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.sync()
		msgs := c.messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].Type != protocol.TypeLobby {
				continue
			}
			var l protocol.Lobby
			c.decode(msgs[i], &l)
			for _, m := range l.Members {
				if m.ID == member && !m.Connected {
					return
				}
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never showed %s away", c.name, member)
}

// TestWireAudit: the audit itself catches each kind of leak.
func TestWireAudit(t *testing.T) {
	t.Parallel()
	seedHex := game.SeedOf(7).String()
	loyalistView := `{"type":"game","v":1,"view":{"phase":"debate","seats":[{"seat":0,"name":"A","alive":true,"denounces":-1},{"seat":1,"name":"B","alive":true,"denounces":-1%s}],"you":{"seat":0,"role":"loyalist","faction":"loyalists","alive":true,"choice":-1}},"log":[%s]}`
	tests := []struct {
		name string
		spec bool
		msgs []string
		want int
	}{
		{"clean", false, []string{fmt.Sprintf(loyalistView, "", "")}, 0},
		{"another seat's role", false, []string{fmt.Sprintf(loyalistView, `,"role":"kirov","faction":"plotters"`, "")}, 1},
		{"another seat's vote", false, []string{fmt.Sprintf(loyalistView, "", `{"kind":"vote_cast","seat":1,"target":0,"purge":true}`)}, 1},
		{"the bloc's letter", false, []string{fmt.Sprintf(loyalistView, "", `{"kind":"letter_proposed","seat":1,"target":0}`)}, 1},
		{"the Plotters' channel", false, []string{fmt.Sprintf(loyalistView, "", ""), `{"type":"chat","v":1,"channel":"plotters","from":"d2","name":"B","text":"x"}`}, 1},
		{"the spectators' chat", false, []string{`{"type":"chat","v":1,"channel":"spectators","name":"O","text":"x"}`}, 1},
		{"a spectator's You", true, []string{fmt.Sprintf(loyalistView, "", "")}, 1},
		{"a token elsewhere", false, []string{`{"type":"lobby","v":1,"state":"open","token":"x"}`}, 1},
		{"the seed before the end", false, []string{`{"type":"lobby","v":1,"state":"playing","seed":"` + seedHex + `"}`, strings.Replace(fmt.Sprintf(loyalistView, "", `{"kind":"game_over","seat":-1,"target":-1,"seed":"`+seedHex+`"}`), `"debate"`, `"over"`, 1)}, 1},
		{"the seed at the end", false, []string{strings.Replace(fmt.Sprintf(loyalistView, "", `{"kind":"game_over","seat":-1,"target":-1,"seed":"`+seedHex+`"}`), `"debate"`, `"over"`, 1), `{"type":"lobby","v":1,"state":"over","seed":"` + seedHex + `"}`}, 0},
		{"a faction bare of its role", false, []string{fmt.Sprintf(loyalistView, `,"faction":"plotters"`, "")}, 1},
		{"the bloc exposed in the Last Shot", false, []string{strings.Replace(fmt.Sprintf(loyalistView, `,"faction":"plotters"`, `{"kind":"last_shot","seat":-1,"target":-1,"seats":[1]}`), `"debate"`, `"last_shot"`, 1)}, 0},
		{"a role in the Last Shot", false, []string{strings.Replace(fmt.Sprintf(loyalistView, `,"faction":"plotters","role":"nikolaev"`, `{"kind":"last_shot","seat":-1,"target":-1,"seats":[1]}`), `"debate"`, `"last_shot"`, 1)}, 1},
		{"the Marshal the Army saved", false, []string{fmt.Sprintf(loyalistView, `,"faction":"loyalists","role":"tukhachevsky"`, `{"kind":"army","seat":-1,"target":1}`)}, 0},
		{"another seat's falsification", false, []string{fmt.Sprintf(loyalistView, "", `{"kind":"falsified","seat":1,"target":-1}`)}, 1},
		{"another seat's report", false, []string{fmt.Sprintf(loyalistView, "", `{"kind":"reported","seat":1,"target":0,"faction":"loyalists"}`)}, 1},
		{"Koba's knowledge for a Loyalist", false, []string{strings.Replace(fmt.Sprintf(loyalistView, "", ""), `"choice":-1`, `"choice":-1,"knows":{"of_bloc":[1]}`, 1)}, 1},
		{"Koba sees the bloc", false, []string{strings.Replace(strings.Replace(fmt.Sprintf(loyalistView, `,"faction":"plotters"`, ""), `"choice":-1`, `"choice":-1,"knows":{"of_bloc":[1]}`, 1), `"role":"loyalist"`, `"role":"koba"`, 1)}, 0},
		{"a double's report for a Loyalist", false, []string{strings.Replace(fmt.Sprintf(loyalistView, "", ""), `"choice":-1`, `"choice":-1,"knows":{"reported_as":"plotters"}`, 1)}, 1},
		{"the purged bloc confers in the Last Shot", false, []string{strings.Replace(strings.Replace(fmt.Sprintf(loyalistView, "", ""), `"role":"loyalist","faction":"loyalists","alive":true`, `"role":"plotter","faction":"plotters","alive":false`, 1), `"debate"`, `"last_shot"`, 1), `{"type":"chat","v":1,"channel":"plotters","from":"d2","name":"B","text":"x"}`}, 0},
		{"the purged bloc before the Last Shot", false, []string{strings.Replace(fmt.Sprintf(loyalistView, "", ""), `"role":"loyalist","faction":"loyalists","alive":true`, `"role":"plotter","faction":"plotters","alive":false`, 1), `{"type":"chat","v":1,"channel":"plotters","from":"d2","name":"B","text":"x"}`}, 1},
		{"one's own deeds", false, []string{fmt.Sprintf(loyalistView, "", ""), `{"type":"notice","v":1,"kind":"while_away","message":"x","member":"d1","deeds":[{"kind":"vote_cast","seat":0,"target":1},{"kind":"investigated","seat":0,"target":1,"faction":"plotters"}]}`}, 0},
		{"another seat's deeds", false, []string{fmt.Sprintf(loyalistView, "", ""), `{"type":"notice","v":1,"kind":"while_away","message":"x","member":"d2","deeds":[{"kind":"vote_cast","seat":1,"target":0}]}`}, 1},
		{"deeds to the gallery", true, []string{`{"type":"notice","v":1,"kind":"while_away","message":"x","member":"d2","deeds":[{"kind":"denounced","seat":1,"target":0}]}`}, 1},
		{"a role in a notice", false, []string{`{"type":"notice","v":1,"kind":"seat","message":"x","member":"d2","role":"kirov"}`}, 1},
		{"a review before the end", false, []string{fmt.Sprintf(loyalistView, "", ""), `{"type":"reviewing","v":1,"active":true,"host":"d1","match":"m","step":3,"viewer":"1"}`}, 1},
		{"a review after the end", false, []string{strings.Replace(fmt.Sprintf(loyalistView, "", ""), `"debate"`, `"over"`, 1), `{"type":"reviewing","v":1,"active":true,"host":"d1","match":"m","step":3,"viewer":"1"}`}, 0},
		{"a review's end in the lobby", false, []string{`{"type":"lobby","v":1,"state":"open"}`, `{"type":"reviewing","v":1,"active":false,"step":0}`}, 0},
		{"after the game everything", false, []string{strings.Replace(fmt.Sprintf(loyalistView, `,"role":"kirov","faction":"plotters"`, ""), `"debate"`, `"over"`, 1)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &wireClient{t: t, name: "test", spec: tt.spec}
			for _, raw := range tt.msgs {
				var m wireMsg
				require.NoError(t, json.Unmarshal([]byte(raw), &m))
				m.Raw = []byte(raw)
				c.all = append(c.all, m)
			}
			assert.Len(t, wireAudit(c), tt.want, "%v", wireAudit(c))
		})
	}
}

// playFor plays the current game to the win condition want, each client
// deciding from its own view, and returns how the game ended.
func playFor(t *testing.T, want game.WinReason, host *wireClient, delegates, spectators []*wireClient) (game.Faction, game.WinReason) {
	t.Helper()
	for round := 0; round < 200; round++ {
		for _, c := range append(slices.Clone(delegates), spectators...) {
			c.sync()
		}
		v := host.view
		require.NotNil(t, v)
		if v.Phase == game.PhaseOver {
			return v.Winner, v.Reason
		}
		phase, session := v.Phase, v.Session
		for _, c := range delegates {
			act(t, want, c)
		}
		host.sync()
		if host.view.Phase != phase || host.view.Session != session {
			continue
		}
		if want == game.KirovElected && phase == game.PhaseFinalBallot {
			time.Sleep(200 * time.Millisecond) // its own timer ends it
			continue
		}
		// Nobody else moves this phase on: the host ends it.
		if r := host.do(protocol.Act{Kind: game.CmdEndPhase}); r != nil {
			require.Equal(t, game.CodeGameOver, r.Code, r.Message)
		}
	}
	t.Fatalf("the game for %s did not end", want)
	return game.NoFaction, game.NotOver
}

// act is one client's move in the current phase, from its own view only:
// the Plotters know the bloc and Kirov, nobody knows anything else.
func act(t *testing.T, want game.WinReason, c *wireClient) {
	t.Helper()
	v := c.view
	if v == nil || v.You == nil || !v.You.Alive {
		return
	}
	me := v.You
	plotter := me.Faction == game.Plotters
	// scapegoat is a Loyalist every Plotter names alike: the lowest living
	// seat outside the bloc.
	scapegoat := game.NoSeat
	if plotter {
		for _, s := range v.Seats {
			if s.Alive && !slices.Contains(me.Bloc, s.Seat) {
				scapegoat = s.Seat
				break
			}
		}
	}
	try := func(cmd protocol.Act) {
		if c.may(cmd.Kind) {
			r := c.do(cmd)
			// The phase (or the game) may have moved on under a client that
			// acts last.
			if r != nil && r.Code != game.CodeWrongPhase && r.Code != game.CodeGameOver {
				t.Errorf("%s: %+v refused: %s %s", c.name, cmd, r.Code, r.Message)
			}
		}
	}
	switch v.Phase {
	case game.PhaseDebate:
		switch {
		case want == game.KirovPurged && plotter && me.Role != game.Kirov:
			// The bloc gives up its leader.
			try(protocol.Act{Kind: game.CmdDenounce, Target: *me.Kirov})
		case want == game.Parity && plotter:
			try(protocol.Act{Kind: game.CmdDenounce, Target: scapegoat})
		}
		if !v.Seats[me.Seat].Ready {
			try(protocol.Act{Kind: game.CmdReady})
		}
	case game.PhaseAccusation:
		if len(v.Tied) > 0 {
			try(protocol.Act{Kind: game.CmdChairPick, Target: v.Tied[0]})
		}
	case game.PhaseVote:
		if me.Vote == nil {
			try(protocol.Act{Kind: game.CmdPurgeVote, Purge: true})
		}
	case game.PhaseNight:
		// Yagoda decides first: the bloc's last letter may end the Night.
		if c.may(game.CmdFalsify) {
			try(protocol.Act{Kind: game.CmdFalsify})
		}
		switch {
		case want == game.KirovPurged && plotter && me.Role != game.Kirov:
			// A small bloc's marks alone may not reach the threshold: its
			// letter adds one against Kirov (who proposes none).
			try(protocol.Act{Kind: game.CmdLetter, Target: *me.Kirov})
		case want == game.KirovPurged && plotter:
		case plotter:
			_ = c.do(protocol.Say{Channel: game.ChannelPlotters, Text: "Tonight's letter names the scapegoat."})
			try(protocol.Act{Kind: game.CmdLetter, Target: scapegoat})
		}
		if me.Role == game.Investigator {
			for _, s := range v.Seats {
				if s.Alive && s.Seat != me.Seat {
					try(protocol.Act{Kind: game.CmdInvestigate, Target: s.Seat})
					break
				}
			}
		}
	case game.PhaseFinalBallot:
		switch {
		case want == game.KirovStruck && plotter && me.Role != game.Kirov:
			// Kirov abstains: a strike of his own would tie with the bloc's
			// against him however small the bloc.
			try(protocol.Act{Kind: game.CmdStrike, Target: *me.Kirov})
		case want == game.KirovElected && plotter:
			try(protocol.Act{Kind: game.CmdStrike, Target: scapegoat})
		}
		// Loyalists abstain: they know nothing to strike with.
	}
}
