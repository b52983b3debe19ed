package server

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// idleBot is a bot seat that never moves, so that what a new delegate
// finds at the seat is what the test left there.
func idleBot(int, string, uint64) lobby.Player { return idlePlayer{} }

type idlePlayer struct{}

func (idlePlayer) Observe([]game.Event)                             {}
func (idlePlayer) Decide(game.View, time.Time) (game.Command, bool) { return game.Command{}, false }
func (idlePlayer) Think() time.Duration                             { return time.Hour }

// watcher is a spectator of the lobby, welcomed.
func (tb *table) watcher(name string) *client {
	tb.t.Helper()
	c := tb.dial(nil)
	c.send(protocol.Watch{Lobby: tb.code, Name: name})
	w := c.welcome()
	require.True(tb.t, w.Spectator)
	c.seat, c.lobby = game.NoSeat, &w.Lobby
	return c
}

// galleryOf is the gallery ID of the last spectator who asked to sit, as
// the lobby among ms (or c's last) lists them.
func galleryOf(t *testing.T, c *client, ms []msg) string {
	t.Helper()
	lv := lastLobby(t, ms)
	if lv == nil {
		lv = c.lobby
	}
	require.NotNil(t, lv)
	require.NotEmpty(t, lv.Sits)
	return lv.Sits[len(lv.Sits)-1].ID
}

// sitDown asks for seat as name and has the host grant it: the new
// delegate's welcome.
func (tb *table) sitDown(spec *client, seat int, name string) protocol.Welcome {
	tb.t.Helper()
	spec.ok(protocol.Sit{Seat: seat, Name: name})
	host := tb.clients[0]
	id := galleryOf(tb.t, host, host.sync())
	host.ok(protocol.Host{Action: protocol.HostSitAdmit, Spectator: id})
	w := spec.welcome()
	require.False(tb.t, w.Spectator)
	require.NotEmpty(tb.t, w.Token)
	return w
}

// TestSitTakesABotSeat: a spectator asks for a bot's seat; the host
// grants it; the new delegate gets the seat's view (its role, its log)
// and plays it; everyone else is told a new delegate sits there, never
// the role; the seat changing hands is a record.
func TestSitTakesABotSeat(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.NewBot = idleBot })
	tb := e.table(5, quickSettings())
	host, boris := tb.clients[0], tb.clients[1]
	host.ok(protocol.Host{Action: protocol.HostAddBot})
	tb.start()
	st := e.replayed(tb.code)
	var botSeat int
	var botID string
	for _, m := range st.Members {
		if m.Bot {
			botSeat, botID = m.Seat, m.ID
		}
	}
	spec := tb.watcher("Vera")
	require.NotNil(t, spec.lobby)
	lv := lastLobby(t, spec.sync())
	if lv == nil {
		lv = spec.lobby
	}
	assert.Equal(t, []int{botSeat}, lv.OpenSeats, "the door shows the seats a bot plays")

	// A seat a human holds is not open; a delegate does not ask to sit.
	spec.refused(protocol.Sit{Seat: boris.seat, Name: "Vera"}, protocol.CodeSeatHeld)
	boris.refused(protocol.Sit{Seat: botSeat, Name: "Vera"}, protocol.CodeNotSpectator)
	spec.refused(protocol.Sit{Seat: botSeat, Name: "Boris"}, protocol.CodeNameTaken)

	spec.ok(protocol.Sit{Seat: botSeat, Name: "Vera"})
	hl := lastLobby(t, host.sync())
	require.NotNil(t, hl)
	require.Len(t, hl.Sits, 1)
	assert.Equal(t, protocol.SitAsker{ID: hl.Sits[0].ID, Name: "Vera", Seat: botSeat}, hl.Sits[0])
	boris.refused(protocol.Host{Action: protocol.HostSitAdmit, Spectator: hl.Sits[0].ID}, protocol.CodeNotHost)

	host.ok(protocol.Host{Action: protocol.HostSitAdmit, Spectator: hl.Sits[0].ID})
	w := spec.welcome()
	require.False(t, w.Spectator)
	require.NotEmpty(t, w.Token)
	require.NotNil(t, w.Game)
	require.NotNil(t, w.Game.View.You)
	assert.Equal(t, botSeat, w.Game.View.You.Seat)

	// The seat's private knowledge, and nothing else: exactly its view
	// and its log.
	st = e.replayed(tb.code)
	g := st.Match.Game
	assert.Equal(t, tb.roles()[botSeat], w.Game.View.You.Role)
	evs, _ := g.Log(game.SeatViewer(botSeat), 0)
	assert.Len(t, w.Game.Log, len(evs))
	assert.Nil(t, st.Member(botID), "the bot has left the table")
	holder := st.Holder(botSeat)
	require.NotNil(t, holder)
	assert.Equal(t, "Vera", holder.Name)
	assert.Equal(t, w.You, holder.ID)
	recs := e.records(tb.code)
	assert.Equal(t, lobby.RecSeatTaken, recs[len(recs)-1].Kind)
	assert.Equal(t, botID, recs[len(recs)-1].From)

	seen := boris.sync()
	ns := notices(t, seen)
	require.Len(t, ns, 1)
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeSeat, Member: w.You,
		Message: "A new delegate takes seat " + strconv.Itoa(botSeat+1) + ": Vera sits there from now on.",
		Event:   protocol.NoticeSeatTaken, Params: map[string]string{"name": "Vera", "seat": strconv.Itoa(botSeat + 1)}}, ns[0])
	noRoleIn(t, seen, boris.seat)
	lv = lastLobby(t, seen)
	require.NotNil(t, lv)
	assert.Empty(t, lv.OpenSeats)
	assert.Empty(t, lv.Sits)

	// Vera plays the seat: the Debate's Ready is hers to press.
	spec.ok(protocol.Act{Kind: game.CmdReady})
	assert.True(t, e.replayed(tb.code).Match.Game.View(game.Spectator).Seats[botSeat].Ready)
}

