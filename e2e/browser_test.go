// Package e2e holds the end-to-end tests: a real congress server process,
// real WebSocket clients, and a real headless Chromium driving the
// browser client.
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/server/lobby"
)

// seenRole is a role (or faction) a page showed for a seat while the
// game ran, to be checked against the roles revealed at the end.
type seenRole struct {
	Seat    int    `json:"seat"`
	Role    string `json:"role"`
	Faction string `json:"faction"`
}

// button is an action the page offers now.
type button struct {
	Act    string `json:"act"`
	Target int    `json:"target"`
	Key    string `json:"key"`
}

// JavaScript the test reads the pages with.
const (
	jsScreen  = `document.querySelector('.verdict') ? 'end' : document.querySelector('.game') ? 'game' : document.querySelector('.members') ? 'lobby' : ''`
	jsMySeat  = `(e => e ? +e.dataset.seat : -1)(document.querySelector('.seat.me'))`
	jsButtons = `[...document.querySelectorAll('.actions [data-act]')].filter(b => !b.disabled).map(b => ({act: b.dataset.act, target: b.dataset.target === undefined ? -1 : +b.dataset.target, key: b.dataset.key}))`
	jsChosen  = `(e => e ? +e.dataset.target : -1)(document.querySelector('.actions .targets button.chosen'))`
	jsRoles   = `[...document.querySelectorAll('.seat[data-role], .seat[data-faction], .roster [data-role]')].map(e => ({seat: +e.dataset.seat, role: e.dataset.role || '', faction: e.dataset.faction || ''}))`
	jsFile    = `(e => e ? e.dataset.role : '')(document.querySelector('.dossier[data-role]'))`
	jsPhase   = `(e => e ? e.textContent : '')(document.getElementById('phase-h'))`
	jsMarkup  = `document.querySelectorAll('#app b, #app img, #app script, #app i').length`
	jsRoster  = `[...document.querySelectorAll('.roster [data-role]')].map(e => ({seat: +e.dataset.seat, role: e.dataset.role}))`
)

// gathering is a lobby as TestBrowserLobbyGathers fills it: the host,
// four delegates who came four ways (Clara's through a line the test can
// cut, Dmitri on a phone) and a spectator.
type gathering struct {
	srv       *browserServer
	code      string
	invite    string
	watch     string
	line      *flakyLine
	host      *page
	delegates []*page // the host first
	gallery   *page
	byName    map[string]*page
}

// all is every page of the gathering, the gallery last.
func (g *gathering) all() []*page { return append(slices.Clone(g.delegates), g.gallery) }

