package server

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// notices are the Notice messages among ms.
func notices(t *testing.T, ms []msg) []protocol.Notice {
	return typed[protocol.Notice](t, ms, protocol.TypeNotice)
}

// notice reads until the next Notice.
func (c *client) notice() protocol.Notice {
	c.t.Helper()
	m, _ := c.until(protocol.TypeNotice)
	var n protocol.Notice
	decode(c.t, m, &n)
	return n
}

// noRoleIn requires that no lobby or notice message among ms names a role
// or a faction, and that no notice tells a seat's deeds to anyone but
// that seat's delegate (seat, game.NoSeat for a spectator).
func noRoleIn(t *testing.T, ms []msg, seat int) {
	t.Helper()
	for _, m := range ms {
		switch m.Type {
		case protocol.TypeLobby, protocol.TypeNotice:
			assert.False(t, bytes.Contains(m.Raw, []byte(`"role"`)) || bytes.Contains(m.Raw, []byte(`"faction":"`)), "a role in %s", m.Raw)
		}
		if m.Type != protocol.TypeNotice {
			continue
		}
		var n protocol.Notice
		decode(t, m, &n)
		for _, e := range n.Deeds {
			assert.Equal(t, seat, e.Seat, "another seat's deed in %s", m.Raw)
		}
	}
}

// gavelClock is a lobby clock at the opening of the Congress.
func gavelClock() *fakeClock {
	return &fakeClock{t: time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)}
}

// TestGavelPassesFromAnAbsentHost: the host's tab closes mid-game; after
// the lobby's host_away_seconds the gavel passes to the next delegate
// present in seat order, which everyone is told; the new host has the
// gavel's powers and the old one not; back, the old host is told once.
func TestGavelPassesFromAnAbsentHost(t *testing.T) {
	clock := gavelClock()
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	tb := e.table(5, quickSettings())
	tb.start()
	host := tb.clients[0]
	skipped := tb.bySeat((host.seat + 1) % 5) // away too: the gavel skips them
	heir := tb.bySeat((host.seat + 2) % 5)
	var others []*client
	for _, c := range tb.clients[1:] {
		if c != skipped && c != heir {
			others = append(others, c)
		}
	}

	skipped.ws.CloseNow()
	heir.awaitAway(skipped.you)
	host.ws.CloseNow()
	heir.awaitAway(host.you)

	clock.add(29 * time.Second)
	heir.sync()
	assert.Equal(t, host.you, e.replayed(tb.code).Host, "the host has 30 s to come back")

	clock.add(2 * time.Second)
	n := heir.notice()
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeGavel, Member: heir.you,
		Message: "The gavel passes to " + testNames[clientIndex(tb, heir)] + ": Anna is away.",
		Event:   protocol.NoticeGavelPassed, Params: map[string]string{"name": testNames[clientIndex(tb, heir)], "from": "Anna"}}, n)
	for _, c := range others {
		assert.Equal(t, n, c.notice(), "everyone is told")
	}
	lv := lastLobby(t, heir.sync())
	if lv == nil {
		lv = heir.lobby
	}
	assert.Equal(t, heir.you, lv.Host)
	st := e.replayed(tb.code)
	assert.Equal(t, heir.you, st.Host, "the passing is a record")
	recs := e.records(tb.code)
	last := recs[len(recs)-1]
	assert.Equal(t, lobby.RecGavelPassed, last.Kind)
	assert.Equal(t, host.you, last.From)

	// The new host holds the gavel: the game pauses at their word.
	heir.ok(protocol.Act{Kind: game.CmdPause})
	heir.ok(protocol.Act{Kind: game.CmdResume})

	// The old host comes back: told once, and no longer the host.
	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: host.token})
	back.welcome()
	told := back.notice()
	assert.Equal(t, protocol.NoticeWhileAway, told.Kind)
	assert.Equal(t, "While you were away the gavel passed to "+testNames[clientIndex(tb, heir)]+", who holds it now.", told.Message)
	back.refused(protocol.Act{Kind: game.CmdPause}, protocol.CodeNotHost)
	back.ws.CloseNow()
	heir.awaitAway(host.you)
	again := e.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: host.token})
	again.welcome()
	assert.Empty(t, notices(t, again.sync()), "told once")
	for _, c := range tb.clients[1:] {
		if c != skipped {
			noRoleIn(t, c.sync(), c.seat)
		}
	}
}

// clientIndex is the place of c among the table's clients, which is its
// name's in testNames.
func clientIndex(tb *table, c *client) int {
	for i, x := range tb.clients {
		if x == c {
			return i
		}
	}
	tb.t.Fatalf("no such client")
	return -1
}

