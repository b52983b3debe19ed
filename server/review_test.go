package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// overLobby is a lobby whose game of the host and four bots has ended,
// with a spectator watching: its host and the spectator.
func (e *env) overLobby() (host, spec *client) {
	e.t.Helper()
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	status, body := e.post("/api/lobbies", protocol.CreateLobby{Name: "Anna", Settings: &s})
	require.Equal(e.t, http.StatusCreated, status, "%s", body)
	var cr protocol.Created
	require.NoError(e.t, json.Unmarshal(body, &cr))
	host = e.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	spec = e.dial(nil)
	spec.send(protocol.Watch{Lobby: cr.Code})
	spec.welcome()
	for range 4 {
		host.ok(protocol.Host{Action: protocol.HostAddBot})
	}
	host.ok(protocol.Host{Action: protocol.HostStart})
	deadline := time.After(60 * time.Second)
	for {
		select {
		case <-deadline:
			e.t.Fatal("the game did not end")
		default:
		}
		g := host.game()
		if g.View.Phase == game.PhaseOver {
			break
		}
		if g.View.Phase != game.PhaseDebate {
			host.send(protocol.Act{Kind: game.CmdEndPhase})
		}
	}
	host.sync()
	spec.sync()
	return host, spec
}

// reviews are the reviewing messages among ms.
func reviews(t *testing.T, ms []msg) []protocol.Reviewing {
	var out []protocol.Reviewing
	for _, m := range ms {
		if m.Type == protocol.TypeReviewing {
			var r protocol.Reviewing
			decode(t, m, &r)
			out = append(out, r)
		}
	}
	return out
}

// TestReviewCoalescesSteps: the host's steps in the review go out at
// most once every reviewEvery; those in between are coalesced into the
// latest, which follows when its time comes.
func TestReviewCoalescesSteps(t *testing.T) {
	e := newEnv(t)
	host, spec := e.overLobby()
	host.ok(protocol.Review{Action: protocol.ReviewStart, Step: -1, Viewer: protocol.ViewerAll})
	time.Sleep(250 * time.Millisecond)
	host.ok(protocol.Review{Action: protocol.ReviewStep, Step: 3, Viewer: "2"})
	spec.sync()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 10 {
		_, err := host.conn.Request(ctx, protocol.Review{Action: protocol.ReviewStep, Step: i, Viewer: protocol.ViewerGallery})
		require.NoError(t, err)
	}
	host.sync()
	var got []protocol.Reviewing
	require.Eventually(t, func() bool {
		got = append(got, reviews(t, spec.sync())...)
		return len(got) > 0 && got[len(got)-1].Step == 9
	}, 3*time.Second, 20*time.Millisecond, "the last step goes out: %+v", got)
	assert.LessOrEqual(t, len(got), 3, "the start, then the steps coalesced: %+v", got)
}