// gather opens a public lobby from the front page as Anna, sets short
// timers one field at a time, and seats Boris from the public list, Clara
// and Elena by the invite link, Dmitri by the code on his phone, and a
// spectator by the watch link. elena is the name Elena types.
func gather(t *testing.T, browser context.Context, srv *browserServer, elena string) *gathering {
	t.Helper()
	g := &gathering{srv: srv, byName: map[string]*page{}}
	host := openPage(t, browser, "Anna", false)
	host.navigate(srv.URL + "/")
	host.wait("the front page", `document.getElementById('create')`, step)
	host.shot("01-landing")
	host.accessible("the front page")
	host.typeIn("#create-name", "Anna")
	host.click("#vis-public")
	host.click("#create")
	host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	g.host, g.code = host, host.text(`location.pathname.split('/').pop()`)
	require.Len(t, g.code, 6, "lobby code in the URL")
	g.invite = host.text(`document.getElementById('invite-link').value`)
	g.watch = host.text(`document.getElementById('watch-link').value`)
	assert.Contains(t, g.invite, "/l/"+g.code)
	assert.Contains(t, g.watch, "/l/"+g.code)
	assert.Contains(t, host.text(`document.getElementById('start-status').textContent`), "5 to 12", "why Start is not possible")

	// Short timers, typed into the host's settings, one field at a time.
	for field, value := range map[string]string{
		"debate_seconds": "300", "defence_seconds": "3", "vote_seconds": "20",
		"confession_seconds": "4", "night_seconds": "10", "final_ballot_seconds": "20", "chair_pick_seconds": "5",
	} {
		host.typeIn("#set-"+field, value+"\t")
		host.wait("setting "+field, fmt.Sprintf(`document.getElementById('set-%s').value === %q && document.activeElement.id !== 'set-%s'`, field, value, field), step)
	}

	boris := openPage(t, browser, "Boris", false)
	boris.navigate(srv.URL + "/")
	boris.wait("the public list", fmt.Sprintf(`document.querySelector('#public-lobbies [data-code=%q]')`, g.code), step)
	boris.typeIn("#join-name", "Boris")
	boris.click(fmt.Sprintf(`#public-lobbies [data-code=%q] [data-key^="join-"]`, g.code))
	boris.wait("Boris seated", `document.querySelectorAll('.member[data-member]').length === 2`, step)

	// Clara's network is a line the test can cut.
	g.line = newFlakyLine(t, srv.addr)
	clara := openPage(t, browser, "Clara", false)
	clara.navigate(g.line.URL + "/l/" + g.code)
	clara.accessible("the lobby's door")
	clara.typeIn("#door-name", "Clara")
	clara.click("#door-join")
	dmitri := openPage(t, browser, "Dmitri", true)
	dmitri.navigate(srv.URL + "/")
	dmitri.typeIn("#join-code", strings.ToLower(g.code))
	dmitri.typeIn("#join-name", "Dmitri")
	dmitri.click("#join")
	elenaPage := openPage(t, browser, "Elena", false)
	elenaPage.navigate(g.invite)
	elenaPage.typeIn("#door-name", elena)
	elenaPage.click("#door-join")
	g.delegates = []*page{host, boris, clara, dmitri, elenaPage}
	for _, p := range g.delegates {
		g.byName[p.name] = p
		p.wait("five seated", `document.querySelectorAll('.member[data-member]').length === 5`, step)
	}

	// The gallery opens by the spectators' link.
	g.gallery = openPage(t, browser, "Gallery", false)
	g.gallery.navigate(g.watch)
	g.gallery.wait("the spectator in the lobby", `document.querySelectorAll('.member[data-member]').length === 5`, step)
	return g
}

