package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// engineReplay is GET /api/matches/{id}/replay?viewer=V from the server.
func engineReplay(t *testing.T, base, id, viewer string) protocol.Replay {
	t.Helper()
	res, err := http.Get(base + "/api/matches/" + id + "/replay?viewer=" + viewer)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var r protocol.Replay
	require.NoError(t, json.NewDecoder(res.Body).Decode(&r))
	return r
}

// replaySeat is a seat of the replay's table as the page draws it.
type replaySeat struct {
	Seat  int    `json:"seat"`
	Role  string `json:"role"`
	Alive bool   `json:"alive"`
	Me    bool   `json:"me"`
}

const jsReplaySeats = `[...document.querySelectorAll('#replay-table .seat')].map(e => ({seat: +e.dataset.seat, role: e.dataset.role || '', alive: e.dataset.alive === 'true', me: e.classList.contains('me')}))`

// replayStepShown is the step the replay page shows, from 0, and the
// number of steps it has.
func replayStepShown(p *page) (int, int) {
	p.t.Helper()
	var k, n int
	_, err := fmt.Sscanf(p.text(`document.getElementById('replay-step').textContent`), "Step %d of %d", &k, &n)
	require.NoError(p.t, err)
	return k - 1, n
}

// checkReplayIsEngine holds the replay page to the engine's replay for
// the same point of view: as many steps, and at the step shown, the
// table of the engine's view (every seat's role as that viewer may see
// it, who is alive, whose seat is the viewer's) and its events' words.
func checkReplayIsEngine(t *testing.T, p *page, base, id, viewer string) {
	t.Helper()
	r := engineReplay(t, base, id, viewer)
	k, n := replayStepShown(p)
	require.Equal(t, len(r.Steps), n, "%s: the page has the engine's steps", viewer)
	want := r.Steps[k].View
	var got []replaySeat
	p.eval(jsReplaySeats, &got)
	require.Len(t, got, len(want.Seats))
	me := -1
	if want.You != nil {
		me = want.You.Seat
	}
	for i, s := range want.Seats {
		role := ""
		if s.Role != game.NoRole {
			role = s.Role.String()
		}
		assert.Equal(t, replaySeat{Seat: i, Role: role, Alive: s.Alive, Me: i == me}, got[i], "%s, step %d, seat %d", viewer, k, i)
	}
	now := p.text(`document.getElementById('replay-now').textContent`)
	for _, e := range r.Steps[k].Events {
		if e.Kind == game.EvGameStarted {
			assert.Contains(t, now, "The XVII Congress opens")
		}
	}
	assert.Equal(t, r.Commitment, p.text(`document.getElementById('replay-commitment').textContent`))
	assert.Equal(t, r.Seed.String(), p.text(`document.getElementById('replay-seed').textContent`))
}

// replayMatchID is the match whose replay the page shows, from its
// download link.
func replayMatchID(p *page) string {
	p.t.Helper()
	href := p.text(`document.getElementById('replay-file').getAttribute('href')`)
	return strings.TrimSuffix(strings.TrimPrefix(href, "/api/matches/"), "/file")
}

// chooseViewer picks a point of view in the replay's selector and waits
// for the page to show it.
func chooseViewer(p *page, viewer string, seat int) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(v => { const s = document.getElementById('replay-viewer'); s.value = v; s.dispatchEvent(new Event('change')); return true; })(%q)`, viewer), nil)
	cond := `!document.querySelector('#replay-table .seat.me')`
	if seat >= 0 {
		cond = fmt.Sprintf(`(e => e && +e.dataset.seat === %d)(document.querySelector('#replay-table .seat.me'))`, seat)
	}
	p.wait("the replay as "+viewer, `!document.getElementById('replay-viewer').disabled && `+cond, step)
}

// TestBrowserReplay plays a game of bots through the server, then opens
// its replay in the browser from the match's link: every step the page
// shows is the engine's view for the point of view chosen (everything,
// the gallery, one delegate), and the page shows the seal and the seed
// with the file to verify them.
func TestBrowserReplay(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	wire := &wireServer{url: srv.URL}

	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	created := wire.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &s})
	host := dialWire(t, wire, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	for range 5 {
		host.must(protocol.Host{Action: protocol.HostAddBot, Strength: protocol.StrengthNormal})
	}
	host.must(protocol.Host{Action: protocol.HostStart})
	deadline := time.Now().Add(90 * time.Second)
	for host.sync(); host.view == nil || host.view.Phase != game.PhaseOver; host.sync() {
		require.True(t, time.Now().Before(deadline), "the bots' game did not end")
		if host.view != nil && host.view.Phase != game.PhaseDebate {
			host.do(protocol.Act{Kind: game.CmdEndPhase})
		}
		time.Sleep(100 * time.Millisecond)
	}
	var id string
	for _, m := range host.messages() {
		if m.Type == protocol.TypeLobby {
			var l protocol.Lobby
			host.decode(m, &l)
			id = l.Match
		}
	}
	require.NotEmpty(t, id)

	browser := newBrowser(t)
	p := openPage(t, browser, "Galina", false)
	p.navigate(srv.URL + "/?match=" + id)
	p.wait("the replay", `(document.getElementById('replay-step') || {textContent: ''}).textContent.startsWith('Step')`, step)
	assert.Equal(t, id, replayMatchID(p))
	checkReplayIsEngine(t, p, srv.URL, id, "all")
	for range 3 {
		p.click(`[data-key="forward"]`)
	}
	k, _ := replayStepShown(p)
	require.Equal(t, 3, k)
	checkReplayIsEngine(t, p, srv.URL, id, "all")
	p.click(`[data-key="last"]`)
	checkReplayIsEngine(t, p, srv.URL, id, "all")
	assert.Contains(t, p.text(`document.getElementById('replay-now').textContent`), "Kirov's bloc:", "the last step names the bloc")
	p.shot("10-replay-all")

	// A delegate's point of view: only what they knew, step by step.
	all := engineReplay(t, srv.URL, id, "all")
	for seat := range len(all.Names) {
		if all.Steps[len(all.Steps)-1].View.Seats[seat].Role == game.Loyalist {
			chooseViewer(p, strconv.Itoa(seat), seat)
			p.click(`[data-key="first"]`)
			for range 4 {
				p.click(`[data-key="forward"]`)
			}
			checkReplayIsEngine(t, p, srv.URL, id, strconv.Itoa(seat))
			var roles int
			p.eval(`document.querySelectorAll('#replay-table .seat[data-role]').length`, &roles)
			assert.Equal(t, 1, roles, "a Loyalist knows their own role only, before the end")
			p.shot("11-replay-seat")
			break
		}
	}
	chooseViewer(p, "gallery", -1)
	checkReplayIsEngine(t, p, srv.URL, id, "gallery")
	p.click(`[data-key="first"]`)
	checkReplayIsEngine(t, p, srv.URL, id, "gallery")

	res, err := http.Get(srv.URL + p.text(`document.getElementById('replay-file').getAttribute('href')`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	var f protocol.MatchFile
	require.NoError(t, json.NewDecoder(res.Body).Decode(&f))
	_, err = protocol.Verify(&f)
	assert.NoError(t, err, "the file the page links to verifies")
}
