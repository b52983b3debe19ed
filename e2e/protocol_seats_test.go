package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// lobbyOf is the last lobby c was shown, by its welcome or a lobby message.
func lobbyOf(t *testing.T, c *wireClient) protocol.Lobby {
	t.Helper()
	c.sync()
	var l protocol.Lobby
	msgs := c.messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		switch msgs[i].Type {
		case protocol.TypeLobby:
			c.decode(msgs[i], &l)
			return l
		case protocol.TypeWelcome:
			var w protocol.Welcome
			c.decode(msgs[i], &w)
			return w.Lobby
		}
	}
	t.Fatalf("%s was shown no lobby", c.name)
	return l
}

// TestProtocolSeatsChangeHands runs the real binary through a game in
// which seats change hands every way they may: a spectator takes over a
// bot's seat with the host's grant, another the seat of a kicked
// delegate, a delegate carries the seat to a second connection by a
// one-time link (used again: refused), a displaced delegate is told so,
// and the gallery's queue is seated at the rematch. Every message every
// connection received is audited: no role of a taken-over seat reaches
// anyone but its holder.
func TestProtocolSeatsChangeHands(t *testing.T) {
	t.Parallel()
	srv := startWireServer(t)
	cfg := game.DefaultConfig()
	for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime, &cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime} {
		*d = 10 * time.Minute
	}
	settings := protocol.SettingsOf(cfg, 10)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &settings})
	host := dialWire(t, srv, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	delegates := []*wireClient{host}
	for _, n := range []string{"Boris", "Clara", "Dmitri", "Elena"} {
		c := dialWire(t, srv, n)
		c.send(protocol.Join{Lobby: created.Code, Name: n})
		c.until(protocol.TypeWelcome)
		delegates = append(delegates, c)
	}
	host.must(protocol.Host{Action: protocol.HostAddBot})
	var gallery []*wireClient
	for _, n := range []string{"Vera", "Yakov", "Zina"} {
		c := dialWire(t, srv, n)
		c.send(protocol.Watch{Lobby: created.Code, Name: n})
		c.until(protocol.TypeWelcome)
		gallery = append(gallery, c)
	}
	host.must(protocol.Host{Action: protocol.HostStart})
	for _, c := range append(slices.Clone(delegates), gallery...) {
		c.sync()
	}
	l := lobbyOf(t, gallery[0])
	require.Len(t, l.OpenSeats, 1, "the bot's seat is open")
	botSeat := l.OpenSeats[0]

	// Vera asks for a human's seat: refused; for the bot's: granted.
	vera := gallery[0]
	r := vera.do(protocol.Sit{Seat: delegates[1].view.You.Seat, Name: "Vera"})
	require.NotNil(t, r)
	assert.Equal(t, protocol.CodeSeatHeld, r.Code)
	vera.must(protocol.Sit{Seat: botSeat, Name: "Vera"})
	l = lobbyOf(t, host)
	require.Len(t, l.Sits, 1)
	host.must(protocol.Host{Action: protocol.HostSitAdmit, Spectator: l.Sits[0].ID})
	vera.sync()
	require.False(t, vera.spec)
	require.NotNil(t, vera.view)
	require.NotNil(t, vera.view.You)
	assert.Equal(t, botSeat, vera.view.You.Seat)
	vera.must(protocol.Act{Kind: game.CmdReady})

	// Elena is kicked; Yakov, the kicked pass in hand, is refused; Zina
	// takes the seat.
	elena := delegates[4]
	elenaSeat := elena.view.You.Seat
	host.must(protocol.Host{Action: protocol.HostKick, Member: elena.you})
	yakov, zina := gallery[1], gallery[2]
	r = yakov.do(protocol.Sit{Seat: elenaSeat, Name: "Elena II", Former: elena.token})
	require.NotNil(t, r)
	assert.Equal(t, protocol.CodeKicked, r.Code)
	zina.must(protocol.Sit{Seat: elenaSeat, Name: "Zina"})
	l = lobbyOf(t, host)
	require.Len(t, l.Sits, 1)
	host.must(protocol.Host{Action: protocol.HostSitAdmit, Spectator: l.Sits[0].ID})
	zina.sync()
	require.NotNil(t, zina.view.You)
	assert.Equal(t, elenaSeat, zina.view.You.Seat)

	// Boris moves to a second device; the link used again is refused.
	boris := delegates[1]
	boris.must(protocol.Move{})
	m := lastOf(boris, protocol.TypeMoveLink)
	var link protocol.MoveLink
	boris.decode(m, &link)
	phone := dialWire(t, srv, "Boris's phone")
	phone.send(protocol.Resume{Lobby: created.Code, Move: link.Code})
	phone.until(protocol.TypeWelcome)
	assert.Equal(t, boris.you, phone.you)
	assert.Equal(t, boris.view.You.Seat, phone.view.You.Seat)
	closing := boris.until(protocol.TypeClosing)
	var cl protocol.Closing
	boris.decode(closing, &cl)
	assert.Equal(t, protocol.CodeMoved, cl.Code)
	again := dialWire(t, srv, "a second phone")
	again.send(protocol.Resume{Lobby: created.Code, Move: link.Code})
	refused := again.until(protocol.TypeError)
	var rf protocol.Refused
	again.decode(refused, &rf)
	assert.Equal(t, protocol.CodeBadMove, rf.Code)

	// Yakov queues for the next game, and is seated at the rematch.
	yakov.must(protocol.Sit{Seat: protocol.NextGame, Name: "Yakov"})
	for range 80 {
		host.sync()
		if host.view != nil && host.view.Phase == game.PhaseOver {
			break
		}
		_ = host.do(protocol.Act{Kind: game.CmdEndPhase})
	}
	require.Equal(t, game.PhaseOver, host.view.Phase)
	host.must(protocol.Host{Action: protocol.HostRematch})
	yakov.sync()
	assert.False(t, yakov.spec, "seated at the rematch")
	l = lobbyOf(t, host)
	var names []string
	for _, m := range l.Members {
		names = append(names, m.Name)
	}
	assert.Contains(t, names, "Yakov")
	assert.Contains(t, names, "Vera")
	assert.Contains(t, names, "Zina")

	for _, c := range []*wireClient{host, delegates[2], delegates[3], vera, zina, yakov, phone} {
		c.sync()
	}
	for _, c := range []*wireClient{host, boris, delegates[2], delegates[3], vera, zina, yakov, phone, again} {
		assert.Empty(t, wireAudit(c))
	}
}