// TestBrowserLobbyGathers: a host opens a public lobby and sets its
// orders; four delegates come four ways (the public list, the invite
// link, the code typed on a phone) and a spectator by the watch link.
// Every delegate sees the host's orders; chat before the game stays text
// whatever it looks like; the host hands the lobby on, the new host
// kicks a delegate, who is told once, and four cannot start.
func TestBrowserLobbyGathers(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	g := gather(t, browser, srv, "<b>Elena</b>")
	host, boris, elena := g.host, g.byName["Boris"], g.byName["Elena"]

	// Two changes in one breath, the second sent before the server has
	// answered the first: both must stand (each goes out as the whole set
	// of orders, so the second must not carry the first one's old value).
	host.changeOrders([2]string{"spectator_delay_seconds", "45"}, [2]string{"max_spectators", "40"})
	// A bot comes and goes.
	host.click(`[data-key="bot-normal"]`)
	host.wait("a bot seated", `document.querySelector('.member[data-bot="true"]')`, step)
	host.click(`.member[data-bot="true"] [data-key^="rm-"]`)
	host.wait("the bot removed", `!document.querySelector('.member[data-bot="true"]')`, step)
	boris.wait("the last orders", `document.querySelector('[data-setting="max_spectators"]').textContent === '40'`, step)
	for field, want := range map[string]string{
		"debate_seconds": "300 s", "defence_seconds": "3 s", "vote_seconds": "20 s", "confession_seconds": "4 s",
		"night_seconds": "10 s", "final_ballot_seconds": "20 s", "chair_pick_seconds": "5 s",
		"spectator_delay_seconds": "45 s", "max_spectators": "40",
	} {
		assert.Equal(t, want, boris.text(fmt.Sprintf(`document.querySelector('[data-setting=%q]').textContent`, field)), "the host's %s, as the delegates see it", field)
	}

	// Chat before the game; a name and a line that look like markup stay text.
	boris.typeIn("#chat-input", "Greetings, <b>comrades</b>!\n")
	for _, p := range g.delegates {
		p.wait("Boris's greeting", `document.getElementById('chat-lines').textContent.includes('Greetings, <b>comrades</b>!')`, step)
	}
	for _, p := range g.all() {
		var n int
		// The lobby's one image is the QR code of the invite.
		p.eval(`document.querySelectorAll('#app b, #app img:not(#invite-qr), #app script, #app i').length`, &n)
		assert.Zero(t, n, "%s: user text became markup", p.name)
	}
	g.gallery.typeIn("#chat-input", "The gallery is full tonight.\n")
	g.gallery.wait("the gallery's line", `document.getElementById('chat-lines').textContent.includes('The gallery is full tonight.')`, step)

	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.shot("02-lobby")
	g.byName["Dmitri"].shot("03-lobby-phone")
	host.accessible("the host's lobby, full")
	g.byName["Dmitri"].accessible("the lobby on a phone")
	g.gallery.accessible("the gallery's lobby")

	// The host hands the lobby to Boris, who kicks Elena: she is told
	// once, and four delegates cannot start, and the lobby says why.
	memberID := func(name string) string {
		return host.text(fmt.Sprintf(`[...document.querySelectorAll('.member[data-member]')].find(e => e.querySelector('.name').textContent === %q).dataset.member`, name))
	}
	borisID, elenaID := memberID("Boris"), memberID("<b>Elena</b>")
	host.click(fmt.Sprintf(`[data-key="mk-%s"]`, borisID))
	boris.wait("Boris's host controls", `document.getElementById('start')`, step)
	host.wait("Anna without host controls", `!document.getElementById('start')`, step)
	boris.click(fmt.Sprintf(`[data-key="kick-%s"]`, elenaID))
	jsKickTold := `document.body.textContent.split(` + jsString(lobby.KickedMessage) + `).length - 1`
	elena.wait("Elena told she was removed", jsKickTold+` >= 1`, step)
	time.Sleep(3 * time.Second) // long enough for a reconnect to say it again
	var told int
	elena.eval(jsKickTold, &told)
	assert.Equal(t, 1, told, "the kick is said once")
	elena.accessible("the kick")
	elena.screens("kicked")
	boris.wait("four seated", `document.querySelectorAll('.member[data-member]').length === 4`, step)
	assert.Contains(t, boris.text(`document.getElementById('start-status').textContent`), "4 are seated")
	assert.True(t, boris.text(`String(document.getElementById('start').disabled)`) == "true", "Start disabled with four")
}

// watchRoles reads, on every round of a game, the roles each page shows,
// for the check at the end that nobody saw what they were not entitled to.
type watchRoles struct {
	gallery *page
	seen    map[*page][]seenRole
	files   map[*page]string
}

func newWatchRoles(gallery *page) *watchRoles {
	return &watchRoles{gallery: gallery, seen: map[*page][]seenRole{}, files: map[*page]string{}}
}

// observe reads the screen and the roles it shows in one go, so that the
// end of the game cannot come between the two; it reports the screen.
func (w *watchRoles) observe(p *page) string {
	var o struct {
		Screen string     `json:"screen"`
		Roles  []seenRole `json:"roles"`
		File   string     `json:"file"`
	}
	p.eval(`({screen: `+jsScreen+`, roles: `+jsRoles+`, file: `+jsFile+`})`, &o)
	if o.Screen != "game" {
		return o.Screen
	}
	w.seen[p] = append(w.seen[p], o.Roles...)
	// The file seals itself at each new phase: what it showed when open counts.
	if p != w.gallery && o.File != "" {
		w.files[p] = o.File
	}
	return o.Screen
}

