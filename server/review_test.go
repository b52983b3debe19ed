package server

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// overLobby is a lobby whose game of the host and four bots has ended,
// with a spectator watching: its host and the spectator.
func (e *env) overLobby() (host, spec *client) {
	e.t.Helper()
	host, code := e.botLobby(false, 4)
	spec = e.dial(nil)
	spec.send(protocol.Watch{Lobby: code})
	spec.welcome()
	host.ok(protocol.Host{Action: protocol.HostStart})
	host.hurryToTheEnd()
	host.sync()
	spec.sync()
	return host, spec
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
		got = append(got, typed[protocol.Reviewing](t, spec.sync(), protocol.TypeReviewing)...)
		return len(got) > 0 && got[len(got)-1].Step == 9
	}, 3*time.Second, 20*time.Millisecond, "the last step goes out: %+v", got)
	assert.LessOrEqual(t, len(got), 3, "the start, then the steps coalesced: %+v", got)
}