// TestSitRefusals: the host may turn a request away; a kicked browser may
// not sit under a new name; a request waits for the host, and one for a
// seat whose delegate came back meanwhile is refused at the grant.
func TestSitRefusals(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host, kicked, away := tb.clients[0], tb.clients[4], tb.clients[3]

	host.ok(protocol.Host{Action: protocol.HostKick, Member: kicked.you})
	kicked.expectClose()
	spec := tb.watcher("")
	spec.refused(protocol.Sit{Seat: kicked.seat, Name: "Elena the Second", Former: kicked.token}, protocol.CodeKicked)

	// Turned away: the request goes from the lobby.
	spec.ok(protocol.Sit{Seat: kicked.seat, Name: "Zina"})
	id := galleryOf(t, host, host.sync())
	host.ok(protocol.Host{Action: protocol.HostSitDeny, Spectator: id})
	assert.Empty(t, lastLobby(t, spec.sync()).Sits)
	host.refused(protocol.Host{Action: protocol.HostSitAdmit, Spectator: id}, protocol.CodeUnknownMember)

	// A seat handed to a bot, whose delegate is back before the grant.
	away.ws.CloseNow()
	host.awaitAway(away.you)
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true})
	spec.ok(protocol.Sit{Seat: away.seat, Name: "Zina"})
	id = galleryOf(t, host, host.sync())
	back := tb.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	back.welcome()
	host.refused(protocol.Host{Action: protocol.HostSitAdmit, Spectator: id}, protocol.CodeSeatHeld)
}