// check holds what was seen to the roles revealed at the end (truth, by
// seat): before the end each delegate saw their own role and, in Kirov's
// bloc, the bloc's; the gallery saw none; each file showed its role.
func (w *watchRoles) check(t *testing.T, seat map[*page]int, truth map[int]string) {
	t.Helper()
	plotter := func(r string) bool { return r == "plotter" || r == "kirov" }
	for p, rs := range w.seen {
		for _, r := range rs {
			if p == w.gallery {
				t.Errorf("the spectator saw seat %d's role (%s%s) before the end", r.Seat, r.Role, r.Faction)
				continue
			}
			mine := truth[seat[p]]
			switch {
			case r.Seat == seat[p]:
				assert.Equal(t, mine, r.Role, "%s's own role", p.name)
			case plotter(mine) && plotter(truth[r.Seat]) && r.Role == truth[r.Seat]:
				// A Plotter knows the bloc.
			default:
				t.Errorf("%s (%s) saw seat %d as %q/%q before the end; it is %s", p.name, mine, r.Seat, r.Role, r.Faction, truth[r.Seat])
			}
		}
	}
	for p := range seat {
		assert.Equal(t, truth[seat[p]], w.files[p], "%s's file showed their role", p.name)
	}
}

// TestBrowserGameToTheEnd: five friends and a spectator play a whole
// game, clicked through. The Congress opens with every file sealed and
// tells screen readers whose move it is; the host adjourns and resumes
// it. No page shows a seat's role that its viewer is not entitled to
// before the end; at the end every role is shown to all, the replay steps
// through the engine's replay of the match, the host calls a rematch, and
// the archive on the front page replays the match from its file.
func TestBrowserGameToTheEnd(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	start := time.Now()
	g := gather(t, browser, srv, "<b>Elena</b>")
	host, dmitri, gallery := g.host, g.byName["Dmitri"], g.gallery
	delegates, all := g.delegates, g.all()
	g.gallery.typeIn("#chat-input", "The gallery is full tonight.\n")
	g.gallery.wait("the gallery's line", `document.getElementById('chat-lines').textContent.includes('The gallery is full tonight.')`, step)

	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")
	for _, p := range all {
		p.wait("the game", `document.querySelector('.game')`, step)
	}
	// Screen readers hear the phase, and a delegate hears it is their move.
	host.wait("the phase announced", `document.getElementById('announce').textContent.includes('The Debate')`, step)
	assert.Contains(t, host.text(`document.getElementById('announce').textContent`), "Your move")
	for _, p := range all {
		var n int
		p.eval(jsMarkup, &n)
		assert.Zero(t, n, "%s: user text became markup", p.name)
		if p == gallery {
			continue
		}
		assert.NotContains(t, p.text(`document.body.innerText`), "The gallery is full tonight.", "%s: the gallery's chat reached a delegate", p.name)
	}
	seat := map[*page]int{}
	for _, p := range delegates {
		var s int
		p.eval(jsMySeat, &s)
		require.GreaterOrEqual(t, s, 0, "%s has a seat", p.name)
		seat[p] = s
		// The file is sealed until pressed.
		assert.Empty(t, p.text(jsFile), "%s: the role card starts sealed", p.name)
		p.click(`[data-key="role-toggle"]`)
		p.wait("the open file", `document.querySelector('.dossier[data-role]')`, step)
	}
	host.accessible("the Debate, file open")
	gallery.accessible("the Debate from the gallery")

	// The host adjourns the Congress: the clock stops, nobody may move,
	// and each is told who may resume it. Then the Debate goes on.
	host.click(`[data-key="pause"]`)
	for _, p := range delegates {
		p.wait("the Congress adjourned", `document.querySelector('.banner .timer').textContent === 'Adjourned' && !document.querySelector('button[data-act]')`, step)
		moves := p.text(`document.getElementById('act-h').parentElement.textContent`)
		if p == host {
			assert.Contains(t, moves, "You have adjourned the Congress. Resume it when the delegates are ready.")
		} else {
			assert.Contains(t, moves, "The Congress is adjourned. Wait for the host to resume it.", p.name)
		}
		assert.NotContains(t, moves, "goes on", "%s: an adjourned Debate does not go on", p.name)
	}
	host.accessible("the adjourned Congress")
	host.click(`[data-key="resume"]`)
	for _, p := range delegates {
		p.wait("the Congress resumed", `document.querySelector('.banner .timer').textContent !== 'Adjourned' && document.querySelector('button[data-act="ready"]')`, step)
	}

	// The game, clicked through. Every page is read on every round: the
	// roles it shows are kept for the check at the end.
	watch := newWatchRoles(gallery)
	debateShot := false
	checked := map[string]bool{} // the phases axe has looked at, by page
	deadline := time.Now().Add(240 * time.Second)
	for {
		over := 0
		for _, p := range all {
			if watch.observe(p) == "end" {
				over++
				continue
			}
			if p == host || p == dmitri || p == gallery {
				if phase := p.text(jsPhase); !checked[p.name+phase] {
					checked[p.name+phase] = true
					p.accessible(phase)
				}
			}
			if p == gallery {
				continue
			}
			var bs []button
			p.eval(jsButtons, &bs)
			var chosen int
			p.eval(jsChosen, &chosen)
			// Everyone denounces first; in the first Debate, Ready waits
			// for the screenshots.
			if sel := pick(bs, chosen, debateShot); sel != "" {
				if os.Getenv("BROWSER_DEBUG") != "" {
					t.Logf("%s %.1fs %q chosen=%d click %s", p.name, time.Since(start).Seconds(), p.text(jsPhase), chosen, sel)
				}
				p.tryClick(sel)
			}
		}
		if over == len(all) {
			break
		}
		if !debateShot && allChosen(delegates) {
			host.shot("04-debate")
			dmitri.shot("05-debate-phone")
			gallery.shot("06-spectator")
			debateShot = true
		}
		if time.Now().After(deadline) {
			for _, p := range all {
				p.shot("stuck-" + p.name)
			}
			t.Logf("the minutes:\n%s", host.text(`document.querySelector('.log').innerText`))
			t.Fatalf("the game did not end in time (at %q)", host.text(jsPhase))
		}
		time.Sleep(150 * time.Millisecond)
	}

	// The end: every role revealed, to delegates and spectators alike.
	truth := map[int]string{}
	var roster []seenRole
	host.eval(jsRoster, &roster)
	require.Len(t, roster, 5, "every file opened at the end")
	for _, r := range roster {
		truth[r.Seat] = r.Role
	}
	for _, p := range all {
		var rs []seenRole
		p.eval(jsRoster, &rs)
		assert.Len(t, rs, 5, "%s sees every role at the end", p.name)
		assert.NotEmpty(t, p.text(`document.querySelector('.verdict h1').textContent`), "%s sees the winner", p.name)
	}
	host.shot("07-end")
	dmitri.shot("08-end-phone")
	host.accessible("the end")
	dmitri.accessible("the end on a phone")
	gallery.accessible("the end from the gallery")
	watch.check(t, seat, truth)

	// The replay steps through the engine's replay of the match with
	// every role visible: each step the engine's view.
	host.click("#replay")
	host.wait("the replay", `(document.getElementById('replay-step') || {textContent: ''}).textContent.startsWith('Step')`, step)
	first := host.text(`document.getElementById('replay-now').textContent`)
	assert.Contains(t, first, "The XVII Congress opens")
	matchID := replayMatchID(host)
	checkReplayIsEngine(t, host, srv.URL, matchID, "all")
	for range 6 {
		host.click(`[data-key="forward"]`)
	}
	assert.Contains(t, host.text(`document.getElementById('replay-step').textContent`), "Step 7 of")
	host.click(`[data-key="back"]`)
	assert.Contains(t, host.text(`document.getElementById('replay-step').textContent`), "Step 6 of")
	checkReplayIsEngine(t, host, srv.URL, matchID, "all")
	var replayRoles int
	host.eval(`document.querySelectorAll('.seat[data-role]').length`, &replayRoles)
	assert.Equal(t, 5, replayRoles, "the replay shows every role")
	host.shot("09-replay")
	host.accessible("the replay")
	host.click(`[data-key="close"]`)

	// Play again: the host calls a rematch and everyone is back in the lobby.
	host.click("#rematch")
	for _, p := range all {
		p.wait("the lobby again", `document.querySelector('.members') && !document.querySelector('.game')`, step)
	}
	host.wait("Start possible again", `!document.getElementById('start').disabled`, step)

	// The archive on the front page replays the match from its file.
	gallery.navigate(srv.URL + "/")
	gallery.wait("the match in the archive", `document.querySelector('#archive [data-match]')`, step)
	gallery.click(`#archive [data-key^="replay-"]`)
	gallery.wait("the replay from the file", `(document.getElementById('replay-step') || {textContent: ''}).textContent.startsWith('Step')`, step)
	gallery.click(`[data-key="last"]`)
	checkReplayIsEngine(t, gallery, srv.URL, replayMatchID(gallery), "all")
	assert.Contains(t, gallery.text(`document.getElementById('replay-now').textContent`), "Kirov's bloc:", "the last step names the bloc")
	var fileRoles int
	gallery.eval(`document.querySelectorAll('.seat[data-role]').length`, &fileRoles)
	assert.Equal(t, 5, fileRoles, "the file's replay shows every role")

	t.Logf("played a whole game in the browser in %s", time.Since(start).Round(time.Second))
}