// TestGavelByHand: the host hands the gavel on during a game; a delegate
// who is not the host may not, nor may the gavel go to a bot.
func TestGavelByHand(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	host, boris, clara := tb.clients[0], tb.clients[1], tb.clients[2]
	bot := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostAddBot})).Members[5]
	require.True(t, bot.Bot)
	tb.start()

	boris.refused(protocol.Host{Action: protocol.HostMakeHost, Member: clara.you}, protocol.CodeNotHost)
	host.refused(protocol.Host{Action: protocol.HostMakeHost, Member: bot.ID}, protocol.CodeUnknownMember)
	assert.Equal(t, host.you, e.replayed(tb.code).Host, "a refusal changes nothing")

	host.ok(protocol.Host{Action: protocol.HostMakeHost, Member: clara.you})
	n := boris.notice()
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeGavel, Member: clara.you, Message: "Clara now holds the gavel.", Event: protocol.NoticeHostChanged, Params: map[string]string{"name": "Clara"}}, n)
	clara.ok(protocol.Act{Kind: game.CmdPause})
	host.refused(protocol.Act{Kind: game.CmdResume}, protocol.CodeNotHost)
}

// TestKickedStaysOut: a delegate kicked during a game is told in words,
// a bot plays the seat without a word of its role, and neither the kicked
// pass nor the browser that held it (under a new name) is let back in.
func TestKickedStaysOut(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host, kicked, watcher := tb.clients[0], tb.clients[4], tb.clients[1]

	host.ok(protocol.Host{Action: protocol.HostKick, Member: kicked.you})
	_, closing := kicked.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeKicked, closing.Code)
	assert.Equal(t, lobby.KickedMessage, closing.Message)

	seen := watcher.sync()
	var said []string
	for _, n := range notices(t, seen) {
		said = append(said, n.Message)
	}
	assert.Equal(t, []string{"A bot now plays Elena's seat.", "The host has removed Elena from the Congress. A bot plays the seat to the end; its file stays sealed."}, said)
	noRoleIn(t, seen, watcher.seat)
	lv := lastLobby(t, seen)
	require.NotNil(t, lv)
	for _, m := range lv.Members {
		if m.ID == kicked.you {
			assert.True(t, m.BotPlays && m.Gone, "%+v", m)
		}
	}

	// The pass: refused as kicked, in words.
	c := e.dial(nil)
	c.send(protocol.Resume{Lobby: tb.code, Token: kicked.token})
	r := c.expectError(protocol.CodeKicked)
	assert.Equal(t, lobby.KickedMessage, r.Message)
	// The same browser under a new name: refused as kicked too, before
	// anything else (the game's running, the name).
	c.send(protocol.Join{Lobby: tb.code, Name: "Elena the Second", Former: kicked.token})
	c.expectError(protocol.CodeKicked)
}

// TestKickedBetweenGames: between games the bar holds as well; another
// browser (no former pass) may join.
func TestKickedBetweenGames(t *testing.T) {
	e := newEnv(t)
	tb := e.table(3, quickSettings())
	host, kicked := tb.clients[0], tb.clients[2]
	host.ok(protocol.Host{Action: protocol.HostKick, Member: kicked.you})
	kicked.expectClose()

	c := e.dial(nil)
	c.send(protocol.Join{Lobby: tb.code, Name: "Zina", Former: kicked.token})
	c.expectError(protocol.CodeKicked)
	c.send(protocol.Resume{Lobby: tb.code, Token: kicked.token})
	c.expectError(protocol.CodeKicked)
	c.send(protocol.Join{Lobby: tb.code, Name: "Zina"})
	c.welcome()
	assert.NotEmpty(t, c.you)
}

