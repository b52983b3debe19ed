package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// overTable is a lobby whose game has ended: the host and a delegate
// over the wire with four bots, a spectator watching. Every timer is a
// second and the host hurries each phase but the Debate.
type overTable struct {
	wire  *wireServer
	code  string
	match string
	host  *wireClient
	boris *wireClient
	spec  *wireClient
}

// playToTheEnd opens the lobby, plays its game to the end and returns
// it. Before the game ends the host's review is refused (no_game).
func playToTheEnd(t *testing.T, wire *wireServer) *overTable {
	t.Helper()
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	created := wire.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &s})
	ot := &overTable{wire: wire, code: created.Code}
	ot.host = dialWire(t, wire, "Anna")
	ot.host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	ot.host.until(protocol.TypeWelcome)
	ot.boris = dialWire(t, wire, "Boris")
	ot.boris.send(protocol.Join{Lobby: created.Code, Name: "Boris"})
	ot.boris.until(protocol.TypeWelcome)
	ot.spec = dialWire(t, wire, "Gallery")
	ot.spec.send(protocol.Watch{Lobby: created.Code, Name: "Galina"})
	ot.spec.until(protocol.TypeWelcome)
	for range 4 {
		ot.host.must(protocol.Host{Action: protocol.HostAddBot, Strength: protocol.StrengthNormal})
	}
	r := ot.host.do(protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll})
	require.NotNil(t, r, "a review before any game")
	assert.Equal(t, protocol.CodeNoGame, r.Code, r.Message)
	ot.host.must(protocol.Host{Action: protocol.HostStart})
	r = ot.host.do(protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll})
	require.NotNil(t, r, "a review while the game runs")
	assert.Equal(t, protocol.CodeNoGame, r.Code, r.Message)
	deadline := time.Now().Add(90 * time.Second)
	for ot.host.sync(); ot.host.view == nil || ot.host.view.Phase != game.PhaseOver; ot.host.sync() {
		require.True(t, time.Now().Before(deadline), "the game did not end")
		if ot.host.view != nil && ot.host.view.Phase != game.PhaseDebate {
			ot.host.do(protocol.Act{Kind: game.CmdEndPhase})
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, m := range ot.host.messages() {
		if m.Type == protocol.TypeLobby {
			var l protocol.Lobby
			ot.host.decode(m, &l)
			ot.match = l.Match
		}
	}
	require.NotEmpty(t, ot.match)
	ot.boris.sync()
	ot.spec.sync()
	return ot
}

// reviewsSince are the reviewing messages c received from message from on.
func reviewsSince(c *wireClient, from int) []protocol.Reviewing {
	c.t.Helper()
	var out []protocol.Reviewing
	for _, m := range c.messages()[from:] {
		if m.Type == protocol.TypeReviewing {
			var r protocol.Reviewing
			c.decode(m, &r)
			out = append(out, r)
		}
	}
	return out
}

// refusedReview requires the host's (or anyone's) review move refused
// with code and the followers told nothing.
func refusedReview(t *testing.T, by *wireClient, m protocol.Review, code protocol.Code, followers ...*wireClient) {
	t.Helper()
	marks := make([]int, len(followers))
	for i, f := range followers {
		marks[i] = len(f.messages())
	}
	r := by.do(m)
	require.NotNil(t, r, "%s: %+v accepted", by.name, m)
	assert.Equal(t, code, r.Code, r.Message)
	assert.NotEmpty(t, r.Message)
	for i, f := range followers {
		f.sync()
		assert.Empty(t, reviewsSince(f, marks[i]), "%s told of a refused review move", f.name)
	}
}

// TestProtocolReview: after a game the host starts the review together
// and moves it; the delegate and the spectator follow each move. Only
// the host may lead it, only after the game, only at a step and point of
// view the match has; a burst of steps is coalesced into the last; a
// connection that comes mid-review is welcomed into it; the host ends
// it, and handing the gavel on and the rematch end it too.
func TestProtocolReview(t *testing.T) {
	t.Parallel()
	wire := startWireServer(t)
	ot := playToTheEnd(t, wire)
	host, boris, spec := ot.host, ot.boris, ot.spec
	seats := len(host.view.Seats)

	refusedReview(t, boris, protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll}, protocol.CodeNotHost, spec)
	refusedReview(t, spec, protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll}, protocol.CodeNotHost, boris)
	refusedReview(t, host, protocol.Review{Action: protocol.ReviewStep, Step: 2, Viewer: protocol.ViewerAll}, protocol.CodeNoReview, boris, spec)

	// The host starts it: everyone hears where it is.
	mb, ms := len(boris.messages()), len(spec.messages())
	host.must(protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll})
	want := protocol.Reviewing{Active: true, Host: host.you, Name: "Anna", Match: ot.match, Step: -1, Viewer: protocol.ViewerAll}
	for _, f := range []*wireClient{boris, spec} {
		f.sync()
	}
	assert.Equal(t, []protocol.Reviewing{want}, reviewsSince(boris, mb))
	assert.Equal(t, []protocol.Reviewing{want}, reviewsSince(spec, ms))

	// Refused moves change nothing.
	refusedReview(t, host, protocol.Review{Action: protocol.ReviewStep, Step: 1 << 19, Viewer: protocol.ViewerAll}, protocol.CodeBadMessage, boris, spec)
	refusedReview(t, host, protocol.Review{Action: protocol.ReviewStep, Step: 1, Viewer: "11"}, protocol.CodeBadMessage, boris, spec)
	refusedReview(t, boris, protocol.Review{Action: protocol.ReviewStep, Step: 1, Viewer: "0"}, protocol.CodeNotHost, spec)
	refusedReview(t, boris, protocol.Review{Action: protocol.ReviewEnd}, protocol.CodeNotHost, spec)

	// A step: a seat's point of view (the whole log is public now).
	time.Sleep(250 * time.Millisecond) // out of the last step's window
	mb, ms = len(boris.messages()), len(spec.messages())
	host.must(protocol.Review{Action: protocol.ReviewStep, Step: 3, Viewer: "2"})
	want.Step, want.Viewer = 3, "2"
	boris.sync()
	spec.sync()
	assert.Equal(t, []protocol.Reviewing{want}, reviewsSince(boris, mb))
	assert.Equal(t, []protocol.Reviewing{want}, reviewsSince(spec, ms))

	// A fast scrubber: twelve steps at once go out as fewer, the last last.
	time.Sleep(2 * time.Second) // the host's allowance of messages refills
	mb = len(boris.messages())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The match may be short: the scrubber goes to and fro over its
	// first steps and ends on one no earlier step was at.
	for i := range 12 {
		step := i % 2
		if i == 11 {
			step = 2
		}
		_, err := host.conn.Request(ctx, protocol.Review{Action: protocol.ReviewStep, Step: step, Viewer: protocol.ViewerGallery})
		require.NoError(t, err)
	}
	host.sync()
	want.Step, want.Viewer = 2, protocol.ViewerGallery
	var got []protocol.Reviewing
	for deadline := time.Now().Add(5 * time.Second); ; {
		boris.sync()
		got = reviewsSince(boris, mb)
		if len(got) > 0 && got[len(got)-1] == want {
			break
		}
		require.True(t, time.Now().Before(deadline), "the last step reaches the followers: %+v", got)
		time.Sleep(150 * time.Millisecond)
	}
	assert.Less(t, len(got), 6, "twelve steps at once are coalesced: %+v", got)

	// A spectator who comes now, and a delegate who reconnects, are
	// welcomed into the review where it is.
	late := dialWire(t, wire, "Late")
	late.send(protocol.Watch{Lobby: ot.code})
	var w protocol.Welcome
	late.decode(late.until(protocol.TypeWelcome), &w)
	require.NotNil(t, w.Review, "the review in the welcome")
	assert.Equal(t, want, *w.Review)
	boris.ws.CloseNow()
	boris.connect(wire)
	boris.send(protocol.Resume{Lobby: ot.code, Token: boris.token})
	w = protocol.Welcome{}
	boris.decode(boris.until(protocol.TypeWelcome), &w)
	require.NotNil(t, w.Review, "the review in the welcome back")
	assert.Equal(t, want, *w.Review)

	// Seat numbers up to the table's last are points of view.
	host.must(protocol.Review{Action: protocol.ReviewStep, Step: 0, Viewer: strconv.Itoa(seats - 1)})

	// The host ends it: everyone hears so; nobody is welcomed into it.
	time.Sleep(250 * time.Millisecond)
	mb, ms = len(boris.messages()), len(spec.messages())
	host.must(protocol.Review{Action: protocol.ReviewEnd})
	boris.sync()
	spec.sync()
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(boris, mb)))
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(spec, ms)))
	refusedReview(t, host, protocol.Review{Action: protocol.ReviewStep, Step: 1, Viewer: protocol.ViewerAll}, protocol.CodeNoReview, boris, spec)
	again := dialWire(t, wire, "Again")
	again.send(protocol.Watch{Lobby: ot.code})
	w = protocol.Welcome{}
	again.decode(again.until(protocol.TypeWelcome), &w)
	assert.Nil(t, w.Review, "no review in the welcome once ended")

	// Started again, it ends when the host hands the gavel on; the new
	// host may lead one of their own.
	host.must(protocol.Review{Action: protocol.ReviewStart, Step: 2, Viewer: protocol.ViewerAll})
	mb, ms = len(boris.messages()), len(spec.messages())
	host.must(protocol.Host{Action: protocol.HostMakeHost, Member: boris.you})
	boris.sync()
	spec.sync()
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(boris, mb)), "the gavel handed on ends the review")
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(spec, ms)), "the gavel handed on ends the review")
	refusedReview(t, host, protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll}, protocol.CodeNotHost, spec)

	// Boris's review: the rematch ends it.
	host.sync()
	spec.sync()
	mh, ms := len(host.messages()), len(spec.messages())
	boris.must(protocol.Review{Action: protocol.ReviewStart, Step: 5, Viewer: protocol.ViewerAll})
	boris.must(protocol.Host{Action: protocol.HostRematch})
	host.sync()
	spec.sync()
	assert.Equal(t, protocol.Reviewing{Active: true, Host: boris.you, Name: "Boris", Match: ot.match, Step: 5, Viewer: protocol.ViewerAll}, reviewsSince(host, mh)[0])
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(host, mh)), "the rematch ends the review")
	assert.Equal(t, protocol.Reviewing{}, last(t, reviewsSince(spec, ms)), "the rematch ends the review")
	refusedReview(t, boris, protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll}, protocol.CodeNoGame, host, spec)

	for _, c := range []*wireClient{host, boris, spec, late, again} {
		assert.Empty(t, wireAudit(c))
	}
}

// last is the last of rs, which must not be empty.
func last(t *testing.T, rs []protocol.Reviewing) protocol.Reviewing {
	t.Helper()
	require.NotEmpty(t, rs)
	return rs[len(rs)-1]
}

func tail(ms []wireMsg, n int) string {
	var out string
	for _, m := range ms[max(0, len(ms)-n):] {
		out += string(m.Raw) + "\n"
	}
	return out
}