// TestBrowserGameSurvives: in the middle of a Debate one delegate
// reloads, another loses the network for a while, and the server
// restarts. Each comes back to the same seat and the same mark; what was
// typed and done offline is sent once the line is back; and the game
// then goes on to its end with every role kept where it belongs.
func TestBrowserGameSurvives(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	g := gather(t, browser, srv, "Elena")
	host, boris, clara, gallery := g.host, g.byName["Boris"], g.byName["Clara"], g.gallery
	delegates, all := g.delegates, g.all()
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")
	seat := map[*page]int{}
	for _, p := range all {
		p.wait("the game", `document.querySelector('.game')`, step)
	}
	for _, p := range delegates {
		var s int
		p.eval(jsMySeat, &s)
		require.GreaterOrEqual(t, s, 0, "%s has a seat", p.name)
		seat[p] = s
		p.click(`[data-key="role-toggle"]`)
		p.wait("the open file", `document.querySelector('.dossier[data-role]')`, step)
	}
	watch := newWatchRoles(gallery)
	// denounce has p denounce the lowest seat it may, and waits for the mark.
	denounce := func(p *page) int {
		var bs []button
		p.eval(jsButtons, &bs)
		sel := pick(bs, -1, false)
		require.NotEmpty(t, sel, "%s may denounce", p.name)
		p.click(sel)
		p.wait("the mark", `(`+jsChosen+`) >= 0`, step)
		var c int
		p.eval(jsChosen, &c)
		return c
	}
	for _, p := range delegates {
		denounce(p)
		watch.observe(p)
	}

	// A reload mid-game finds the same seat and the same mark.
	var chosen int
	boris.eval(jsChosen, &chosen)
	boris.do(chromedp.Reload())
	boris.wait("the game after the reload", `document.querySelector('.game')`, step)
	var s int
	boris.eval(jsMySeat, &s)
	assert.Equal(t, seat[boris], s, "the reload resumed Boris's seat")
	boris.wait("Boris's mark after the reload", fmt.Sprintf(`(%s) === %d`, jsChosen, chosen), step)
	boris.click(`[data-key="role-toggle"]`)
	watch.observe(boris)

	// The network drops: the page says so, keeps what Clara types and
	// does, and sends it once the line is back.
	g.line.cut()
	clara.wait("the reconnecting banner", `!document.getElementById('reconnecting').hidden`, step)
	// Scrolled down, the bar stays in sight while the clock runs.
	clara.eval(`(scrollTo(0, 700), 1)`, nil)
	clara.wait("the reconnecting bar in sight after a scroll", `scrollY > 0 && `+onScreen("#reconnecting"), step)
	clara.typeIn("#chat-input", "Still here, comrades.\n")
	clara.wait("the unsent line kept", `(e => e && e.textContent.includes('Still here, comrades.'))(document.querySelector('#chat-pending .pending'))`, step)
	// A move made offline waits for the line, then goes.
	clara.click(`[data-key="withdraw"]`)
	clara.shot("10-reconnecting")
	clara.accessible("the reconnecting bar")
	time.Sleep(time.Second)
	g.line.restore()
	clara.wait("the line back", `document.getElementById('reconnecting').hidden && document.getElementById('conn').dataset.state === 'open'`, 20*time.Second)
	host.wait("Clara's line after the reconnect", `document.getElementById('chat-lines').textContent.includes('Still here, comrades.')`, step)
	clara.wait("Clara's withdrawal, made offline, taken after the reconnect", `(`+jsChosen+`) === -1 && document.querySelector('.actions [data-act="denounce"]:not([disabled])')`, step)
	assert.Empty(t, clara.text(`document.querySelector('#chat-pending .pending') ? 'pending' : ''`), "no line left pending")
	denounce(clara)

	// The server restarts mid-game: every page reconnects by itself and
	// finds the game where it was.
	var before int
	host.eval(jsChosen, &before)
	srv.stop(t)
	host.wait("the reconnecting banner", `!document.getElementById('reconnecting').hidden`, step)
	srv.start(t)
	for _, p := range all {
		p.wait("the game after the restart", `document.getElementById('conn').dataset.state === 'open' && document.querySelector('.game')`, 30*time.Second)
	}
	host.wait("Anna's mark after the restart", fmt.Sprintf(`(%s) === %d`, jsChosen, before), step)
	host.accessible("the game after a restart")

	// The game goes on to its end.
	deadline := time.Now().Add(240 * time.Second)
	for {
		over := 0
		for _, p := range all {
			if watch.observe(p) == "end" {
				over++
				continue
			}
			if p == gallery {
				continue
			}
			var bs []button
			p.eval(jsButtons, &bs)
			var c int
			p.eval(jsChosen, &c)
			if sel := pick(bs, c, true); sel != "" {
				p.tryClick(sel)
			}
		}
		if over == len(all) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the game did not end in time (at %q)", host.text(jsPhase))
		}
		time.Sleep(150 * time.Millisecond)
	}
	truth := map[int]string{}
	var roster []seenRole
	host.eval(jsRoster, &roster)
	require.Len(t, roster, 5, "every file opened at the end")
	for _, r := range roster {
		truth[r.Seat] = r.Role
	}
	watch.check(t, seat, truth)
}