// TestSitOwnerComesBack: a latecomer takes the seat a bot played for an
// absent delegate; the delegate, back, is refused in words and offered
// the gallery; the kicked delegate's seat may be taken too.
func TestSitOwnerComesBack(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host, away, kicked := tb.clients[0], tb.clients[2], tb.clients[4]
	away.ws.CloseNow()
	host.awaitAway(away.you)
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true})
	host.ok(protocol.Host{Action: protocol.HostKick, Member: kicked.you})
	kicked.expectClose()

	late := tb.watcher("")
	lv := lastLobby(t, late.sync())
	if lv == nil {
		lv = late.lobby
	}
	assert.ElementsMatch(t, []int{away.seat, kicked.seat}, lv.OpenSeats)
	w := tb.sitDown(late, away.seat, "Pavel")
	assert.Equal(t, away.seat, w.Game.View.You.Seat)
	assert.Empty(t, notices(t, late.sync()), "no while_away news of another's deputy")

	back := tb.dial(nil)
	back.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	r := back.expectError(protocol.CodeSeatTaken)
	assert.Equal(t, "While a bot played your seat, the host gave seat "+strconv.Itoa(away.seat+1)+" to Pavel, who holds it now. Watch from the gallery, or ask there for a seat a bot plays.", r.Message)

	// The displaced delegate takes the gallery, and knocks there for the
	// kicked delegate's seat: it is theirs, with its own file.
	back.send(protocol.Watch{Lobby: tb.code, Name: "Clara"})
	back.seat, back.lobby = game.NoSeat, nil
	wb := back.welcome()
	require.True(t, wb.Spectator)
	w2 := tb.sitDown(back, kicked.seat, "Clara again")
	assert.Equal(t, kicked.seat, w2.Game.View.You.Seat)
	assert.Equal(t, tb.roles()[kicked.seat], w2.Game.View.You.Role)
}

// TestSitAtNight: a spectator may ask, at Night, for the seat of a
// Plotter a bot plays: granted, the new delegate finds the letter
// waiting in their view, and sends it.
func TestSitAtNight(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.NewBot = idleBot })
	tb := e.table(6, quickSettings())
	tb.start()
	host := tb.clients[0]
	roles := tb.roles()
	var plotter *client
	for _, c := range tb.clients[1:] {
		if roles[c.seat].Faction() == game.Plotters {
			plotter = c
			break
		}
	}
	require.NotNil(t, plotter)
	plotter.ws.CloseNow()
	host.awaitAway(plotter.you)
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: plotter.you, Bot: true})
	for range 10 {
		if e.replayed(tb.code).Match.Game.Phase() == game.PhaseNight {
			break
		}
		_, _ = host.do(protocol.Act{Kind: game.CmdEndPhase})
	}
	g := e.replayed(tb.code).Match.Game
	require.Equal(t, game.PhaseNight, g.Phase())
	require.True(t, g.View(game.Spectator).Seats[plotter.seat].Alive)

	late := tb.watcher("")
	w := tb.sitDown(late, plotter.seat, "Yakov")
	v := w.Game.View
	require.Equal(t, game.PhaseNight, v.Phase)
	var letter *game.Action
	for i := range v.Actions {
		if v.Actions[i].Kind == game.CmdLetter {
			letter = &v.Actions[i]
		}
	}
	require.NotNil(t, letter, "the night's letter waits in the seat's view: %+v", v.Actions)
	require.NotEmpty(t, letter.Targets)
	late.ok(protocol.Act{Kind: game.CmdLetter, Target: letter.Targets[0]})
}