// TestBackFromTheBot: a delegate back at a seat a bot played is told,
// alone and once, what the bot chose in their name, from the game's log
// of their seat; everyone is told each time the seat changes hands.
func TestBackFromTheBot(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	gallery := e.dial(nil)
	gallery.send(protocol.Watch{Lobby: tb.code, Name: "Olga"})
	gallery.welcome()
	tb.start()
	host, away, watcher := tb.clients[0], tb.clients[4], tb.clients[1]
	away.ws.CloseNow()
	host.awaitAway(away.you)
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true})
	n := watcher.notice()
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeSeat, Member: away.you, Message: "A bot now plays Elena's seat: Elena is away.", Event: protocol.NoticeBotPlaysAway, Params: map[string]string{"name": "Elena"}}, n)
	// The bot plays: it presses Ready, and may denounce first.
	require.Eventually(t, func() bool {
		return e.replayed(tb.code).Match.Game.View(game.Spectator).Seats[away.seat].Ready
	}, 5*time.Second, 20*time.Millisecond)

	back := e.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	w := back.welcome()
	require.NotNil(t, w.Game)
	told := back.notice()
	assert.Equal(t, protocol.NoticeWhileAway, told.Kind)
	assert.Equal(t, away.you, told.Member)
	st := e.replayed(tb.code)
	want := st.Match.Game.Deeds(away.seat, 0, -1)
	assert.Equal(t, len(want), len(told.Deeds), "the seat's deeds, from its log: %s", told.Message)
	require.True(t, strings.HasPrefix(told.Message, "While you were away your deputy "), told.Message)
	for _, d := range told.Deeds {
		assert.Equal(t, away.seat, d.Seat)
		if d.Kind == game.EvDenounced {
			assert.Contains(t, told.Message, "denounced "+w.Game.View.Seats[d.Target].Name)
		}
	}
	assert.Nil(t, st.Member(away.you).Deputy, "told: a record")

	seen := watcher.sync()
	var kinds []protocol.NoticeKind
	for _, n := range notices(t, seen) {
		kinds = append(kinds, n.Kind)
		assert.Equal(t, "Elena is back and plays their own seat again.", n.Message)
	}
	assert.Equal(t, []protocol.NoticeKind{protocol.NoticeSeat}, kinds, "the others hear of the seat, not of its deeds")
	noRoleIn(t, seen, watcher.seat)
	var galleryKinds []protocol.NoticeKind
	for _, n := range notices(t, gallery.sync()) {
		galleryKinds = append(galleryKinds, n.Kind)
		assert.Empty(t, n.Deeds)
	}
	assert.Equal(t, []protocol.NoticeKind{protocol.NoticeSeat, protocol.NoticeSeat}, galleryKinds, "the gallery hears of the seat both ways, and nothing of its deeds")

	back.ws.CloseNow()
	host.awaitAway(away.you)
	again := e.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	again.welcome()
	assert.Empty(t, notices(t, again.sync()), "told once")
}

// TestAwayIsShown: the lobby says how long each absent delegate has been
// away, by the lobby's clock.
func TestAwayIsShown(t *testing.T) {
	clock := gavelClock()
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	tb := e.table(3, quickSettings())
	host, gone := tb.clients[0], tb.clients[2]
	gone.ws.CloseNow()
	host.awaitAway(gone.you)
	clock.add(75 * time.Second)
	lv := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostPublic, Public: true}))
	require.NotNil(t, lv)
	for _, m := range lv.Members {
		switch m.ID {
		case gone.you:
			assert.False(t, m.Connected)
			assert.Equal(t, 75, m.AwaySeconds)
		default:
			assert.True(t, m.Connected)
			assert.Zero(t, m.AwaySeconds)
		}
	}
}

// TestHostAwaySettingIsChecked: host_away_seconds is a setting like the
// others: in the lobby's limits, refused out of range at its field.
func TestHostAwaySettingIsChecked(t *testing.T) {
	e := newEnv(t)
	tb := e.table(2, quickSettings())
	host := tb.clients[0]
	for _, secs := range []int{4, 3601} {
		s := quickSettings()
		s.HostAwaySeconds = secs
		host.refused(protocol.Host{Action: protocol.HostSettings, Settings: s}, game.CodeConfig)
	}
	s := quickSettings()
	s.HostAwaySeconds = 5
	lv := lastLobby(t, host.ok(protocol.Host{Action: protocol.HostSettings, Settings: s}))
	require.NotNil(t, lv)
	assert.Equal(t, 5, lv.Settings.HostAwaySeconds)
	assert.Contains(t, lv.Limits.Settings, protocol.SettingLimit{Key: "host_away_seconds", Min: 5, Max: 3600})
}

// TestGavelPassesAfterRestart: a lobby rebuilt from its log after a
// restart counts its absent host's time from the restart, and passes the
// gavel as it would have.
func TestGavelPassesAfterRestart(t *testing.T) {
	clock := gavelClock()
	j := NewMemJournal()
	e := newEnv(t, func(o *Options) { o.Clock, o.Journal = clock, j })
	tb := e.table(3, quickSettings())
	boris := tb.clients[1]
	e.stopped(tb.code)

	e2 := newEnv(t, func(o *Options) { o.Clock, o.Journal = clock, j })
	n, err := e2.srv.RestoreAll(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	back := e2.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: boris.token})
	w := back.welcome()
	assert.Equal(t, "d1", w.Lobby.Host, "Anna is not back yet")
	back.sync()
	clock.add(31 * time.Second)
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeGavel, Member: boris.you, Message: "The gavel passes to Boris: Anna is away.", Event: protocol.NoticeGavelPassed, Params: map[string]string{"name": "Boris", "from": "Anna"}}, back.notice())
}