// pick chooses what a delegate clicks now: the action the phase asks
// for, against the lowest seat offered, so that the table agrees on one
// Accused; Ready only once ready is true.
func pick(bs []button, chosen int, ready bool) string {
	sel := func(b button) string {
		if b.Target >= 0 {
			return fmt.Sprintf(`.actions [data-act=%q][data-target="%d"]`, b.Act, b.Target)
		}
		return fmt.Sprintf(`.actions [data-key=%q]`, b.Key)
	}
	lowest := func(act string) (button, bool) {
		var best button
		found := false
		for _, b := range bs {
			if b.Act == act && (!found || b.Target < best.Target) {
				best, found = b, true
			}
		}
		return best, found
	}
	for _, b := range bs {
		if b.Act == "purge_vote" && b.Key == "purge" {
			return sel(b)
		}
	}
	for _, act := range []string{"chair_pick", "confess", "letter", "investigate", "strike"} {
		if b, ok := lowest(act); ok {
			return sel(b)
		}
	}
	if b, ok := lowest("denounce"); ok && chosen < 0 {
		return sel(b)
	}
	if ready {
		for _, b := range bs {
			if b.Act == "ready" {
				return sel(b)
			}
		}
	}
	return ""
}

// allChosen reports whether every delegate has a denunciation standing.
func allChosen(ps []*page) bool {
	for _, p := range ps {
		var c int
		p.eval(jsChosen, &c)
		if c < 0 {
			return false
		}
	}
	return true
}