// TestSeatTakenSurvivesRestart: a lobby rebuilt from its log after a
// restart has the new delegate at the seat, their pass opens it, and the
// displaced delegate's pass is refused as before.
func TestSeatTakenSurvivesRestart(t *testing.T) {
	j := NewMemJournal()
	e := newEnv(t, func(o *Options) { o.Journal = j })
	tb := e.table(5, quickSettings())
	tb.start()
	host, away := tb.clients[0], tb.clients[1]
	away.ws.CloseNow()
	host.awaitAway(away.you)
	host.ok(protocol.Host{Action: protocol.HostBotSeat, Member: away.you, Bot: true})
	late := tb.watcher("")
	w := tb.sitDown(late, away.seat, "Pavel")
	seat := away.seat
	e.stopped(tb.code)

	e2 := newEnv(t, func(o *Options) { o.Journal = j })
	n, err := e2.srv.RestoreAll(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	again := e2.dial(nil)
	again.send(protocol.Resume{Lobby: tb.code, Token: w.Token})
	w2 := again.welcome()
	require.NotNil(t, w2.Game)
	assert.Equal(t, seat, w2.Game.View.You.Seat)
	assert.Equal(t, w.You, w2.You)
	old := e2.dial(nil)
	old.send(protocol.Resume{Lobby: tb.code, Token: away.token})
	old.expectError(protocol.CodeSeatTaken)
}

// TestMoveToAnotherDevice: a delegate's move link opens their seat on
// another connection once: the old one is told it moved, the new one
// holds the seat under a new pass; the link used again, or expired, is
// refused with bad_move; the old pass opens nothing.
func TestMoveToAnotherDevice(t *testing.T) {
	clock := gavelClock()
	e := newEnv(t, func(o *Options) { o.Clock = clock })
	tb := e.table(5, quickSettings())
	tb.start()
	boris := tb.clients[1]
	spec := tb.watcher("")
	spec.refused(protocol.Move{}, protocol.CodeNotSeated)

	links := typed[protocol.MoveLink](t, boris.ok(protocol.Move{}), protocol.TypeMoveLink)
	require.NotEmpty(t, links)
	link := links[len(links)-1]
	require.NotEmpty(t, link.Code)
	assert.NotContains(t, link.Link, boris.token, "never the token")
	u, err := url.Parse(link.Link)
	require.NoError(t, err)
	assert.Equal(t, link.Code, u.Query().Get("move"))
	assert.Equal(t, clock.Now().Add(protocol.MoveLinkTTL), link.Expires)

	phone := e.dial(nil)
	phone.send(protocol.Resume{Lobby: tb.code, Move: link.Code})
	w := phone.welcome()
	assert.Equal(t, boris.you, w.You)
	require.NotEmpty(t, w.Token)
	assert.NotEqual(t, boris.token, w.Token)
	require.NotNil(t, w.Game)
	assert.Equal(t, boris.seat, w.Game.View.You.Seat)
	_, closing := boris.expectClose()
	require.NotNil(t, closing)
	assert.Equal(t, protocol.CodeMoved, closing.Code)
	assert.Equal(t, movedMessage, closing.Message)
	phone.ok(protocol.Act{Kind: game.CmdReady})

	// Used once: refused again; the old pass opens nothing.
	reuse := e.dial(nil)
	reuse.send(protocol.Resume{Lobby: tb.code, Move: link.Code})
	r := reuse.expectError(protocol.CodeBadMove)
	assert.Contains(t, r.Message, "used already")
	stale := e.dial(nil)
	stale.send(protocol.Resume{Lobby: tb.code, Token: boris.token})
	stale.expectError(protocol.CodeBadToken)

	// Expired: two minutes, no more.
	links = typed[protocol.MoveLink](t, phone.ok(protocol.Move{}), protocol.TypeMoveLink)
	require.NotEmpty(t, links)
	link = links[len(links)-1]
	clock.add(protocol.MoveLinkTTL)
	late := e.dial(nil)
	late.send(protocol.Resume{Lobby: tb.code, Move: link.Code})
	r = late.expectError(protocol.CodeBadMove)
	assert.Contains(t, r.Message, "expired")
	phone.ok(protocol.Act{Kind: game.CmdUnready})
	recs := e.records(tb.code)
	var kinds []lobby.RecordKind
	for _, rec := range recs {
		if rec.Kind == lobby.RecMoveOffered || rec.Kind == lobby.RecMoved {
			kinds = append(kinds, rec.Kind)
		}
	}
	assert.Equal(t, []lobby.RecordKind{lobby.RecMoveOffered, lobby.RecMoved, lobby.RecMoveOffered}, kinds)
}

// TestGallerySitsForTheNextGame: spectators ask, during a game, for a
// place in the next one; the host cannot seat them before it ends; at the
// rematch the lobby seats them in order.
func TestGallerySitsForTheNextGame(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	tb.start()
	host := tb.clients[0]
	first, second := tb.watcher(""), tb.watcher("")
	first.ok(protocol.Sit{Seat: protocol.NextGame, Name: "Vera"})
	second.ok(protocol.Sit{Seat: protocol.NextGame, Name: "Yakov"})
	lv := lastLobby(t, host.sync())
	require.NotNil(t, lv)
	require.Len(t, lv.Sits, 2)
	assert.Equal(t, []string{"Vera", "Yakov"}, []string{lv.Sits[0].Name, lv.Sits[1].Name})
	host.refused(protocol.Host{Action: protocol.HostSitAdmit, Spectator: lv.Sits[0].ID}, protocol.CodeGameStarted)

	for range 60 {
		if e.replayed(tb.code).Phase == lobby.Over {
			break
		}
		_, _ = host.do(protocol.Act{Kind: game.CmdEndPhase})
	}
	require.Equal(t, lobby.Over, e.replayed(tb.code).Phase)
	host.ok(protocol.Host{Action: protocol.HostRematch})
	w1, w2 := first.welcome(), second.welcome()
	assert.False(t, w1.Spectator)
	assert.False(t, w2.Spectator)
	st := e.replayed(tb.code)
	assert.Equal(t, "Vera", st.Member(w1.You).Name)
	assert.Equal(t, "Yakov", st.Member(w2.You).Name)
	assert.Equal(t, 7, st.Seated())
	host.ok(protocol.Host{Action: protocol.HostStart})
	g := first.game()
	require.NotNil(t, g.View.You)
}

// TestSitAfterSeeingAll: under "Gallery sees all" a spectator the host
// admitted has seen every file: no seat of this game is theirs, a place
// in the next one is.
func TestSitAfterSeeingAll(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.NewBot = idleBot })
	s := quickSettings()
	s.SpectatorsSeeRoles, s.SpectatorDelay = true, 0
	tb := e.table(5, s)
	host := tb.clients[0]
	host.ok(protocol.Host{Action: protocol.HostAddBot})
	tb.start()
	spec := tb.watcher("Olga")
	spec.ok(protocol.Knock{Name: "Olga"})
	lv := lastLobby(t, host.sync())
	require.NotNil(t, lv)
	require.Len(t, lv.Knocks, 1)
	host.ok(protocol.Host{Action: protocol.HostAdmit, Spectator: lv.Knocks[0].ID})
	open := lastLobby(t, spec.sync())
	if open == nil {
		open = spec.lobby
	}
	require.Len(t, open.OpenSeats, 1)
	spec.refused(protocol.Sit{Seat: open.OpenSeats[0], Name: "Olga"}, protocol.CodeSawRoles)
	spec.ok(protocol.Sit{Seat: protocol.NextGame, Name: "Olga"})
}

