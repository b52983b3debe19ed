package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// reviewShown is where a page's replay is: its step, from 0, and its
// point of view.
func reviewShown(p *page) (int, string) {
	p.t.Helper()
	k, _ := replayStepShown(p)
	return k, p.text(`document.getElementById('replay-viewer').value`)
}

// followsTo waits until the page's replay shows step k from viewer.
func followsTo(p *page, k int, viewer string) {
	p.t.Helper()
	p.wait(fmt.Sprintf("step %d as %s", k+1, viewer), fmt.Sprintf(`(s => s && s.textContent.startsWith('Step %d of'))(document.getElementById('replay-step')) && document.getElementById('replay-viewer').value === %q && !document.getElementById('replay-viewer').disabled`, k+1, viewer), step)
}

// TestBrowserReview: after a game the host starts the review together.
// A delegate (at a desk) and a spectator (on a phone) follow every step
// and point of view the host picks, with the lobby's chat beside the
// replay; the delegate steps away, looks around alone and follows again;
// the host ends the review and everyone is back at the results; started
// again, the rematch ends it.
func TestBrowserReview(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	wire := &wireServer{url: srv.URL}
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	created := wire.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &s})
	code := created.Code

	browser := newBrowser(t)
	host := openPage(t, browser, "Anna", false)
	host.navigate(srv.URL + "/")
	host.eval(fmt.Sprintf(`(localStorage.setItem("congress.token.%s", %q), true)`, code, created.Token), nil)
	host.navigate(srv.URL + "/l/" + code)
	host.wait("the host's lobby", `document.getElementById('start')`, step)
	boris := openPage(t, browser, "Boris", false)
	boris.navigate(srv.URL + "/l/" + code)
	boris.typeIn("#door-name", "Boris")
	boris.click("#door-join")
	boris.wait("Boris seated", `document.querySelectorAll('.member[data-member]').length === 2`, step)
	gallery := openPage(t, browser, "Gallery", true)
	gallery.navigate(srv.URL + "/l/" + code + "?watch")
	gallery.wait("the gallery", `document.querySelectorAll('.member[data-member]').length === 2`, step)
	host.addBots("normal", 3)
	host.click("#start")
	for _, p := range []*page{host, boris, gallery} {
		p.wait("the end of the game", `document.querySelector('.verdict')`, 120*time.Second)
	}
	assert.Equal(t, "0", boris.text(`String(document.querySelectorAll("#review-start").length)`), "only the host may start the review")
	host.shotAt("review-end-host", ".verdict")

	// The host starts it: everyone is taken to the first step.
	host.click("#review-start")
	host.wait("the host's review", `document.querySelector('#review-bar[data-state="leading"]')`, step)
	followsTo(host, 0, "all")
	for _, p := range []*page{boris, gallery} {
		p.wait("following", `document.querySelector('#review-bar[data-state="following"]')`, step)
		assert.Contains(t, p.text(`document.getElementById('review-now').innerText`), "Following Anna's review")
		followsTo(p, 0, "all")
	}
	var chatSide bool
	boris.eval(jsVisible+`('.review-side .chat')`, &chatSide)
	assert.True(t, chatSide, "the lobby's chat beside the replay at a desk")

	// Steps, then a seat's point of view.
	for range 4 {
		host.click(`[data-key="forward"]`)
	}
	k, _ := reviewShown(host)
	require.Equal(t, 4, k)
	followsTo(boris, 4, "all")
	followsTo(gallery, 4, "all")
	chooseViewer(host, "2", 2)
	k, _ = reviewShown(host)
	for _, p := range []*page{boris, gallery} {
		followsTo(p, k, "2")
		p.wait("seat 2's point of view", `(e => e && e.dataset.seat === '2')(document.querySelector('#replay-table .seat.me'))`, step)
	}
	checkReplayIsEngine(t, boris, srv.URL, replayMatchID(boris), "2")
	host.screens("review-host")
	boris.screens("review-delegate")
	gallery.screens("review-gallery-phone")

	// The chat, beside it: a phone has it as a pane.
	boris.typeIn("#chat-input", "Look at the second night\n")
	host.wait("Boris's line in the review's chat", `document.getElementById('chat-lines').innerText.includes('Look at the second night')`, step)
	gallery.click(`[data-pane="chat"]`)
	var shown, replayShown bool
	gallery.wait("the chat pane", `document.querySelector('.review[data-pane="chat"]')`, step)
	gallery.eval(jsVisible+`('.review-side .chat')`, &shown)
	gallery.eval(jsVisible+`('#replay-table')`, &replayShown)
	assert.True(t, shown, "the chat pane on a phone")
	assert.False(t, replayShown, "one pane at a time on a phone")
	gallery.screens("review-gallery-chat-phone")
	gallery.click(`[data-pane="replay"]`)

	// Boris steps away and looks around alone; he follows again.
	boris.click("#review-away")
	boris.wait("stepped away", `document.querySelector('#review-bar[data-state="away"]')`, step)
	boris.click(`[data-key="first"]`)
	host.click(`[data-key="forward"]`)
	k, _ = reviewShown(host)
	followsTo(gallery, k, "2")
	bk, _ := reviewShown(boris)
	assert.Equal(t, 0, bk, "away, Boris's replay is his own")
	boris.shotAt("review-away", "#review-bar")
	boris.click("#review-follow")
	followsTo(boris, k, "2")

	// A follower who moves the replay steps away by it.
	gallery.click(`[data-key="back"]`)
	gallery.wait("stepped away by moving", `document.querySelector('#review-bar[data-state="away"]')`, step)
	gallery.click("#review-follow")
	followsTo(gallery, k, "2")
	boris.accessible("the review, following")
	host.accessible("the review, leading")

	// The host ends it: everyone is back at the results.
	host.click("#review-end")
	for _, p := range []*page{host, boris, gallery} {
		p.wait("the results again", `document.querySelector('.verdict') && !document.getElementById('review-bar')`, step)
	}

	// Started again, the rematch ends it and everyone is in the lobby.
	host.click("#review-start")
	boris.wait("following again", `document.querySelector('#review-bar[data-state="following"]')`, step)
	host.click("#review-rematch")
	for _, p := range []*page{host, boris, gallery} {
		p.wait("the lobby after the rematch", `document.querySelector('.members') && !document.getElementById('review-bar')`, step)
	}
}