// tryClick clicks if the element is still there: the page may have moved
// on since it was read.
func (p *page) tryClick(sel string) {
	var ok bool
	// Scrolled to the middle first, as a person would, clear of the
	// sticky phase banner.
	p.eval(fmt.Sprintf(`(e => !!e && !e.disabled && (e.scrollIntoView({block: 'center'}), true))(document.querySelector(%q))`, sel), &ok)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	var err error
	if p.phone {
		err = chromedp.Do(ctx, chromedp.Tap(chromedp.CSS(sel)))
	} else {
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
	}
	if err != nil {
		p.t.Logf("%s: clicking %s: %v", p.name, sel, err)
	}
}

// TestBrowserServerRestart restarts the server under a connected page:
// the page shows that it is reconnecting, keeps what is typed meanwhile,
// and comes back to its seat when the server kept the lobby, or says
// plainly that the pass no longer opens it when the server did not.
func TestBrowserServerRestart(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	// By keyboard alone: Tab to the name, type it, Enter.
	anna := openPage(t, browser, "Anna", false)
	anna.navigate(srv.URL + "/")
	anna.wait("the front page", `document.getElementById('create-name')`, step)
	for range 10 {
		if anna.text(`document.activeElement.id`) == "create-name" {
			break
		}
		anna.do(chromedp.KeyEvent(kb.Tab))
	}
	require.Equal(t, "create-name", anna.text(`document.activeElement.id`), "the name field is reached by Tab")
	anna.do(chromedp.KeyEvent("Anna"), chromedp.KeyEvent(kb.Enter))
	anna.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	code := anna.text(`location.pathname.split('/').pop()`)

	srv.stop(t)
	anna.wait("the reconnecting banner", `!document.getElementById('reconnecting').hidden`, step)
	anna.typeIn("#chat-input", "Is anyone there?\n")
	anna.wait("the unsent line kept", `(e => e && e.textContent.includes('Is anyone there?'))(document.querySelector('#chat-pending .pending'))`, step)
	anna.shot("11-server-restart")
	srv.start(t)

	anna.wait("back in the lobby, or at its door", `(document.getElementById('conn').dataset.state === 'open' && document.querySelector('.members')) || document.getElementById('door-name')`, 30*time.Second)
	res, err := http.Get(srv.URL + "/api/lobbies/" + code)
	require.NoError(t, err)
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		anna.wait("Anna's seat again", `(e => e && e.textContent.includes('Anna'))(document.querySelector('.member[data-member]'))`, step)
		anna.wait("the line sent after the restart", `document.getElementById('chat-lines').textContent.includes('Is anyone there?')`, step)
		return
	}
	t.Log("the server did not keep the lobby across the restart; the page must say so")
	anna.wait("the door", `document.getElementById('door-name')`, step)
	assert.NotEmpty(t, anna.text(`(e => e && !e.hidden ? e.textContent : '')(document.querySelector('.refusal'))`), "the door says why")
}