// TestGallerySitsBetweenGames: between games a spectator who asks for a
// place is seated at once while there is room; in a full lobby they wait
// in the queue, and sit down when a place comes free.
func TestGallerySitsBetweenGames(t *testing.T) {
	e := newEnv(t)
	tb := e.table(game.MaxSeats-1, quickSettings())
	host := tb.clients[0]
	first := tb.watcher("")
	welcomes := typed[protocol.Welcome](t, first.ok(protocol.Sit{Seat: protocol.NextGame, Name: "Vera"}), protocol.TypeWelcome)
	require.NotEmpty(t, welcomes, "seated at once, before the answer")
	w := welcomes[len(welcomes)-1]
	require.NotEmpty(t, w.Token, "seated at once, before the answer")
	assert.False(t, w.Spectator)
	assert.Equal(t, "Vera", e.replayed(tb.code).Member(w.You).Name)

	second := tb.watcher("")
	second.ok(protocol.Sit{Seat: protocol.NextGame, Name: "Yakov"})
	lv := lastLobby(t, host.sync())
	require.NotNil(t, lv)
	require.Len(t, lv.Sits, 1, "a full lobby: Yakov waits")
	host.ok(protocol.Host{Action: protocol.HostKick, Member: tb.clients[1].you})
	w2 := second.welcome()
	assert.False(t, w2.Spectator)
	assert.Equal(t, game.MaxSeats, e.replayed(tb.code).Seated())
}
